//! Collecting the files a document's `$ref`s name, confined to the spec's
//! directory tree.

use serde_json::Value;

use crate::confine::join_ref;

/// What the `$ref`s of one document point at.
#[derive(Debug, Default)]
pub(super) struct Refs {
    /// Other files, as paths for the loader (see [`join_ref`]), each once.
    pub(super) files: Vec<String>,
}

/// Collects the `$ref`s of `value`, a document loaded as `from`, confined
/// to the tree `root` (see [`join_ref`]). A file outside the tree is never listed (so never
/// loaded); `resolve` reports a `$ref` to one where something follows it.
pub(super) fn collect_refs(value: &Value, root: &str, from: &str, found: &mut Refs) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(reference)) = map.get("$ref") {
                let file = reference.split_once('#').map_or(reference.as_str(), |(file, _)| file);
                if !file.is_empty()
                    && let Ok(target) = join_ref(root, from, file)
                    && !found.files.contains(&target)
                {
                    found.files.push(target);
                }
            }
            for child in map.values() {
                collect_refs(child, root, from, found);
            }
        }
        Value::Array(items) => items.iter().for_each(|child| collect_refs(child, root, from, found)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use crate::Loader;
    use crate::confine::Refusal;
    use crate::diagnostics::Code;
    use crate::load::tests::files;

    /// A loader that records every path it is asked for.
    struct Recording(BTreeMap<String, String>, std::cell::RefCell<Vec<String>>);

    impl Loader for Recording {
        fn load(&self, path: &str) -> Result<String, String> {
            self.1.borrow_mut().push(path.to_owned());
            self.0.load(path)
        }
    }

    #[test]
    fn refs_outside_the_tree_are_located_and_never_loaded() {
        let root = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    Abs: {$ref: '/etc/secret.yaml#/S'}\n    Up: {$ref: 'sub/../../secret.yaml#/S'}\n    Url: {$ref: 'file:///etc/secret.yaml#/S'}\n    Web: {$ref: 'https://example.com/x.yaml#/S'}\n    Fine: {$ref: 'sub/../common/ok.yaml#/S'}\n    Deep: {$ref: 'common/ok.yaml#/T'}\n    List:\n      allOf:\n        - {$ref: 'common/ok.yaml#/S'}\n        - {$ref: 'C:\\\\secret.yaml#/S'}\n      example: {$ref: '/etc/data-not-a-ref.yaml'}\n";
        let loader = Recording(
            files(&[
                ("specs/api.yaml", root),
                ("specs/common/ok.yaml", "S: {type: string}\nT: {$ref: '../../secret.yaml#/S'}\n"),
                ("secret.yaml", "S: {type: string}\n"),
                ("/etc/secret.yaml", "S: {type: string}\n"),
            ]),
            Default::default(),
        );
        let specs = [crate::SpecInput { path: "specs/api.yaml".to_owned(), module: "api".to_owned() }];
        let error = crate::generate(&specs, &loader, &crate::Config::default()).expect_err("refs outside the tree");
        let found: Vec<(Code, &str, &str)> = error.iter().map(|d| (d.code, d.file.as_str(), d.pointer.as_str())).collect();
        let outside = Code::RefOutsideSpecTree;
        // Every `$ref` that is followed is reported; the one inside an
        // example is data and is neither followed nor reported.
        for expected in [
            (outside, "specs/api.yaml", "/components/schemas/Abs"),
            (outside, "specs/api.yaml", "/components/schemas/Up"),
            (outside, "specs/api.yaml", "/components/schemas/Url"),
            (outside, "specs/api.yaml", "/components/schemas/Web"),
            (outside, "specs/api.yaml", "/components/schemas/List/allOf/1"),
            (outside, "specs/common/ok.yaml", "/T"),
        ] {
            assert!(found.contains(&expected), "{expected:?} in {found:?}");
        }
        assert!(!found.iter().any(|(_, _, pointer)| pointer.contains("example")), "{found:?}");
        // (Files are read again to locate the problems' lines.)
        let read: std::collections::BTreeSet<String> = loader.1.borrow().iter().cloned().collect();
        assert_eq!(read, ["specs/api.yaml", "specs/common/ok.yaml"].map(str::to_owned).into(), "only files inside the tree are read");
        let message = |file: &str, pointer: &str| {
            error.iter().find(|d| d.file == file && d.pointer == pointer).map(|d| d.message.clone()).unwrap_or_default()
        };
        let absolute = message("specs/api.yaml", "/components/schemas/Abs");
        assert!(absolute.starts_with("`$ref` names `/etc/secret.yaml`, an absolute path"), "{absolute}");
        assert!(absolute.contains("directory `specs` and below"), "{absolute}");
        let nested = message("specs/common/ok.yaml", "/T");
        assert!(nested.starts_with("this `$ref` names a path"), "a referenced file's text is not quoted: {nested}");
        let hidden = Refusal::Absolute.message(Some("/x\u{202e}\n.yaml"), "a.yaml");
        assert!(hidden.contains(r"`/x\u{202e}\u{a}.yaml`") && hidden.contains("directory `.`"), "{hidden}");
    }
}
