//! Table-driven tests for lowering: a spec fragment in, IR facts out.
//!
//! Specs are written as YAML fragments (`components:` / `paths:`); the
//! helpers add the `openapi`/`info` header, load and lower them, and render
//! types as short strings (`Vec<Option<Pet>>`, `{id: i64 Required}`,
//! `enum(String, open) A="a"`) so every expectation reads like a table row.

use std::collections::BTreeMap;

use super::lower;
use crate::diagnostics::{Code, Diagnostic, Diagnostics};
use crate::ir::{
    Api, BodyKind, Field, Operation, Param, ParamLocation, ResponseCase, SecurityKind, StatusMatch, TypeDef, TypeId, TypeKind, TypeRef,
};
use crate::ir::{PathParam, PathStyle, QueryStyle, SchemeId};
use crate::load::load_spec;

const FILE: &str = "spec.yaml";

// ---------------------------------------------------------------- helpers

/// Removes the indentation common to all non-blank lines, so YAML can be
/// written indented inside Rust source.
fn dedent(text: &str) -> String {
    let indent = text.lines().filter(|line| !line.trim().is_empty()).map(|line| line.len() - line.trim_start().len()).min().unwrap_or(0);
    let mut out = String::new();
    for line in text.lines() {
        out.push_str(line.get(indent..).unwrap_or_default().trim_end());
        out.push('\n');
    }
    out
}

/// Loads and lowers `components_and_paths` (`paths: {}` is added when the
/// fragment has no `paths:`).
fn try_lower(components_and_paths: &str, skip_unsupported: bool) -> Result<Api, Diagnostics> {
    let context = crate::context::Context { skip_unsupported, ..crate::context::Context::default_for_tests() };
    try_lower_with(components_and_paths, &context)
}

/// [`try_lower`] in a given context.
fn try_lower_with(components_and_paths: &str, context: &crate::context::Context<'_>) -> Result<Api, Diagnostics> {
    let body = dedent(components_and_paths);
    let paths = if body.lines().any(|line| line.starts_with("paths:")) { "" } else { "paths: {}\n" };
    let text = format!("openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\n{paths}{body}");
    let loader = BTreeMap::from([(FILE.to_owned(), text.clone())]);
    let documents = load_spec(FILE, &loader).unwrap_or_else(|problems| panic!("spec does not load:\n{problems}\n{text}"));
    lower(&documents, context)
}

/// Lowers a spec fragment that must lower without problems.
fn lower_yaml(components_and_paths: &str) -> Api {
    try_lower(components_and_paths, false).unwrap_or_else(|problems| panic!("lowering failed:\n{problems}"))
}

/// [`lower_yaml`] followed by analysis, as `generate` runs it
/// ([`crate::analyze::run`], default settings).
fn lower_analyzed(components_and_paths: &str) -> Api {
    let mut api = lower_yaml(components_and_paths);
    crate::analyze::run(&mut api, &crate::context::Context::default_for_tests());
    api
}

/// A `components.schemas` section from `Name: schema` entries.
fn schemas(entries: &str) -> String {
    let mut text = String::from("components:\n  schemas:\n");
    for line in dedent(entries).lines() {
        text.push_str("    ");
        text.push_str(line);
        text.push('\n');
    }
    text
}

/// The type of property `f` of `T: {type: object, properties: {f: schema}}`;
/// a component `Pet` is there to refer to.
fn property_type(schema: &str) -> String {
    let api = lower_yaml(&schemas(&format!(
        "Pet: {{type: object, properties: {{id: {{type: integer}}}}}}\nT: {{type: object, properties: {{f: {schema}}}}}"
    )));
    show(&api, &field(&api, "T", "f").ty)
}

fn type_names(api: &Api) -> Vec<&str> {
    api.types.defs.iter().map(|def| def.name.as_str()).collect()
}

fn def<'a>(api: &'a Api, name: &str) -> &'a TypeDef {
    api.types.defs.iter().find(|def| def.name == name).unwrap_or_else(|| panic!("no type `{name}`; types: {:?}", type_names(api)))
}

fn id_of(api: &Api, name: &str) -> TypeId {
    let index = api.types.defs.iter().position(|def| def.name == name).expect("type exists");
    TypeId(index)
}

fn field<'a>(api: &'a Api, type_name: &str, wire: &str) -> &'a Field {
    let TypeKind::Struct(structure) = &def(api, type_name).kind else {
        panic!("`{type_name}` is not a struct: {}", describe(api, type_name))
    };
    structure
        .fields
        .iter()
        .find(|field| field.wire == wire)
        .unwrap_or_else(|| panic!("`{type_name}` has no property `{wire}`: {}", describe(api, type_name)))
}

/// A type use as short Rust-like text.
fn show(api: &Api, ty: &TypeRef) -> String {
    match ty {
        TypeRef::String => "String".into(),
        TypeRef::Bool => "bool".into(),
        TypeRef::I32 => "i32".into(),
        TypeRef::I64 => "i64".into(),
        TypeRef::U32 => "u32".into(),
        TypeRef::U64 => "u64".into(),
        TypeRef::F32 => "f32".into(),
        TypeRef::F64 => "f64".into(),
        TypeRef::DateTime => "DateTime".into(),
        TypeRef::Date => "Date".into(),
        TypeRef::Uuid => "Uuid".into(),
        TypeRef::Json => "Json".into(),
        TypeRef::JsonObject => "JsonObject".into(),
        TypeRef::Bytes => "Bytes".into(),
        TypeRef::File => "File".into(),
        TypeRef::Unit => "()".into(),
        TypeRef::Named(id) => api.types.get(*id).map_or_else(|| format!("#{}", id.0), |def| def.name.clone()),
        TypeRef::Boxed(inner) => format!("Box<{}>", show(api, inner)),
        TypeRef::Vec(inner) => format!("Vec<{}>", show(api, inner)),
        TypeRef::Map(inner) => format!("Map<{}>", show(api, inner)),
        TypeRef::Option(inner) => format!("Option<{}>", show(api, inner)),
    }
}

/// A named type as one line: `{a: i64 Required, ..String}`,
/// `enum(String, open) A="a" | B="b"`, `union(tag kind) Cat[cat] | Dog[dog]`,
/// `= Vec<Pet>`, `newtype Vec<Json>`, `responses Ok(Pet) | NoContent`.
fn describe(api: &Api, name: &str) -> String {
    match &def(api, name).kind {
        TypeKind::Struct(structure) => {
            let mut parts: Vec<String> =
                structure.fields.iter().map(|field| format!("{}: {} {:?}", field.name, show(api, &field.ty), field.presence)).collect();
            if let Some(additional) = &structure.additional {
                parts.push(format!("..{}", show(api, additional)));
            }
            format!("{{{}}}", parts.join(", "))
        }
        TypeKind::Enum(enumeration) => {
            let variants: Vec<String> = enumeration.variants.iter().map(|variant| format!("{}={}", variant.name, variant.value)).collect();
            let open = if enumeration.open { ", open" } else { "" };
            format!("enum({:?}{open}) {}", enumeration.repr, variants.join(" | "))
        }
        TypeKind::Union(union) => {
            let variants: Vec<String> = union
                .variants
                .iter()
                .map(|variant| {
                    let ty = show(api, &variant.ty);
                    let head = if ty == variant.name { ty } else { format!("{}({ty})", variant.name) };
                    if variant.tag_values.is_empty() { head } else { format!("{head}[{}]", variant.tag_values.join(",")) }
                })
                .collect();
            match &union.tag {
                Some(tag) => format!("union(tag {tag}) {}", variants.join(" | ")),
                None => format!("union {}", variants.join(" | ")),
            }
        }
        TypeKind::Alias { target, newtype } => {
            format!("{}{}", if *newtype { "newtype " } else { "= " }, show(api, target))
        }
        TypeKind::Responses(variants) => {
            let variants: Vec<String> = variants
                .iter()
                .map(|variant| match &variant.ty {
                    Some(ty) => format!("{}({})", variant.name, show(api, ty)),
                    None => variant.name.clone(),
                })
                .collect();
            format!("responses {}", variants.join(" | "))
        }
    }
}

/// Follows plain aliases to the type they finally name.
fn alias_target(api: &Api, name: &str) -> String {
    let mut current = name.to_owned();
    for _ in 0..16 {
        match &def(api, &current).kind {
            TypeKind::Alias { target: TypeRef::Named(id), .. } => current = show(api, &TypeRef::Named(*id)),
            _ => return current,
        }
    }
    panic!("alias chain from `{name}` does not end")
}

fn operation<'a>(api: &'a Api, name: &str) -> &'a Operation {
    api.operations.iter().find(|operation| operation.name == name).unwrap_or_else(|| {
        let names: Vec<&str> = api.operations.iter().map(|operation| operation.name.as_str()).collect();
        panic!("no operation `{name}`; operations: {names:?}")
    })
}

/// `rust_name(wire): Type Location [QueryStyle] [required]`; the wire name
/// only when it differs, the style only for query parameters.
fn param_line(api: &Api, param: &Param) -> String {
    let wire = if param.name == param.wire { String::new() } else { format!("({})", param.wire) };
    let location = match param.location {
        ParamLocation::Query(QueryStyle::Form { explode }) => format!("Query Form({explode})"),
        ParamLocation::Query(style) => format!("Query {style:?}"),
        location => format!("{location:?}"),
    };
    let required = if param.required { " required" } else { "" };
    format!("{}{wire}: {} {location}{required}", param.name, show(api, &param.ty))
}

/// `rust_name(wire): Type Path required`, like [`param_line`].
fn path_param_line(api: &Api, param: &PathParam) -> String {
    let wire = if param.name == param.wire { String::new() } else { format!("({})", param.wire) };
    format!("{}{wire}: {} Path required", param.name, show(api, &param.ty))
}

/// Every parameter of `operation`: path parameters first, then the rest.
fn param_lines(api: &Api, operation: &Operation) -> Vec<String> {
    let path = operation.path_params.iter().map(|param| path_param_line(api, param));
    path.chain(operation.params.iter().map(|param| param_line(api, param))).collect()
}

/// `200 Pet`, `5XX Problem`, `default -` (no body).
fn case_line(api: &Api, case: &ResponseCase) -> String {
    let status = match case.status {
        StatusMatch::Code(code) => code.to_string(),
        StatusMatch::Range(class) => format!("{class}XX"),
        StatusMatch::Default => "default".to_owned(),
    };
    let body = case.body.as_ref().map_or_else(|| "-".to_owned(), |body| show(api, &body.ty));
    format!("{status} {body}")
}

fn cases(api: &Api, cases: &[ResponseCase]) -> Vec<String> {
    cases.iter().map(|case| case_line(api, case)).collect()
}

/// `(code, pointer)` of every diagnostic.
fn problems<'a>(found: impl IntoIterator<Item = &'a Diagnostic>) -> Vec<(Code, String)> {
    found.into_iter().map(|problem| (problem.code, problem.pointer.clone())).collect()
}

// ---------------------------------------------------------------- objects

