//! The file-system front end: a client generated from a build script, and
//! the disk [`DiskLoader`] every front end shares (this crate's build
//! scripts, the `oagen` command line and `cargo xtask`). The only module
//! of this crate that touches the file system; the pipeline itself stays
//! pure ([`crate::generate`]).
//!
//! In a `build.rs`:
//!
//! ```text
//! fn main() -> Result<(), Box<dyn std::error::Error>> {
//!     generator::build::Builder::new("openapi.yaml").generate()?;
//!     Ok(())
//! }
//! ```
//!
//! and at the root of `src/lib.rs` (or `main.rs`):
//!
//! ```text
//! include!(concat!(env!("OUT_DIR"), "/openapi.rs"));
//! ```
//!
//! The client needs the dependencies [`crate::runtime_dependencies`] lists
//! in the crate's `[dependencies]`. To keep the client in a module, include
//! `openapi.runtime.rs` at the crate root (generated code names
//! `crate::runtime`) and `openapi.modules.rs` inside the module.

use std::collections::BTreeSet;
use std::fmt;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::{Config, Diagnostic, Diagnostics, Layout, Loader, Settings, SpecInput, module_name_for_path};

/// Reads spec files relative to a base directory (the workspace root for
/// `cargo xtask codegen`, the current directory for the command line, the
/// crate's directory for a build script), and records every file it was
/// asked for (a build script reruns when one changes).
///
/// The second wall behind the generator's own `$ref` confinement: a file is
/// read only if it lies inside one of the `trees` once both are
/// canonicalized, so `..` and symbolic links (to files or to directories)
/// cannot lead out of it. Only a spec named on the command line is read
/// wherever it is.
#[derive(Debug)]
pub struct DiskLoader {
    /// Directory that relative paths are resolved against.
    base: PathBuf,
    /// The directory trees referenced files must be in (relative to
    /// `base`, or absolute).
    trees: Vec<PathBuf>,
    /// Specs named on the command line, as the generator names them: read
    /// as given.
    named: Vec<String>,
    /// Every path asked for, as the generator named it.
    asked: Mutex<BTreeSet<String>>,
}

impl DiskLoader {
    /// A loader resolving relative paths against `base` that reads the
    /// specs `named` on the command line and files inside `trees`.
    pub fn new<T: Into<PathBuf>>(base: impl Into<PathBuf>, trees: impl IntoIterator<Item = T>, named: Vec<String>) -> Self {
        Self { base: base.into(), trees: trees.into_iter().map(Into::into).collect(), named, asked: Mutex::new(BTreeSet::new()) }
    }

    /// Every path the generator asked for so far (read or not: a missing
    /// file that appears later changes the result too), relative to the
    /// base as the generator named them, sorted.
    pub fn asked(&self) -> Vec<String> {
        match self.asked.lock() {
            Ok(asked) => asked.iter().cloned().collect(),
            Err(poisoned) => poisoned.into_inner().iter().cloned().collect(),
        }
    }

    /// The canonical path of `path`, if it is inside a tree.
    fn confined(&self, path: &str) -> Result<PathBuf, String> {
        let file = fs::canonicalize(self.base.join(path)).map_err(|error| error.to_string())?;
        for tree in &self.trees {
            let tree = self.base.join(tree);
            let tree = fs::canonicalize(&tree).map_err(|error| format!("cannot resolve the spec directory {}: {error}", tree.display()))?;
            if file.starts_with(&tree) {
                return Ok(file);
            }
        }
        Err("refused: the file is outside the root spec's directory (or the `--ref-root` directory) once symbolic links and `..` are resolved"
            .to_owned())
    }
}

impl Loader for DiskLoader {
    fn load(&self, path: &str) -> Result<String, String> {
        match self.asked.lock() {
            Ok(mut asked) => asked.insert(path.to_owned()),
            Err(poisoned) => poisoned.into_inner().insert(path.to_owned()),
        };
        let file = if self.named.iter().any(|named| named == path) {
            self.base.join(path)
        } else {
            // Read the checked, canonical path, not the name again.
            self.confined(path)?
        };
        fs::read_to_string(file).map_err(|error| error.to_string())
    }
}

