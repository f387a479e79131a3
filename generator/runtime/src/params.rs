//! Parameter values on the wire: query and path styles, percent-encoding.

/// How a parameter value is written into a query string (OpenAPI `style`
/// and `explode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryStyle {
    /// `style: form` (the default).
    Form {
        /// `explode`: arrays repeat the name; objects spread their fields.
        explode: bool,
    },
    /// `style: spaceDelimited`.
    SpaceDelimited,
    /// `style: pipeDelimited`.
    PipeDelimited,
    /// Tab-separated (Swagger 2.0 `collectionFormat: tsv`).
    TabDelimited,
    /// `style: deepObject`: `name[field]=value`.
    DeepObject,
}

/// A query/form scalar as text: strings bare, everything else as JSON.
pub(crate) fn scalar_text(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(text) => text.clone(),
        serde_json::Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// The query pairs a parameter is sent as, in `style` (none for `null`).
pub(crate) fn query_pairs<T: serde::Serialize + ?Sized>(name: &str, value: &T, style: QueryStyle) -> Result<Vec<(String, String)>, String> {
    let value = serde_json::to_value(value).map_err(|error| format!("query parameter `{name}`: {error}"))?;
    let mut pairs = Vec::new();
    match (&value, style) {
        (serde_json::Value::Null, _) => {}
        (serde_json::Value::Array(items), QueryStyle::Form { explode: true }) => {
            for item in items {
                pairs.push((name.to_owned(), scalar_text(item)));
            }
        }
        (serde_json::Value::Array(items), style) => {
            let separator = match style {
                QueryStyle::SpaceDelimited => " ",
                QueryStyle::PipeDelimited => "|",
                QueryStyle::TabDelimited => "\t",
                _ => ",",
            };
            let joined = items.iter().map(scalar_text).collect::<Vec<_>>().join(separator);
            pairs.push((name.to_owned(), joined));
        }
        (serde_json::Value::Object(fields), QueryStyle::DeepObject) => {
            for (field, item) in fields {
                pairs.push((format!("{name}[{field}]"), scalar_text(item)));
            }
        }
        (serde_json::Value::Object(fields), QueryStyle::Form { explode: true }) => {
            for (field, item) in fields {
                pairs.push((field.clone(), scalar_text(item)));
            }
        }
        (serde_json::Value::Object(fields), _) => {
            let joined = fields.iter().flat_map(|(field, item)| [field.clone(), scalar_text(item)]).collect::<Vec<_>>().join(",");
            pairs.push((name.to_owned(), joined));
        }
        (scalar, _) => pairs.push((name.to_owned(), scalar_text(scalar))),
    }
    Ok(pairs)
}

/// `style: simple`: arrays and objects as comma-separated lists.
pub(crate) fn simple_text(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::Array(items) => items.iter().map(scalar_text).collect::<Vec<_>>().join(","),
        serde_json::Value::Object(fields) => {
            fields.iter().flat_map(|(field, item)| [field.clone(), scalar_text(item)]).collect::<Vec<_>>().join(",")
        }
        scalar => scalar_text(scalar),
    }
}

/// Percent-encodes one path segment (everything but RFC 3986 unreserved
/// characters).
pub fn encode_path(segment: &str) -> String {
    const SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');
    percent_encoding::utf8_percent_encode(segment, SEGMENT).to_string()
}

/// How a path parameter is written into the path (OpenAPI `style` and
/// `explode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathStyle {
    /// `simple` (the default): `5`, `3,4,5`, `role,admin` / `role=admin`.
    Simple {
        /// `explode`: objects as `key=value` pairs.
        explode: bool,
    },
    /// `label`: `.5`, `.3,4,5` / `.3.4.5`.
    Label {
        /// `explode`: one `.` per item.
        explode: bool,
    },
    /// `matrix`: `;id=5`, `;id=3,4,5` / `;id=3;id=4;id=5`.
    Matrix {
        /// `explode`: one `;name=` per item.
        explode: bool,
    },
}

/// A path parameter, percent-encoded and written in `style`. A value that
/// would be read as a path of its own (empty, `.` or `..`, which URL
/// parsers collapse) is refused, naming the parameter.
pub fn path_param<T: serde::Serialize + ?Sized>(name: &str, value: &T, style: PathStyle) -> PathPart {
    let rendered = render_path_param(name, value, style);
    if matches!(rendered.as_str(), "" | "." | "..") {
        let shown = if rendered.is_empty() { "an empty value".to_owned() } else { format!("`{rendered}`") };
        return PathPart(Err(format!("path parameter `{name}` is {shown}, which would change the request path")));
    }
    PathPart(Ok(rendered.into()))
}

/// One piece of a request path: literal text from the spec, or a
/// rendered path parameter ([`path_param`]), or why that parameter cannot
/// be sent; [`Core::request_path`](super::__private::Core::request_path) joins them.
#[doc(hidden)]
#[derive(Debug)]
pub struct PathPart(pub(crate) Result<std::borrow::Cow<'static, str>, String>);

impl From<&'static str> for PathPart {
    fn from(literal: &'static str) -> Self {
        Self(Ok(literal.into()))
    }
}

fn render_path_param<T: serde::Serialize + ?Sized>(name: &str, value: &T, style: PathStyle) -> String {
    let value = serde_json::to_value(value).unwrap_or(serde_json::Value::Null);
    let name = encode_path(name);
    match value {
        serde_json::Value::Array(items) => {
            let items: Vec<String> = items.iter().map(|item| encode_path(&scalar_text(item))).collect();
            match style {
                PathStyle::Simple { .. } => items.join(","),
                PathStyle::Label { explode: false } => format!(".{}", items.join(",")),
                PathStyle::Label { explode: true } => items.iter().map(|item| format!(".{item}")).collect(),
                PathStyle::Matrix { explode: false } => format!(";{name}={}", items.join(",")),
                PathStyle::Matrix { explode: true } => items.iter().map(|item| format!(";{name}={item}")).collect(),
            }
        }
        serde_json::Value::Object(fields) => {
            let pairs: Vec<(String, String)> =
                fields.iter().map(|(key, item)| (encode_path(key), encode_path(&scalar_text(item)))).collect();
            let flat = || pairs.iter().flat_map(|(key, item)| [key.clone(), item.clone()]).collect::<Vec<_>>().join(",");
            let assigned = |separator: &str| pairs.iter().map(|(key, item)| format!("{key}={item}")).collect::<Vec<_>>().join(separator);
            match style {
                PathStyle::Simple { explode: false } => flat(),
                PathStyle::Simple { explode: true } => assigned(","),
                PathStyle::Label { explode: false } => format!(".{}", flat()),
                PathStyle::Label { explode: true } => format!(".{}", assigned(".")),
                PathStyle::Matrix { explode: false } => format!(";{name}={}", flat()),
                PathStyle::Matrix { explode: true } => format!(";{}", assigned(";")),
            }
        }
        scalar => {
            let text = encode_path(&scalar_text(&scalar));
            match style {
                PathStyle::Simple { .. } => text,
                PathStyle::Label { .. } => format!(".{text}"),
                PathStyle::Matrix { .. } => format!(";{name}={text}"),
            }
        }
    }
}
