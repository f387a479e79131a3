//! Every Rust identifier the generator emits is made here: case conversion
//! (heck), characters that cannot appear in identifiers, leading digits, Rust
//! keywords, and collisions between names in one scope.

use std::collections::BTreeSet;

use heck::{ToSnakeCase, ToUpperCamelCase};

/// Keywords that can be used as raw identifiers (`r#type`).
const RAW_KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "do", "dyn", "else", "enum", "extern", "false",
    "final", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub",
    "ref", "return", "static", "struct", "trait", "true", "try", "type", "typeof", "union", "unsafe", "unsized", "use", "virtual", "where",
    "while", "yield",
];

/// Keywords that cannot even be raw identifiers; they get a trailing `_`.
const NON_RAW_KEYWORDS: &[&str] = &["self", "Self", "super", "crate", "_"];

/// Type names the generated code itself relies on in every module, plus
/// prelude names that would shadow std items if a spec used them.
const RESERVED_TYPE_NAMES: &[&str] = &["Result", "Option", "Some", "None", "Ok", "Err", "Vec", "String", "Box", "Default", "Self"];

/// Words for identifiers made only of punctuation (`"-"`, `"+"`, …).
const SYMBOL_WORDS: &[(char, &str)] = &[
    ('+', "plus"),
    ('-', "minus"),
    ('*', "star"),
    ('/', "slash"),
    ('\\', "backslash"),
    ('.', "dot"),
    (',', "comma"),
    (':', "colon"),
    (';', "semicolon"),
    ('=', "eq"),
    ('<', "lt"),
    ('>', "gt"),
    ('!', "not"),
    ('?', "question"),
    ('@', "at"),
    ('#', "hash"),
    ('$', "dollar"),
    ('%', "percent"),
    ('^', "caret"),
    ('&', "amp"),
    ('|', "pipe"),
    ('~', "tilde"),
    ('_', "underscore"),
    (' ', "space"),
];

/// An UpperCamelCase type or variant name for `raw`.
pub fn type_name(raw: &str) -> String {
    let name = sanitize(raw).to_upper_camel_case();
    let name = if name.is_empty() { fallback(raw).to_upper_camel_case() } else { name };
    let name = if name.starts_with(|c: char| c.is_ascii_digit()) { format!("N{name}") } else { name };
    let name = shorten(name, "");
    if RESERVED_TYPE_NAMES.contains(&name.as_str()) { format!("{name}Type") } else { name }
}

/// An UpperCamelCase enum variant name for `raw`.
pub fn variant_name(raw: &str) -> String {
    let name = sanitize(raw).to_upper_camel_case();
    let name = if name.is_empty() { fallback(raw).to_upper_camel_case() } else { name };
    let name = if name.starts_with(|c: char| c.is_ascii_digit()) { format!("N{name}") } else { name };
    let name = shorten(name, "");
    if name == "Self" { "SelfValue".to_owned() } else { name }
}

/// A snake_case field, parameter, method or module name for `raw`, escaped
/// if it is a keyword (`type` → `r#type`, `self` → `self_`).
pub fn field_name(raw: &str) -> String {
    let name = sanitize(raw).to_snake_case();
    let name = if name.is_empty() { fallback(raw).to_snake_case() } else { name };
    let name = if name.starts_with(|c: char| c.is_ascii_digit()) { format!("n{name}") } else { name };
    escape_keyword(shorten(name, "_"))
}

/// Longest identifier the generator emits. Longer spec names are cut and
/// get a hash of the whole name, so they stay distinct and every item's
/// rustdoc file name stays within file-system limits.
pub const MAX_IDENT_LEN: usize = 64;

/// [`MAX_IDENT_LEN`] applied to a name that is not an identifier (a Cargo
/// feature, say).
pub fn shorten_plain(name: &str) -> String {
    shorten(name.to_owned(), "-")
}

fn shorten(name: String, separator: &str) -> String {
    if name.len() <= MAX_IDENT_LEN {
        return name;
    }
    // FNV-1a: stable across runs and machines.
    let hash = name.bytes().fold(0x811c_9dc5_u32, |hash, byte| (hash ^ u32::from(byte)).wrapping_mul(0x0100_0193));
    let keep = MAX_IDENT_LEN - 8 - separator.len();
    let prefix: String = name.chars().take(keep).collect();
    format!("{}{separator}{hash:08x}", prefix.trim_end_matches('_'))
}

