//! `conformance.rs`: every operation called against a mock server of the
//! spec (Prism, or any server that answers as the spec says), as tests
//! (a `#[cfg(test)]` module of the spec's module, `#[ignore]`d until a
//! server is named: docs/generating.md, "Conformance against a mock").
//!
//! Each test builds its arguments from the spec's own examples where they
//! fit (`Api::samples`), else from minimal values of their types: the
//! required properties of structs, the first value of enums, the first
//! alternative of unions. The values are JSON text decoded into the
//! argument types when the test runs, so they go through the same models
//! the client uses. Operations whose arguments cannot be written as JSON
//! (file parts of multipart bodies) or only by recursing without end are
//! left out, and listed in the module's docs.

use proc_macro2::{Literal, TokenStream};
use quote::quote;
use serde_json::{Map, Value};

use super::Piece;
use super::ident;
use super::types::type_tokens;
use crate::ir::Features;
use crate::ir::{Api, BodyKind, Operation, OperationSamples, Presence, SecurityKind, TypeKind, TypeRef};

/// How deep a value is built before giving up (a type that requires
/// itself).
const MAX_DEPTH: usize = 24;

/// The tests, one per operation that can be called.
pub fn conformance_items<'a>(api: &'a Api, features: Option<&'a Features>) -> (usize, impl Fn(usize) -> Option<Piece> + Send + Sync + 'a) {
    let chunk = move |index: usize| {
        let operation = api.operations.get(index)?;
        let tokens = operation_test(api, index, operation)?;
        let cfg = super::cfg_for(features, features.and_then(|features| features.operations.get(index)).map(Vec::as_slice));
        Some(Piece { cfg, tokens, ..Piece::default() })
    };
    (api.operations.len(), chunk)
}

/// Whether the module gets a conformance test: every argument type must
/// decode from JSON (with `SerdeImpls::AsUsed`, request types only
/// encode).
pub fn wanted(api: &Api) -> bool {
    !api.operations.is_empty() && api.types.defs.iter().all(|def| def.serde.deserialize)
}