#[test]
fn property_presence_follows_required_nullable_read_and_write_only() {
    let api = lower_yaml(&schemas(
        "
        T:
          type: object
          required: [req, nul, ro, wo, ro_nul, ref_req]
          properties:
            req: {type: string}
            nul: {type: string, nullable: true}
            opt: {type: string}
            opt_nul: {type: string, nullable: true}
            ro: {type: string, readOnly: true}
            wo: {type: string, writeOnly: true}
            ro_nul: {type: string, readOnly: true, nullable: true}
            ref_req: {$ref: '#/components/schemas/Id'}
        Id: {type: string, format: uuid}
        ",
    ));
    let table = [
        ("req", "String Required"),
        ("nul", "String Nullable"),
        ("opt", "String Optional"),
        ("opt_nul", "String OptionalNullable"),
        ("ro", "String Optional"),
        ("wo", "String Optional"),
        ("ro_nul", "String OptionalNullable"),
        ("ref_req", "Id Required"),
    ];
    for (wire, expected) in table {
        let field = field(&api, "T", wire);
        assert_eq!(format!("{} {:?}", show(&api, &field.ty), field.presence), expected, "property `{wire}`");
    }
}

#[test]
fn field_names_are_snake_case_keyword_safe_and_unique() {
    let api = lower_yaml(&schemas(
        "
        T:
          type: object
          properties:
            idOrganization: {type: integer}
            type: {type: string}
            fooBar: {type: string}
            foo_bar: {type: string}
            FOO-BAR: {type: string}
            self: {type: string}
            1h: {type: string}
        ",
    ));
    let table = [
        ("idOrganization", "id_organization"),
        ("type", "r#type"),
        ("fooBar", "foo_bar"),
        ("foo_bar", "foo_bar_2"),
        ("FOO-BAR", "foo_bar_3"),
        ("self", "self_"),
        ("1h", "n1h"),
    ];
    for (wire, rust) in table {
        assert_eq!(field(&api, "T", wire).name, rust, "Rust name of property `{wire}`");
    }
}

#[test]
fn field_origins_point_at_the_property() {
    let api = lower_yaml(&schemas("T: {type: object, properties: {a/b: {type: string}}}"));
    assert_eq!(field(&api, "T", "a/b").origin.to_string(), "spec.yaml#/components/schemas/T/properties/a~1b");
}

// ---------------------------------------------------------------- arrays, maps, formats

#[test]
fn arrays_lower_to_vecs() {
    let table = [
        ("{type: array, items: {type: string}}", "Vec<String>"),
        ("{type: array, items: {type: array, items: {type: integer, format: int32}}}", "Vec<Vec<i32>>"),
        ("{type: array, items: {type: string, nullable: true}}", "Vec<Option<String>>"),
        ("{type: array, items: {$ref: '#/components/schemas/Pet'}}", "Vec<Pet>"),
        ("{type: array, items: {allOf: [{$ref: '#/components/schemas/Pet'}], nullable: true}}", "Vec<Option<Pet>>"),
        ("{type: array, items: {type: array, items: {type: number, nullable: true}}}", "Vec<Vec<Option<f64>>>"),
        ("{type: array}", "Vec<Json>"),
        ("{type: array, items: {}}", "Vec<Json>"),
        ("{items: {type: boolean}}", "Vec<bool>"),
    ];
    for (schema, expected) in table {
        assert_eq!(property_type(schema), expected, "{schema}");
    }
}

#[test]
fn additional_properties_without_properties_lower_to_maps() {
    let table = [
        ("{type: object, additionalProperties: {type: integer}}", "Map<i64>"),
        ("{type: object, additionalProperties: {type: string, nullable: true}}", "Map<Option<String>>"),
        ("{type: object, additionalProperties: {$ref: '#/components/schemas/Pet'}}", "Map<Pet>"),
        ("{additionalProperties: {type: array, items: {type: string}}}", "Map<Vec<String>>"),
        ("{type: object, additionalProperties: true}", "JsonObject"),
        ("{type: object, additionalProperties: {}}", "Map<Json>"),
        ("{type: object}", "JsonObject"),
        ("{type: object, properties: {}}", "JsonObject"),
    ];
    for (schema, expected) in table {
        assert_eq!(property_type(schema), expected, "{schema}");
    }
}

#[test]
fn additional_properties_next_to_properties_fill_struct_additional() {
    let table = [
        ("additionalProperties: {type: integer}", "{a: String Optional, ..i64}"),
        ("additionalProperties: {type: integer, nullable: true}", "{a: String Optional, ..Option<i64>}"),
        ("additionalProperties: true", "{a: String Optional, ..Json}"),
        ("additionalProperties: false", "{a: String Optional}"),
        ("description: no additionalProperties", "{a: String Optional}"),
    ];
    for (additional, expected) in table {
        let api = lower_yaml(&schemas(&format!("T: {{type: object, properties: {{a: {{type: string}}}}, {additional}}}")));
        assert_eq!(describe(&api, "T"), expected, "{additional}");
    }
    // The map is the field `additional_properties`: a property of that name
    // (either spelling) gets another.
    for wire in ["additional_properties", "additionalProperties"] {
        let api =
            lower_yaml(&schemas(&format!("T: {{type: object, properties: {{{wire}: {{type: string}}}}, additionalProperties: true}}")));
        assert_eq!(describe(&api, "T"), "{additional_properties_2: String Optional, ..Json}", "{wire}");
    }
}

#[test]
fn formats_choose_primitive_types() {
    let table = [
        ("{type: string}", "String"),
        ("{type: string, format: date-time}", "DateTime"),
        ("{type: string, format: date}", "Date"),
        ("{type: string, format: uuid}", "Uuid"),
        ("{type: string, format: binary}", "File"),
        ("{type: string, format: byte}", "String"),
        ("{type: string, format: email}", "String"),
        ("{type: integer}", "i64"),
        ("{type: integer, format: int32}", "i32"),
        ("{type: integer, format: int64}", "i64"),
        ("{type: integer, format: uint32}", "u32"),
        ("{type: integer, format: uint64}", "u64"),
        ("{type: integer, format: weird}", "i64"),
        ("{type: number}", "f64"),
        ("{type: number, format: float}", "f32"),
        ("{type: number, format: double}", "f64"),
        ("{type: number, format: decimal}", "f64"),
        ("{type: boolean}", "bool"),
        ("{}", "Json"),
        ("{description: anything}", "Json"),
    ];
    for (schema, expected) in table {
        assert_eq!(property_type(schema), expected, "{schema}");
    }
}

#[test]
fn component_primitives_and_arrays_become_aliases() {
    let table = [
        ("X: {type: string, format: date}", "= Date"),
        ("X: {type: array, items: {type: integer, format: int32}}", "= Vec<i32>"),
        ("X: {type: object, additionalProperties: {type: string}}", "= Map<String>"),
        ("X: {type: object}", "= JsonObject"),
        ("X: {}", "= Json"),
    ];
    for (entry, expected) in table {
        let api = lower_yaml(&schemas(entry));
        assert_eq!(describe(&api, "X"), expected, "{entry}");
    }
}

// ---------------------------------------------------------------- inline naming

#[test]
fn inline_types_are_named_after_their_location() {
    let api = lower_yaml(&schemas(
        "
        Invoice:
          type: object
          properties:
            organization:
              type: object
              properties:
                name: {type: string}
                address: {type: object, properties: {city: {type: string}}}
            lines:
              type: array
              items: {type: object, properties: {sku: {type: string}}}
            status: {type: string, enum: [open, paid]}
            meta:
              type: object
              additionalProperties: {type: object, properties: {x: {type: integer}}}
        Pets:
          type: array
          items: {type: object, properties: {id: {type: integer}}}
        ",
    ));
    // (type, where it is defined, what it is)
    let table = [
        (
            "Invoice",
            "/components/schemas/Invoice",
            "{organization: InvoiceOrganization Optional, lines: Vec<InvoiceLinesItem> Optional, \
             status: InvoiceStatus Optional, meta: Map<InvoiceMetaValue> Optional}",
        ),
        (
            "InvoiceOrganization",
            "/components/schemas/Invoice/properties/organization",
            "{name: String Optional, address: InvoiceOrganizationAddress Optional}",
        ),
        ("InvoiceOrganizationAddress", "/components/schemas/Invoice/properties/organization/properties/address", "{city: String Optional}"),
        ("InvoiceLinesItem", "/components/schemas/Invoice/properties/lines/items", "{sku: String Optional}"),
        ("InvoiceStatus", "/components/schemas/Invoice/properties/status", "enum(String, open) Open=\"open\" | Paid=\"paid\""),
        ("InvoiceMetaValue", "/components/schemas/Invoice/properties/meta/additionalProperties", "{x: i64 Optional}"),
        ("Pets", "/components/schemas/Pets", "= Vec<PetsItem>"),
        ("PetsItem", "/components/schemas/Pets/items", "{id: i64 Optional}"),
    ];
    for (name, pointer, expected) in table {
        assert_eq!(def(&api, name).origin.to_string(), format!("{FILE}#{pointer}"), "origin of {name}");
        assert_eq!(describe(&api, name), expected, "{name}");
    }
    assert_eq!(api.types.defs.len(), table.len(), "types: {:?}", type_names(&api));
}

#[test]
fn components_keep_their_names_before_inline_types() {
    // `Invoice.organization` would like to be called `InvoiceOrganization`
    // and is met first, but the component of that name keeps it.
    let api = lower_yaml(&schemas(
        "
        Invoice:
          type: object
          properties:
            organization: {type: object, properties: {id: {type: integer}}}
        InvoiceOrganization: {type: string, enum: [x]}
        ",
    ));
    assert_eq!(type_names(&api), ["Invoice", "InvoiceOrganization", "InvoiceOrganization2"]);
    let table = [
        ("Invoice", "/components/schemas/Invoice", "{organization: InvoiceOrganization2 Optional}"),
        ("InvoiceOrganization", "/components/schemas/InvoiceOrganization", "enum(String, open) X=\"x\""),
        ("InvoiceOrganization2", "/components/schemas/Invoice/properties/organization", "{id: i64 Optional}"),
    ];
    for (name, pointer, expected) in table {
        assert_eq!(def(&api, name).origin.to_string(), format!("{FILE}#{pointer}"), "origin of {name}");
        assert_eq!(describe(&api, name), expected, "{name}");
    }
}

// ---------------------------------------------------------------- references

#[test]
fn refs_name_components_and_chains_become_aliases() {
    let api = lower_yaml(&schemas(
        "
        A: {$ref: '#/components/schemas/B'}
        B: {$ref: '#/components/schemas/C'}
        C: {type: object, properties: {x: {type: string}}}
        U:
          type: object
          properties:
            a: {$ref: '#/components/schemas/A'}
            c: {$ref: '#/components/schemas/C'}
        ",
    ));
    // (type, is an alias, the type it finally names)
    let table = [("A", true, "C"), ("B", true, "C"), ("C", false, "C")];
    for (name, alias, target) in table {
        assert_eq!(matches!(def(&api, name).kind, TypeKind::Alias { newtype: false, .. }), alias, "{name}: {}", describe(&api, name));
        assert_eq!(alias_target(&api, name), target, "{name}");
    }
    assert_eq!(describe(&api, "C"), "{x: String Optional}");
    // A use of `A` names one of the aliases or `C` itself, whichever; through
    // the aliases it is `C`.
    let TypeRef::Named(a) = field(&api, "U", "a").ty else { panic!("U.a is not a named type") };
    assert_eq!(alias_target(&api, &show(&api, &TypeRef::Named(a))), "C");
    assert_eq!(show(&api, &field(&api, "U", "c").ty), "C");
    assert_eq!(api.types.defs.len(), 4, "no extra types: {:?}", type_names(&api));
}

