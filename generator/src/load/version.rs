//! The version check: which OpenAPI or Swagger version a document declares,
//! read from its JSON value before anything is deserialized.

use serde_json::Value;

use crate::diagnostics::{Code, Diagnostic};
use crate::model::Version;

/// The version `value` (the document at `path`) declares: Swagger 2.0,
/// OpenAPI 3.0.x or 3.1.x; any other is an error located at the version
/// field.
pub(super) fn check_version(path: &str, value: &Value) -> Result<Version, Diagnostic> {
    if let Some(swagger) = value.get("swagger") {
        let text = swagger.as_str().map_or_else(|| swagger.to_string(), str::to_owned);
        return match text.as_str() {
            "2.0" => Ok(Version::Swagger2),
            _ => Err(Diagnostic::new(
                Code::UnsupportedVersion,
                path,
                "/swagger",
                format!("Swagger `{}` is not a version this generator reads (2.0, or OpenAPI 3.0 and 3.1)", text.escape_debug()),
            )),
        };
    }
    match value.get("openapi").and_then(Value::as_str) {
        Some(version) if version.starts_with("3.0") => Ok(Version::OpenApi30),
        Some(version) if version.starts_with("3.1") => Ok(Version::OpenApi31),
        Some(version) => Err(Diagnostic::new(
            Code::UnsupportedVersion,
            path,
            "/openapi",
            format!("OpenAPI `{}` is not supported; this generator reads OpenAPI 3.0.x and 3.1.x and Swagger 2.0", version.escape_debug()),
        )),
        None => Err(Diagnostic::new(Code::InvalidDocument, path, "", "not an OpenAPI document: the `openapi` version field is missing")),
    }
}

#[cfg(test)]
mod tests {
    use crate::diagnostics::Code;
    use crate::load::load_spec;
    use crate::load::tests::files;
    use crate::model::Version;

    #[test]
    fn reads_each_version_and_rejects_others_with_a_location() {
        let loader = files(&[
            ("s.yaml", "swagger: '2.0'\ninfo: {title: t, version: '1'}\npaths: {}\n"),
            ("t.yaml", "openapi: 3.1.0\ninfo: {title: t, version: '1'}\n"),
            ("u.yaml", "swagger: '1.2'\n"),
            ("v.yaml", "openapi: 4.0.0\n"),
        ]);
        assert_eq!(load_spec("s.yaml", &loader).map(|d| d.version).ok(), Some(Version::Swagger2));
        assert_eq!(load_spec("t.yaml", &loader).map(|d| d.version).ok(), Some(Version::OpenApi31));
        let error = load_spec("u.yaml", &loader).expect_err("swagger 1.2");
        assert_eq!(error.iter().next().map(|d| (d.code, d.pointer.as_str())), Some((Code::UnsupportedVersion, "/swagger")));
        let error = load_spec("v.yaml", &loader).expect_err("4.0");
        assert_eq!(error.iter().next().map(|d| (d.code, d.pointer.as_str())), Some((Code::UnsupportedVersion, "/openapi")));
    }
}