/// The name of the module generated for the spec at `path`
/// (`specs/pack-cloud.yaml` → `pack_cloud`).
pub fn module_name_for_path(path: &str) -> String {
    let file = path.rsplit(['/', '\\']).next().unwrap_or(path);
    // Only the extension goes: `docker-engine-v1.41.yaml` → `docker_engine_v1_41`.
    let stem = match file.rsplit_once('.') {
        Some((stem, extension)) if ["yaml", "yml", "json"].contains(&extension.to_ascii_lowercase().as_str()) => stem,
        _ => file,
    };
    let name = field_name(stem);
    match name.strip_prefix("r#") {
        Some(bare) => format!("{bare}_"),
        None if RESERVED_MODULES.contains(&name.as_str()) => format!("{name}_"),
        None => name,
    }
}

/// Module names the crate root keeps for itself: `runtime` (the copied
/// runtime, or the runtime crate under that name) and the runtime crate's
/// own name. A spec's module never takes one ([`module_name_for_path`]
/// appends `_`, as for keywords; `generate` refuses one given directly).
pub const RESERVED_MODULES: &[&str] = &["runtime", "oagen_runtime"];

/// The name as it appears in Rust source, without a raw prefix; compare this
/// with the wire name to decide whether `#[serde(rename)]` is needed.
pub fn unraw(ident: &str) -> &str {
    ident.strip_prefix("r#").unwrap_or(ident)
}

/// The `name-collision` warning's text: `subject` (`` property `foo-bar` ``)
/// would have been `candidate`, which `taken_by` has (`another property,
/// or by the generated code`), and is `name`; `kind` (`field`) is said
/// before both names when given.
pub(crate) fn collision_message(subject: &str, kind: Option<&str>, candidate: &str, taken_by: &str, name: &str) -> String {
    let the = kind.map(|kind| format!("the {kind} ")).unwrap_or_default();
    format!("{subject} would be {the}`{candidate}`, which is taken (by {taken_by}); it is {the}`{name}`")
}

/// The name without what makes it a valid identifier on its own (a raw
/// prefix, or the `_` after a keyword that cannot be raw), for composing
/// another name from it: `self_` → `self` (so `self_provider`, not
/// `self__provider`, which is not snake case), `r#type` → `type`.
pub fn stem(ident: &str) -> &str {
    let bare = unraw(ident);
    bare.strip_suffix('_').filter(|keyword| NON_RAW_KEYWORDS.contains(keyword)).unwrap_or(bare)
}

fn escape_keyword(name: String) -> String {
    if NON_RAW_KEYWORDS.contains(&name.as_str()) {
        format!("{name}_")
    } else if RAW_KEYWORDS.contains(&name.as_str()) {
        format!("r#{name}")
    } else {
        name
    }
}

/// Replaces everything that is not an ASCII letter or digit by a word
/// separator. A sign that starts a number (at the start, or after another
/// separator) is a word: `+1` and `-1` (GitHub's reactions) are `plus_1`
/// and `minus_1`, `reactions-+1` is `reactions_plus_1`, not all `n1`;
/// `a-1` is `a_1`.
fn sanitize(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut after_word = false;
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        let starts_number = !after_word && chars.peek().is_some_and(char::is_ascii_digit);
        match c {
            '+' if starts_number => out.push_str(" plus "),
            '-' if starts_number => out.push_str(" minus "),
            c if c.is_ascii_alphanumeric() => out.push(c),
            _ => out.push(' '),
        }
        after_word = c.is_ascii_alphanumeric();
    }
    out
}

/// A name for identifiers with no letters or digits at all.
fn fallback(raw: &str) -> String {
    if raw.is_empty() {
        return "empty".to_owned();
    }
    let words: Vec<&str> =
        raw.chars().map(|c| SYMBOL_WORDS.iter().find(|(symbol, _)| *symbol == c).map_or("other", |(_, word)| *word)).collect();
    words.join(" ")
}

/// The set of names already taken in one scope (a module's types, a struct's
/// fields, an enum's variants). Hands out unique names deterministically:
/// the first claimant gets the plain name, later ones a numeric suffix.
#[derive(Debug, Clone, Default)]
pub struct Scope {
    taken: BTreeSet<String>,
}