/// Generates a client from a build script into `OUT_DIR` (see the module
/// documentation). Options are the [`Config`]'s; spec paths are relative
/// to the crate's directory (a build script's current directory).
#[derive(Debug, Clone)]
pub struct Builder {
    specs: Vec<String>,
    name: String,
    out_dir: Option<PathBuf>,
    config: Config,
}

impl Builder {
    /// A client for the spec at `spec` (YAML or JSON: Swagger 2.0, OpenAPI
    /// 3.0 or 3.1), written as `openapi.rs` and `openapi/` in `OUT_DIR`.
    pub fn new(spec: impl Into<String>) -> Self {
        let config = Config { regenerate_command: "cargo build (build.rs: generator::build::Builder)".to_owned(), ..Config::default() };
        Self { specs: vec![spec.into()], name: "openapi".to_owned(), out_dir: None, config }
    }

    /// One more spec: each is a module (named after its file,
    /// [`module_name_for_path`]) and all share one runtime.
    pub fn spec(mut self, spec: impl Into<String>) -> Self {
        self.specs.push(spec.into());
        self
    }

    /// The name of the files in `OUT_DIR`: `{name}.rs` (default:
    /// `openapi`), its halves `{name}.runtime.rs` and `{name}.modules.rs`,
    /// and the directory `{name}/`. Two clients in one crate need two
    /// names (and two crates, as the runtime's macros are exported at the
    /// crate root).
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = name.into();
        self
    }

    /// Where to write instead of `OUT_DIR`.
    pub fn out_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.out_dir = Some(dir.into());
        self
    }

    /// Choices about the shape of the generated code.
    pub fn settings(mut self, settings: Settings) -> Self {
        self.config.settings = settings;
        self
    }

    /// Only the operations with one of these tags (and the types they use).
    pub fn only_tags<S: Into<String>>(mut self, tags: impl IntoIterator<Item = S>) -> Self {
        self.config.only_tags = tags.into_iter().map(Into::into).collect();
        self
    }

    /// Warnings (interpretations of a sloppy spec) fail the build.
    pub fn strict(mut self, strict: bool) -> Self {
        self.config.strict = strict;
        self
    }

    /// Leave out operations the generator cannot handle (each printed as a
    /// warning) instead of failing.
    pub fn skip_unsupported(mut self, skip: bool) -> Self {
        self.config.skip_unsupported = skip;
        self
    }

    /// Detect paginated operations from their shape (the default); off,
    /// only `x-pagination` declarations paginate.
    pub fn detect_pagination(mut self, detect: bool) -> Self {
        self.config.detect_pagination = detect;
        self
    }

    /// `$ref`s may read files anywhere below `dir` (relative to the crate's
    /// directory), which must hold the specs; by default only below each
    /// spec's own directory.
    pub fn ref_root(mut self, dir: impl Into<String>) -> Self {
        self.config.ref_root = Some(dir.into());
        self
    }

    /// Generates and writes the client, printing `cargo:rerun-if-changed`
    /// for every spec and every file its `$ref`s read, and every warning
    /// (and, on failure, every error) as a `cargo:warning` line located in
    /// the spec (`file:line:column#pointer`). Returns the warnings; an
    /// error (which fails a build script that returns it) says what went
    /// wrong.
    pub fn generate(self) -> Result<Vec<Diagnostic>, Error> {
        let out_dir = match &self.out_dir {
            Some(dir) => dir.clone(),
            None => std::env::var_os("OUT_DIR").map(PathBuf::from).ok_or(Error::NoOutDir)?,
        };
        let mut stdout = io::stdout().lock();
        self.generate_into(&out_dir, &mut stdout)
    }

    /// [`Builder::generate`] into `out_dir`, the `cargo:` lines to `lines`.
    fn generate_into(self, out_dir: &Path, lines: &mut dyn io::Write) -> Result<Vec<Diagnostic>, Error> {
        let valid_name = self.name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') && !self.name.is_empty();
        if !valid_name {
            return Err(Error::Name(self.name));
        }
        let out_dir = std::path::absolute(out_dir).map_err(|error| Error::Io(format!("{}: {error}", out_dir.display())))?;
        let dir = out_dir.join(&self.name);
        let dir_text = dir.to_str().ok_or_else(|| Error::Io(format!("{}: not valid UTF-8", dir.display())))?.to_owned();
        let config = Config { layout: Layout::Include { dir: dir_text }, ..self.config };
        let specs: Vec<SpecInput> =
            self.specs.iter().map(|path| SpecInput { path: path.clone(), module: module_name_for_path(path) }).collect();
        let trees: Vec<PathBuf> = match &config.ref_root {
            Some(root) => vec![PathBuf::from(root)],
            None => self.specs.iter().map(|spec| Path::new(spec).parent().map_or_else(PathBuf::new, Path::to_path_buf)).collect(),
        };
        let loader = DiskLoader::new(".", trees, self.specs.clone());
        let result = crate::generate(&specs, &loader, &config);
        let print = |lines: &mut dyn io::Write, text: String| writeln!(lines, "{text}").map_err(|error| Error::Io(error.to_string()));
        for path in loader.asked() {
            print(lines, format!("cargo:rerun-if-changed={path}"))?;
        }
        let output = match result {
            Ok(output) => output,
            Err(diagnostics) => {
                for diagnostic in diagnostics.iter() {
                    let kind = if diagnostic.is_error() { "error: " } else { "" };
                    print(lines, format!("cargo:warning={kind}{}", one_line(&diagnostic.to_string())))?;
                }
                return Err(Error::Diagnostics(diagnostics));
            }
        };
        for diagnostic in output.skipped.iter().chain(&output.warnings) {
            print(lines, format!("cargo:warning={}", one_line(&diagnostic.to_string())))?;
        }
        // The mock helpers are behind `#[cfg(feature = "mock")]`: declared
        // here, a crate without that feature gets no `unexpected_cfgs`
        // warning (one with it enables the helpers: docs/generating.md).
        print(lines, "cargo:rustc-check-cfg=cfg(feature, values(\"mock\"))".to_owned())?;
        for (path, text) in &output.files {
            let target = match path.as_str() {
                "src/lib.rs" => out_dir.join(format!("{}.rs", self.name)),
                "src/lib.runtime.rs" => out_dir.join(format!("{}.runtime.rs", self.name)),
                "src/lib.modules.rs" => out_dir.join(format!("{}.modules.rs", self.name)),
                other => dir.join(other.strip_prefix("src/").unwrap_or(other)),
            };
            write_if_changed(&target, text).map_err(|error| Error::Io(format!("{}: {error}", target.display())))?;
        }
        Ok(output.warnings)
    }
}

