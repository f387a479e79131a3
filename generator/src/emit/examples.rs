//! `examples.rs`: the spec's body examples that fit their types, as
//! tests (a `#[cfg(test)]` module of the spec's module). Each decodes the
//! example, encodes it again and compares it with what the client keeps
//! of it (`runtime::round_trip`); types the client only reads are decoded.

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

use super::Piece;
use super::types::type_tokens;
use crate::ir::Features;
use crate::ir::{Api, BodyExample, TypeRef};

/// The file's head (its docs) and one test per example.
pub fn example_items<'a>(api: &'a Api, features: Option<&'a Features>) -> (usize, impl Fn(usize) -> Option<Piece> + Send + Sync + 'a) {
    let chunk = move |index: usize| {
        let example = api.examples.get(index)?;
        let named = first_named(&example.ty);
        let cfg = super::cfg_for(features, named.and_then(|id| features.and_then(|features| features.types.get(id)?.as_deref())));
        Some(Piece { cfg, tokens: example_test(api, index, example), ..Piece::default() })
    };
    (api.examples.len(), chunk)
}

/// The module's inner docs.
pub fn head() -> TokenStream {
    quote! {
        //! The spec's request and response body examples that fit their
        //! schemas, each decoded into its type, encoded again and compared
        //! with the example (modulo the normalisations docs/support.md lists).
    }
}

fn example_test(api: &Api, index: usize, example: &BodyExample) -> TokenStream {
    let name = format_ident!("example_{}", index + 1);
    let ty = type_tokens(&example.ty, &api.types, &quote!(super::types::));
    let at = format!("{}#{}", example.at.file, example.at.pointer);
    let input = Literal::string(&example.value.to_string());
    let serializable = first_named(&example.ty).is_none_or(|id| api.types.defs.get(id).is_some_and(|def| def.serde.serialize));
    let check = if serializable {
        let expected = if example.expected == example.value {
            quote!(None)
        } else {
            let expected = Literal::string(&example.expected.to_string());
            quote!(Some(#expected))
        };
        quote!(crate::runtime::__private::round_trip::<#ty>(#input, #expected))
    } else {
        quote!(crate::runtime::__private::decodes::<#ty>(#input))
    };
    quote! {
        #[test]
        fn #name() {
            if let Err(problem) = #check {
                panic!("{}: {problem}", #at);
            }
        }
    }
}

/// The first named type in `ty` (its features and serde use decide).
fn first_named(ty: &TypeRef) -> Option<usize> {
    match ty {
        TypeRef::Named(id) => Some(id.0),
        TypeRef::Boxed(inner) | TypeRef::Vec(inner) | TypeRef::Map(inner) | TypeRef::Option(inner) => first_named(inner),
        _ => None,
    }
}
