//! OpenAPI documents (Swagger 2.0, OpenAPI 3.0 and 3.1) in, formatted Rust
//! client code out.
//!
//! The API is small: [`generate`] runs the whole pipeline over
//! [`SpecInput`]s, reading spec text through a [`Loader`], configured by a
//! [`Config`], and returns an [`Output`] (file path → contents, plus the
//! [`Diagnostic`] warnings) or every problem found ([`Diagnostics`]).
//! [`module_name_for_path`] is the module name `cargo xtask` gives a spec;
//! [`RUNTIME_FILES`] and [`runtime_dependencies`] are the runtime every
//! generated crate carries.
//!
//! Inside, the pipeline is a chain of pure stages, each a private module
//! (ARCHITECTURE.md has the code map):
//!
//! ```text
//! load ─► read (per version) ─► model ─► resolve ─► lower (IR) ─► paginate
//!      ─► analyze ─► validate ─► features ─► emit (quote!) ─► format (prettyplease)
//! ```
//!
//! The generator performs no I/O: the caller supplies spec text through a
//! [`Loader`] and receives file contents back in an [`Output`]. Writing
//! files is the job of the `xtask` crate.

#![deny(missing_docs)]

// The stages are private: the crate's API is the facade below. Within the
// crate, each stage's `pub` items are what the other stages may use.
mod analyze;
mod context;
mod diagnostics;
mod emit;
mod examples;
mod features;
mod format;
mod ir;
mod load;
mod locate;
mod lower;
mod media;
mod model;
mod naming;
mod paginate;
mod pointer;
mod read;
mod resolve;
/// The runtime's reserved client and builder method names: the runtime's
/// own file, so the list is written once.
#[path = "../runtime/src/names.rs"]
mod runtime_names;
mod streams;
mod validate;

use std::collections::BTreeMap;

pub use diagnostics::{Code, Diagnostic, Diagnostics, Severity};
pub use emit::{RUNTIME_FILES, runtime_dependencies};
pub use naming::{module_name_for_path, type_name};

/// Supplies the text of spec files. The generator never touches the file
/// system itself; `xtask` passes a loader that reads from disk and tests pass
/// an in-memory map.
pub trait Loader {
    /// Returns the text of the file at `path` (as written in the spec input
    /// or resolved relative to the referring file).
    fn load(&self, path: &str) -> Result<String, String>;
}

impl Loader for BTreeMap<String, String> {
    fn load(&self, path: &str) -> Result<String, String> {
        self.get(path).cloned().ok_or_else(|| format!("no such file: {path}"))
    }
}

/// One spec to turn into one Rust module.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecInput {
    /// Path of the root document, as the loader understands it. Used in
    /// diagnostics and to resolve relative `$ref`s.
    pub path: String,
    /// Name of the generated Rust module (a valid snake_case identifier);
    /// see [`naming::module_name_for_path`].
    pub module: String,
}

/// What shape of crate to produce.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Layout {
    /// Only the `src/` tree (the workspace's `generated-client` keeps its
    /// hand-written `Cargo.toml`). Every spec becomes a public module.
    Modules,
    /// A complete crate: `Cargo.toml` plus `src/`. With exactly one spec its
    /// items are also re-exported from the crate root.
    Standalone {
        /// Package name for `Cargo.toml`.
        crate_name: String,
    },
}

/// Options for one generation run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// The command a human runs to regenerate the output; written into the
    /// header line of every generated file.
    pub regenerate_command: String,
    /// The crate layout to produce.
    pub layout: Layout,
    /// When true, operations that use unsupported constructs are left out
    /// (and reported in [`Output::skipped`]) instead of failing the run.
    pub skip_unsupported: bool,
    /// When not empty, only operations tagged with one of these tags are
    /// generated, and only the types they use: a slice of an API too large
    /// to compile whole.
    pub only_tags: Vec<String>,
    /// When true (the default), paginated operations are detected from
    /// their shape; `x-pagination` declarations apply either way.
    pub detect_pagination: bool,
    /// When true, every warning (an interpretation the generator made of
    /// a sloppy spec) is an error and fails the run.
    pub strict: bool,
    /// Choices about the shape of the generated code.
    pub settings: Settings,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            regenerate_command: "cargo xtask codegen".to_owned(),
            layout: Layout::Modules,
            skip_unsupported: false,
            only_tags: Vec::new(),
            detect_pagination: true,
            strict: false,
            settings: Settings::default(),
        }
    }
}