/// A diagnostic on one line (a `cargo:` line ends at a line break).
fn one_line(text: &str) -> String {
    text.replace(['\r', '\n'], " ")
}

/// Writes `text` unless the file holds it already (an unchanged file keeps
/// its time, so the including crate is not rebuilt).
fn write_if_changed(path: &Path, text: &str) -> io::Result<()> {
    if fs::read(path).is_ok_and(|existing| existing == text.as_bytes()) {
        return Ok(());
    }
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent)?;
    }
    fs::write(path, text)
}

/// Why [`Builder::generate`] failed.
#[derive(Debug)]
pub enum Error {
    /// The specs have problems (each also printed as a `cargo:warning`).
    Diagnostics(Diagnostics),
    /// `OUT_DIR` is not set: not running in a build script, and no
    /// [`Builder::out_dir`].
    NoOutDir,
    /// [`Builder::name`] is not a file name of ASCII letters, digits, `_`
    /// and `-`.
    Name(String),
    /// Writing the files failed.
    Io(String),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Diagnostics(diagnostics) => f.write_str(&diagnostics.render_failure(" in the spec; no client was generated")),
            Error::NoOutDir => f.write_str("OUT_DIR is not set: call `generate` from a build script, or set `Builder::out_dir`"),
            Error::Name(name) => write!(f, "{name:?} is not a file name of ASCII letters, digits, `_` and `-`"),
            Error::Io(message) => f.write_str(message),
        }
    }
}