#[test]
fn nullable_components_make_uses_nullable() {
    // The referenced component is defined before its use here; see
    // `forward_refs_to_nullable_components_are_nullable` for the other order.
    let api = lower_yaml(&schemas(
        "
        Maybe: {type: object, nullable: true, properties: {x: {type: string}}}
        MaybeEnum: {type: string, enum: [a, null]}
        T:
          type: object
          required: [m, e]
          properties:
            m: {$ref: '#/components/schemas/Maybe'}
            e: {$ref: '#/components/schemas/MaybeEnum'}
            list: {type: array, items: {$ref: '#/components/schemas/Maybe'}}
        ",
    ));
    let table = [("m", "Maybe Nullable"), ("e", "MaybeEnum Nullable"), ("list", "Vec<Option<Maybe>> Optional")];
    for (wire, expected) in table {
        let field = field(&api, "T", wire);
        assert_eq!(format!("{} {:?}", show(&api, &field.ty), field.presence), expected, "property `{wire}`");
    }
}

// ---------------------------------------------------------------- cycles

#[test]
fn cycles_are_boxed_only_where_needed() {
    let table = [
        // self reference through an optional field
        ("Node: {type: object, properties: {next: {$ref: '#/components/schemas/Node'}}}", "Node", "{next: Box<Node> Optional}"),
        // … and through a required nullable one
        (
            "Node: {type: object, required: [next], properties: {next: {allOf: [{$ref: '#/components/schemas/Node'}], nullable: true}}}",
            "Node",
            "{next: Box<Node> Nullable}",
        ),
        // a Vec or a map is indirection enough
        (
            "Tree: {type: object, properties: {children: {type: array, items: {$ref: '#/components/schemas/Tree'}}}}",
            "Tree",
            "{children: Vec<Tree> Optional}",
        ),
        (
            "Tree: {type: object, properties: {byName: {type: object, additionalProperties: {$ref: '#/components/schemas/Tree'}}}}",
            "Tree",
            "{by_name: Map<Tree> Optional}",
        ),
    ];
    for (entry, name, expected) in table {
        let api = lower_analyzed(&schemas(entry));
        assert_eq!(describe(&api, name), expected, "{entry}");
    }
}

#[test]
fn mutual_recursion_is_boxed_inside_the_cycle_only() {
    let api = lower_analyzed(&schemas(
        "
        A: {type: object, properties: {b: {$ref: '#/components/schemas/B'}}}
        B: {type: object, properties: {a: {$ref: '#/components/schemas/A'}}}
        Outside: {type: object, properties: {a: {$ref: '#/components/schemas/A'}}}
        ",
    ));
    let table = [("A", "{b: Box<B> Optional}"), ("B", "{a: Box<A> Optional}"), ("Outside", "{a: A Optional}")];
    for (name, expected) in table {
        assert_eq!(describe(&api, name), expected, "{name}");
    }
}

#[test]
fn recursion_through_unions_and_aliases_is_boxed() {
    let api = lower_analyzed(&schemas(
        "
        Expr:
          oneOf:
            - $ref: '#/components/schemas/Lit'
            - $ref: '#/components/schemas/Neg'
        Lit: {type: object, required: [value], properties: {value: {type: integer}}}
        Neg: {type: object, required: [inner], properties: {inner: {$ref: '#/components/schemas/ExprRef'}}}
        ExprRef: {allOf: [{$ref: '#/components/schemas/Expr'}], description: an alias}
        ",
    ));
    let table = [("Neg", "{inner: Box<ExprRef> Required}"), ("ExprRef", "= Expr"), ("Lit", "{value: i64 Required}")];
    for (name, expected) in table {
        assert_eq!(describe(&api, name), expected, "{name}");
    }
    let TypeKind::Union(union) = &def(&api, "Expr").kind else { panic!("Expr is not a union") };
    let variants: Vec<String> = union.variants.iter().map(|variant| show(&api, &variant.ty)).collect();
    assert!(variants.contains(&"Box<Neg>".to_owned()) && variants.contains(&"Lit".to_owned()), "{variants:?}");
}

#[test]
fn self_expanding_aliases_become_newtypes() {
    let table = [
        ("Json: {type: array, items: {$ref: '#/components/schemas/Json'}}", "Json", "newtype Vec<Json>"),
        ("Dict: {type: object, additionalProperties: {$ref: '#/components/schemas/Dict'}}", "Dict", "newtype Map<Dict>"),
        ("Plain: {type: array, items: {type: string}}", "Plain", "= Vec<String>"),
    ];
    for (entry, name, expected) in table {
        let api = lower_analyzed(&schemas(entry));
        assert_eq!(describe(&api, name), expected, "{entry}");
    }
    let api = lower_analyzed(&schemas("Json: {type: array, items: {$ref: '#/components/schemas/Json'}}"));
    let own = TypeRef::Named(id_of(&api, "Json"));
    assert!(
        matches!(&def(&api, "Json").kind, TypeKind::Alias { target: TypeRef::Vec(item), newtype: true } if **item == own),
        "the item is the newtype itself, not a JSON value: {:?}",
        def(&api, "Json").kind
    );
    // Mutually expanding aliases are newtypes too.
    let api = lower_analyzed(&schemas(
        "
        P: {type: array, items: {$ref: '#/components/schemas/Q'}}
        Q: {type: array, items: {$ref: '#/components/schemas/P'}}
        ",
    ));
    assert_eq!([describe(&api, "P"), describe(&api, "Q")], ["newtype Vec<Q>", "newtype Vec<P>"]);
}

// ---------------------------------------------------------------- enums

#[test]
fn enums_get_variant_names_and_a_repr() {
    let table = [
        (
            "{type: string, enum: [1h, '-', '', foo bar, a, A]}",
            "enum(String, open) N1h=\"1h\" | Minus=\"-\" | Empty=\"\" | FooBar=\"foo bar\" | A=\"a\" | A2=\"A\"",
        ),
        ("{type: string, enum: [Unknown, unknown]}", "enum(String, open) Unknown2=\"Unknown\" | Unknown3=\"unknown\""),
        ("{type: string, enum: [a, a, b]}", "enum(String, open) A=\"a\" | B=\"b\""),
        ("{type: integer, enum: [1, 2, -3]}", "enum(Integer, open) V1=1 | V2=2 | Minus3=-3"),
        // openapiv3 reads number enums as f64: whole numbers are integers again.
        ("{type: number, enum: [1, 2, 3]}", "enum(Integer, open) V1=1 | V2=2 | V3=3"),
        (
            "{type: number, enum: [1.5, 1.034e20, -1.034e-20]}",
            "enum(Mixed, open) V1_5=1.5 | V1_034E20=1.034e+20 | Minus1_034EMinus20=-1.034e-20",
        ),
        ("{enum: [a, 1, true]}", "enum(Mixed, open) A=\"a\" | V1=1 | True=true"),
        ("{type: string, enum: [a, null]}", "enum(String, open) A=\"a\""),
    ];
    for (schema, expected) in table {
        let api = lower_yaml(&schemas(&format!("E: {schema}")));
        assert_eq!(describe(&api, "E"), expected, "{schema}");
    }
}

#[test]
fn null_in_an_enum_makes_it_nullable() {
    let api = lower_yaml(&schemas(
        "
        T:
          type: object
          required: [with_null, without, flagged, only_null]
          properties:
            with_null: {type: string, enum: [a, null]}
            without: {type: string, enum: [a]}
            flagged: {type: string, enum: [a], nullable: true}
            only_null: {enum: [null]}
        ",
    ));
    let table = [
        ("with_null", "TWithNull Nullable"),
        ("without", "TWithout Required"),
        ("flagged", "TFlagged Nullable"),
        ("only_null", "Json Nullable"),
    ];
    for (wire, expected) in table {
        let field = field(&api, "T", wire);
        assert_eq!(format!("{} {:?}", show(&api, &field.ty), field.presence), expected, "property `{wire}`");
    }
}

#[test]
fn boolean_enums_stay_booleans() {
    assert_eq!(property_type("{type: boolean, enum: [true]}"), "bool");
}

// ---------------------------------------------------------------- allOf

#[test]
fn all_of_merges_properties_and_required_lists() {
    let api = lower_yaml(&schemas(
        "
        Named: {type: object, required: [id], properties: {id: {type: integer}}}
        Stamped: {type: object, required: [created], properties: {created: {type: string, format: date-time}}}
        Both:
          allOf:
            - $ref: '#/components/schemas/Named'
            - $ref: '#/components/schemas/Stamped'
            - type: object
              required: [note]
              properties: {note: {type: string}, extra: {type: boolean}}
        Deep:
          allOf:
            - $ref: '#/components/schemas/Both'
            - {type: object, required: [extra], properties: {deep: {type: integer}}}
        Override:
          allOf:
            - $ref: '#/components/schemas/Named'
            - {type: object, properties: {id: {type: string}}}
        ",
    ));
    let table = [
        ("Both", "{id: i64 Required, created: DateTime Required, note: String Required, extra: bool Optional}"),
        ("Deep", "{id: i64 Required, created: DateTime Required, note: String Required, extra: bool Required, deep: i64 Optional}"),
        ("Override", "{id: String Required}"),
    ];
    for (name, expected) in table {
        assert_eq!(describe(&api, name), expected, "{name}");
    }
}

#[test]
fn all_of_with_one_ref_is_that_ref() {
    let api = lower_yaml(&schemas(
        "
        X: {type: object, properties: {a: {type: string}}}
        T:
          type: object
          required: [nullable, described]
          properties:
            nullable: {allOf: [{$ref: '#/components/schemas/X'}], nullable: true}
            described: {allOf: [{$ref: '#/components/schemas/X'}], description: the X}
            optional: {allOf: [{$ref: '#/components/schemas/X'}], nullable: true}
        Wrapper: {allOf: [{$ref: '#/components/schemas/X'}], nullable: true}
        ",
    ));
    let table = [("nullable", "X Nullable"), ("described", "X Required"), ("optional", "X OptionalNullable")];
    for (wire, expected) in table {
        let field = field(&api, "T", wire);
        assert_eq!(format!("{} {:?}", show(&api, &field.ty), field.presence), expected, "property `{wire}`");
    }
    assert_eq!(describe(&api, "Wrapper"), "= X");
    assert_eq!(api.types.defs.len(), 3, "no inline types: {:?}", type_names(&api));
}

#[test]
fn inline_all_of_is_named_after_its_location() {
    let api = lower_yaml(&schemas(
        "
        Named: {type: object, required: [id], properties: {id: {type: integer}}}
        T:
          type: object
          properties:
            child:
              allOf:
                - $ref: '#/components/schemas/Named'
                - {type: object, properties: {label: {type: string}}}
        ",
    ));
    assert_eq!(show(&api, &field(&api, "T", "child").ty), "TChild");
    assert_eq!(describe(&api, "TChild"), "{id: i64 Required, label: String Optional}");
}

// ---------------------------------------------------------------- oneOf / anyOf

/// `Cat` (two required properties) and `Dog` (one), then `entries`.
fn pets_and(entries: &str) -> String {
    let pets = "
        Cat: {type: object, required: [kind, meows], properties: {kind: {type: string}, meows: {type: boolean}}}
        Dog: {type: object, required: [kind], properties: {kind: {type: string}}}
    ";
    schemas(&(dedent(pets) + &dedent(entries)))
}