/// The module's inner docs, naming the operations left out.
pub fn head(api: &Api) -> TokenStream {
    let left_out: Vec<String> = api
        .operations
        .iter()
        .enumerate()
        .filter(|(index, operation)| arguments(api, *index, operation).is_none())
        .map(|(_, operation)| format!(" * `{}`", crate::naming::unraw(&operation.name)))
        .collect();
    let left_out = (!left_out.is_empty()).then(|| {
        let mut lines = vec![String::new(), " Not called (an argument cannot be built from JSON):".to_owned(), String::new()];
        lines.extend(left_out);
        quote!(#( #![doc = #lines] )*)
    });
    quote! {
        //! Every operation called against a mock server of the spec, with
        //! arguments from the spec's examples (or minimal values): the
        //! request must be accepted and the response must decode.
        //!
        //! Ignored unless asked for: start a mock (for example
        //! `npx @stoplight/prism-cli@5.14.2 mock SPEC`), then run
        //! `CONFORMANCE_URL=http://127.0.0.1:4010 cargo test -- --ignored conformance`
        //! (`CONFORMANCE_URL_<MODULE>` names a server per spec module).
        #left_out
    }
}

/// The arguments of one call, as Rust expressions (`None`: some argument
/// cannot be built).
struct Arguments {
    /// Statements before the call (the parameter struct).
    setup: TokenStream,
    /// The call's arguments.
    args: Vec<TokenStream>,
}

fn operation_test(api: &Api, index: usize, operation: &Operation) -> Option<TokenStream> {
    let Arguments { setup, args } = arguments(api, index, operation)?;
    let name = ident(&operation.name);
    let label = crate::naming::unraw(&operation.name);
    let documents_success = !operation.success.is_empty();
    let credentials = api.security_schemes.iter().map(|scheme| {
        let setter = ident(&scheme.name);
        match scheme.kind {
            SecurityKind::Basic => quote!(.#setter("conformance", Some("conformance".to_owned()))),
            _ => quote!(.#setter("conformance")),
        }
    });
    Some(quote! {
        #[tokio::test]
        #[ignore = "needs a mock server of the spec: set CONFORMANCE_URL"]
        async fn #name() {
            let client = super::Client::builder()
                .base_url(crate::runtime::__private::conformance_url(::std::module_path!()))
                #(#credentials)*
                .build()
                .expect("the client builds");
            #setup
            // (Path syntax: an operation named like a trait method the
            // client has, `into` or `clone`, is still the operation.)
            let result = super::Client::#name(&client, #(#args),*).await;
            crate::runtime::__private::conformance_check(#label, #documents_success, result);
        }
    })
}

fn arguments(api: &Api, index: usize, operation: &Operation) -> Option<Arguments> {
    let none = OperationSamples::default();
    let samples = api.samples.operations.get(&index).unwrap_or(&none);
    let types_prefix = quote!(super::types::);
    let mut args = Vec::new();
    for param in &operation.path_params {
        // (An object in a path is sent with all its properties: an empty
        // one would leave the segment empty.)
        let value = spec_sample(api, samples.params.get(&param.wire), &param.ty).or_else(|| sample_full(api, &param.ty))?;
        let ty = type_tokens(&param.ty, &api.types, &types_prefix);
        let value = json_argument(&value, &ty);
        // As the client takes them (`client::by_value`).
        args.push(if super::client::by_value(&param.ty) { value } else { quote!(&#value) });
    }
    let mut setup = TokenStream::new();
    if let Some(params_type) = &operation.params_type {
        let params_type = ident(params_type);
        let mut fields = Vec::new();
        for param in &operation.params {
            let field = ident(&param.name);
            if !param.required {
                fields.push(quote!(#field: None));
                continue;
            }
            let value = spec_sample(api, samples.params.get(&param.wire), &param.ty).or_else(|| sample(api, &param.ty, 0))?;
            let ty = type_tokens(&param.ty, &api.types, &types_prefix);
            let value = json_argument(&value, &ty);
            fields.push(quote!(#field: #value));
        }
        setup = quote!(let params = super::types::#params_type { #(#fields),* };);
        args.push(quote!(&params));
    }
    if let Some(body) = &operation.body {
        let value = match body.kind {
            BodyKind::Json | BodyKind::Form | BodyKind::Multipart => {
                let value = spec_sample(api, samples.body.as_ref(), &body.ty).or_else(|| sample(api, &body.ty, 0))?;
                let ty = type_tokens(&body.ty, &api.types, &types_prefix);
                let value = json_argument(&value, &ty);
                quote!(&#value)
            }
            BodyKind::Text => quote!("conformance"),
            BodyKind::Bytes => quote!(b"conformance".as_slice()),
        };
        args.push(if body.required { value } else { quote!(Some(#value)) });
    }
    Some(Arguments { setup, args })
}

/// `crate::runtime::__private::argument::<T>("<json>")`.
fn json_argument(value: &Value, ty: &TokenStream) -> TokenStream {
    let text = Literal::string(&value.to_string());
    quote!(crate::runtime::__private::argument::<#ty>(#text))
}

/// A value of `ty`: the spec's example of the type where one fits, else a
/// minimal one. `None` for what JSON cannot hold (file parts) and for
/// types that require themselves without end.
fn sample(api: &Api, ty: &TypeRef, depth: usize) -> Option<Value> {
    if depth > MAX_DEPTH {
        return None;
    }
    Some(match ty {
        TypeRef::String => Value::from("conformance"),
        TypeRef::Bool => Value::Bool(true),
        TypeRef::I32 | TypeRef::I64 | TypeRef::U32 | TypeRef::U64 => Value::from(1),
        TypeRef::F32 | TypeRef::F64 => Value::from(1.5),
        TypeRef::DateTime => Value::from("2024-01-01T00:00:00Z"),
        TypeRef::Date => Value::from("2024-01-01"),
        TypeRef::Uuid => Value::from("3fa85f64-5717-4562-b3fc-2c963f66afa6"),
        TypeRef::Json | TypeRef::JsonObject => Value::Object(Map::new()),
        TypeRef::Bytes | TypeRef::File => return None,
        TypeRef::Unit => Value::Null,
        TypeRef::Option(_) => Value::Null,
        TypeRef::Boxed(inner) => sample(api, inner, depth + 1)?,
        TypeRef::Vec(inner) => Value::Array(sample(api, inner, depth + 1).into_iter().collect()),
        TypeRef::Map(_) => Value::Object(Map::new()),
        TypeRef::Named(id) => {
            if let Some(value) = spec_sample(api, api.samples.types.get(id), ty) {
                return Some(value);
            }
            let def = api.types.get(*id)?;
            match &def.kind {
                TypeKind::Struct(structure) => {
                    let mut object = Map::new();
                    for field in &structure.fields {
                        let value = match field.presence {
                            Presence::Required => field_sample(api, *id, field, depth)?,
                            Presence::Nullable => field_sample(api, *id, field, depth).unwrap_or(Value::Null),
                            Presence::Optional | Presence::OptionalNullable => continue,
                        };
                        object.insert(field.wire.clone(), value);
                    }
                    Value::Object(object)
                }
                TypeKind::Enum(values) => values.variants.first().map(|variant| variant.value.clone())?,
                TypeKind::Union(union) => union.variants.iter().find_map(|variant| {
                    let mut value = sample(api, &variant.ty, depth + 1)?;
                    if let (Some(tag), Some(tag_value), Value::Object(object)) = (&union.tag, variant.tag_values.first(), &mut value) {
                        object.insert(tag.clone(), Value::from(tag_value.as_str()));
                    }
                    Some(value)
                })?,
                TypeKind::Alias { target, .. } => sample(api, target, depth + 1)?,
                TypeKind::Responses(_) => return None,
            }
        }
    })
}

/// A value of `ty` with every property of a struct at its top, not only
/// the required ones.
fn sample_full(api: &Api, ty: &TypeRef) -> Option<Value> {
    let TypeRef::Named(id) = ty else { return sample(api, ty, 0) };
    if let Some(value) = spec_sample(api, api.samples.types.get(id), ty) {
        return Some(value);
    }
    let Some(TypeKind::Struct(structure)) = api.types.get(*id).map(|def| &def.kind) else { return sample(api, ty, 0) };
    let mut object = Map::new();
    for field in &structure.fields {
        let value = field_sample(api, *id, field, 0);
        match (value, field.presence) {
            (Some(value), _) => {
                object.insert(field.wire.clone(), value);
            }
            (None, Presence::Required) => return None,
            (None, _) => {}
        }
    }
    Some(Value::Object(object))
}

/// A required field's value: its property's example or default, else a
/// sample of its type.
fn field_sample(api: &Api, owner: crate::ir::TypeId, field: &crate::ir::Field, depth: usize) -> Option<Value> {
    if let Some(value) = spec_sample(api, api.samples.fields.get(&(owner, field.wire.clone())).filter(|value| !value.is_null()), &field.ty)
    {
        return Some(value);
    }
    if let Some(default) = &field.default {
        return Some(default.clone());
    }
    sample(api, &field.ty, depth + 1)
}

/// The spec's example `value` for an argument of type `ty`, if it uses
/// only declared values: an example fits the client's open enums with any
/// string, but a request should carry a value the spec lists.
fn spec_sample(api: &Api, value: Option<&Value>, ty: &TypeRef) -> Option<Value> {
    value.filter(|value| declared(api, value, ty, 0)).cloned()
}

/// Whether every enum value inside `value` is one `ty` declares.
fn declared(api: &Api, value: &Value, ty: &TypeRef, depth: usize) -> bool {
    if depth > MAX_DEPTH {
        return true;
    }
    match ty {
        TypeRef::Option(inner) | TypeRef::Boxed(inner) => value.is_null() || declared(api, value, inner, depth + 1),
        TypeRef::Vec(inner) => value.as_array().is_none_or(|items| items.iter().all(|item| declared(api, item, inner, depth + 1))),
        TypeRef::Map(inner) => value.as_object().is_none_or(|map| map.values().all(|item| declared(api, item, inner, depth + 1))),
        TypeRef::Named(id) => match api.types.get(*id).map(|def| &def.kind) {
            Some(TypeKind::Enum(values)) => {
                values.variants.iter().any(|variant| variant.value == *value) || (value.is_null() && values.lists_null)
            }
            Some(TypeKind::Struct(structure)) => value.as_object().is_none_or(|object| {
                structure
                    .fields
                    .iter()
                    .all(|field| object.get(&field.wire).is_none_or(|item| item.is_null() || declared(api, item, &field.ty, depth + 1)))
            }),
            Some(TypeKind::Union(union)) => union.variants.iter().any(|variant| declared(api, value, &variant.ty, depth + 1)),
            Some(TypeKind::Alias { target, .. }) => declared(api, value, target, depth + 1),
            _ => true,
        },
        _ => true,
    }
}
