//! Named types → Rust items: structs, enums, unions, aliases, response
//! enums and per-operation parameter structs. Paths are absolute
//! (`::serde::…`, `crate::runtime::…`) except for the standard prelude
//! (`Option`, `String`, `Vec`, `Box`, `Result`), whose names `naming`
//! keeps spec types from taking.

use proc_macro2::{Ident, Literal, TokenStream};
use quote::{ToTokens, format_ident, quote};
use serde_json::Value;

use super::docs::{Doc, code, doc_attrs};
use super::ident;
use crate::ir::Features;
use crate::ir::{
    Api, Enum, EnumRepr, Field, Operation, Presence, ResponseVariant, SerdeUse, Struct, TypeDef, TypeKind, TypeRef, TypeSpace, Union,
};

/// Tokens for a type use. `prefix` is how named types are reached from the
/// emitting module (empty inside `types`, `types::` from the client).
pub fn type_tokens(ty: &TypeRef, types: &TypeSpace, prefix: &TokenStream) -> TokenStream {
    match ty {
        TypeRef::String => quote!(String),
        TypeRef::Bool => quote!(bool),
        TypeRef::I32 => quote!(i32),
        TypeRef::I64 => quote!(i64),
        TypeRef::U32 => quote!(u32),
        TypeRef::U64 => quote!(u64),
        TypeRef::F32 => quote!(f32),
        TypeRef::F64 => quote!(f64),
        TypeRef::DateTime => quote!(::chrono::DateTime<::chrono::Utc>),
        TypeRef::Date => quote!(::chrono::NaiveDate),
        TypeRef::Uuid => quote!(::uuid::Uuid),
        TypeRef::Json => quote!(::serde_json::Value),
        TypeRef::JsonObject => quote!(::serde_json::Map<String, ::serde_json::Value>),
        TypeRef::Bytes => quote!(Vec<u8>),
        TypeRef::File => quote!(crate::runtime::FilePart),
        TypeRef::Unit => quote!(()),
        TypeRef::Named(id) => {
            // `validate::check` refused dangling ids before emission began;
            // this fallback is never reached.
            let name = types.get(*id).map_or_else(|| format_ident!("DanglingTypeId"), |def| ident(&def.name));
            quote!(#prefix #name)
        }
        TypeRef::Boxed(inner) => {
            let inner = type_tokens(inner, types, prefix);
            quote!(Box<#inner>)
        }
        TypeRef::Vec(inner) => {
            let inner = type_tokens(inner, types, prefix);
            quote!(Vec<#inner>)
        }
        TypeRef::Map(inner) => {
            let inner = type_tokens(inner, types, prefix);
            quote!(::std::collections::BTreeMap<String, #inner>)
        }
        TypeRef::Option(inner) => {
            let inner = type_tokens(inner, types, prefix);
            quote!(Option<#inner>)
        }
    }
}

/// The `types` module's items: how many chunks there are, and chunk `i`
/// (types, then parameter structs, then response-header structs; `None`
/// where an operation has no such struct). Chunks are independent, so
/// they can be produced and formatted in any order, on any thread.
pub fn type_items<'a>(api: &'a Api, features: Option<&'a Features>) -> (usize, impl Fn(usize) -> Option<super::Piece> + Send + Sync + 'a) {
    let types = api.types.defs.len();
    let operations = api.operations.len();
    let op_cfg =
        move |index: usize| super::cfg_for(features, features.and_then(|features| features.operations.get(index)).map(Vec::as_slice));
    let chunk = move |index: usize| {
        if let Some(def) = api.types.defs.get(index) {
            let cfg = super::cfg_for(features, features.and_then(|features| features.types.get(index)?.as_deref()));
            let mut calls = Vec::new();
            let tokens = type_def(def, &api.types, &mut calls);
            return Some(super::Piece { cfg, tokens, calls, ..super::Piece::default() });
        }
        let index = index - types;
        if let Some(operation) = api.operations.get(index) {
            return params_struct(operation, &api.types).map(|tokens| super::Piece {
                cfg: op_cfg(index),
                tokens,
                ..super::Piece::default()
            });
        }
        let index = index - operations;
        let operation = api.operations.get(index)?;
        headers_struct(operation, &api.types).map(|tokens| super::Piece { cfg: op_cfg(index), tokens, ..super::Piece::default() })
    };
    (types + 2 * operations, chunk)
}

/// A type's items; the runtime's macro calls it needs go to `calls`.
fn type_def(def: &TypeDef, types: &TypeSpace, calls: &mut Vec<String>) -> TokenStream {
    let tag_note = match &def.kind {
        TypeKind::Union(Union { tag: Some(tag), .. }) => format!("The variant is chosen by the {} property.", code(tag)),
        TypeKind::Struct(Struct { tagged_by: Some(tagged), .. }) => {
            let union = types.get(tagged.union).map_or("", |union| union.name.as_str());
            format!(
                "A variant of [`{}`], which writes and reads its {} property (so it is not a field here).",
                crate::naming::unraw(union),
                code(&tagged.property)
            )
        }
        _ => String::new(),
    };
    let docs = Doc::new().markdown(def.doc.as_deref()).line(tag_note).outer();
    let deprecated = def.deprecated.then(|| quote!(#[deprecated]));
    let name = ident(&def.name);
    let body = match &def.kind {
        TypeKind::Struct(structure) => struct_def(&name, structure, def.serde, types, calls),
        TypeKind::Enum(enumeration) => enum_def(&name, enumeration, def.serde),
        TypeKind::Union(union) => union_def(&name, union, def.serde, types, calls),
        TypeKind::Alias { target, newtype: false } => {
            let target = type_tokens(target, types, &TokenStream::new());
            quote!(pub type #name = #target;)
        }
        TypeKind::Alias { target, newtype: true } => {
            let target = type_tokens(target, types, &TokenStream::new());
            let derives = serde_derives(def.serde);
            let eq = partial_eq(types);
            quote! {
                #[derive(Debug, Clone, #eq #derives)]
                #[serde(transparent)]
                pub struct #name(pub #target);
            }
        }
        TypeKind::Responses(variants) => responses_def(&name, variants, types),
    };
    quote! {
        #docs
        #deprecated
        #body
    }
}

/// `PartialEq,` when models derive it ([`crate::Settings::partial_eq`]).
fn partial_eq(types: &TypeSpace) -> TokenStream {
    if types.partial_eq { quote!(PartialEq,) } else { TokenStream::new() }
}

/// `::serde::Serialize, ::serde::Deserialize,`, or the one a type needs
/// (each with a trailing comma, to follow other derives).
fn serde_derives(serde: SerdeUse) -> TokenStream {
    let serialize = serde.serialize.then(|| quote!(::serde::Serialize,));
    let deserialize = serde.deserialize.then(|| quote!(::serde::Deserialize,));
    quote!(#serialize #deserialize)
}

/// A model struct. `Serialize` and `Deserialize` come from the runtime's
/// `__impl_object!` (one call with the properties as trait objects, one
/// `visit_map`: far lighter to compile than serde's derives), fed one
/// property table.
fn struct_def(name: &Ident, structure: &Struct, serde: SerdeUse, types: &TypeSpace, calls: &mut Vec<String>) -> TokenStream {
    let fields = structure.fields.iter().map(|field| field_def(field, types));
    let additional = structure.additional.as_ref().map(|value| {
        let value = type_tokens(value, types, &TokenStream::new());
        quote! {
            /// Properties not listed in the schema.
            pub additional_properties: ::std::collections::BTreeMap<String, #value>,
        }
    });
    let all_optional = structure.fields.iter().all(|field| field.presence != Presence::Required);
    let default = all_optional.then(|| quote!(Default,));
    if types.serde_derive {
        return derived_struct_def(name, structure, serde, types, default);
    }
    if let Some(directions) = macro_directions(serde) {
        let properties: Vec<super::calls::Property<'_>> = structure
            .fields
            .iter()
            .map(|field| {
                // The value's type when it is there (a `present` one may be
                // null): the decoder names it, so the compiler need not
                // infer it.
                let value = type_tokens(&field.ty, types, &TokenStream::new());
                let (presence, value) = match field.presence {
                    Presence::Required => ("required", value),
                    Presence::Nullable => ("nullable", value),
                    Presence::Optional => ("optional", value),
                    Presence::OptionalNullable => ("present", quote!(Option<#value>)),
                };
                super::calls::Property { field: &field.name, presence, wire: &field.wire, value }
            })
            .collect();
        calls.push(super::calls::object(types, directions, &name.to_string(), &properties, structure.additional.is_some()));
    }
    let eq = partial_eq(types);
    quote! {
        #[derive(Debug, Clone, #eq #default)]
        pub struct #name {
            #(#fields)*
            #additional
        }
    }
}

/// A model struct with serde's derives and attributes
/// ([`crate::Settings::serde_derive`]): the same wire format as the
/// property table.
fn derived_struct_def(name: &Ident, structure: &Struct, serde: SerdeUse, types: &TypeSpace, default: Option<TokenStream>) -> TokenStream {
    let fields = structure.fields.iter().map(|field| {
        let definition = field_def(field, types);
        let wire = &field.wire;
        let rename = (crate::naming::unraw(&field.name) != wire.as_str()).then(|| quote!(rename = #wire,));
        let presence = match field.presence {
            Presence::Required => TokenStream::new(),
            // Absent is read as null, in a sequence too (as the tables do).
            Presence::Nullable => quote!(default,),
            Presence::Optional => quote!(default, skip_serializing_if = "Option::is_none",),
            Presence::OptionalNullable => {
                quote!(default, skip_serializing_if = "Option::is_none", deserialize_with = "crate::runtime::__private::double_option",)
            }
        };
        let attributes = (rename.is_some() || !presence.is_empty()).then(|| quote!(#[serde(#rename #presence)]));
        quote!(#attributes #definition)
    });
    let additional = structure.additional.as_ref().map(|value| {
        let value = type_tokens(value, types, &TokenStream::new());
        quote! {
            /// Properties not listed in the schema.
            #[serde(flatten)]
            pub additional_properties: ::std::collections::BTreeMap<String, #value>,
        }
    });
    let derives = serde_derives(serde);
    let eq = partial_eq(types);
    quote! {
        #[derive(Debug, Clone, #eq #default #derives)]
        pub struct #name {
            #(#fields)*
            #additional
        }
    }
}

fn field_def(field: &Field, types: &TypeSpace) -> TokenStream {
    let name = ident(&field.name);
    // A property that is only a `$ref` carries no description of its own;
    // the referenced type's documentation is the best there is.
    let doc = field.doc.clone().or_else(|| match &field.ty {
        TypeRef::Named(id) => types.get(*id).and_then(|def| def.doc.clone()),
        _ => None,
    });
    // The server applies a property's `default` when the property is
    // absent; say so rather than invent the value client-side.
    let default_note =
        field.default.as_ref().map(|value| format!("Default (applied by the server when absent): {}.", code(&value.to_string())));
    let docs = Doc::new().markdown(doc.as_deref()).line(default_note.unwrap_or_default()).outer();
    let deprecated = field.deprecated.then(|| quote!(#[deprecated]));
    // (The wire name and presence are in the struct's property table.)
    let inner = type_tokens(&field.ty, types, &TokenStream::new());
    let ty = match field.presence {
        Presence::Required => inner,
        Presence::Nullable | Presence::Optional => quote!(Option<#inner>),
        Presence::OptionalNullable => quote!(Option<Option<#inner>>),
    };
    quote! {
        #docs
        #deprecated
        pub #name: #ty,
    }
}

fn enum_def(name: &Ident, enumeration: &Enum, serde: SerdeUse) -> TokenStream {
    if enumeration.repr == EnumRepr::String {
        return string_enum_def(name, enumeration, serde);
    }
    let variants: Vec<Ident> = enumeration.variants.iter().map(|variant| ident(&variant.name)).collect();
    let values: Vec<TokenStream> = enumeration.variants.iter().map(|variant| json_literal(&variant.value)).collect();
    let comparisons: Vec<TokenStream> = enumeration.variants.iter().map(|variant| comparable_literal(&variant.value)).collect();
    let docs: Vec<TokenStream> =
        enumeration.variants.iter().map(|variant| Doc::new().line(code(&variant.value.to_string())).outer()).collect();
    let definition = quote! {
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub enum #name {
            #( #docs #variants, )*
            /// A value this client does not know (the server may add values).
            Unknown(::serde_json::Value),
        }

        impl #name {
            /// The JSON value.
            pub fn to_value(&self) -> ::serde_json::Value {
                match self {
                    #( Self::#variants => #values, )*
                    Self::Unknown(value) => value.clone(),
                }
            }
        }

    };
    let serialize = serde.serialize.then(|| {
        quote! {
            impl ::serde::Serialize for #name {
                fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                    self.to_value().serialize(serializer)
                }
            }
        }
    });
    let deserialize = serde.deserialize.then(|| {
        quote! {
            impl<'de> ::serde::Deserialize<'de> for #name {
                fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                    let value = <::serde_json::Value as ::serde::Deserialize>::deserialize(deserializer)?;
                    #( if value == #comparisons { return Ok(Self::#variants); } )*
                    Ok(Self::Unknown(value))
                }
            }
        }
    });
    quote!(#definition #serialize #deserialize)
}

/// String enums get hand-written serde impls over `as_str`: they compile
/// much faster than derived ones (large specs have thousands of enums) and
/// map unknown values to `Unknown` without serde's buffering.
fn string_enum_def(name: &Ident, enumeration: &Enum, serde: SerdeUse) -> TokenStream {
    let variants: Vec<Ident> = enumeration.variants.iter().map(|variant| ident(&variant.name)).collect();
    let wires: Vec<&str> = enumeration.variants.iter().map(|variant| variant.value.as_str().unwrap_or_default()).collect();
    let docs = wires.iter().map(|wire| Doc::new().line(code(wire)).outer());
    let definition = quote! {
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum #name {
            #( #docs #variants, )*
            /// A value this client does not know (the server may add values).
            Unknown(String),
        }

        impl #name {
            /// The value as sent on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #( Self::#variants => #wires, )*
                    Self::Unknown(value) => value,
                }
            }
        }

        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::str::FromStr for #name {
            type Err = ::std::convert::Infallible;

            /// The variant named by `value`, or `Unknown` (never fails).
            fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
                ::std::result::Result::Ok(match value {
                    #( #wires => Self::#variants, )*
                    _ => Self::Unknown(::std::borrow::ToOwned::to_owned(value)),
                })
            }
        }

    };
    let serialize = serde.serialize.then(|| {
        quote! {
            impl ::serde::Serialize for #name {
                fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                    serializer.serialize_str(self.as_str())
                }
            }
        }
    });
    let deserialize = serde.deserialize.then(|| {
        quote! {
            impl<'de> ::serde::Deserialize<'de> for #name {
                fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                    // Borrowed from the input where it can be: only an
                    // unknown value is copied.
                    let value = <crate::runtime::__private::Text<'de> as ::serde::Deserialize<'de>>::deserialize(deserializer)?;
                    match <Self as ::std::str::FromStr>::from_str(value.as_str()) {
                        Ok(known) => Ok(known),
                        Err(never) => match never {},
                    }
                }
            }
        }
    });
    quote!(#definition #serialize #deserialize)
}

fn json_literal(value: &Value) -> TokenStream {
    match value {
        Value::Bool(b) => quote!(::serde_json::Value::Bool(#b)),
        Value::Number(number) => {
            if let Some(i) = number.as_i64() {
                let literal = Literal::i64_suffixed(i);
                quote!(::serde_json::Value::from(#literal))
            } else if let Some(u) = number.as_u64() {
                let literal = Literal::u64_suffixed(u);
                quote!(::serde_json::Value::from(#literal))
            } else {
                let literal = Literal::f64_suffixed(number.as_f64().unwrap_or_default());
                quote!(::serde_json::Value::from(#literal))
            }
        }
        Value::String(text) => quote!(::serde_json::Value::from(#text)),
        other => {
            let text = other.to_string();
            quote!(::serde_json::from_str::<::serde_json::Value>(#text).unwrap_or_default())
        }
    }
}

/// A literal `serde_json::Value` compares with directly (`1i64`, `"a"`).
fn comparable_literal(value: &Value) -> TokenStream {
    match value {
        Value::Bool(b) => quote!(#b),
        Value::String(text) => quote!(#text),
        Value::Number(number) => match (number.as_i64(), number.as_u64()) {
            (Some(i), _) => Literal::i64_suffixed(i).into_token_stream(),
            (None, Some(u)) => Literal::u64_suffixed(u).into_token_stream(),
            _ => Literal::f64_suffixed(number.as_f64().unwrap_or_default()).into_token_stream(),
        },
        other => json_literal(other),
    }
}

fn union_def(name: &Ident, union: &Union, serde: SerdeUse, types: &TypeSpace, calls: &mut Vec<String>) -> TokenStream {
    let variants: Vec<Ident> = union.variants.iter().map(|variant| ident(&variant.name)).collect();
    let inner: Vec<TokenStream> = union.variants.iter().map(|variant| type_tokens(&variant.ty, types, &TokenStream::new())).collect();
    // `From` each variant's type, as typify writes; only for variants
    // whose type, seen through aliases, is no other variant's and not the
    // union itself (those impls would conflict).
    let resolved: Vec<String> = union.variants.iter().map(|variant| resolved_type(&variant.ty, types).to_string()).collect();
    let own = quote!(#name).to_string();
    let convertible: Vec<(&Ident, &TokenStream)> = variants
        .iter()
        .zip(&inner)
        .zip(&resolved)
        .filter(|(_, ty)| **ty != own && resolved.iter().filter(|other| other == ty).count() == 1)
        .map(|(pair, _)| pair)
        .collect();
    let (from_variants, from_types): (Vec<&Ident>, Vec<&TokenStream>) = convertible.into_iter().unzip();
    let conversions = quote! {
        #(
            impl ::std::convert::From<#from_types> for #name {
                fn from(value: #from_types) -> Self {
                    Self::#from_variants(value)
                }
            }
        )*
    };
    let Some(tag) = &union.tag else {
        let eq = partial_eq(types);
        if types.serde_derive {
            let derives = serde_derives(serde);
            let untagged = (serde.serialize || serde.deserialize).then(|| quote!(#[serde(untagged)]));
            return quote! {
                #[derive(Debug, Clone, #eq #derives)]
                #untagged
                pub enum #name {
                    #( #variants(#inner), )*
                }

                #conversions
            };
        }
        calls.extend(untagged_call(types, name, &variants, serde));
        return quote! {
            #[derive(Debug, Clone, #eq)]
            pub enum #name {
                #( #variants(#inner), )*
            }

            #conversions
        };
    };
    let unknown_doc = Doc::new()
        .line(format!("A {} value this client does not know (the server may add variants); the whole object is kept.", code(tag)))
        .outer();
    // Serialized as the variant's own object (with the tag in front when
    // the variant leaves it to the union); decoded by the tag.
    let writes_tag = union.variants.iter().any(|variant| variant.writes_tag);
    if serde.serialize && !writes_tag {
        let all: Vec<Ident> = variants.iter().cloned().chain([format_ident!("Unknown")]).collect();
        calls.extend(untagged_call(types, name, &all, SerdeUse { serialize: true, deserialize: false }));
    }
    let serialize = (serde.serialize && writes_tag).then(|| {
        let arms = union.variants.iter().zip(&variants).map(|(variant, variant_name)| match variant.tag_values.first() {
            Some(value) if variant.writes_tag => {
                quote!(Self::#variant_name(variant) => crate::runtime::__private::serialize_tagged(serializer, #tag, #value, variant),)
            }
            _ => quote!(Self::#variant_name(variant) => ::serde::Serialize::serialize(variant, serializer),),
        });
        quote! {
            impl ::serde::Serialize for #name {
                fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                    match self {
                        #(#arms)*
                        Self::Unknown(value) => ::serde::Serialize::serialize(value, serializer),
                    }
                }
            }
        }
    });
    let deserialize = serde.deserialize.then(|| {
        let arms = union.variants.iter().zip(&variants).map(|(variant, variant_name)| {
            let values = &variant.tag_values;
            let skip = if variant.writes_tag { quote!(Some(#tag)) } else { quote!(None) };
            quote!(#( Some(#values) )|* => crate::runtime::__private::tagged_variant(&value, #skip).map(Self::#variant_name),)
        });
        // Buffered as read (repeated keys kept, strings borrowed), as serde's
        // internally tagged derive does; the tag chooses the variant.
        quote! {
            impl<'de> ::serde::Deserialize<'de> for #name {
                fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                    let value = <crate::runtime::__private::Buffered<'de> as ::serde::Deserialize<'de>>::deserialize(deserializer)?;
                    match crate::runtime::__private::tag_of(&value, #tag) {
                        #(#arms)*
                        _ => crate::runtime::__private::buffered_json(&value).map(Self::Unknown),
                    }
                }
            }
        }
    });
    let eq = partial_eq(types);
    if types.serde_derive && union.variants.iter().all(|variant| variant.writes_tag) {
        // serde's internally tagged enum: the tag is taken out before the
        // variant is decoded and written first; other values are kept.
        let derives = serde_derives(serde);
        let renames = union.variants.iter().map(|variant| {
            let mut values = variant.tag_values.iter();
            let first = values.next();
            let aliases = values.map(|value| quote!(alias = #value,));
            quote!(#[serde(rename = #first, #(#aliases)*)])
        });
        return quote! {
            #[derive(Debug, Clone, #eq #derives)]
            #[serde(tag = #tag)]
            pub enum #name {
                #( #renames #variants(#inner), )*
                #unknown_doc
                #[serde(untagged)]
                Unknown(::serde_json::Value),
            }

            #conversions
        };
    }
    quote! {
        #[derive(Debug, Clone, #eq)]
        pub enum #name {
            #( #variants(#inner), )*
            #unknown_doc
            Unknown(::serde_json::Value),
        }

        #serialize
        #deserialize
        #conversions
    }
}

/// The Rust type `ty` names once `type` aliases are seen through, inside
/// `Vec`, `Option`, `Box` and maps too (newtypes are types of their own).
fn resolved_type(ty: &TypeRef, types: &TypeSpace) -> TokenStream {
    type_tokens(&without_aliases(ty, types, 0), types, &TokenStream::new())
}

fn without_aliases(ty: &TypeRef, types: &TypeSpace, depth: usize) -> TypeRef {
    // Alias chains are short; the bound only guards a malformed IR.
    if depth > 64 {
        return ty.clone();
    }
    let inner = |inner: &TypeRef| Box::new(without_aliases(inner, types, depth + 1));
    match ty {
        TypeRef::Named(id) => match types.get(*id).map(|def| &def.kind) {
            Some(TypeKind::Alias { target, newtype: false }) => without_aliases(target, types, depth + 1),
            _ => ty.clone(),
        },
        TypeRef::Boxed(item) => TypeRef::Boxed(inner(item)),
        TypeRef::Vec(item) => TypeRef::Vec(inner(item)),
        TypeRef::Map(item) => TypeRef::Map(inner(item)),
        TypeRef::Option(item) => TypeRef::Option(inner(item)),
        other => other.clone(),
    }
}

/// `Serialize` (as the variant's own value) and `Deserialize` (the first
/// variant that decodes, in order) for a union without a tag, through the
/// runtime's `__impl_untagged!`: lighter to compile than serde's
/// `#[serde(untagged)]` derive, with the same meaning.
fn untagged_call(types: &TypeSpace, name: &Ident, variants: &[Ident], serde: SerdeUse) -> Option<String> {
    let directions = macro_directions(serde)?;
    let variants: Vec<String> = variants.iter().map(Ident::to_string).collect();
    Some(super::calls::untagged(types, directions, &name.to_string(), &variants))
}

/// The directions a runtime serde macro (`__impl_object!`,
/// `__impl_untagged!`) implements: `Serialize + Deserialize`, one of them,
/// or none.
fn macro_directions(serde: SerdeUse) -> Option<&'static str> {
    match (serde.serialize, serde.deserialize) {
        (true, true) => Some("Serialize + Deserialize"),
        (true, false) => Some("Serialize"),
        (false, true) => Some("Deserialize"),
        (false, false) => None,
    }
}

fn responses_def(name: &Ident, variants: &[ResponseVariant], types: &TypeSpace) -> TokenStream {
    let variants = variants.iter().map(|variant| {
        let docs = doc_attrs(variant.doc.as_deref());
        let variant_name = ident(&variant.name);
        match &variant.ty {
            Some(ty) => {
                let ty = type_tokens(ty, types, &TokenStream::new());
                quote!(#docs #variant_name(#ty),)
            }
            None => quote!(#docs #variant_name,),
        }
    });
    let eq = partial_eq(types);
    quote! {
        #[derive(Debug, Clone, #eq)]
        pub enum #name {
            #(#variants)*
        }
    }
}

/// The struct holding an operation's query, header and cookie parameters.
fn params_struct(operation: &Operation, types: &TypeSpace) -> Option<TokenStream> {
    let name = ident(operation.params_type.as_deref()?);
    let doc = format!(" Parameters of [`Client::{}`](super::Client::{}).", crate::naming::unraw(&operation.name), operation.name);
    let params = &operation.params;
    let all_optional = params.iter().all(|param| !param.required);
    let default = all_optional.then(|| quote!(Default,));
    let fields = params.iter().map(|param| {
        let field = ident(&param.name);
        let docs = doc_attrs(param.doc.as_deref());
        let deprecated = param.deprecated.then(|| quote!(#[deprecated]));
        let ty = type_tokens(&param.ty, types, &TokenStream::new());
        let ty = if param.required { ty } else { quote!(Option<#ty>) };
        quote!(#docs #deprecated pub #field: #ty,)
    });
    let eq = partial_eq(types);
    Some(quote! {
        #[doc = #doc]
        #[derive(Debug, Clone, #eq #default)]
        pub struct #name {
            #(#fields)*
        }
    })
}

/// The struct of the headers an operation's success responses document,
/// parsed from every response ([`crate::runtime::__private::FromHeaders`]).
fn headers_struct(operation: &Operation, types: &TypeSpace) -> Option<TokenStream> {
    let name = ident(operation.headers_type.as_deref()?);
    let doc = format!(
        " The headers a [`Client::{}`](super::Client::{}) response documents; see `Response::typed_headers`.",
        crate::naming::unraw(&operation.name),
        operation.name
    );
    let mut seen: Vec<&str> = Vec::new();
    let headers: Vec<_> = operation
        .success
        .iter()
        .flat_map(|case| &case.headers)
        .filter(|header| {
            let new = !seen.iter().any(|known| known.eq_ignore_ascii_case(&header.wire));
            seen.push(&header.wire);
            new
        })
        .collect();
    let fields = headers.iter().map(|header| {
        let field = ident(&header.name);
        let docs = Doc::new().markdown(header.doc.as_deref()).line(format!("The {} header.", code(&header.wire))).outer();
        let ty = type_tokens(&header.ty, types, &TokenStream::new());
        quote!(#docs pub #field: Option<#ty>,)
    });
    let parsed = headers.iter().map(|header| {
        let field = ident(&header.name);
        let wire = &header.wire;
        quote!(#field: crate::runtime::__private::header_value(headers, #wire),)
    });
    let eq = partial_eq(types);
    Some(quote! {
        #[doc = #doc]
        #[derive(Debug, Clone, #eq Default)]
        pub struct #name {
            #(#fields)*
        }

        impl crate::runtime::__private::FromHeaders for #name {
            fn from_headers(headers: &crate::runtime::HeaderMap) -> Self {
                Self {
                    #(#parsed)*
                }
            }
        }
    })
}