#[test]
fn unions_with_discriminators_are_tagged() {
    let table = [
        (
            "{oneOf: [{$ref: '#/components/schemas/Cat'}, {$ref: '#/components/schemas/Dog'}], \
             discriminator: {propertyName: kind, mapping: {cat: '#/components/schemas/Cat', kitty: Cat, doggo: Dog}}}",
            "union(tag kind) Cat[cat,kitty] | Dog[doggo]",
        ),
        (
            "{oneOf: [{$ref: '#/components/schemas/Cat'}, {$ref: '#/components/schemas/Dog'}], discriminator: {propertyName: kind}}",
            "union(tag kind) Cat[Cat] | Dog[Dog]",
        ),
        (
            "{oneOf: [{$ref: '#/components/schemas/Dog'}, {$ref: '#/components/schemas/Cat'}], \
             discriminator: {propertyName: kind, mapping: {d: '#/components/schemas/Dog'}}}",
            "union(tag kind) Dog[d] | Cat[Cat]",
        ),
    ];
    for (schema, expected) in table {
        let api = lower_yaml(&pets_and(&format!("Pet: {schema}")));
        assert_eq!(describe(&api, "Pet"), expected, "{schema}");
    }
}

#[test]
fn untagged_unions_try_the_pickiest_variant_first() {
    let table = [
        // more required fields first
        ("{oneOf: [{$ref: '#/components/schemas/Dog'}, {$ref: '#/components/schemas/Cat'}]}", "union Cat | Dog"),
        // a discriminator over an inline member cannot be used
        (
            "{oneOf: [{$ref: '#/components/schemas/Dog'}, {type: object, title: other, required: [a, b, c], properties: {a: {type: string}, b: {type: string}, c: {type: string}}}], \
             discriminator: {propertyName: kind}}",
            "union PetOther | Dog[Dog]",
        ),
        // integer before number before string
        (
            "{oneOf: [{type: string}, {type: number}, {type: integer}, {type: boolean}]}",
            "union Boolean(bool) | Integer(i64) | Number(f64) | String",
        ),
        (
            "{anyOf: [{type: string}, {$ref: '#/components/schemas/Dog'}, {type: array, items: {type: integer}}]}",
            "union Dog | Array(Vec<i64>) | String",
        ),
        // formatted strings before plain ones
        ("{oneOf: [{type: string}, {type: string, format: uuid}]}", "union Uuid | String"),
    ];
    for (schema, expected) in table {
        let api = lower_yaml(&pets_and(&format!("Pet: {schema}")));
        assert_eq!(describe(&api, "Pet"), expected, "{schema}");
    }
}

#[test]
fn union_nullability_and_single_members() {
    let api = lower_yaml(&pets_and(
        "
        T:
          type: object
          required: [either, one]
          properties:
            either: {oneOf: [{$ref: '#/components/schemas/Cat'}, {$ref: '#/components/schemas/Dog'}], nullable: true}
            one: {oneOf: [{$ref: '#/components/schemas/Dog'}]}
        ",
    ));
    let table = [("either", "TEither Nullable"), ("one", "Dog Required")];
    for (wire, expected) in table {
        let field = field(&api, "T", wire);
        assert_eq!(format!("{} {:?}", show(&api, &field.ty), field.presence), expected, "property `{wire}`");
    }
    assert_eq!(describe(&api, "TEither"), "union Cat | Dog");
}

#[test]
fn a_member_that_only_allows_null_makes_the_union_optional() {
    // drf-spectacular writes every nullable choice field this way.
    let api = lower_yaml(&schemas(
        "
        RatingEnum: {type: integer, enum: [1, 2, 3]}
        NullEnum: {enum: [null]}
        BlankEnum: {enum: ['']}
        Book:
          type: object
          required: [rating, grade]
          properties:
            rating: {nullable: true, oneOf: [{$ref: '#/components/schemas/RatingEnum'}, {$ref: '#/components/schemas/NullEnum'}]}
            grade: {oneOf: [{$ref: '#/components/schemas/RatingEnum'}, {$ref: '#/components/schemas/BlankEnum'}, {$ref: '#/components/schemas/NullEnum'}]}
        ",
    ));
    assert_eq!(
        format!("{} {:?}", show(&api, &field(&api, "Book", "rating").ty), field(&api, "Book", "rating").presence),
        "RatingEnum Nullable"
    );
    let grade = field(&api, "Book", "grade");
    assert_eq!(format!("{} {:?}", show(&api, &grade.ty), grade.presence), "BookGrade Nullable");
    assert_eq!(describe(&api, "BookGrade"), "union RatingEnum | BlankEnum");
}

// ---------------------------------------------------------------- operations

#[test]
fn operation_names_come_from_operation_ids_or_method_and_path() {
    let api = lower_yaml(
        "
        paths:
          /pets:
            get: {operationId: listPets, responses: {'204': {description: ok}}}
            post: {responses: {'204': {description: ok}}}
          /pets/{petId}:
            delete: {responses: {'204': {description: ok}}}
            get: {operationId: getPet, responses: {'204': {description: ok}}}
          /things:
            get: {operationId: getPet, responses: {'204': {description: ok}}}
            put: {operationId: new, responses: {'204': {description: ok}}}
            patch: {operationId: GET-Thing.v2, responses: {'204': {description: ok}}}
        ",
    );
    // (method, path, method name, type prefix)
    let table = [
        ("GET", "/pets", "list_pets", "ListPets"),
        ("POST", "/pets", "post_pets", "PostPets"),
        ("GET", "/pets/{petId}", "get_pet", "GetPet"),
        ("DELETE", "/pets/{petId}", "delete_pets_pet_id", "DeletePetsPetId"),
        ("GET", "/things", "get_pet_2", "GetPet2"),
        ("PUT", "/things", "new_2", "New2"),
        ("PATCH", "/things", "get_thing_v2", "GetThingV2"),
    ];
    for (method, path, name, prefix) in table {
        let found = api
            .operations
            .iter()
            .find(|operation| operation.method.wire() == method && operation.path.as_str() == path)
            .unwrap_or_else(|| panic!("no {method} {path}"));
        // The operation's own types (`…Params`, `…Response`) start with
        // its name in UpperCamelCase.
        let type_prefix = crate::naming::type_name(crate::naming::unraw(&found.name));
        assert_eq!((found.name.as_str(), type_prefix.as_str()), (name, prefix), "{method} {path}");
    }
    assert_eq!(api.operations.len(), table.len());
}

const PARAMETERS: &str = "
    paths:
      /orgs/{org}/items/{itemId}:
        parameters:
          - {name: limit, in: query, schema: {type: integer}}
          - {name: X-Trace, in: header, schema: {type: string}}
          - {name: org, in: path, required: true, schema: {type: string}}
        get:
          operationId: listItems
          parameters:
            - {name: limit, in: query, required: true, schema: {type: integer, format: int32}}
            - {name: tags, in: query, explode: false, schema: {type: array, items: {type: string}}}
            - {name: ids, in: query, style: pipeDelimited, schema: {type: array, items: {type: integer}}}
            - {name: words, in: query, style: spaceDelimited, schema: {type: array, items: {type: string}}}
            - {name: filter, in: query, style: deepObject, schema: {type: object, properties: {a: {type: string}}}}
            - {name: sort, in: query, style: form, explode: true, schema: {type: string, enum: [asc, desc]}}
            - {name: session, in: cookie, schema: {type: string}}
            - {name: Accept, in: header, schema: {type: string}}
            - {name: content-type, in: header, schema: {type: string}}
            - {name: AUTHORIZATION, in: header, schema: {type: string}}
            - {name: type, in: query, schema: {type: string}}
            - {name: ghost, in: path, required: true, schema: {type: string}}
          responses: {'204': {description: done}}
";

#[test]
fn parameters_merge_path_level_and_operation_level() {
    let api = lower_yaml(PARAMETERS);
    let found = operation(&api, "list_items");
    let lines: Vec<String> = param_lines(&api, found);
    assert_eq!(
        lines,
        [
            // path parameters first, in template order; `itemId` is not declared
            "org: String Path required",
            "item_id(itemId): String Path required",
            // then the rest in spec order; the operation's `limit` replaces the path item's
            "x_trace(X-Trace): String Header",
            "limit: i32 Query Form(true) required",
            "tags: Vec<String> Query Form(false)",
            "ids: Vec<i64> Query PipeDelimited",
            "words: Vec<String> Query SpaceDelimited",
            "filter: ListItemsFilter Query DeepObject",
            "sort: ListItemsSort Query Form(true)",
            "session: String Cookie",
            "r#type(type): String Query Form(true)",
        ]
    );
    assert_eq!(found.params_type.as_deref(), Some("ListItemsParams"));
}

#[test]
fn parameter_origins_show_which_declaration_won() {
    let api = lower_yaml(PARAMETERS);
    let found = operation(&api, "list_items");
    let item = "/paths/~1orgs~1{org}~1items~1{itemId}";
    // (wire name, where it is declared)
    let table = [
        ("org", format!("{item}/parameters/2")),
        ("itemId", format!("{item}/get")),
        ("X-Trace", format!("{item}/parameters/1")),
        ("limit", format!("{item}/get/parameters/0")),
        ("type", format!("{item}/get/parameters/10")),
    ];
    for (wire, pointer) in table {
        let origin = found
            .path_params
            .iter()
            .find(|param| param.wire == wire)
            .map(|param| &param.origin)
            .or_else(|| found.params.iter().find(|param| param.wire == wire).map(|param| &param.origin))
            .unwrap_or_else(|| panic!("no parameter {wire}"));
        assert_eq!(origin.to_string(), format!("{FILE}#{pointer}"), "origin of {wire}");
    }
}

#[test]
fn only_path_parameters_need_no_params_type() {
    let api = lower_yaml(
        "
        paths:
          /a/{id}:
            get:
              operationId: getA
              parameters: [{name: id, in: path, required: true, schema: {type: integer}}]
              responses: {'204': {description: ok}}
        ",
    );
    let found = operation(&api, "get_a");
    assert_eq!(found.params_type, None);
    assert_eq!(param_lines(&api, found), ["id: i64 Path required"]);
}

#[test]
fn request_bodies_prefer_json_media_types() {
    // (content, chosen media type, kind, body type)
    let table = [
        (
            "{application/xml: {schema: {type: string}}, application/x-www-form-urlencoded: {schema: {$ref: '#/components/schemas/Pet'}}, \
             application/json: {schema: {$ref: '#/components/schemas/Pet'}}}",
            "application/json",
            BodyKind::Json,
            "Pet",
        ),
        (
            "{application/xml: {schema: {type: string}}, application/x-www-form-urlencoded: {schema: {$ref: '#/components/schemas/Pet'}}}",
            "application/x-www-form-urlencoded",
            BodyKind::Form,
            "Pet",
        ),
        (
            "{text/plain: {schema: {type: string}}, multipart/form-data: {schema: {$ref: '#/components/schemas/Pet'}}}",
            "multipart/form-data",
            BodyKind::Multipart,
            "Pet",
        ),
        (
            "{application/xml: {}, application/merge-patch+json: {schema: {$ref: '#/components/schemas/Pet'}}}",
            "application/merge-patch+json",
            BodyKind::Json,
            "Pet",
        ),
        ("{'*/*': {schema: {$ref: '#/components/schemas/Pet'}}}", "application/json", BodyKind::Json, "Pet"),
        ("{text/plain: {schema: {type: string}}}", "text/plain", BodyKind::Text, "String"),
        ("{application/octet-stream: {schema: {type: string, format: binary}}}", "application/octet-stream", BodyKind::Bytes, "Bytes"),
        ("{application/json: {schema: {type: object, properties: {a: {type: string}}}}}", "application/json", BodyKind::Json, "SendBody"),
        ("{application/json: {schema: {type: array, items: {type: integer}}}}", "application/json", BodyKind::Json, "Vec<i64>"),
        ("{application/json: {}}", "application/json", BodyKind::Json, "Json"),
    ];
    for (content, media, kind, ty) in table {
        let api = lower_yaml(&format!(
            "components: {{schemas: {{Pet: {{type: object, properties: {{id: {{type: integer}}}}}}}}}}
paths:
  /x:
    post:
      operationId: send
      requestBody: {{required: true, content: {content}}}
      responses: {{'204': {{description: ok}}}}
"
        ));
        let body = operation(&api, "send").body.as_ref().unwrap_or_else(|| panic!("no body for {content}"));
        assert_eq!((body.content_type.as_str(), body.kind, show(&api, &body.ty)), (media, kind, ty.to_owned()), "{content}");
        assert!(body.required, "{content}");
    }
}