impl Scope {
    /// An empty scope.
    pub fn new() -> Self {
        Self::default()
    }

    /// A scope in which `names` are already taken.
    pub fn with_reserved<'a>(names: impl IntoIterator<Item = &'a str>) -> Self {
        Self { taken: names.into_iter().map(str::to_owned).collect() }
    }

    /// Claims `candidate`, or the first free `candidate2`, `candidate3`, …
    /// (`candidate_2` for snake_case names).
    pub fn claim(&mut self, candidate: &str) -> String {
        if self.taken.insert(candidate.to_owned()) {
            return candidate.to_owned();
        }
        // `self_` + 2 is `self_2`, not `self__2`.
        let bare = unraw(candidate).trim_end_matches('_');
        let bare = if bare.is_empty() { "n" } else { bare };
        let snake = bare.chars().any(|c| c.is_ascii_lowercase()) && !bare.starts_with(|c: char| c.is_ascii_uppercase());
        (2..)
            .map(|n| if snake { format!("{bare}_{n}") } else { format!("{bare}{n}") })
            .find(|name| self.taken.insert(name.clone()))
            .unwrap_or_default()
    }
}

/// The names operation methods have, and the runtime's `Client` methods:
/// what an operation's extra methods (`_pages`, `_stream`, …) must not be
/// named (one set: looking each name up among all operations was quadratic
/// on APIs with thousands of paginated operations).
pub(crate) fn method_names(operations: &[crate::ir::Operation]) -> BTreeSet<String> {
    operations
        .iter()
        .map(|operation| unraw(&operation.name).to_owned())
        .chain(crate::runtime_names::CLIENT_METHODS.iter().map(|name| (*name).to_owned()))
        .collect()
}

/// `{name}_{suffix}`, of the name's [`stem`] (`self_` → `self_pages`).
pub(crate) fn derived_base(name: &str, suffix: &str) -> String {
    format!("{}_{suffix}", stem(name))
}

