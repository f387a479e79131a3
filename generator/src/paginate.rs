//! Which operations are paginated, and how: declared with an operation's
//! `x-pagination` extension, or detected from the shape of the operation.
//!
//! Detection is conservative — a wrong guess is worse than none: only GET
//! operations with one JSON success body whose page shape is unambiguous
//! (exactly one array of items, a well-known next-link, cursor or
//! `has_more` field, or well-known page/offset and size parameters). A
//! declaration wins over detection; one that does not fit the operation is
//! an `invalid-pagination` diagnostic at the declaration.
//!
//! The declaration (see docs/client.md):
//!
//! ```yaml
//! x-pagination:
//!   style: next-link   # next-link | link-header | cursor | has-more | page | offset
//!   items: data        # the field holding the items; omit when the body is the array
//!   next: next         # next-link: the URL field; cursor: the cursor field; has-more: the boolean field
//!   param: cursor      # cursor, has-more, page, offset: the query parameter to set
//!   size: per_page     # page, offset: the page-size query parameter
//!   id: id             # has-more: the item field sent as `param`
//! ```
//!
//! `x-pagination: false` turns detection off for one operation;
//! `Config::detect_pagination` for all.

use crate::diagnostics::{Code, Diagnostic};
use crate::ir::{
    Api, BodyKind, DeclaredStyle, FieldAccess, Operation, PageItems, PageMethods, Pagination, PaginationDeclaration, PaginationStyle,
    Param, ParamLocation, Struct, TypeKind, TypeRef, TypeSpace,
};

const ITEM_FIELDS: &[&str] = &["data", "items", "results", "entries", "records", "values", "nodes", "elements", "list"];
const NEXT_LINK_FIELDS: &[&str] =
    &["next", "next_url", "nextUrl", "next_link", "nextLink", "next_page_url", "nextPageUrl", "@odata.nextLink"];
const CURSOR_FIELDS: &[&str] = &[
    "next_cursor",
    "nextCursor",
    "next_page_token",
    "nextPageToken",
    "next_token",
    "nextToken",
    "continuation_token",
    "continuationToken",
];
const CURSOR_PARAMS: &[&str] =
    &["cursor", "page_token", "pageToken", "next_token", "nextToken", "continuation_token", "continuationToken", "after"];
const HAS_MORE_FIELDS: &[&str] = &["has_more", "hasMore"];
const STARTING_AFTER_PARAMS: &[&str] = &["starting_after", "startingAfter"];
const PAGE_PARAMS: &[&str] = &["page", "page_number", "pageNumber"];
const OFFSET_PARAMS: &[&str] = &["offset", "skip"];
const SIZE_PARAMS: &[&str] = &["per_page", "perPage", "page_size", "pageSize", "limit", "size", "count", "top"];

/// Sets [`Operation::pagination`] on every paginated operation; returns a
/// warning for every declaration that does not fit (that operation gets
/// no page streams; `strict` makes it an error).
pub fn assign(api: &mut Api, detect: bool) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    let types = &api.types;
    let taken = crate::naming::method_names(&api.operations);
    for operation in &mut api.operations {
        let pagination = match &operation.pagination_declared {
            Some((PaginationDeclaration::Off, _)) => None,
            Some((declaration, at)) => match declared(operation, types, declaration) {
                Ok(pagination) => Some(pagination),
                Err(message) => {
                    let message = format!("{message}; the operation is generated without page streams");
                    problems.push(Diagnostic::warning(Code::InvalidPagination, &at.file, &at.pointer.to_string(), message));
                    None
                }
            },
            None if detect => detected(operation, types),
            None => None,
        };
        let Some(pagination) = pagination else {
            operation.pagination = None;
            continue;
        };
        let mut method = |suffix: &str| {
            let name = crate::naming::derived_name(&taken, &operation.name, suffix);
            let plain = crate::naming::derived_base(&operation.name, suffix);
            if name != plain {
                let subject = format!("the `{suffix}` method of `{}`", crate::naming::unraw(&operation.name));
                let taken_by = "another operation's method, or by the generated client";
                let message = crate::naming::collision_message(&subject, None, &plain, taken_by, &name);
                let at = &operation.origin;
                problems.push(Diagnostic::warning(Code::NameCollision, &at.file, &at.pointer.to_string(), message));
            }
            name
        };
        let methods = PageMethods { request: method("request"), send: method("send"), pages: method("pages"), stream: method("stream") };
        operation.pagination = Some(Pagination { methods, ..pagination });
    }
    problems
}

