//! Tagged unions whose variants cannot write their own tag.
//!
//! [`super::detach_tags`] moves the discriminator of structs that are only
//! ever variants to the union. Two more cases leave a variant unable to
//! write the tag it was read with, which would lose it on re-encoding:
//!
//! * the variant's schema has no property for the tag (the spec left the
//!   discriminator out of it): the union writes the tag for it
//!   ([`write_missing_tags`]);
//! * the union writes the tag, and several tag values choose the variant
//!   (`mapping: {cat: Cat, kitten: Cat}`): the variant becomes one per
//!   value, each holding the same type and writing its own value
//!   ([`split_by_tag_value`]), as serde's internally tagged enums need one
//!   variant per tag to write it back.

use crate::ir::{TypeId, TypeKind, TypeRef, TypeSpace, UnionVariant};
use crate::naming::{Scope, type_name};

/// Variants of tagged unions whose struct has no field for the tag: the
/// union writes it (and leaves it out of what the struct reads).
pub fn write_missing_tags(types: &mut TypeSpace) {
    let mut lacking = Vec::new();
    for (index, def) in types.defs.iter().enumerate() {
        let TypeKind::Union(union) = &def.kind else { continue };
        let Some(tag) = &union.tag else { continue };
        for (position, variant) in union.variants.iter().enumerate() {
            if variant.writes_tag || variant.tag_values.is_empty() {
                continue;
            }
            if let Some(TypeKind::Struct(structure)) = definition_of(types, &variant.ty)
                && !structure.fields.iter().any(|field| &field.wire == tag)
            {
                lacking.push((index, position));
            }
        }
    }
    for (union, position) in lacking {
        if let Some(TypeKind::Union(union)) = types.defs.get_mut(union).map(|def| &mut def.kind)
            && let Some(variant) = union.variants.get_mut(position)
        {
            variant.writes_tag = true;
        }
    }
}

/// The definition a variant's type names, through `Box` and `type`
/// aliases (`DogRef: {allOf: [$ref: Dog], description: …}` is `type DogRef
/// = Dog`); a chain of aliases longer than any real spec's is not followed.
fn definition_of<'a>(types: &'a TypeSpace, ty: &TypeRef) -> Option<&'a TypeKind> {
    let mut ty = ty;
    for _ in 0..32 {
        let Some(TypeRef::Named(TypeId(id))) = super::unboxed(ty) else { return None };
        match &types.defs.get(*id)?.kind {
            TypeKind::Alias { target, newtype: false } => ty = target,
            kind => return Some(kind),
        }
    }
    None
}

/// A variant the union writes the tag for, chosen by several values,
/// becomes one variant per value: the first keeps its name, the others are
/// named after their value (`Kitten`), next to it.
pub fn split_by_tag_value(types: &mut TypeSpace) {
    for def in &mut types.defs {
        let TypeKind::Union(union) = &mut def.kind else { continue };
        if union.tag.is_none() || !union.variants.iter().any(|variant| variant.writes_tag && variant.tag_values.len() > 1) {
            continue;
        }
        let mut names = Scope::with_reserved(["Unknown"].into_iter().chain(union.variants.iter().map(|variant| variant.name.as_str())));
        let mut variants = Vec::with_capacity(union.variants.len() + 1);
        for variant in std::mem::take(&mut union.variants) {
            if !variant.writes_tag || variant.tag_values.len() < 2 {
                variants.push(variant);
                continue;
            }
            let UnionVariant { name, ty, tag_values, writes_tag } = variant;
            let mut values = tag_values.into_iter();
            if let Some(first) = values.next() {
                variants.push(UnionVariant { name, ty: ty.clone(), tag_values: vec![first], writes_tag });
            }
            for value in values {
                let name = names.claim(&type_name(&value));
                variants.push(UnionVariant { name, ty: ty.clone(), tag_values: vec![value], writes_tag });
            }
        }
        union.variants = variants;
    }
}
