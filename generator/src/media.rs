//! What a media type is: the one classification every stage asks
//! (readers choosing a schema, lowering choosing bodies and streams,
//! example checks).

/// The kinds of media types the client reads and writes differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Media {
    /// `application/json`, `…+json`.
    Json,
    /// `*/*`: read as JSON.
    Any,
    /// `application/x-www-form-urlencoded`.
    Form,
    /// `multipart/form-data`.
    Multipart,
    /// `text/event-stream`: server-sent events.
    EventStream,
    /// One JSON value per line: NDJSON, JSON Lines, `application/json;
    /// stream=watch`.
    Lines,
    /// `text/*`.
    Text,
    /// Anything else: raw bytes.
    Bytes,
}

/// The media type without parameters, lower-cased (`application/json`).
pub fn essence(media_type: &str) -> String {
    media_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase()
}

/// What `media_type` is.
pub fn classify(media_type: &str) -> Media {
    let essence = essence(media_type);
    let watch = media_type.split(';').skip(1).any(|part| part.trim().eq_ignore_ascii_case("stream=watch"));
    match essence.as_str() {
        "application/json" if watch => Media::Lines,
        "application/x-ndjson"
        | "application/ndjson"
        | "application/jsonl"
        | "application/x-jsonl"
        | "application/jsonlines"
        | "application/x-jsonlines"
        | "application/json-lines" => Media::Lines,
        "text/event-stream" => Media::EventStream,
        "application/json" => Media::Json,
        "*/*" => Media::Any,
        "application/x-www-form-urlencoded" => Media::Form,
        "multipart/form-data" => Media::Multipart,
        essence if essence.ends_with("+json") => Media::Json,
        essence if essence.starts_with("text/") => Media::Text,
        _ => Media::Bytes,
    }
}

/// Whether `media_type` is JSON (`application/json`, `…+json`).
pub fn is_json(media_type: &str) -> bool {
    classify(media_type) == Media::Json
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_media_types() {
        for (media_type, expected) in [
            ("application/json", Media::Json),
            ("Application/JSON; charset=utf-8", Media::Json),
            ("application/vnd.api+json", Media::Json),
            ("application/problem+json", Media::Json),
            ("*/*", Media::Any),
            ("application/x-www-form-urlencoded", Media::Form),
            ("multipart/form-data; boundary=x", Media::Multipart),
            ("text/event-stream", Media::EventStream),
            ("application/x-ndjson", Media::Lines),
            ("application/jsonl", Media::Lines),
            ("application/json;stream=watch", Media::Lines),
            ("text/plain", Media::Text),
            ("text/csv", Media::Text),
            ("application/octet-stream", Media::Bytes),
            ("application/xml", Media::Bytes),
            ("image/png", Media::Bytes),
        ] {
            assert_eq!(classify(media_type), expected, "{media_type}");
        }
        assert!(is_json("application/merge-patch+json") && !is_json("application/x-ndjson") && !is_json("*/*"));
    }
}