const RESPONSES: &str = "
    components:
      schemas:
        Pet: {type: object, properties: {id: {type: integer}}}
        Job: {type: object, properties: {id: {type: string}}}
        Problem: {type: object, properties: {title: {type: string}}}
        NotFound: {type: object, properties: {path: {type: string}}}
    paths:
      /a:
        get:
          operationId: a
          responses:
            '200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Pet'}}}}
            '404': {description: missing, content: {application/json: {schema: {$ref: '#/components/schemas/Problem'}}}}
            5XX: {description: boom, content: {application/json: {schema: {$ref: '#/components/schemas/Problem'}}}}
            default: {description: other}
      /b:
        get:
          operationId: b
          responses:
            '404': {description: missing}
            default: {description: fine, content: {application/json: {schema: {$ref: '#/components/schemas/Pet'}}}}
      /c:
        get:
          operationId: c
          responses:
            '200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Pet'}}}}
            '202': {description: later, content: {application/json: {schema: {$ref: '#/components/schemas/Job'}}}}
            '400': {description: bad, content: {application/json: {schema: {$ref: '#/components/schemas/Problem'}}}}
            '404': {description: missing, content: {application/json: {schema: {$ref: '#/components/schemas/NotFound'}}}}
      /d:
        get:
          operationId: d
          responses:
            '200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Pet'}}}}
            '201': {description: made, content: {application/json: {schema: {$ref: '#/components/schemas/Pet'}}}}
            4XX: {description: bad, content: {application/json: {schema: {$ref: '#/components/schemas/Problem'}}}}
            '500': {description: boom, content: {application/json: {schema: {$ref: '#/components/schemas/Problem'}}}}
      /e:
        get:
          operationId: listThings
          responses:
            '200':
              description: ok
              content: {application/json: {schema: {type: object, properties: {items: {type: array, items: {type: string}}}}}}
            2XX: {description: also fine}
";

#[test]
fn responses_split_into_success_and_errors() {
    let api = lower_yaml(RESPONSES);
    // (operation, success cases, error cases)
    let table: [(&str, &[&str], &[&str]); 5] = [
        ("a", &["200 Pet"], &["404 Problem", "5XX Problem", "default -"]),
        ("b", &["default Pet"], &["404 -"]),
        ("c", &["200 Pet", "202 Job"], &["400 Problem", "404 NotFound"]),
        ("d", &["200 Pet", "201 Pet"], &["4XX Problem", "500 Problem"]),
        ("list_things", &["200 ListThingsOkResponse", "2XX -"], &[]),
    ];
    for (name, success, errors) in table {
        let found = operation(&api, name);
        assert_eq!(cases(&api, &found.success), success, "success of {name}");
        assert_eq!(cases(&api, &found.errors), errors, "errors of {name}");
    }
    assert_eq!(operation(&api, "a").errors[1].status, StatusMatch::Range(5));
    assert_eq!(operation(&api, "d").errors[0].status, StatusMatch::Range(4));
    assert_eq!(operation(&api, "b").success[0].status, StatusMatch::Default);
}

#[test]
fn response_enums_exist_only_when_bodies_differ() {
    let api = lower_yaml(RESPONSES);
    // (operation, success enum, error enum)
    let table = [
        ("a", None, Some("responses NotFound(Problem) | Status5xx(Problem) | Default")),
        ("b", None, None),
        ("c", Some("responses Ok(Pet) | Accepted(Job)"), Some("responses BadRequest(Problem) | NotFound(NotFound)")),
        ("d", None, None),
        ("list_things", Some("responses Ok(ListThingsOkResponse) | Status2xx"), None),
    ];
    for (name, success, errors) in table {
        let found = operation(&api, name);
        let describe_id = |id: Option<TypeId>| id.map(|id| describe(&api, &show(&api, &TypeRef::Named(id))));
        assert_eq!(describe_id(found.success_enum()).as_deref(), success, "success enum of {name}");
        assert_eq!(describe_id(found.error_enum()).as_deref(), errors, "error enum of {name}");
    }
    let c = operation(&api, "c");
    let names = [c.success_enum(), c.error_enum()].map(|id| id.map(|id| show(&api, &TypeRef::Named(id))));
    assert_eq!(names, [Some("CResponse".to_owned()), Some("CError".to_owned())]);
}

#[test]
fn a_single_success_body_is_named_after_the_operation() {
    let api = lower_yaml(
        "
        paths:
          /things:
            get:
              operationId: listThings
              responses:
                '200':
                  description: ok
                  content: {application/json: {schema: {type: object, properties: {n: {type: integer}}}}}
                '400':
                  description: bad
                  content: {application/problem+json: {schema: {type: object, properties: {title: {type: string}}}}}
        ",
    );
    let found = operation(&api, "list_things");
    assert_eq!(cases(&api, &found.success), ["200 ListThingsResponse"]);
    assert_eq!(cases(&api, &found.errors), ["400 ListThingsBadRequestError"]);
    assert_eq!(describe(&api, "ListThingsResponse"), "{n: i64 Optional}");
    assert_eq!(
        def(&api, "ListThingsResponse").origin.to_string(),
        format!("{FILE}#/paths/~1things/get/responses/200/content/application~1json/schema")
    );
}

// ---------------------------------------------------------------- security and servers

const SECURITY: &str = "
    components:
      securitySchemes:
        api_key: {type: apiKey, in: header, name: X-API-Key}
        query_key: {type: apiKey, in: query, name: key}
        cookie_key: {type: apiKey, in: cookie, name: sid}
        bearer: {type: http, scheme: bearer, description: a token}
        basic: {type: http, scheme: Basic}
        oauth: {type: oauth2, flows: {clientCredentials: {tokenUrl: 'https://x.test/token', scopes: {}}}}
        oidc: {type: openIdConnect, openIdConnectUrl: 'https://x.test/.well-known/openid-configuration'}
        timeout: {type: http, scheme: bearer}
    security: [{api_key: []}]
    paths:
      /global:
        get: {operationId: global, responses: {'204': {description: ok}}}
      /open:
        get: {operationId: open, security: [], responses: {'204': {description: ok}}}
      /alternatives:
        get:
          operationId: alternatives
          security: [{bearer: []}, {basic: [], query_key: []}, {}]
          responses: {'204': {description: ok}}
";

#[test]
fn security_schemes_lower_to_credentials() {
    let api = lower_yaml(SECURITY);
    let table = [
        ("api_key", "api_key", SecurityKind::HeaderKey("X-API-Key".into())),
        ("query_key", "query_key", SecurityKind::QueryKey("key".into())),
        ("cookie_key", "cookie_key", SecurityKind::CookieKey("sid".into())),
        ("bearer", "bearer", SecurityKind::Bearer),
        ("basic", "basic", SecurityKind::Basic),
        ("oauth", "oauth", SecurityKind::Bearer),
        ("oidc", "oidc", SecurityKind::Bearer),
        // the builder already has a `timeout` method
        ("timeout", "timeout_2", SecurityKind::Bearer),
    ];
    let found: Vec<(&str, &str, SecurityKind)> =
        api.security_schemes.iter().map(|scheme| (scheme.key.as_str(), scheme.name.as_str(), scheme.kind.clone())).collect();
    assert_eq!(found, table);
    assert_eq!(api.security_schemes[3].doc.as_deref(), Some("a token"));
    // Every scheme but basic gets a provider method, named past the
    // setters and the runtime's methods.
    let providers: Vec<Option<&str>> = api.security_schemes.iter().map(|scheme| scheme.provider.as_deref()).collect();
    let expected = ["api_key", "query_key", "cookie_key", "bearer"].map(|name| format!("{name}_provider"));
    assert_eq!(&providers[..4], expected.iter().map(|name| Some(name.as_str())).collect::<Vec<_>>());
    assert_eq!(providers[4..], [None, Some("oauth_provider"), Some("oidc_provider"), Some("timeout_2_provider")]);
    let token_urls: Vec<(&str, &str, bool)> = api
        .security_schemes
        .iter()
        .filter_map(|scheme| scheme.token_url.as_ref())
        .map(|url| (url.constant.as_str(), url.url.as_str(), url.absolute))
        .collect();
    assert_eq!(token_urls, [("OAUTH_TOKEN_URL", "https://x.test/token", true)]);
}

#[test]
fn provider_methods_never_take_a_setter_name() {
    let api = lower_yaml(
        "
        components:
          securitySchemes:
            a: {type: http, scheme: bearer}
            a_provider: {type: http, scheme: bearer}
            retry_unauthorized: {type: http, scheme: bearer}
            rel: {type: oauth2, flows: {clientCredentials: {tokenUrl: /token, scopes: {}}}}
        ",
    );
    let names: Vec<(&str, Option<&str>)> =
        api.security_schemes.iter().map(|scheme| (scheme.name.as_str(), scheme.provider.as_deref())).collect();
    assert_eq!(
        names,
        [
            ("a", Some("a_provider")),
            ("a_provider_2", Some("a_provider_2_provider")),
            ("retry_unauthorized_2", Some("retry_unauthorized_2_provider")),
            ("rel", Some("rel_provider")),
        ]
    );
    let token_url = api.security_schemes[3].token_url.as_ref().expect("a client-credentials flow");
    assert_eq!((token_url.url.as_str(), token_url.absolute), ("/token", false), "no server to resolve it against");
}

#[test]
fn security_requirements_come_from_the_operation_or_the_root() {
    let api = lower_yaml(SECURITY);
    let table: [(&str, &[&[&str]]); 3] =
        [("global", &[&["api_key"]]), ("open", &[]), ("alternatives", &[&["bearer"], &["basic", "query_key"], &[]])];
    for (name, expected) in table {
        let keys: Vec<Vec<&str>> = operation(&api, name)
            .security
            .iter()
            .map(|all| all.iter().map(|id| api.security_schemes[id.0].key.as_str()).collect())
            .collect();
        assert_eq!(keys, expected, "security of {name}");
    }
}

#[test]
fn base_url_comes_from_the_first_server() {
    let table = [
        (
            "servers: [{url: 'https://{region}.example.com/{version}/', variables: {region: {default: eu}, version: {default: v2}}}]",
            "https://eu.example.com/v2",
            vec!["region=eu", "version=v2"],
        ),
        ("servers: [{url: 'https://api.example.com/'}, {url: 'https://other.example.com'}]", "https://api.example.com", vec![]),
        ("servers: [{url: /api/v1}]", "/api/v1", vec![]),
        ("servers: [{url: /}]", "", vec![]),
        ("servers: []", "", vec![]),
        ("", "", vec![]),
    ];
    for (servers, base_url, variables) in table {
        let api = lower_yaml(servers);
        assert_eq!(api.base_url, base_url, "{servers}");
        let found: Vec<String> = api.server_variables.iter().map(|v| format!("{}={}", v.name, v.default)).collect();
        assert_eq!(found, variables, "{servers}");
    }
}

// ---------------------------------------------------------------- diagnostics