/// [`derived_base`], or with a number when an operation already has that
/// name.
pub(crate) fn derived_name(taken: &BTreeSet<String>, name: &str, suffix: &str) -> String {
    let base = derived_base(name, suffix);
    if !taken.contains(&base) {
        return base;
    }
    (2..).map(|n| format!("{base}_{n}")).find(|candidate| !taken.contains(candidate)).unwrap_or(base)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_names() {
        // (wire name, type name, field name, variant name)
        let table = [
            ("Invoice", "Invoice", "invoice", "Invoice"),
            ("invoice_page", "InvoicePage", "invoice_page", "InvoicePage"),
            ("idOrganization", "IdOrganization", "id_organization", "IdOrganization"),
            ("per_page", "PerPage", "per_page", "PerPage"),
            ("HTTPServer", "HttpServer", "http_server", "HttpServer"),
            ("type", "Type", "r#type", "Type"),
            ("self", "SelfType", "self_", "SelfValue"),
            ("Self", "SelfType", "self_", "SelfValue"),
            ("crate", "Crate", "crate_", "Crate"),
            ("async", "Async", "r#async", "Async"),
            ("1h", "N1h", "n1h", "N1h"),
            ("2023-0001", "N20230001", "n2023_0001", "N20230001"),
            ("foo bar", "FooBar", "foo_bar", "FooBar"),
            ("foo.bar-baz/qux", "FooBarBazQux", "foo_bar_baz_qux", "FooBarBazQux"),
            ("$ref", "Ref", "r#ref", "Ref"),
            ("@type", "Type", "r#type", "Type"),
            ("-", "Minus", "minus", "Minus"),
            ("+", "Plus", "plus", "Plus"),
            ("+1", "Plus1", "plus_1", "Plus1"),
            ("-1", "Minus1", "minus_1", "Minus1"),
            ("-1h", "Minus1h", "minus_1h", "Minus1h"),
            ("a-1", "A1", "a_1", "A1"),
            ("reactions-+1", "ReactionsPlus1", "reactions_plus_1", "ReactionsPlus1"),
            ("reactions--1", "ReactionsMinus1", "reactions_minus_1", "ReactionsMinus1"),
            ("", "Empty", "empty", "Empty"),
            ("<=", "LtEq", "lt_eq", "LtEq"),
            ("café", "Caf", "caf", "Caf"),
            ("Error", "Error", "error", "Error"),
            ("Option", "OptionType", "option", "Option"),
            ("String", "StringType", "string", "String"),
            ("x-rate-limit", "XRateLimit", "x_rate_limit", "XRateLimit"),
        ];
        for (wire, ty, field, variant) in table {
            assert_eq!(type_name(wire), ty, "type name of {wire:?}");
            assert_eq!(field_name(wire), field, "field name of {wire:?}");
            assert_eq!(variant_name(wire), variant, "variant name of {wire:?}");
        }
    }

    #[test]
    fn stems_compose_into_snake_case_names() {
        // (identifier, stem): what `…_provider`, `mock_…` and the like are
        // built from.
        let table =
            [("pet", "pet"), ("self_", "self"), ("crate_", "crate"), ("r#type", "type"), ("pet_", "pet_"), ("timeout_2", "timeout_2")];
        for (ident, expected) in table {
            assert_eq!(stem(ident), expected, "stem of {ident:?}");
        }
        assert_eq!(stem(&field_name("Self")), "self");
    }

    #[test]
    fn module_names_come_from_file_stems() {
        let table = [
            ("specs/pack-cloud.yaml", "pack_cloud"),
            ("specs/apibricks-console.yaml", "apibricks_console"),
            ("C:\\specs\\My API.json", "my_api"),
            ("type.yml", "type_"),
            ("3d.yaml", "n3d"),
            ("docker-engine-v1.41.yaml", "docker_engine_v1_41"),
            ("api.github.com.JSON", "api_github_com"),
            ("spec.txt", "spec_txt"),
            ("specs/runtime.yaml", "runtime_"),
            ("oagen-runtime.json", "oagen_runtime_"),
            ("runtimes.yaml", "runtimes"),
        ];
        for (path, module) in table {
            assert_eq!(module_name_for_path(path), module, "module for {path:?}");
        }
    }

    #[test]
    fn long_names_are_cut_and_stay_distinct() {
        let (a, b) = ("a".repeat(10_000), format!("{}b", "a".repeat(9_999)));
        for convert in [type_name, field_name, variant_name] {
            let (short_a, short_b) = (convert(&a), convert(&b));
            assert!(short_a.len() <= MAX_IDENT_LEN && short_b.len() <= MAX_IDENT_LEN, "{short_a} {short_b}");
            assert_ne!(short_a, short_b);
            assert_eq!(short_a, convert(&a), "deterministic");
        }
        let cut = field_name(&"a".repeat(100));
        assert!(cut.starts_with(&format!("{}_", "a".repeat(55))) && cut.len() == MAX_IDENT_LEN, "{cut}");
        assert_eq!(field_name("short"), "short");
    }

    #[test]
    fn scopes_resolve_collisions_deterministically() {
        let mut scope = Scope::with_reserved(["Unknown"]);
        assert_eq!(scope.claim("Unknown"), "Unknown2");
        assert_eq!(scope.claim("Pet"), "Pet");
        assert_eq!(scope.claim("Pet"), "Pet2");
        assert_eq!(scope.claim("Pet"), "Pet3");
        let mut fields = Scope::new();
        assert_eq!(fields.claim("foo_bar"), "foo_bar");
        assert_eq!(fields.claim("foo_bar"), "foo_bar_2");
        assert_eq!(fields.claim("r#type"), "r#type");
        assert_eq!(fields.claim("r#type"), "type_2");
        assert_eq!(fields.claim("self_"), "self_");
        assert_eq!(fields.claim("self_"), "self_2");
    }

    #[test]
    fn extra_methods_are_numbered_past_operation_names() {
        let taken: BTreeSet<String> =
            ["list_pets", "list_pets_pages", "list_pets_stream", "list_pets_stream_2", "type"].map(str::to_owned).into();
        for (name, suffix, expected) in [
            ("list_pets", "request", "list_pets_request"),
            ("list_pets", "pages", "list_pets_pages_2"),
            ("list_pets", "stream", "list_pets_stream_3"),
            ("r#type", "send", "type_send"),
            ("self_", "pages", "self_pages"),
        ] {
            assert_eq!(derived_name(&taken, name, suffix), expected, "{name} + {suffix}");
        }
    }
}