impl std::error::Error for Error {}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fresh directory under the system temp dir, removed on drop.
    struct TempDir(PathBuf);

    impl TempDir {
        fn new(label: &str) -> Self {
            let path = std::env::temp_dir().join(format!("generator-build-{label}-{}", std::process::id()));
            let _ = fs::remove_dir_all(&path);
            fs::create_dir_all(&path).expect("a temporary directory");
            Self(path)
        }
    }

    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = fs::remove_dir_all(&self.0);
        }
    }

    const SPEC: &str = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /pets:\n    get:\n      operationId: listPets\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {$ref: 'schemas/pet.yaml#/Pet'}\n";

    /// The files, the include roots with absolute `#[path]`s, and one
    /// `rerun-if-changed` per file read (the spec and its `$ref`s).
    #[test]
    fn writes_the_client_and_names_every_file_read() {
        let temp = TempDir::new("ok");
        let spec_dir = temp.0.join("spec");
        fs::create_dir_all(spec_dir.join("schemas")).expect("spec dir");
        fs::write(spec_dir.join("api.yaml"), SPEC).expect("spec");
        fs::write(spec_dir.join("schemas/pet.yaml"), "Pet: {type: object, properties: {name: {type: string}}}\n").expect("schema");
        let spec = spec_dir.join("api.yaml").to_string_lossy().into_owned();
        let mut lines = Vec::new();
        let warnings = Builder::new(spec.clone()).out_dir(temp.0.join("out")).generate_into(&temp.0.join("out"), &mut lines);
        assert_eq!(warnings.map_err(|error| error.to_string()), Ok(Vec::new()));
        let lines = String::from_utf8(lines).expect("utf-8");
        let schema = spec_dir.join("schemas/pet.yaml").to_string_lossy().into_owned();
        assert_eq!(
            lines,
            format!(
                "cargo:rerun-if-changed={spec}\ncargo:rerun-if-changed={schema}\ncargo:rustc-check-cfg=cfg(feature, values(\"mock\"))\n"
            )
        );
        let root = fs::read_to_string(temp.0.join("out/openapi.rs")).expect("the include file");
        let dir = temp.0.join("out/openapi");
        assert!(root.contains(&format!("#[path = {:?}]", format!("{}/runtime/mod.rs", dir.display()))), "{root}");
        assert!(root.contains("pub use api::*;"), "{root}");
        let types = fs::read_to_string(dir.join("api/types.rs")).expect("the models");
        assert!(types.contains("\n__impl_object!(crate::runtime; Serialize + Deserialize for Pet {"), "macros called by name: {types}");
        assert!(!types.contains("crate::__"), "{types}");
        let object = fs::read_to_string(dir.join("runtime/object.rs")).expect("the runtime");
        assert!(object.contains("__impl_object!($($rt)::+; Serialize for") && !object.contains("$crate::__"), "{object}");
        for file in ["openapi.runtime.rs", "openapi.modules.rs", "openapi/runtime/mod.rs", "openapi/api/mod.rs", "openapi/api/types.rs"] {
            assert!(temp.0.join("out").join(file).is_file(), "{file}");
        }
    }

    /// Errors are `cargo:warning` lines located in the spec, and fail.
    #[test]
    fn diagnostics_are_cargo_warnings() {
        let temp = TempDir::new("broken");
        fs::write(temp.0.join("api.yaml"), "openapi: 3.0.3\ninfo: [\n").expect("spec");
        let spec = temp.0.join("api.yaml").to_string_lossy().into_owned();
        let mut lines = Vec::new();
        let error = Builder::new(spec.clone()).generate_into(&temp.0.join("out"), &mut lines).expect_err("a syntax error");
        assert!(matches!(error, Error::Diagnostics(_)), "{error}");
        let lines = String::from_utf8(lines).expect("utf-8");
        assert!(lines.starts_with(&format!("cargo:rerun-if-changed={spec}\ncargo:warning=error: {spec}:")), "{lines}");
        assert!(!temp.0.join("out").exists(), "nothing written");
    }
}