#[test]
fn broken_refs_are_reported_at_the_referring_node() {
    let table = [
        (
            "components: {schemas: {A: {type: object, properties: {b: {$ref: '#/components/schemas/Nope'}}}}}",
            "/components/schemas/A/properties/b",
        ),
        ("components: {schemas: {A: {$ref: '#/components/schemas/Nope'}}}", "/components/schemas/A"),
        ("components: {schemas: {A: {type: array, items: {$ref: '#/components/schemas/Nope'}}}}", "/components/schemas/A/items"),
        (
            "paths: {/a: {get: {responses: {'200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Nope'}}}}}}}}",
            "/paths/~1a/get/responses/200/content/application~1json/schema",
        ),
        (
            "paths: {/a: {get: {parameters: [{$ref: '#/components/parameters/Nope'}], responses: {'204': {description: ok}}}}}",
            "/paths/~1a/get/parameters/0",
        ),
        (
            "paths: {/a: {post: {requestBody: {$ref: '#/components/requestBodies/Nope'}, responses: {'204': {description: ok}}}}}",
            "/paths/~1a/post/requestBody",
        ),
    ];
    for (spec, pointer) in table {
        let found = try_lower(spec, false).expect_err(spec);
        assert_eq!(problems(found.iter()), [(Code::BrokenRef, pointer.to_owned())], "{spec}");
        assert!(found.iter().all(|problem| problem.file == FILE && problem.message.contains("Nope")), "{found}");
    }
}

const BROKEN_PARAMETER: &str = "
    paths:
      /a/{id}:
        get:
          operationId: styled
          parameters: [{$ref: '#/components/parameters/Nope'}]
          responses: {'204': {description: ok}}
      /b:
        get:
          operationId: plain
          responses: {'204': {description: ok}}
";

#[test]
fn path_styles_are_lowered() {
    let table = [
        ("{name: id, in: path, required: true, schema: {type: string}}", PathStyle::Simple { explode: false }),
        ("{name: id, in: path, required: true, explode: true, schema: {type: string}}", PathStyle::Simple { explode: true }),
        ("{name: id, in: path, required: true, style: label, schema: {type: string}}", PathStyle::Label { explode: false }),
        ("{name: id, in: path, required: true, style: matrix, explode: true, schema: {type: string}}", PathStyle::Matrix { explode: true }),
    ];
    for (parameter, style) in table {
        let spec = format!(
            "paths: {{'/a/{{id}}': {{get: {{operationId: a, parameters: [{parameter}], responses: {{'204': {{description: ok}}}}}}}}}}"
        );
        let api = lower_yaml(&spec);
        assert_eq!(operation(&api, "a").path_params[0].style, style, "{parameter}");
    }
}

#[test]
fn skipping_removes_only_the_broken_operation() {
    let api = try_lower(BROKEN_PARAMETER, true).unwrap_or_else(|problems| panic!("skipping must not fail:\n{problems}"));
    let names: Vec<&str> = api.operations.iter().map(|operation| operation.name.as_str()).collect();
    assert_eq!(names, ["plain"]);
    let skipped = problems(&api.skipped);
    assert!(skipped.contains(&(Code::BrokenRef, "/paths/~1a~1{id}/get/parameters/0".to_owned())), "{skipped:?}");
    assert!(skipped.iter().any(|(_, pointer)| pointer == "/paths/~1a~1{id}/get"), "the operation itself is named: {skipped:?}");
    assert!(api.skipped.iter().any(|problem| problem.message.contains("GET /a/{id}")), "{:?}", api.skipped);
    let strict = try_lower(BROKEN_PARAMETER, false).expect_err("strict mode fails");
    assert_eq!(problems(strict.iter()), [(Code::BrokenRef, "/paths/~1a~1{id}/get/parameters/0".to_owned())]);
}

#[test]
fn skipping_reports_broken_shared_schemas_without_failing() {
    let spec = "
        components: {schemas: {A: {type: object, properties: {b: {$ref: '#/components/schemas/Nope'}}}}}
        paths: {/a: {get: {operationId: a, responses: {'204': {description: ok}}}}}
    ";
    let api = try_lower(spec, true).unwrap_or_else(|problems| panic!("skipping must not fail:\n{problems}"));
    assert_eq!(api.operations.len(), 1);
    let skipped = problems(&api.skipped);
    assert_eq!(skipped, [(Code::BrokenRef, "/components/schemas/A/properties/b".to_owned())]);
    assert_eq!(describe(&api, "A"), "{b: Json OptionalNullable}");
}

// ---------------------------------------------------------------- known bugs

/// Tests of behaviour that lowering gets wrong today. Each asserts the
/// correct behaviour and fails until the bug is fixed.

#[test]
fn forward_refs_to_nullable_components_are_nullable() {
    // Same as `nullable_components_make_uses_nullable`, but the user comes
    // first: whether `Maybe` is nullable must not depend on spec order.
    let api = lower_yaml(&schemas(
        "
        T:
          type: object
          required: [m, e, a]
          properties:
            m: {$ref: '#/components/schemas/Maybe'}
            e: {$ref: '#/components/schemas/MaybeEnum'}
            a: {$ref: '#/components/schemas/MaybeAlias'}
            list: {type: array, items: {$ref: '#/components/schemas/Maybe'}}
        MaybeAlias: {$ref: '#/components/schemas/Maybe'}
        Maybe: {type: object, nullable: true, properties: {x: {type: string}}}
        MaybeEnum: {type: string, enum: [a, null]}
        ",
    ));
    let expected = ["m: Maybe Nullable", "e: MaybeEnum Nullable", "a: Maybe Nullable", "list: Vec<Option<Maybe>> Optional"];
    let found: Vec<String> = ["m", "e", "a", "list"]
        .into_iter()
        .map(|wire| {
            let field = field(&api, "T", wire);
            format!("{wire}: {} {:?}", show(&api, &field.ty), field.presence)
        })
        .collect();
    assert_eq!(found, expected);
}

#[test]
fn untagged_union_order_does_not_depend_on_component_order() {
    // Same as the first row of `untagged_unions_try_the_pickiest_variant_first`,
    // but the union is declared before its members.
    let api = lower_yaml(&schemas(
        "
        Pet: {oneOf: [{$ref: '#/components/schemas/Dog'}, {$ref: '#/components/schemas/Cat'}]}
        Cat: {type: object, required: [kind, meows], properties: {kind: {type: string}, meows: {type: boolean}}}
        Dog: {type: object, required: [kind], properties: {kind: {type: string}}}
        ",
    ));
    assert_eq!(describe(&api, "Pet"), "union Cat | Dog");
}

#[test]
fn security_requirements_naming_unknown_schemes_are_dropped_with_a_warning() {
    // `security: [{nope: []}, {api_key: []}]` names a scheme that does not
    // exist: that alternative is dropped, never silently: a located warning
    // says so (`Config::strict` makes it an error).
    let spec = "
        components:
          securitySchemes:
            api_key: {type: apiKey, in: header, name: X-API-Key}
        paths:
          /a:
            get:
              operationId: a
              security: [{nope: []}, {api_key: []}]
              responses: {'204': {description: ok}}
    ";
    let api = lower_yaml(spec);
    assert_eq!(operation(&api, "a").security, [vec![SchemeId(0)]], "the defined alternative is kept");
    let warnings: Vec<(Code, &str)> = api.warnings.iter().map(|w| (w.code, w.pointer.as_str())).collect();
    assert_eq!(warnings, [(Code::UndefinedSecurityScheme, "/paths/~1a/get/security/0/nope")]);
}

// ---------------------------------------------------------------- other input versions

/// Loads and lowers a whole document (any version) that must lower.
fn lower_document(text: &str) -> Api {
    let text = dedent(text);
    let loader = BTreeMap::from([(FILE.to_owned(), text.clone())]);
    let documents = load_spec(FILE, &loader).unwrap_or_else(|problems| panic!("spec does not load:\n{problems}\n{text}"));
    lower(&documents, &crate::context::Context::default_for_tests()).unwrap_or_else(|problems| panic!("lowering failed:\n{problems}"))
}

#[test]
fn swagger_2_bodies_parameters_responses_and_servers() {
    let api = lower_document(
        "
        swagger: '2.0'
        info: {title: t, version: '1'}
        host: api.example.com
        basePath: /v1
        schemes: [http]
        securityDefinitions:
          basic: {type: basic}
          key: {type: apiKey, in: query, name: k}
          oauth: {type: oauth2, flow: application, tokenUrl: 'token', scopes: {}}
        definitions:
          Pet: {type: object, properties: {tag: {type: string, x-nullable: true}}}
        paths:
          /pets/{ids}:
            post:
              operationId: add
              consumes: [application/xml, application/json]
              parameters:
                - {name: ids, in: path, required: true, type: array, items: {type: integer}}
                - {name: a, in: query, type: array, items: {type: string}}
                - {name: b, in: query, type: array, collectionFormat: ssv, items: {type: string}}
                - {name: c, in: query, type: array, collectionFormat: pipes, items: {type: string}}
                - {name: d, in: query, type: array, collectionFormat: multi, items: {type: string}}
                - {name: e, in: query, type: array, collectionFormat: tsv, items: {type: string}}
                - {name: pet, in: body, required: true, schema: {$ref: '#/definitions/Pet'}}
              security: [{basic: []}, {key: []}, {oauth: []}]
              responses:
                '200': {description: ok, schema: {$ref: '#/definitions/Pet'}}
          /photo:
            get:
              operationId: photo
              produces: [image/png]
              responses:
                '200': {description: ok, schema: {type: file}}
        ",
    );
    assert_eq!(api.base_url, "http://api.example.com/v1");
    let add = operation(&api, "add");
    let params: Vec<String> = param_lines(&api, add);
    assert_eq!(
        params,
        [
            "ids: Vec<i64> Path required",
            "a: Vec<String> Query Form(false)",
            "b: Vec<String> Query SpaceDelimited",
            "c: Vec<String> Query PipeDelimited",
            "d: Vec<String> Query Form(true)",
            "e: Vec<String> Query TabDelimited",
        ]
    );
    let body = add.body.as_ref().expect("a body");
    assert_eq!(
        (body.content_type.as_str(), body.kind, show(&api, &body.ty), body.required),
        ("application/json", BodyKind::Json, "Pet".to_owned(), true)
    );
    assert_eq!(cases(&api, &add.success), ["200 Pet"]);
    assert_eq!(add.security, [vec![SchemeId(0)], vec![SchemeId(1)], vec![SchemeId(2)]]);
    let kinds: Vec<&SecurityKind> = api.security_schemes.iter().map(|scheme| &scheme.kind).collect();
    assert_eq!(kinds, [&SecurityKind::Basic, &SecurityKind::QueryKey("k".to_owned()), &SecurityKind::Bearer]);
    // `flow: application` is the client-credentials flow; its relative
    // `tokenUrl` is resolved against host + basePath.
    let token_url = api.security_schemes[2].token_url.as_ref().map(|url| url.url.as_str());
    assert_eq!(token_url, Some("http://api.example.com/token"));
    assert_eq!(describe(&api, "Pet"), "{tag: String OptionalNullable}");
    assert_eq!(def(&api, "Pet").origin.to_string(), "spec.yaml#/definitions/Pet", "located as written");
    let photo = operation(&api, "photo");
    assert_eq!(photo.success[0].body.as_ref().map(|body| (body.content_type.as_str(), body.kind)), Some(("image/png", BodyKind::Bytes)));
    assert!(api.warnings.is_empty(), "tsv in a query is tab-separated: {:?}", api.warnings);
}