/// Choices about the shape of the generated code (as opposed to how specs
/// are read, which [`Config`] holds).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// Which serde impls model types get.
    pub serde_impls: SerdeImpls,
    /// The Rust types of `format: date-time` and `format: date` strings.
    pub date_time: DateTimes,
    /// Whether models derive `PartialEq` besides `Debug` and `Clone`
    /// (default: yes, so responses can be compared in tests). Enums of
    /// values always do.
    pub partial_eq: bool,
    /// When operations take a parameter struct.
    pub parameters: Parameters,
    /// Models get serde's `#[derive(Serialize, Deserialize)]` with
    /// attributes instead of the runtime's property tables: the code serde
    /// users know, at about 2.5 times the `cargo check` time on large APIs
    /// (docs/generating.md, "Fast to compile"). Default: the tables.
    pub serde_derive: bool,
}

/// When an operation takes a `…Params` struct (its query, header and
/// cookie parameters).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Parameters {
    /// Only when it has such parameters (the default): the shortest calls.
    /// The first optional parameter a spec adds then changes the
    /// operation's signature.
    #[default]
    WhenAny,
    /// Always, `Default` when all are optional (an empty struct when there
    /// are none): no optional parameter the spec adds breaks a caller that
    /// writes `&…Params { …, ..Default::default() }`.
    Always,
}

impl Settings {
    /// The defaults, as a constant (so a `static` can hold them).
    pub(crate) const DEFAULT: Settings = Settings {
        serde_impls: SerdeImpls::Both,
        date_time: DateTimes::Chrono,
        partial_eq: true,
        parameters: Parameters::WhenAny,
        serde_derive: false,
    };
}

impl Default for Settings {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// The Rust types of `format: date-time` and `format: date` strings.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum DateTimes {
    /// `chrono::DateTime<chrono::Utc>` and `chrono::NaiveDate` (the
    /// default): parsed and checked when a response is decoded.
    #[default]
    Chrono,
    /// `String`, as sent: for servers whose timestamps are not quite
    /// RFC 3339 (a response with one would otherwise fail to decode).
    String,
}

/// Which serde impls model types get.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum SerdeImpls {
    /// `Serialize` on what requests send, `Deserialize` on what responses
    /// carry, both on types no operation uses (and everything they use).
    AsUsed,
    /// Both on every type (the default): responses can be stored or
    /// forwarded, and test fixtures built from them.
    #[default]
    Both,
}

/// Generated files, keyed by path relative to the crate root
/// (`src/lib.rs`, `src/pack_cloud/types.rs`, …). Ordered, so iteration
/// and therefore output is deterministic.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Output {
    /// File path → file contents.
    pub files: BTreeMap<String, String>,
    /// Operations left out because they use unsupported constructs (only
    /// with [`Config::skip_unsupported`]), each with the reason.
    pub skipped: Vec<Diagnostic>,
    /// Interpretations the generator made instead of refusing, each located
    /// and saying what was done ([`Diagnostic::severity`] is `Warning`).
    /// Never empty by omission: callers print them.
    pub warnings: Vec<Diagnostic>,
}

