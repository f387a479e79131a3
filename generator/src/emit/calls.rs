//! The runtime's macro calls, written as the text they should read as.
//!
//! The arguments of `__impl_object!` and `__impl_untagged!` are the
//! runtime's own small grammar (a property table, a variant list), which
//! prettyplease can only print as a run of tokens. Emission knows their
//! structure, so it writes each call as finished text — a property per
//! line, like the struct above it — and `format` places the text after
//! its chunk's items as it is (`super::Piece::calls`).

use proc_macro2::{Delimiter, TokenStream, TokenTree};

use crate::ir::{MacroCalls, TypeSpace};

/// Lines longer than this are broken, as prettyplease breaks code (also
/// `Cfg::text`'s attribute lines).
pub(super) const MAX_WIDTH: usize = 100;

/// The path of the runtime's macro `name` ([`MacroCalls`]).
fn path(types: &TypeSpace, name: &str) -> String {
    match types.macro_calls {
        MacroCalls::CrateRoot => format!("crate::{name}"),
        MacroCalls::RuntimeCrate => format!("crate::runtime::{name}"),
        MacroCalls::ByName => name.to_owned(),
    }
}

/// One row of a property table: the field, its presence keyword
/// (`required`, `nullable`, `optional`, `present`), its wire name and the
/// value's type.
pub(super) struct Property<'a> {
    pub field: &'a str,
    pub presence: &'static str,
    pub wire: &'a str,
    pub value: TokenStream,
}

/// `__impl_object!(crate::runtime; Serialize + Deserialize for Pet { … })`:
/// `directions` for the struct `name`, one property per line, and
/// `..additional_properties` when the struct keeps unknown properties.
pub(super) fn object(types: &TypeSpace, directions: &str, name: &str, properties: &[Property<'_>], additional: bool) -> String {
    let mut text = format!("{}!(crate::runtime; {directions} for {name} {{", path(types, "__impl_object"));
    for property in properties {
        let wire = proc_macro2::Literal::string(property.wire);
        let field = super::ident(property.field);
        text.push_str(&format!("\n    {field}: {} {wire} {},", property.presence, type_text(&property.value)));
    }
    if !properties.is_empty() {
        text.push('\n');
    }
    text.push('}');
    if additional {
        text.push_str(" ..additional_properties");
    }
    text.push_str(");\n");
    text
}

/// `__impl_untagged!(crate::runtime; Serialize for Event { A, B })`, on
/// one line when it fits, else one variant per line.
pub(super) fn untagged(types: &TypeSpace, directions: &str, name: &str, variants: &[String]) -> String {
    let head = format!("{}!(crate::runtime; {directions} for {name} {{", path(types, "__impl_untagged"));
    let one_line = format!("{head} {} }});\n", variants.join(", "));
    if one_line.len() <= MAX_WIDTH + 1 {
        return one_line;
    }
    let rows: String = variants.iter().map(|variant| format!("\n    {variant},")).collect();
    format!("{head}{rows}\n}});\n")
}

/// `__client_builder_methods!(crate::runtime; ClientBuilder)` and
/// `__client_methods!(crate::runtime; Client)`: the `impl` blocks of the
/// methods every module's builder and client have.
pub(super) fn client_methods(types: &TypeSpace) -> [String; 2] {
    [
        format!("{}!(crate::runtime; ClientBuilder);\n", path(types, "__client_builder_methods")),
        format!("{}!(crate::runtime; Client);\n", path(types, "__client_methods")),
    ]
}

/// A type's tokens as Rust is written (`Vec<Option<Pet>>`, not the token
/// stream's `Vec < Option < Pet > >`): words apart, punctuation tight, a
/// space after each comma.
fn type_text(tokens: &TokenStream) -> String {
    fn push(out: &mut String, tokens: TokenStream) {
        let mut after_word = false;
        for token in tokens {
            match token {
                TokenTree::Ident(_) | TokenTree::Literal(_) => {
                    if after_word {
                        out.push(' ');
                    }
                    out.push_str(&token.to_string());
                    after_word = true;
                }
                TokenTree::Punct(punct) => {
                    out.push(punct.as_char());
                    if matches!(punct.as_char(), ',' | ';') {
                        out.push(' ');
                    }
                    after_word = false;
                }
                TokenTree::Group(group) => {
                    let (open, close) = match group.delimiter() {
                        Delimiter::Parenthesis => ("(", ")"),
                        Delimiter::Bracket => ("[", "]"),
                        Delimiter::Brace => ("{", "}"),
                        Delimiter::None => ("", ""),
                    };
                    out.push_str(open);
                    push(out, group.stream());
                    out.push_str(close);
                    after_word = false;
                }
            }
        }
    }
    let mut out = String::new();
    push(&mut out, tokens.clone());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn types(macro_calls: MacroCalls) -> TypeSpace {
        TypeSpace { macro_calls, ..TypeSpace::default() }
    }

    #[test]
    fn a_property_table_reads_one_property_per_line() {
        let properties = [
            Property { field: "id", presence: "required", wire: "id", value: quote::quote!(i64) },
            Property {
                field: "r#type",
                presence: "present",
                wire: "the \"type\"",
                value: quote::quote!(Option<::std::collections::BTreeMap<String, Vec<crate::types::Pet>>>),
            },
        ];
        let text = object(&types(MacroCalls::CrateRoot), "Serialize + Deserialize", "Pet", &properties, true);
        assert_eq!(
            text,
            "crate::__impl_object!(crate::runtime; Serialize + Deserialize for Pet {\n    id: required \"id\" i64,\n    r#type: present \"the \\\"type\\\"\" Option<::std::collections::BTreeMap<String, Vec<crate::types::Pet>>>,\n} ..additional_properties);\n"
        );
        assert_eq!(
            object(&types(MacroCalls::ByName), "Serialize", "Empty", &[], false),
            "__impl_object!(crate::runtime; Serialize for Empty {});\n"
        );
    }

    #[test]
    fn calls_name_the_macros_where_the_runtime_is() {
        let [builder, client] = client_methods(&types(MacroCalls::RuntimeCrate));
        assert_eq!(builder, "crate::runtime::__client_builder_methods!(crate::runtime; ClientBuilder);\n");
        assert_eq!(client, "crate::runtime::__client_methods!(crate::runtime; Client);\n");
        let short = untagged(&types(MacroCalls::CrateRoot), "Serialize", "Event", &["A".to_owned(), "B".to_owned()]);
        assert_eq!(short, "crate::__impl_untagged!(crate::runtime; Serialize for Event { A, B });\n");
        let many: Vec<String> = (0..12).map(|index| format!("Variant{index}")).collect();
        let long = untagged(&types(MacroCalls::CrateRoot), "Serialize + Deserialize", "Event", &many);
        assert!(long.starts_with("crate::__impl_untagged!(crate::runtime; Serialize + Deserialize for Event {\n    Variant0,\n"), "{long}");
        assert!(long.ends_with("    Variant11,\n});\n"), "{long}");
    }
}