#[test]
fn a_binary_string_response_is_bytes_whatever_its_media_type() {
    // Docker's container logs: a global JSON `produces`, a binary schema.
    let api = lower_document(
        "
        swagger: '2.0'
        info: {title: t, version: '1'}
        produces: [application/json, text/plain]
        paths:
          /logs:
            get:
              operationId: logs
              responses: {'200': {description: raw, schema: {type: string, format: binary}}}
          /only-json:
            get:
              operationId: onlyJson
              produces: [application/json]
              responses: {'200': {description: raw, schema: {type: string, format: binary}}}
        ",
    );
    let body = |name: &str| {
        let body = operation(&api, name).success[0].body.clone().expect("a body");
        (body.content_type, body.kind, show(&api, &body.ty))
    };
    assert_eq!(body("logs"), ("text/plain".to_owned(), BodyKind::Bytes, "Bytes".to_owned()));
    assert_eq!(body("only_json"), ("application/json".to_owned(), BodyKind::Bytes, "Bytes".to_owned()));
}

#[test]
fn swagger_2_form_data_is_one_form_or_multipart_body() {
    let api = lower_document(
        "
        swagger: '2.0'
        info: {title: t, version: '1'}
        parameters:
          Shared: {name: note, in: formData, type: string}
        paths:
          /form:
            post:
              operationId: form
              parameters:
                - {name: a, in: formData, type: integer, required: true}
                - $ref: '#/parameters/Shared'
              responses: {'204': {description: ok}}
          /upload:
            post:
              operationId: upload
              parameters:
                - {name: file, in: formData, type: file, required: true}
              responses: {'204': {description: ok}}
        ",
    );
    let form = operation(&api, "form").body.as_ref().expect("form body");
    assert_eq!((form.content_type.as_str(), form.kind), ("application/x-www-form-urlencoded", BodyKind::Form));
    assert_eq!(describe(&api, "FormBody"), "{a: i64 Required, note: String Optional}");
    assert_eq!(field(&api, "FormBody", "note").origin.to_string(), "spec.yaml#/parameters/Shared", "the definition's location");
    let upload = operation(&api, "upload").body.as_ref().expect("upload body");
    assert_eq!((upload.content_type.as_str(), upload.kind), ("multipart/form-data", BodyKind::Multipart));
    assert_eq!(describe(&api, "UploadBody"), "{file: File Required}");
}

#[test]
fn openapi_3_1_schemas() {
    let api = lower_document(
        "
        openapi: 3.1.0
        info: {title: t, version: '1'}
        paths: {}
        components:
          schemas:
            T:
              type: object
              required: [a, b, c]
              properties:
                a: {type: [string, 'null']}
                b: {type: [integer, string]}
                c: {const: 3}
                d: {anyOf: [{$ref: '#/components/schemas/U'}, {type: 'null'}]}
                e: {$ref: '#/components/schemas/U', description: Sibling docs apply.}
                f: {$ref: '#/components/schemas/T/$defs/Inner'}
                g: {type: string, contentEncoding: base64}
                h: {type: string, contentMediaType: image/png}
              $defs:
                Inner: {type: boolean}
            U: {type: object, properties: {x: {type: integer}}}
        ",
    );
    assert_eq!(
        describe(&api, "T"),
        "{a: String Nullable, b: Tb Required, c: Tc Required, d: U OptionalNullable, e: U Optional, f: Inner Optional, g: String Optional, h: File Optional}"
    );
    assert_eq!(describe(&api, "Tb"), "union Integer(i64) | String");
    assert_eq!(describe(&api, "Tc"), "enum(Integer, open) V3=3");
    assert_eq!(field(&api, "T", "e").doc.as_deref(), Some("Sibling docs apply."));
    assert_eq!(describe(&api, "Inner"), "= bool");
}

#[test]
fn openapi_3_0_documents_with_3_1_keywords_are_read_as_3_1_with_warnings() {
    let api = lower_document(
        "
        openapi: 3.0.3
        info: {title: t, version: '1'}
        paths: {}
        components:
          schemas:
            T: {type: object, properties: {a: {type: [string, 'null']}, b: {type: string, nullable: true, exclusiveMinimum: 1}}}
        ",
    );
    assert_eq!(describe(&api, "T"), "{a: String OptionalNullable, b: String OptionalNullable}");
    let warned: Vec<(Code, String)> = problems(&api.warnings);
    assert_eq!(
        warned,
        [
            (Code::JsonSchemaKeyword, "/components/schemas/T/properties/a/type".to_owned()),
            (Code::JsonSchemaKeyword, "/components/schemas/T/properties/b/exclusiveMinimum".to_owned()),
        ]
    );
}

#[test]
fn serde_impls_follow_the_direction_each_type_is_used_in() {
    let spec = "
        paths:
          /pets:
            post:
              operationId: createPet
              parameters:
                - {name: kind, in: query, schema: {$ref: '#/components/schemas/Kind'}}
              requestBody:
                content: {application/json: {schema: {$ref: '#/components/schemas/NewPet'}}}
              responses:
                '200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Pet'}}}}
                default: {description: error, content: {application/json: {schema: {$ref: '#/components/schemas/Problem'}}}}
        components:
          schemas:
            Kind: {type: string, enum: [cat, dog]}
            Tag: {type: object, properties: {name: {type: string}}}
            NewPet: {type: object, properties: {kind: {$ref: '#/components/schemas/Kind'}, tags: {type: array, items: {$ref: '#/components/schemas/Tag'}}}}
            Pet: {type: object, properties: {kind: {$ref: '#/components/schemas/Kind'}, owner: {$ref: '#/components/schemas/Owner'}}}
            Owner: {type: object, properties: {name: {type: string}}}
            Problem: {type: object, properties: {message: {type: string}}}
            Webhook: {type: object, properties: {pet: {$ref: '#/components/schemas/Pet'}}}
    ";
    let directions = |both: bool| {
        let mut api = lower_analyzed(spec);
        // `run` decided with the default (both); decide again as asked.
        crate::analyze::serde_directions(&mut api, both);
        api.types.defs.iter().map(|def| (def.name.clone(), (def.serde.serialize, def.serde.deserialize))).collect::<BTreeMap<_, _>>()
    };
    let found = directions(false);
    let expected = [
        ("Kind", (true, true)),     // sent (parameter, body) and received (in Pet)
        ("Tag", (true, false)),     // only inside a request body
        ("NewPet", (true, false)),  // a request body
        ("Pet", (true, true)),      // a response, and inside Webhook, which no operation uses
        ("Owner", (true, true)),    // inside Pet, so inside Webhook too
        ("Problem", (false, true)), // an error body
        ("Webhook", (true, true)),  // no operation uses it: both
    ];
    for (name, directions) in expected {
        assert_eq!(found.get(name), Some(&directions), "{name}: {found:?}");
    }
    assert!(directions(true).values().all(|both| *both == (true, true)), "SerdeImpls::Both");
}

#[test]
fn variants_used_only_in_tagged_unions_leave_the_tag_to_the_union() {
    let spec = "
        paths:
          /shapes:
            get:
              operationId: listShapes
              responses:
                '200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Shape'}}}}
            post:
              operationId: addSquare
              requestBody:
                content: {application/json: {schema: {$ref: '#/components/schemas/Square'}}}
              responses: {'204': {description: ok}}
        components:
          schemas:
            Circle: {type: object, properties: {kind: {type: string, enum: [circle]}, radius: {type: number}}}
            Square: {type: object, properties: {kind: {type: string}, side: {type: number}}}
            Shape:
              oneOf: [{$ref: '#/components/schemas/Circle'}, {$ref: '#/components/schemas/Square'}]
              discriminator: {propertyName: kind}
    ";
    let mut api = lower_yaml(spec);
    // The spec's sample values, keyed by type, follow their types when the
    // inline enum is removed and ids are renumbered.
    for (id, def) in api.types.defs.iter().enumerate() {
        api.samples.types.insert(crate::ir::TypeId(id), serde_json::json!(def.name));
        api.samples.fields.insert((crate::ir::TypeId(id), "kind".to_owned()), serde_json::json!(def.name));
    }
    crate::analyze::run(&mut api, &crate::context::Context::default_for_tests());
    assert_eq!(api.samples.types.len(), api.types.defs.len());
    for (id, value) in &api.samples.types {
        assert_eq!(api.types.get(*id).map(|def| serde_json::json!(def.name)).as_ref(), Some(value));
    }
    for ((id, _), value) in &api.samples.fields {
        assert_eq!(api.types.get(*id).map(|def| serde_json::json!(def.name)).as_ref(), Some(value));
    }
    // Circle is only a variant: no `kind` field, and its inline enum of the
    // one value is gone. Square is also a request body: it keeps `kind`.
    assert_eq!(describe(&api, "Circle"), "{radius: f64 Optional}");
    assert_eq!(describe(&api, "Square"), "{kind: String Optional, side: f64 Optional}");
    let names: Vec<&str> = api.types.defs.iter().map(|def| def.name.as_str()).collect();
    assert!(!names.contains(&"CircleKind"), "{names:?}");
    let Some(TypeKind::Union(union)) = api.types.defs.iter().find(|def| def.name == "Shape").map(|def| &def.kind) else {
        panic!("Shape is a union");
    };
    let writes: Vec<(&str, bool)> = union.variants.iter().map(|variant| (variant.name.as_str(), variant.writes_tag)).collect();
    assert_eq!(writes, [("Circle", true), ("Square", false)]);
    assert!(crate::validate::check(&api).is_empty(), "ids renumbered consistently");
}

#[test]
fn every_tagged_variant_writes_back_the_tag_it_was_read_with() {
    // Cat has no `kind` property, and two tag values choose it; Dog has
    // the property but is also a request body, so it writes its own.
    let spec = "
        paths:
          /pets:
            get:
              operationId: listPets
              responses:
                '200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Pet'}}}}
            post:
              operationId: addDog
              requestBody:
                content: {application/json: {schema: {$ref: '#/components/schemas/Dog'}}}
              responses: {'204': {description: ok}}
        components:
          schemas:
            Cat: {type: object, properties: {name: {type: string}}}
            Dog: {type: object, properties: {kind: {type: string}, bark: {type: boolean}}}
            Pet:
              oneOf: [{$ref: '#/components/schemas/Cat'}, {$ref: '#/components/schemas/Dog'}, {$ref: '#/components/schemas/BirdRef'}]
              discriminator: {propertyName: kind, mapping: {cat: Cat, kitten: Cat, Cat: Cat, dog: Dog, hound: Dog, bird: BirdRef}}
            BirdRef: {allOf: [{$ref: '#/components/schemas/Bird'}], description: an alias of a struct without the tag}
            Bird: {type: object, properties: {wings: {type: integer}}}
    ";
    let mut api = lower_yaml(spec);
    crate::analyze::run(&mut api, &crate::context::Context::default_for_tests());
    let Some(TypeKind::Union(union)) = api.types.defs.iter().find(|def| def.name == "Pet").map(|def| &def.kind) else {
        panic!("Pet is a union");
    };
    let variants: Vec<(&str, String, bool)> =
        union.variants.iter().map(|variant| (variant.name.as_str(), variant.tag_values.join(","), variant.writes_tag)).collect();
    assert_eq!(
        variants,
        [
            ("Cat", "cat".to_owned(), true),
            ("Kitten", "kitten".to_owned(), true),
            ("Cat2", "Cat".to_owned(), true),
            ("Dog", "dog,hound".to_owned(), false),
            ("BirdRef", "bird".to_owned(), true),
        ]
    );
    assert!(crate::validate::check(&api).is_empty());
}

