//! openapiv3 models a schema as one of several shapes (`Type::String`,
//! `AllOf`, the catch-all `Any`, …). Lowering wants one flat view of
//! whatever keywords are present; [`SchemaView`] is that view.

use indexmap::IndexMap;
use openapiv3::{AdditionalProperties, ReferenceOr, Schema, SchemaData, SchemaKind, Type, VariantOrUnknownOrEmpty};
use serde_json::Value;

/// The keywords of one schema, whatever shape openapiv3 parsed it into.
#[derive(Debug, Clone, Copy)]
pub struct SchemaView<'a> {
    /// Common keywords (`nullable`, `description`, `discriminator`, …).
    pub data: &'a SchemaData,
    /// `type`.
    pub typ: Option<&'a str>,
    /// `format`.
    pub format: Option<&'a str>,
    /// `properties`.
    pub properties: Option<&'a IndexMap<String, ReferenceOr<Box<Schema>>>>,
    /// `required`.
    pub required: &'a [String],
    /// `additionalProperties`.
    pub additional: Option<&'a AdditionalProperties>,
    /// `items`.
    pub items: Option<&'a ReferenceOr<Box<Schema>>>,
    /// `allOf`.
    pub all_of: &'a [ReferenceOr<Schema>],
    /// `oneOf`.
    pub one_of: &'a [ReferenceOr<Schema>],
    /// `anyOf`.
    pub any_of: &'a [ReferenceOr<Schema>],
}

impl<'a> SchemaView<'a> {
    /// The view of `schema`.
    pub fn of(schema: &'a Schema) -> Self {
        let mut view = SchemaView {
            data: &schema.schema_data,
            typ: None,
            format: None,
            properties: None,
            required: &[],
            additional: None,
            items: None,
            all_of: &[],
            one_of: &[],
            any_of: &[],
        };
        match &schema.schema_kind {
            SchemaKind::Type(Type::String(string)) => {
                view.typ = Some("string");
                view.format = known_format(schema).or(format_name(&string.format));
            }
            SchemaKind::Type(Type::Number(number)) => {
                view.typ = Some("number");
                view.format = known_format(schema).or(format_name(&number.format));
            }
            SchemaKind::Type(Type::Integer(integer)) => {
                view.typ = Some("integer");
                view.format = known_format(schema).or(format_name(&integer.format));
            }
            SchemaKind::Type(Type::Boolean(_)) => view.typ = Some("boolean"),
            SchemaKind::Type(Type::Object(object)) => {
                view.typ = Some("object");
                view.properties = Some(&object.properties);
                view.required = &object.required;
                view.additional = object.additional_properties.as_ref();
            }
            SchemaKind::Type(Type::Array(array)) => {
                view.typ = Some("array");
                view.items = array.items.as_ref();
            }
            SchemaKind::OneOf { one_of } => view.one_of = one_of,
            SchemaKind::AllOf { all_of } => view.all_of = all_of,
            SchemaKind::AnyOf { any_of } => view.any_of = any_of,
            SchemaKind::Not { .. } => {}
            SchemaKind::Any(any) => {
                view.typ = any.typ.as_deref();
                view.format = any.format.as_deref();
                view.properties = Some(&any.properties).filter(|properties| !properties.is_empty());
                view.required = &any.required;
                view.additional = any.additional_properties.as_ref();
                view.items = any.items.as_ref();
                view.all_of = &any.all_of;
                view.one_of = &any.one_of;
                view.any_of = &any.any_of;
            }
        }
        view
    }

    /// The `enum` values, with `null` included if listed.
    pub fn enumeration(schema: &Schema) -> Vec<Value> {
        fn values<T: Clone + Into<Value>>(items: &[Option<T>]) -> Vec<Value> {
            items.iter().map(|item| item.clone().map_or(Value::Null, Into::into)).collect()
        }
        match &schema.schema_kind {
            SchemaKind::Type(Type::String(string)) => values(&string.enumeration),
            SchemaKind::Type(Type::Integer(integer)) => values(&integer.enumeration),
            SchemaKind::Type(Type::Number(number)) => number
                .enumeration
                .iter()
                .map(|item| item.and_then(serde_json::Number::from_f64).map_or(Value::Null, Value::Number))
                .collect(),
            SchemaKind::Type(Type::Boolean(boolean)) => values(&boolean.enumeration),
            SchemaKind::Any(any) => any.enumeration.clone(),
            _ => Vec::new(),
        }
    }

    /// True when the schema describes an object with named properties.
    pub fn has_properties(&self) -> bool {
        self.properties.is_some_and(|properties| !properties.is_empty())
    }

    /// Title and description joined into documentation.
    pub fn doc(&self) -> Option<String> {
        doc_of(self.data)
    }
}

/// Documentation from a schema's `title` and `description`.
pub fn doc_of(data: &SchemaData) -> Option<String> {
    match (&data.title, &data.description) {
        (Some(title), Some(description)) if !description.contains(title.as_str()) => {
            Some(format!("{title}\n\n{description}"))
        }
        (_, Some(description)) => Some(description.clone()),
        (Some(title), None) => Some(title.clone()),
        (None, None) => None,
    }
}

fn format_name<T: serde::Serialize>(format: &VariantOrUnknownOrEmpty<T>) -> Option<&str> {
    match format {
        VariantOrUnknownOrEmpty::Item(_) => None,
        VariantOrUnknownOrEmpty::Unknown(name) => Some(name),
        VariantOrUnknownOrEmpty::Empty => None,
    }
}

/// The name of a known format (openapiv3 parses those into enums).
pub fn known_format(schema: &Schema) -> Option<&'static str> {
    use openapiv3::{IntegerFormat, NumberFormat, StringFormat};
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(string)) => match string.format {
            VariantOrUnknownOrEmpty::Item(StringFormat::Date) => Some("date"),
            VariantOrUnknownOrEmpty::Item(StringFormat::DateTime) => Some("date-time"),
            VariantOrUnknownOrEmpty::Item(StringFormat::Password) => Some("password"),
            VariantOrUnknownOrEmpty::Item(StringFormat::Byte) => Some("byte"),
            VariantOrUnknownOrEmpty::Item(StringFormat::Binary) => Some("binary"),
            _ => None,
        },
        SchemaKind::Type(Type::Number(number)) => match number.format {
            VariantOrUnknownOrEmpty::Item(NumberFormat::Float) => Some("float"),
            VariantOrUnknownOrEmpty::Item(NumberFormat::Double) => Some("double"),
            _ => None,
        },
        SchemaKind::Type(Type::Integer(integer)) => match integer.format {
            VariantOrUnknownOrEmpty::Item(IntegerFormat::Int32) => Some("int32"),
            VariantOrUnknownOrEmpty::Item(IntegerFormat::Int64) => Some("int64"),
            _ => None,
        },
        _ => None,
    }
}
