//! `multipart/form-data` bodies, kept as data so they can be sent again.

use super::params::scalar_text;

/// A file sent as a `multipart/form-data` part (schemas with
/// `format: binary`): the bytes, and optionally a file name and content type.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FilePart {
    /// The file's content.
    pub bytes: Vec<u8>,
    /// The file name sent in the part's `Content-Disposition`.
    pub file_name: Option<String>,
    /// The part's `Content-Type` (default `application/octet-stream`).
    pub content_type: Option<String>,
}

impl FilePart {
    /// A file part holding `bytes`.
    pub fn new(bytes: impl Into<Vec<u8>>) -> Self {
        Self { bytes: bytes.into(), file_name: None, content_type: None }
    }

    /// Sets the file name.
    pub fn file_name(mut self, file_name: impl Into<String>) -> Self {
        self.file_name = Some(file_name.into());
        self
    }

    /// Sets the content type.
    pub fn content_type(mut self, content_type: impl Into<String>) -> Self {
        self.content_type = Some(content_type.into());
        self
    }

    fn to_part(&self) -> Result<reqwest::multipart::Part, String> {
        let mut part = reqwest::multipart::Part::bytes(self.bytes.clone());
        if let Some(file_name) = &self.file_name {
            part = part.file_name(file_name.clone());
        }
        let content_type = self.content_type.as_deref().unwrap_or("application/octet-stream");
        part.mime_str(content_type).map_err(|error| format!("content type `{content_type}`: {error}"))
    }
}

/// In JSON (rare for binary data) a file is its bytes as a string.
impl serde::Serialize for FilePart {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&String::from_utf8_lossy(&self.bytes))
    }
}

impl<'de> serde::Deserialize<'de> for FilePart {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(FilePart::new)
    }
}

/// One value of a multipart field.
#[derive(Debug, Clone)]
pub(crate) enum MultipartValue {
    Text(String),
    File(FilePart),
}

/// Builds a `multipart/form-data` body field by field (generated code
/// calls this for multipart request bodies). Kept as data, so the body can
/// be sent again after a redirect.
#[derive(Debug, Default)]
pub struct Multipart {
    pub(crate) parts: Vec<(String, MultipartValue)>,
    pub(crate) problem: Option<String>,
}

impl Multipart {
    /// An empty form.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a text part: strings as they are, other values as JSON; arrays
    /// add one part per item. `None` adds nothing.
    pub fn text<T: serde::Serialize + ?Sized>(&mut self, name: &str, value: Option<&T>) {
        let Some(value) = value else { return };
        match serde_json::to_value(value) {
            Ok(serde_json::Value::Null) => {}
            Ok(serde_json::Value::Array(items)) => {
                for item in items {
                    self.parts.push((name.to_owned(), MultipartValue::Text(scalar_text(&item))));
                }
            }
            Ok(value) => self.parts.push((name.to_owned(), MultipartValue::Text(scalar_text(&value)))),
            Err(error) => {
                self.problem.get_or_insert(format!("multipart field `{name}`: {error}"));
            }
        }
    }

    /// Adds file parts (`None` adds nothing).
    pub fn files<'a>(&mut self, name: &str, files: impl IntoIterator<Item = &'a FilePart>) {
        for file in files {
            self.parts.push((name.to_owned(), MultipartValue::File(file.clone())));
        }
    }
}

/// A fresh `reqwest` form from the parts (forms cannot be cloned).
pub(crate) fn multipart_form(parts: &[(String, MultipartValue)]) -> Result<reqwest::multipart::Form, String> {
    let mut form = reqwest::multipart::Form::new();
    for (name, value) in parts {
        form = match value {
            MultipartValue::Text(text) => form.text(name.clone(), text.clone()),
            MultipartValue::File(file) => {
                let part = file.to_part().map_err(|problem| format!("multipart file `{name}`: {problem}"))?;
                form.part(name.clone(), part)
            }
        };
    }
    Ok(form)
}
