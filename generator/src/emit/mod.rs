//! Stage 5: IR → token streams with `quote!`.
//!
//! * [`types`]: the `types` module (models, parameter structs).
//! * [`client`]: `Client`, `ClientBuilder` and the operation methods;
//!   [`stream`]: the stream methods.
//! * [`mock`]: the `mock` module (typed wiremock helpers, `mock` feature).
//! * [`examples`], [`conformance`]: the generated tests (the spec's
//!   examples round-tripped; every operation called against a mock).
//! * [`calls`]: the runtime's macro calls, written as text.
//! * [`docs`]: descriptions → `#[doc]` attributes (the one sanitizer).
//!
//! The hand-written runtime every generated crate needs is the
//! `oagen-runtime` crate (`generator/runtime/`), copied verbatim
//! ([`RUNTIME_FILES`]) or depended on (`Runtime::Crate`).

mod calls;
mod client;
mod conformance;
mod docs;
mod examples;
mod mock;
mod stream;
mod types;

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

pub use docs::oneline;

use crate::ir::Api;
use crate::ir::Features;
use crate::{Layout, Runtime};

/// The runtime shipped inside every generated crate as its `runtime`
/// module: the files of the `runtime` crate (`generator/runtime/src`), as
/// (file name in `src/runtime/`, source).
pub const RUNTIME_FILES: &[(&str, &str)] = &[
    ("mod.rs", include_str!("../../runtime/src/lib.rs")),
    ("core.rs", include_str!("../../runtime/src/core.rs")),
    ("credentials.rs", include_str!("../../runtime/src/credentials.rs")),
    ("error.rs", include_str!("../../runtime/src/error.rs")),
    ("examples.rs", include_str!("../../runtime/src/examples.rs")),
    ("framing.rs", include_str!("../../runtime/src/framing.rs")),
    ("hooks.rs", include_str!("../../runtime/src/hooks.rs")),
    ("mock.rs", include_str!("../../runtime/src/mock.rs")),
    ("multipart.rs", include_str!("../../runtime/src/multipart.rs")),
    ("names.rs", include_str!("../../runtime/src/names.rs")),
    ("oauth2.rs", include_str!("../../runtime/src/oauth2.rs")),
    ("object.rs", include_str!("../../runtime/src/object.rs")),
    ("paginate.rs", include_str!("../../runtime/src/paginate.rs")),
    ("params.rs", include_str!("../../runtime/src/params.rs")),
    ("redact.rs", include_str!("../../runtime/src/redact.rs")),
    ("request.rs", include_str!("../../runtime/src/request.rs")),
    ("response.rs", include_str!("../../runtime/src/response.rs")),
    ("retry.rs", include_str!("../../runtime/src/retry.rs")),
    ("stream.rs", include_str!("../../runtime/src/stream.rs")),
    ("union.rs", include_str!("../../runtime/src/union.rs")),
];

/// The runtime crate's manifest: its `[dependencies]` are the dependencies
/// of every generated crate (one source of truth).
const RUNTIME_MANIFEST: &str = include_str!("../../runtime/Cargo.toml");

/// The `[dependencies]` lines every generated crate needs.
pub fn runtime_dependencies() -> &'static str {
    let Some(start) = RUNTIME_MANIFEST.find("\n[dependencies]\n") else { return "" };
    let rest = &RUNTIME_MANIFEST[start + "\n[dependencies]\n".len()..];
    let end = rest.find("\n[").map_or(rest.len(), |end| end + 1);
    &rest[..end]
}