/// The page type and the response's documented headers, for operations
/// with one JSON success body.
fn page_type(operation: &Operation) -> Option<&TypeRef> {
    if operation.success_enum().is_some() {
        return None;
    }
    let mut bodies = operation.success.iter().filter_map(|case| case.body.as_ref());
    let body = bodies.next()?;
    (body.kind == BodyKind::Json && bodies.next().is_none()).then_some(&body.ty)
}

/// The struct behind `ty` (through aliases).
pub(crate) fn struct_of<'a>(ty: &TypeRef, types: &'a TypeSpace) -> Option<&'a Struct> {
    let mut ty = ty;
    for _ in 0..16 {
        match ty {
            TypeRef::Named(id) => match &types.get(*id)?.kind {
                TypeKind::Struct(structure) => return Some(structure),
                TypeKind::Alias { target, .. } => ty = target,
                _ => return None,
            },
            TypeRef::Boxed(inner) => ty = inner,
            _ => return None,
        }
    }
    None
}

/// The item type when `ty` is an array (through aliases).
fn array_item(ty: &TypeRef, types: &TypeSpace) -> Option<TypeRef> {
    let mut ty = ty;
    for _ in 0..16 {
        match ty {
            TypeRef::Vec(item) => return Some((**item).clone()),
            TypeRef::Named(id) => match &types.get(*id)?.kind {
                TypeKind::Alias { target, .. } => ty = target,
                _ => return None,
            },
            _ => return None,
        }
    }
    None
}

fn access(field: &crate::ir::Field) -> FieldAccess {
    FieldAccess { name: field.name.clone(), wire: field.wire.clone(), presence: field.presence }
}

fn field_named<'a>(structure: &'a Struct, wire: &str) -> Option<&'a crate::ir::Field> {
    structure.fields.iter().find(|field| field.wire == wire)
}

/// The first field whose wire name is in `names` and whose type fits.
fn find_field<'a>(structure: &'a Struct, names: &[&str], fits: impl Fn(&TypeRef) -> bool) -> Option<&'a crate::ir::Field> {
    names.iter().find_map(|name| field_named(structure, name).filter(|field| fits(&field.ty)))
}

fn query_params(operation: &Operation) -> impl Iterator<Item = &Param> {
    operation.params.iter().filter(|param| matches!(param.location, ParamLocation::Query(_)))
}

fn find_param<'a>(operation: &'a Operation, names: &[&str], fits: impl Fn(&TypeRef) -> bool) -> Option<&'a Param> {
    names.iter().find_map(|name| query_params(operation).find(|param| param.wire == *name && fits(&param.ty)))
}

fn is_string(ty: &TypeRef) -> bool {
    *ty == TypeRef::String
}

fn is_integer(ty: &TypeRef) -> bool {
    matches!(ty, TypeRef::I32 | TypeRef::I64 | TypeRef::U32 | TypeRef::U64)
}

/// The items of a page: the body itself, the only array field, or the one
/// well-known array field among several.
fn items(page: &TypeRef, types: &TypeSpace) -> Option<PageItems> {
    if let Some(item) = array_item(page, types) {
        return Some(PageItems::Body { item });
    }
    let structure = struct_of(page, types)?;
    let arrays: Vec<(&crate::ir::Field, TypeRef)> =
        structure.fields.iter().filter_map(|field| array_item(&field.ty, types).map(|item| (field, item))).collect();
    let chosen = match arrays.as_slice() {
        [only] => Some(only.clone()),
        _ => {
            let known: Vec<_> = arrays.iter().filter(|(field, _)| ITEM_FIELDS.contains(&field.wire.as_str())).collect();
            match known.as_slice() {
                [only] => Some((*only).clone()),
                _ => None,
            }
        }
    }?;
    Some(PageItems::Field { field: access(chosen.0), item: chosen.1 })
}

