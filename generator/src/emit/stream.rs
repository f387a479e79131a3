//! Stream methods: an operation's success body as a
//! `runtime::ResponseStream` of events, lines or byte chunks (see
//! `crate::streams` for which operations get one, and its name).

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::client::{RequestParts, error_handling, request_parts};
use super::docs::{Doc, code};
use super::ident;
use super::types::type_tokens;
use crate::ir::{Api, Operation, StatusMatch, StreamBody, StreamFraming, StreamItem};

/// The stream method of `operation` (which has a stream): its twin
/// `…_stream`, or — when the stream is its only success body — its own
/// method, documented with `docs`.
pub(super) fn stream_method(operation: &Operation, api: &Api, cfg: &TokenStream, docs: Option<Doc>) -> TokenStream {
    let Some(stream) = &operation.stream else { return TokenStream::new() };
    let RequestParts { args, statements, .. } = request_parts(operation, api, stream.flag.as_deref());
    let name = ident(&stream.method);
    let docs = match docs {
        Some(docs) => docs.line(format!("Returns {}.", what(stream))).line(stream_notes(stream)).outer(),
        None => twin_docs(operation, stream),
    };
    let deprecated = operation.deprecated.then(|| quote!(#[deprecated]));
    let (item_ty, decode) = match &stream.item {
        StreamItem::Json(ty) => {
            let ty = type_tokens(ty, &api.types, &quote!(types::));
            (ty.clone(), quote!(crate::runtime::__private::item_json::<#ty>))
        }
        StreamItem::Text => (quote!(String), quote!(crate::runtime::__private::item_text)),
        StreamItem::Bytes => (quote!(crate::runtime::Bytes), quote!(crate::runtime::__private::item_bytes)),
    };
    let (error_ty, parse_error) = error_handling(operation, api);
    let stream_ty = match &operation.headers_type {
        Some(headers) => {
            let headers = ident(headers);
            quote!(crate::runtime::ResponseStream<#item_ty, #error_ty, types::#headers>)
        }
        None => quote!(crate::runtime::ResponseStream<#item_ty, #error_ty>),
    };
    let framing = match &stream.framing {
        StreamFraming::Events { done: Some(done) } => quote!(crate::runtime::__private::Framing::Events { done: Some(#done) }),
        StreamFraming::Events { done: None } => quote!(crate::runtime::__private::Framing::Events { done: None }),
        StreamFraming::Lines => quote!(crate::runtime::__private::Framing::Lines),
        StreamFraming::Chunks => quote!(crate::runtime::__private::Framing::Chunks),
    };
    let (low, high) = match stream.status {
        StatusMatch::Code(code) => (code, code),
        StatusMatch::Range(class) => (class * 100, class * 100 + 99),
        StatusMatch::Default => (200, 299),
    };
    let (low, high) = (Literal::u16_unsuffixed(low), Literal::u16_unsuffixed(high));
    let accept = &stream.content_type;
    quote! {
        #docs
        #cfg
        #deprecated
        pub fn #name(&self, #(#args),*) -> crate::runtime::Call<#stream_ty, #error_ty> {
            #(#statements)*
            request.call_stream(#accept, &[#low..=#high], #parse_error, #framing, #decode)
        }
    }
}

/// The docs of a `…_stream` twin: what it streams, and the plain method.
fn twin_docs(operation: &Operation, stream: &StreamBody) -> TokenStream {
    Doc::new()
        .markdown(operation.summary.as_deref())
        .line(code(&format!("{} {}", operation.method.wire(), operation.path.as_str())))
        .line(format!("[`Client::{}`], streamed: {}.", crate::naming::unraw(&operation.name), what(stream)))
        .line(stream_notes(stream))
        .outer()
}

/// What a stream method returns, in a sentence.
fn what(stream: &StreamBody) -> String {
    let decoded = match &stream.item {
        StreamItem::Json(_) => "decoded as JSON",
        StreamItem::Text => "as text",
        StreamItem::Bytes => "as bytes",
    };
    match &stream.framing {
        StreamFraming::Events { .. } => format!(
            "the response's server-sent events ({}) as a stream, each event's data {decoded}, as they arrive",
            code(&stream.content_type)
        ),
        StreamFraming::Lines => {
            format!("the response's lines ({}) as a stream, each {decoded}, as they arrive", code(&stream.content_type))
        }
        StreamFraming::Chunks => "the response body's bytes as a stream of chunks as they arrive, in memory bounded by a chunk whatever its size (`max_body_bytes` does not apply)".to_owned(),
    }
}

/// What a stream method's docs add about the stream.
pub(super) fn stream_notes(stream: &StreamBody) -> String {
    let mut notes = Vec::new();
    if let StreamFraming::Events { done: Some(done) } = &stream.framing {
        notes.push(format!("The stream ends at the event whose data is {}.", code(done)));
    }
    if let Some(flag) = &stream.flag {
        notes.push(format!("Sends the body with {} set to `true`.", code(flag)));
    }
    if matches!(stream.framing, StreamFraming::Events { .. }) {
        notes.push("Event metadata (type, ID, `retry`): `ResponseStream::with_events`.".to_owned());
    }
    notes.join(" ")
}