/// Lints allowed in generated crates (once, at the crate root), each because spec text or spec
/// structure (not the generator) decides it: descriptions are Markdown for
/// humans (rustdoc and doc lints), operations may have many parameters,
/// variants may share a suffix, and deprecated items are still used by the
/// generated code itself.
fn module_allows() -> TokenStream {
    let lints = allowed_lints();
    quote!(#![allow(#lints)])
}

/// [`module_allows`] as an outer attribute (on an included module).
fn module_allows_outer() -> TokenStream {
    let lints = allowed_lints();
    quote!(#[allow(#lints)])
}

fn allowed_lints() -> TokenStream {
    quote! {
        deprecated,
        clippy::too_many_arguments,
        clippy::large_enum_variant,
        clippy::enum_variant_names,
        clippy::type_complexity,
        clippy::should_implement_trait,
        clippy::wrong_self_convention,
        clippy::doc_lazy_continuation,
        clippy::doc_overindented_list_items,
        clippy::empty_docs,
        clippy::tabs_in_doc_comments,
        rustdoc::bare_urls,
        rustdoc::broken_intra_doc_links,
        rustdoc::invalid_html_tags,
        rustdoc::invalid_rust_codeblocks,
        rustdoc::redundant_explicit_links,
        rustdoc::unescaped_backticks
    }
}

/// A chunk producer: chunk `i` of a file, `None` when that index holds
/// nothing. It borrows only the IR, so any thread can call it.
pub type Chunk<'a> = Box<dyn Fn(usize) -> Option<Piece> + Send + Sync + 'a>;

/// One chunk: items, and the `#[cfg(…)]` every one of them gets (a type
/// comes with its impls, which must come and go with it). `format` puts
/// the attribute on each item once it has parsed them.
#[derive(Default)]
pub struct Piece {
    /// The features that compile the items (none: always compiled).
    pub cfg: Cfg,
    /// The items.
    pub tokens: TokenStream,
    /// Calls of the runtime's macros, as finished text (`calls.rs`), to
    /// follow the items, each under `cfg`.
    pub calls: Vec<String>,
    /// The items are members of `impl <this>` (`Client`, `Trait for
    /// Type`): `format` formats them in such a block, and joins the blocks
    /// of consecutive chunks with the same `impl` into one (one `impl
    /// Client` for all operations, each formatted on its own).
    pub member_of: Option<TokenStream>,
}

impl From<TokenStream> for Piece {
    fn from(tokens: TokenStream) -> Self {
        Self { tokens, ..Self::default() }
    }
}

/// The Cargo features that compile an item: `#[cfg(feature = "a")]`, or
/// `#[cfg(any(feature = "a", …))]`, or nothing.
#[derive(Debug, Clone, Default)]
pub struct Cfg {
    /// `None`: always compiled; `Some` of no feature: never.
    features: Option<Vec<String>>,
}

impl Cfg {
    /// Compiled by any of `features`.
    #[cfg(test)]
    pub(crate) fn of(features: &[&str]) -> Self {
        Self { features: Some(features.iter().map(|name| (*name).to_owned()).collect()) }
    }

    /// The attribute as tokens (nothing when always compiled).
    pub fn tokens(&self) -> TokenStream {
        match self.features.as_deref() {
            None => TokenStream::new(),
            // One feature needs no `any(…)`.
            Some([name]) => quote!(#[cfg(feature = #name)]),
            Some(names) => quote!(#[cfg(any( #( feature = #names ),* ))]),
        }
    }

    /// The attribute as a line of text (several when it is long), for
    /// the calls written as text.
    pub fn text(&self) -> String {
        let Some(features) = &self.features else { return String::new() };
        let names: Vec<String> = features.iter().map(|name| format!("feature = {}", proc_macro2::Literal::string(name))).collect();
        match names.as_slice() {
            [name] => format!("#[cfg({name})]\n"),
            names => {
                let line = format!("#[cfg(any({}))]\n", names.join(", "));
                // (`line` ends with its newline.)
                if line.len() <= calls::MAX_WIDTH + 1 {
                    line
                } else {
                    let rows: String = names.iter().map(|name| format!("    {name},\n")).collect();
                    format!("#[cfg(any(\n{rows}))]\n")
                }
            }
        }
    }
}

/// One generated file as a sequence of chunks, each a complete piece of
/// Rust syntax (the first carries the file's inner attributes). Chunks are
/// independent: `format` produces and formats them a batch at a time (so
/// no file's token streams exist all at once), on up to eight threads, and
/// joins the formatted text in index order, so the output is the same
/// however the work was shared.
pub struct FileChunks<'a> {
    /// File name relative to the module directory.
    pub name: &'static str,
    /// The number of chunk indices (`0..len`).
    pub len: usize,
    /// Chunk `i`.
    pub chunk: Chunk<'a>,
}

impl<'a> FileChunks<'a> {
    /// A file whose chunk 0 is `head` (rendered on demand, as token
    /// streams cannot cross threads) followed by `items`.
    fn new(
        name: &'static str,
        head: impl Fn() -> TokenStream + Send + Sync + 'a,
        (len, items): (usize, impl Fn(usize) -> Option<Piece> + Send + Sync + 'a),
    ) -> Self {
        let chunk = move |index: usize| match index.checked_sub(1) {
            None => Some(Piece::from(head())),
            Some(index) => items(index),
        };
        Self { name, len: len + 1, chunk: Box::new(chunk) }
    }
}

/// The [`Cfg`] of an item compiled by the features `indices` (nothing
/// without features, or when every feature compiles it).
pub(crate) fn cfg_for(features: Option<&Features>, indices: Option<&[usize]>) -> Cfg {
    let (Some(features), Some(indices)) = (features, indices) else { return Cfg::default() };
    Cfg { features: features.subset(indices).map(|names| names.into_iter().map(str::to_owned).collect()) }
}

/// The files of one API module, relative to its directory. With
/// `features`, operations and types are compiled per tag feature.
pub fn module_files<'a>(api: &'a Api, features: Option<&'a Features>) -> Vec<FileChunks<'a>> {
    // A slice of the API leaves credentials and helpers of the other
    // slices unused.
    let allows = move || {
        let full = crate::ir::FULL;
        features.map(|_| quote!(#![cfg_attr(not(feature = #full), allow(dead_code, unused_imports))]))
    };
    let module_head = move || {
        let docs = docs::Doc::new()
            .line(format!("# {} (version {})", docs::oneline(&api.title), docs::oneline(&api.version)))
            .markdown(api.description.as_deref())
            .inner();
        let allows = allows();
        // (A spec whose module is named `examples` holds `examples::examples`.)
        let examples = (!api.examples.is_empty()).then(|| {
            quote!(
                #[cfg(test)]
                #[allow(clippy::module_inception)]
                mod examples;
            )
        });
        let conformance = conformance::wanted(api).then(|| {
            quote!(
                #[cfg(test)]
                #[allow(clippy::module_inception)]
                mod conformance;
            )
        });
        quote! {
            #docs
            #allows

            pub mod types;
            #examples
            #conformance
            #[cfg(feature = "mock")]
            pub mod mock;
        }
    };
    let types_head = move || {
        let types_doc = docs::Doc::new()
            .line(format!("Models of {}: request and response bodies and parameter structs.", client::api_name(&api.title)))
            .inner();
        let allows = allows();
        quote! {
            #types_doc
            #allows
        }
    };
    let mut files = vec![
        FileChunks::new("mod.rs", module_head, client::client_items(api, features)),
        FileChunks::new("types.rs", types_head, types::type_items(api, features)),
    ];
    if !api.examples.is_empty() {
        files.push(FileChunks::new("examples.rs", examples::head, examples::example_items(api, features)));
    }
    if conformance::wanted(api) {
        files.push(FileChunks::new("conformance.rs", move || conformance::head(api), conformance::conformance_items(api, features)));
    }
    files.push(FileChunks::new("mock.rs", move || mock::head(api, features, allows()), mock::items(api, features)));
    files
}

/// `src/lib.rs`: the runtime and one module per spec.
pub fn crate_root(modules: &[&str], layout: &Layout, runtime: &Runtime, recursion_limit: usize) -> TokenStream {
    // Types nested deeper than the compiler checks by default
    // (`analyze::nesting_depth`).
    let limit = (recursion_limit > 0).then(|| {
        let limit = recursion_limit.to_string();
        quote!(#![recursion_limit = #limit])
    });
    let names: Vec<Ident> = modules.iter().map(|module| ident(module)).collect();
    let reexport = match (layout, names.as_slice()) {
        (Layout::Standalone { .. } | Layout::Include { .. }, [only]) => Some(quote!(pub use #only::*;)),
        _ => None,
    };
    let docs: Vec<String> = modules.iter().map(|module| format!(" * [`{module}`]")).collect();
    let allows = module_allows();
    let runtime = runtime_item(runtime);
    quote! {
        //! Typed async API clients generated from OpenAPI specs.
        #![doc = ""]
        #![doc = " Modules:"]
        #![doc = ""]
        #( #![doc = #docs] )*
        #allows
        #limit

        #runtime
        #( pub mod #names; )*
        #reexport
    }
}

/// The crate root's `runtime`: the copied module, or the runtime crate
/// under that name.
fn runtime_item(runtime: &Runtime) -> TokenStream {
    match runtime {
        Runtime::Copied => quote!(
            pub mod runtime;
        ),
        Runtime::Crate { .. } => {
            let package = ident(&Runtime::PACKAGE.replace('-', "_"));
            quote! {
                /// The runtime these modules share with every other client
                /// generated against the same `oagen-runtime` crate.
                pub use #package as runtime;
            }
        }
    }
}

/// The files a build script's crate `include!`s ([`Layout::Include`]),
/// each a list of items (no inner attributes: `include!` takes none): the
/// runtime, the spec modules (with the re-export of a single spec's items),
/// and both. Modules are loaded with `#[path]`s into `dir`, absolute, so
/// the items work wherever they are included; the runtime's must be at the
/// crate root (generated code names `crate::runtime`).
pub fn include_roots(modules: &[&str], dir: &str, runtime: &Runtime) -> [(&'static str, TokenStream); 3] {
    let names: Vec<Ident> = modules.iter().map(|module| ident(module)).collect();
    let paths: Vec<String> = modules.iter().map(|module| format!("{dir}/{}/mod.rs", module.trim_start_matches("r#"))).collect();
    let reexport = match names.as_slice() {
        [only] => Some(quote!(pub use #only::*;)),
        _ => None,
    };
    let runtime_path = format!("{dir}/runtime/mod.rs");
    let allows = module_allows_outer();
    // `#[macro_use]`: the runtime's macros are called by name (see
    // `textual_macro_calls`), so they are in scope after it.
    let runtime = match runtime {
        Runtime::Copied => quote! {
            #allows
            #[macro_use]
            #[path = #runtime_path]
            pub mod runtime;
        },
        Runtime::Crate { .. } => runtime_item(runtime),
    };
    let api = quote! {
        #(
            #allows
            #[path = #paths]
            pub mod #names;
        )*
        #reexport
    };
    let both = quote!(#runtime #api);
    [("src/lib.rs", both), ("src/lib.runtime.rs", runtime), ("src/lib.modules.rs", api)]
}

/// A runtime file of [`Layout::Include`] output with the runtime's macros
/// calling each other by name (`__impl_object!(…)`) instead of by path
/// (`$crate::__impl_object!`): included code is macro-expanded, and rustc
/// refuses paths to `#[macro_export]` macros defined in macro-expanded code
/// (`macro_expanded_macro_exports_accessed_by_absolute_paths`). Generated
/// code calls them by name already (`ir::MacroCalls::ByName`). The
/// runtime's files are trusted text, copied verbatim.
pub fn textual_macro_calls(text: &str) -> String {
    const PREFIX: &str = "$crate::__";
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(index) = rest.find(PREFIX) {
        let (before, after) = rest.split_at(index);
        let name = &after[PREFIX.len()..];
        let name_length = name.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(name.len());
        out.push_str(before);
        out.push_str(if name[name_length..].starts_with('!') { "__" } else { PREFIX });
        rest = name;
    }
    out.push_str(rest);
    out
}

/// The runtime's root (`runtime/mod.rs`) of [`Layout::Include`] output
/// with `#[macro_use]` on every file module it declares, so the macros
/// its files define are in scope, by name, after it (see
/// [`textual_macro_calls`]).
pub fn macro_use_modules(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 256);
    for line in text.split_inclusive('\n') {
        let item = line.trim_end().strip_prefix("pub ").unwrap_or(line.trim_end());
        let declares = item
            .strip_prefix("mod ")
            .and_then(|rest| rest.strip_suffix(';'))
            .is_some_and(|name| !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'));
        if declares {
            out.push_str("#[macro_use]\n");
        }
        out.push_str(line);
    }
    out
}

/// `Cargo.toml` for a standalone crate, with the package `version` (spec
/// versions — `2022-11-28`, `v3` — are rarely valid SemVer, so it is the
/// caller's).
pub fn standalone_manifest(crate_name: &str, version: &str, features: &[&Features], runtime: &Runtime) -> String {
    let mut names: Vec<&str> = Vec::new();
    for features in features {
        for (name, _) in &features.names {
            if !names.contains(&name.as_str()) {
                names.push(name);
            }
        }
    }
    let tag_features = if names.is_empty() {
        "\n[features]\n".to_owned()
    } else {
        let quoted: Vec<String> = names.iter().map(|name| format!("\"{name}\"")).collect();
        let each: String = names.iter().map(|name| format!("{name} = []\n")).collect();
        format!(
            "\n# One feature per tag of the spec: `default-features = false, features = [\"…\"]`\n# compiles only those operations and the types they use.\n[features]\ndefault = [\"{full}\"]\n{full} = [{}]\n{each}",
            quoted.join(", "),
            full = crate::ir::FULL,
        )
    };
    let (runtime_dependency, feature_section) = match runtime {
        Runtime::Copied => (String::new(), format!("{tag_features}{}", mock::MANIFEST_FEATURE)),
        Runtime::Crate { dependency } => (
            format!("# The runtime, shared with other clients generated against it.\n{} = {dependency}\n", Runtime::PACKAGE),
            format!("{tag_features}{}", mock::manifest_feature_with(Runtime::PACKAGE)),
        ),
    };
    format!(
        r#"[package]
name = "{crate_name}"
version = "{version}"
edition = "2024"
publish = false

# Doc comments come from the spec: they are sanitized so no code block is
# a doctest, and doctests are off as a second wall.
[lib]
doctest = false

[dependencies]
{runtime_dependency}{}

# The generated tests: the spec's examples, and the conformance test
# against a mock of the spec (`cargo test -- --ignored conformance`).
[dev-dependencies]
tokio = {{ version = "1", features = ["macros", "rt"] }}
{feature_section}
[workspace]
"#,
        runtime_dependencies().trim_end(),
        version = toml_string_body(version),
    )
}

/// `text` escaped for the inside of a TOML basic string.
pub(crate) fn toml_string_body(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '"' => "\\\"".to_owned(),
            '\\' => "\\\\".to_owned(),
            c if c.is_control() => format!("\\u{:04X}", u32::from(c)),
            c => c.to_string(),
        })
        .collect()
}

/// An identifier token, raw (`r#type`) where needed.
pub(crate) fn ident(name: &str) -> Ident {
    match name.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, Span::call_site()),
        None => Ident::new(name, Span::call_site()),
    }
}

#[cfg(test)]
mod tests {
    use super::textual_macro_calls;

    #[test]
    fn the_runtimes_macros_call_each_other_by_name() {
        let runtime =
            "        $crate::__impl_object!(Serialize for $($object)*); $crate::runtime::__private::x($crate::__impl_untagged!(@a));\n";
        let expected = "        __impl_object!(Serialize for $($object)*); $crate::runtime::__private::x(__impl_untagged!(@a));\n";
        assert_eq!(textual_macro_calls(runtime), expected);
        assert_eq!(textual_macro_calls("$crate::__private::y; $crate::__"), "$crate::__private::y; $crate::__");
    }
}