/// The `id` string field of the item type.
fn item_id(items: &PageItems, types: &TypeSpace, wire: &str) -> Option<FieldAccess> {
    let item = match items {
        PageItems::Body { item } | PageItems::Field { item, .. } => item,
    };
    let structure = struct_of(item, types)?;
    field_named(structure, wire).filter(|field| is_string(&field.ty)).map(access)
}

fn detected(operation: &Operation, types: &TypeSpace) -> Option<Pagination> {
    if operation.method != crate::ir::HttpMethod::Get {
        return None;
    }
    let page = page_type(operation)?;
    let items = items(page, types)?;
    let structure = struct_of(page, types);
    let style = structure
        .and_then(|structure| {
            if let Some(next) = find_field(structure, NEXT_LINK_FIELDS, is_string) {
                return Some(PaginationStyle::NextLink(access(next)));
            }
            if let (Some(field), Some(param)) =
                (find_field(structure, CURSOR_FIELDS, is_string), find_param(operation, CURSOR_PARAMS, is_string))
            {
                return Some(PaginationStyle::Cursor { field: access(field), param: param.wire.clone() });
            }
            let has_more = find_field(structure, HAS_MORE_FIELDS, |ty| *ty == TypeRef::Bool)?;
            let param = find_param(operation, STARTING_AFTER_PARAMS, is_string)?;
            let id = item_id(&items, types, "id")?;
            Some(PaginationStyle::HasMore { has_more: access(has_more), param: param.wire.clone(), id })
        })
        .or_else(|| {
            let documents_link =
                operation.success.iter().any(|case| case.headers.iter().any(|header| header.wire.eq_ignore_ascii_case("link")));
            (documents_link && matches!(items, PageItems::Body { .. })).then_some(PaginationStyle::LinkHeader)
        })
        .or_else(|| {
            let size = find_param(operation, SIZE_PARAMS, is_integer)?;
            if let Some(page) = find_param(operation, PAGE_PARAMS, is_integer) {
                return Some(PaginationStyle::PageNumber { param: page.wire.clone(), size: Some(size.wire.clone()) });
            }
            let offset = find_param(operation, OFFSET_PARAMS, is_integer)?;
            Some(PaginationStyle::Offset { param: offset.wire.clone(), size: Some(size.wire.clone()) })
        })?;
    Some(Pagination { style, items, detected: true, methods: PageMethods::default() })
}

/// A name the declaration gives, or the error of one that is not a string.
fn name(declared: &crate::ir::DeclaredName) -> Result<Option<&str>, String> {
    declared.as_ref().map(Option::as_deref).map_err(Clone::clone)
}