/// Runs the whole pipeline over `specs`. Either every spec generates, or all
/// problems found in all specs are returned together.
pub fn generate(specs: &[SpecInput], loader: &dyn Loader, config: &Config) -> Result<Output, Diagnostics> {
    let mut diagnostics = Diagnostics::default();
    let mut modules = Vec::new();
    let mut skipped = Vec::new();
    let mut warnings = Vec::new();
    let context = context::Context::new(config);
    // The compiler's recursion limit the crate needs (0: the default).
    let mut recursion_limit = 0;
    for spec in specs {
        let result = load::load_spec(&spec.path, loader).and_then(|docs| {
            let mut api = lower::lower(&docs, &context)?;
            // Before analysis changes the types (tags detached from
            // variants): examples are read as the spec wrote them.
            let mut found = examples::check(&docs, &api);
            api.warnings.append(&mut found.warnings);
            api.examples = found.bodies;
            api.samples = found.samples;
            Ok(api)
        });
        match result {
            Ok(mut api) => {
                let mut pagination_warnings = paginate::assign(&mut api, context.detect_pagination);
                api.warnings.append(&mut pagination_warnings);
                streams::assign(&mut api);
                analyze::break_cycles(&mut api.types);
                analyze::detach_tags(&mut api);
                analyze::drop_unused_schemes(&mut api);
                analyze::serde_directions(&mut api, context.settings.serde_impls == SerdeImpls::Both);
                if let Some((limit, warning)) = analyze::deep_nesting_warning(&api) {
                    recursion_limit = recursion_limit.max(limit);
                    api.warnings.push(warning);
                }
                if !context.only_tags.is_empty() {
                    // (Examples are tests of the whole API, not of a slice.)
                    api.examples.clear();
                    api.samples = ir::Samples::default();
                    analyze::prune_unused(&mut api);
                }
                // The IR's invariants hold, or nothing is emitted.
                for problem in validate::check(&api) {
                    diagnostics.push(problem);
                }
                skipped.append(&mut api.skipped);
                if config.strict {
                    for mut warning in api.warnings.drain(..) {
                        warning.severity = diagnostics::Severity::Error;
                        diagnostics.push(warning);
                    }
                } else {
                    warnings.append(&mut api.warnings);
                }
                modules.push((spec, api));
            }
            Err(mut found) => diagnostics.append(&mut found),
        }
    }
    if !diagnostics.is_empty() {
        let mut all: Vec<&mut Diagnostic> = diagnostics.iter_mut().collect();
        locate::fill_in(&mut all, loader);
        return Err(diagnostics);
    }
    {
        let mut all: Vec<&mut Diagnostic> = skipped.iter_mut().chain(warnings.iter_mut()).collect();
        locate::fill_in(&mut all, loader);
    }
    let mut output = Output { skipped, warnings, ..Output::default() };
    // Standalone crates get one Cargo feature per tag.
    let features: Vec<Option<features::Features>> = modules
        .iter()
        .map(|(_, api)| {
            matches!(config.layout, Layout::Standalone { .. }).then(|| features::assign(api)).filter(|features| !features.names.is_empty())
        })
        .collect();
    for ((spec, api), features) in modules.iter().zip(&features) {
        for file in emit::module_files(api, features.as_ref()) {
            let path = format!("src/{}/{}", spec.module, file.name);
            let text = format::rust_chunks(&file, &config.regenerate_command, Some(&spec.path))
                .map_err(|message| Diagnostics::from(Diagnostic::new(Code::Internal, &spec.path, "", message)))?;
            output.files.insert(path, text);
        }
    }
    let module_names: Vec<&str> = modules.iter().map(|(spec, _)| spec.module.as_str()).collect();
    let lib = emit::crate_root(&module_names, &config.layout, recursion_limit);
    let lib = format::rust_file(&lib, &config.regenerate_command, None)
        .map_err(|message| Diagnostics::from(Diagnostic::new(Code::Internal, "src/lib.rs", "", message)))?;
    output.files.insert("src/lib.rs".to_owned(), lib);
    for (name, source) in emit::RUNTIME_FILES {
        let origin = format!("generator/runtime/src/{}", if *name == "mod.rs" { "lib.rs" } else { name });
        output.files.insert(format!("src/runtime/{name}"), format::with_header(source, &config.regenerate_command, Some(&origin)));
    }
    if let Layout::Standalone { crate_name } = &config.layout {
        output.files.insert(
            "Cargo.toml".to_owned(),
            format::with_toml_header(
                &emit::standalone_manifest(crate_name, &features.iter().flatten().collect::<Vec<_>>()),
                &config.regenerate_command,
            ),
        );
    }
    Ok(output)
}
