//! Operations whose success body is a stream of items — server-sent
//! events, lines (NDJSON, JSON Lines), a binary download's chunks — get a
//! method returning that stream (found in lowering; named here, once the
//! operation names are known).
//!
//! The rule (see docs/client.md): `<operation>_stream` is the operation's success
//! body as a stream of items. Where the stream is an operation's only
//! success body, the operation's own method returns it and there is no
//! twin. When an operation answers one status with JSON or a stream and
//! its JSON request body has a boolean `stream` property, the stream
//! method sets it to `true` (a JSON body, or a multipart body's part).

use crate::ir::{Api, BodyKind, StreamFraming, TypeRef, TypeSpace};

/// The request-body property that asks for the streamed answer.
const STREAM_FLAG: &str = "stream";

/// Names every operation's stream method and finds its flag; paginated
/// operations keep `_stream` for their items (a twin is dropped).
pub fn assign(api: &mut Api) {
    let taken = crate::naming::method_names(&api.operations);
    let types = &api.types;
    for operation in &mut api.operations {
        let Some(stream) = &mut operation.stream else { continue };
        if stream.only {
            stream.method = operation.name.clone();
            continue;
        }
        if operation.pagination.is_some() {
            operation.stream = None;
            continue;
        }
        stream.method = crate::naming::derived_name(&taken, &operation.name, "stream");
        // A JSON body is re-encoded with the flag; a multipart body of a
        // struct sends it as a part.
        let flagged_body = operation.body.as_ref().filter(|body| match body.kind {
            BodyKind::Json => true,
            // (A body `emit::client::multipart_body` sends part by part.)
            BodyKind::Multipart => types.multipart_parts(&body.ty).is_some(),
            _ => false,
        });
        stream.flag = match (&stream.framing, flagged_body) {
            (StreamFraming::Events { .. } | StreamFraming::Lines, Some(body)) if has_flag(&body.ty, types) => Some(STREAM_FLAG.to_owned()),
            _ => None,
        };
    }
}

/// Whether the struct behind `ty` has a boolean `stream` property.
fn has_flag(ty: &TypeRef, types: &TypeSpace) -> bool {
    let ty = match ty {
        TypeRef::Option(inner) => inner,
        ty => ty,
    };
    crate::paginate::struct_of(ty, types)
        .is_some_and(|structure| structure.fields.iter().any(|field| field.wire == STREAM_FLAG && field.ty == TypeRef::Bool))
}