/// Reads an `x-pagination` declaration, checking every name it gives
/// against the operation.
fn declared(operation: &Operation, types: &TypeSpace, declaration: &PaginationDeclaration) -> Result<Pagination, String> {
    let declaration = match declaration {
        PaginationDeclaration::On(declaration) => declaration,
        PaginationDeclaration::Invalid(message) => return Err(message.clone()),
        PaginationDeclaration::Off => return Err("`x-pagination` is `false`".to_owned()),
    };
    let style = declaration.style_text.as_str();
    let page = page_type(operation).ok_or("the operation has no single JSON success body to read pages from")?;
    let items = match name(&declaration.items)? {
        Some(name) => {
            let structure = struct_of(page, types).ok_or("`items` is given, but the success body is not an object")?;
            let field = field_named(structure, name).ok_or_else(|| format!("the success body has no field `{name}`"))?;
            let item = array_item(&field.ty, types).ok_or_else(|| format!("field `{name}` is not an array"))?;
            PageItems::Field { field: access(field), item }
        }
        None => match array_item(page, types) {
            Some(item) => PageItems::Body { item },
            None => items(page, types).ok_or("no `items` field given, and the page has no single array field")?,
        },
    };
    let structure =
        || struct_of(page, types).ok_or_else(|| format!("style `{style}` reads a field, but the success body is not an object"));
    let string_field = |key: &str, given: Option<&str>, defaults: &[&str]| -> Result<FieldAccess, String> {
        let structure = structure()?;
        match given {
            Some(name) => {
                let field = field_named(structure, name).ok_or_else(|| format!("the success body has no field `{name}`"))?;
                if !is_string(&field.ty) {
                    return Err(format!("field `{name}` is not a string"));
                }
                Ok(access(field))
            }
            None => find_field(structure, defaults, is_string)
                .map(access)
                .ok_or_else(|| format!("style `{style}` needs `{key}`: no well-known field found")),
        }
    };
    let param = |defaults: &[&str], fits: fn(&TypeRef) -> bool| -> Result<String, String> {
        match name(&declaration.param)? {
            Some(name) => query_params(operation)
                .find(|param| param.wire == name)
                .map(|param| param.wire.clone())
                .ok_or_else(|| format!("the operation has no query parameter `{name}`")),
            None => find_param(operation, defaults, fits)
                .map(|param| param.wire.clone())
                .ok_or_else(|| format!("style `{style}` needs `param`: no well-known query parameter found")),
        }
    };
    let size = || -> Result<Option<String>, String> {
        match name(&declaration.size)? {
            Some(name) => query_params(operation)
                .find(|param| param.wire == name)
                .map(|param| Some(param.wire.clone()))
                .ok_or_else(|| format!("the operation has no query parameter `{name}`")),
            None => Ok(find_param(operation, SIZE_PARAMS, is_integer).map(|param| param.wire.clone())),
        }
    };
    let Some(declared_style) = declaration.style else {
        return Err(format!(
            "unknown style `{}` (expected next-link, link-header, cursor, has-more, page or offset)",
            style.escape_debug()
        ));
    };
    let style = match declared_style {
        DeclaredStyle::NextLink => PaginationStyle::NextLink(string_field("next", name(&declaration.next)?, NEXT_LINK_FIELDS)?),
        DeclaredStyle::LinkHeader => PaginationStyle::LinkHeader,
        DeclaredStyle::Cursor => PaginationStyle::Cursor {
            field: string_field("next", name(&declaration.next)?, CURSOR_FIELDS)?,
            param: param(CURSOR_PARAMS, is_string)?,
        },
        DeclaredStyle::HasMore => {
            let structure = structure()?;
            let has_more = match name(&declaration.next)? {
                Some(name) => field_named(structure, name).ok_or_else(|| format!("the success body has no field `{name}`"))?,
                None => find_field(structure, HAS_MORE_FIELDS, |ty| *ty == TypeRef::Bool)
                    .ok_or("style `has-more` needs `next`: no `has_more` field found")?,
            };
            if has_more.ty != TypeRef::Bool {
                return Err(format!("field `{}` is not a boolean", has_more.wire));
            }
            let id_name = name(&declaration.id)?.unwrap_or("id");
            let id = item_id(&items, types, id_name).ok_or_else(|| format!("the items have no string field `{id_name}`"))?;
            PaginationStyle::HasMore { has_more: access(has_more), param: param(STARTING_AFTER_PARAMS, is_string)?, id }
        }
        DeclaredStyle::Page => PaginationStyle::PageNumber { param: param(PAGE_PARAMS, is_integer)?, size: size()? },
        DeclaredStyle::Offset => PaginationStyle::Offset { param: param(OFFSET_PARAMS, is_integer)?, size: size()? },
    };
    Ok(Pagination { style, items, detected: false, methods: PageMethods::default() })
}