#[test]
fn date_time_strings_can_stay_strings() {
    let spec = "
        components:
          schemas:
            T: {type: object, required: [at, on], properties: {at: {type: string, format: date-time}, on: {type: string, format: date}}}
    ";
    let settings = crate::Settings { date_time: crate::DateTimes::String, ..crate::Settings::default() };
    let context = crate::context::Context { settings: &settings, ..crate::context::Context::default_for_tests() };
    let api = try_lower_with(spec, &context).unwrap_or_else(|problems| panic!("{problems}"));
    assert_eq!(describe(&api, "T"), "{at: String Required, on: String Required}");
    assert_eq!(describe(&lower_yaml(spec), "T"), "{at: DateTime Required, on: Date Required}", "the default is chrono");
}

#[test]
fn parameters_always_gives_every_operation_a_params_struct() {
    let spec = "
        paths:
          /a/{id}:
            get:
              operationId: getA
              parameters: [{name: id, in: path, required: true, schema: {type: integer}}]
              responses: {'204': {description: ok}}
    ";
    let settings = crate::Settings { parameters: crate::Parameters::Always, ..crate::Settings::default() };
    let context = crate::context::Context { settings: &settings, ..crate::context::Context::default_for_tests() };
    let api = try_lower_with(spec, &context).unwrap_or_else(|problems| panic!("{problems}"));
    assert_eq!(operation(&api, "get_a").params_type.as_deref(), Some("GetAParams"));
    assert_eq!(operation(&lower_yaml(spec), "get_a").params_type, None, "the default: only with parameters");
}

#[test]
fn a_one_value_enum_inside_allof_members_tags_the_union() {
    // GitHub's `repository-rule-detailed`: each alternative is `allOf` a
    // rule (with its one-value `type`) and shared ruleset fields.
    let api = lower_yaml(&schemas(
        "
         Rule:
           oneOf:
             - allOf: [{$ref: '#/components/schemas/Creation'}, {$ref: '#/components/schemas/Info'}]
             - allOf: [{$ref: '#/components/schemas/Pattern'}, {$ref: '#/components/schemas/Info'}]
         Creation: {type: object, required: [type], properties: {type: {type: string, enum: [creation]}}}
         Pattern:
           type: object
           required: [type]
           properties:
             type: {type: string, enum: [commit_message_pattern]}
             parameters: {type: object, properties: {pattern: {type: string}}}
         Info: {type: object, properties: {ruleset_id: {type: integer}}}",
    ));
    let described = describe(&api, "Rule");
    assert!(described.starts_with("union(tag type) "), "{described}");
    assert!(described.contains("[creation]") && described.contains("[commit_message_pattern]"), "{described}");
}

#[test]
fn lowering_decides_the_shared_success_call_and_the_idempotency_key() {
    let spec = "
        paths:
          /a:
            post:
              operationId: shared
              parameters:
                - {name: Idempotency-Key, in: header, schema: {type: string}}
                - {name: X-Other, in: header, schema: {type: string}}
              responses:
                '200': {description: ok, content: {application/json: {schema: {type: string}}}}
                '2XX': {description: ok, content: {application/json: {schema: {type: string}}}}
            put:
              operationId: byStatus
              responses:
                '200': {description: ok, content: {application/json: {schema: {type: string}}}}
                '201': {description: ok, content: {application/json: {schema: {type: integer}}}}
            get:
              operationId: withDefault
              responses:
                default: {description: ok, content: {application/json: {schema: {type: string}}}}
            delete:
              operationId: nothing
              responses: {}
    ";
    let api = lower_yaml(spec);
    let shared = operation(&api, "shared");
    assert_eq!(
        shared.shared_success,
        Some(crate::ir::SharedSuccess { call: crate::ir::SuccessCall::Json, statuses: vec![(200, 200), (200, 299)] })
    );
    let keys: Vec<(&str, bool)> = shared.params.iter().map(|param| (param.wire.as_str(), param.idempotency_key)).collect();
    assert_eq!(keys, [("Idempotency-Key", true), ("X-Other", false)]);
    assert_eq!(operation(&api, "by_status").shared_success, None);
    assert_eq!(operation(&api, "with_default").shared_success, None);
    assert_eq!(
        operation(&api, "nothing").shared_success,
        Some(crate::ir::SharedSuccess { call: crate::ir::SuccessCall::Empty, statuses: vec![(200, 299)] })
    );
}

#[test]
fn a_schema_that_only_refers_to_itself_is_any_json_value_with_a_warning() {
    for schema in ["{allOf: [{$ref: '#/components/schemas/A'}]}", "{oneOf: [{$ref: '#/components/schemas/A'}, {type: 'null'}]}"] {
        let api = lower_yaml(&schemas(&format!("A: {schema}")));
        assert_eq!(describe(&api, "A"), "= Json", "{schema}");
        assert!(api.warnings.iter().any(|warning| warning.code == Code::UnsupportedSchema), "{schema}: {:?}", api.warnings);
    }
}

#[test]
fn an_x_pagination_name_is_checked_only_by_a_style_that_reads_it() {
    let spec = |declaration: &str| {
        format!(
            "
            paths:
              /items:
                get:
                  operationId: listItems
                  x-pagination: {declaration}
                  parameters: [{{name: page, in: query, schema: {{type: integer}}}}, {{name: page_size, in: query, schema: {{type: integer}}}}]
                  responses:
                    '200':
                      description: ok
                      content:
                        application/json:
                          schema: {{type: object, properties: {{next: {{type: string}}, data: {{type: array, items: {{type: string}}}}}}}}
            "
        )
    };
    // `next-link` reads no `size`: a number there is no reason to refuse.
    let api = lower_analyzed(&spec("{style: next-link, next: next, size: 100}"));
    assert!(operation(&api, "list_items").pagination.is_some(), "{:?}", api.warnings);
    // A style that reads it refuses it, and says why.
    let api = lower_analyzed(&spec("{style: page, size: 100}"));
    assert!(operation(&api, "list_items").pagination.is_none());
    let messages: Vec<&str> = api.warnings.iter().map(|warning| warning.message.as_str()).collect();
    assert!(messages.iter().any(|message| message.contains("`x-pagination.size` must be a string")), "{messages:?}");
}

#[test]
fn names_that_collide_are_numbered_with_a_located_warning() {
    // Properties that make one field name, and enum values that make one
    // variant name (or the fallback's, `Unknown`): the later one is
    // numbered, never silently.
    let spec = "
        components:
          schemas:
            Pet:
              type: object
              properties:
                foo-bar: {type: string}
                foo_bar: {type: string}
                role: {type: string, enum: [admin, Admin, unknown]}
        paths: {}
    ";
    let api = lower_yaml(spec);
    let TypeKind::Struct(pet) = &def(&api, "Pet").kind else { panic!("Pet is a struct") };
    let names: Vec<(&str, &str)> = pet.fields.iter().map(|field| (field.wire.as_str(), field.name.as_str())).collect();
    assert_eq!(names, [("foo-bar", "foo_bar"), ("foo_bar", "foo_bar_2"), ("role", "role")]);
    let warnings: Vec<(Code, &str, &str)> = api.warnings.iter().map(|w| (w.code, w.pointer.as_str(), w.message.as_str())).collect();
    assert_eq!(
        warnings,
        [
            (
                Code::NameCollision,
                "/components/schemas/Pet/properties/foo_bar",
                "property `foo_bar` would be the field `foo_bar`, which is taken (by another property, or by the generated code); it is the field `foo_bar_2`"
            ),
            (
                Code::NameCollision,
                "/components/schemas/Pet/properties/role",
                "enum value `Admin` would be the variant `Admin`, which is taken (by another value, or by the fallback for unlisted values, `Unknown`); it is the variant `Admin2`"
            ),
            (
                Code::NameCollision,
                "/components/schemas/Pet/properties/role",
                "enum value `unknown` would be the variant `Unknown`, which is taken (by another value, or by the fallback for unlisted values, `Unknown`); it is the variant `Unknown2`"
            ),
        ]
    );
}

#[test]
fn operations_and_parameters_that_collide_are_numbered_with_a_located_warning() {
    let spec = "
        paths:
          /a:
            get:
              operationId: getPet
              parameters:
                - {name: page-size, in: query, schema: {type: integer}}
                - {name: page_size, in: header, schema: {type: integer}}
              responses: {'204': {description: ok}}
            post:
              operationId: get_pet
              responses: {'204': {description: ok}}
    ";
    let api = lower_yaml(spec);
    let names: Vec<&str> = api.operations.iter().map(|operation| operation.name.as_str()).collect();
    assert_eq!(names, ["get_pet", "get_pet_2"]);
    let params: Vec<&str> = operation(&api, "get_pet").params.iter().map(|param| param.name.as_str()).collect();
    assert_eq!(params, ["page_size", "page_size_2"]);
    let warnings: Vec<(Code, &str, &str)> = api.warnings.iter().map(|w| (w.code, w.pointer.as_str(), w.message.as_str())).collect();
    assert_eq!(
        warnings,
        [
            (
                Code::NameCollision,
                "/paths/~1a/get/parameters/1",
                "parameter `page_size` would be the argument `page_size`, which is taken (by another parameter, or by the generated code); it is the argument `page_size_2`"
            ),
            (
                Code::NameCollision,
                "/paths/~1a/post",
                "operation `get_pet` would be the method `get_pet`, which is taken (by another operation, or by the generated code); it is the method `get_pet_2`"
            ),
        ]
    );
}

#[test]
fn a_response_header_named_like_an_accessor_of_the_response_is_numbered_with_a_warning() {
    let spec = "
        paths:
          /a:
            get:
              operationId: a
              responses:
                '200':
                  description: ok
                  headers:
                    Status: {schema: {type: string}}
                  content:
                    application/json: {schema: {type: string}}
    ";
    let api = lower_yaml(spec);
    let warnings: Vec<(Code, &str, &str)> = api.warnings.iter().map(|w| (w.code, w.pointer.as_str(), w.message.as_str())).collect();
    assert_eq!(
        warnings,
        [(
            Code::NameCollision,
            "/paths/~1a/get/responses/200/headers/Status",
            "response header `Status` would be the accessor `status`, which is taken (by another response header, or by the generated code); it is the accessor `status_2`"
        )]
    );
}

#[test]
fn tags_named_like_the_manifests_own_features_are_numbered() {
    let mut api = lower_yaml(
        "
        paths:
          /a: {get: {operationId: a, tags: [mock], responses: {'204': {description: none}}}}
          /b: {get: {operationId: b, tags: [full, default], responses: {'204': {description: none}}}}
          /c: {get: {operationId: c, tags: [schemas, untagged], responses: {'204': {description: none}}}}
          /d: {get: {operationId: d, responses: {'204': {description: none}}}}
        ",
    );
    let context = crate::context::Context { features: true, ..crate::context::Context::default_for_tests() };
    crate::analyze::run(&mut api, &context);
    let features = api.features.as_ref().map(|features| features.names.iter().map(|(name, _)| name.as_str()).collect::<Vec<_>>());
    assert_eq!(features, Some(vec!["mock_2", "full_2", "default_2", "schemas_2", "untagged_2", "untagged"]));
    let renamed: Vec<(&str, &str)> = api
        .warnings
        .iter()
        .filter(|warning| warning.code == Code::NameCollision)
        .map(|warning| (warning.pointer.as_str(), warning.message.as_str()))
        .collect();
    assert_eq!(renamed.len(), 5, "{renamed:#?}");
    assert_eq!(
        renamed[0],
        (
            "/paths/~1a/get",
            "tag `mock` would be the Cargo feature `mock`, which is taken (by another tag, or by the generated manifest); it is the feature `mock_2`"
        )
    );
}
