//! Paths → operations: one per path and method, with merged path-level and
//! operation-level parameters, a chosen request body media type, responses
//! split into success and error cases, and the security that applies.

use super::Lowerer;
use crate::diagnostics::{Code, Diagnostic};
use crate::ir::{
    BodyKind, ErrorBody, HttpMethod, Location, Operation, Param, ParamLocation, PathParam, PathStyle, PathTemplate, QueryStyle,
    RequestBody, ResponseBody, ResponseCase, ResponseHeader, ResponseVariant, Returns, SchemeId, SecurityScheme, StatusMatch, StreamBody,
    StreamFraming, StreamItem, TypeId, TypeKind, TypeRef,
};
use crate::media::{Media, classify, is_json};
use crate::model::{self, MediaType, Node, Operation as SpecOperation, Parameter, ParameterIn, PathItem, Style};
use crate::naming::{Scope, field_name, type_name};

use crate::runtime_names::CLIENT_METHODS;

/// Header parameters the spec may list but that OpenAPI says to ignore,
/// because the client sets them itself.
const IGNORED_HEADERS: &[&str] = &["accept", "content-type", "authorization"];

impl<'a> Lowerer<'a> {
    /// Lowers every operation. With `skip`, operations that raised problems
    /// are dropped and their problems returned as the second value.
    pub(super) fn operations(&mut self, schemes: &[SecurityScheme], skip: bool, only_tags: &[String]) -> (Vec<Operation>, Vec<Diagnostic>) {
        let documents = self.documents;
        let mut names = Scope::with_reserved(CLIENT_METHODS.iter().copied());
        let mut operations = Vec::new();
        let mut skipped = Vec::new();
        for (path, item) in &documents.model.paths {
            let Some((item, item_at)) = self.deref::<PathItem>(item) else { continue };
            let generated_before = operations.len();
            for (method, operation) in &item.operations {
                if !only_tags.is_empty() && !operation.tags.iter().any(|tag| only_tags.contains(tag)) {
                    continue;
                }
                let at = item_at.push(method.key());
                // What the reader could not read inside this operation (or
                // its path item's parameters) is the operation's problem.
                let read = self.take_read_problems(&at, &item_at);
                let before = self.problems.len();
                self.problems.extend(read);
                let lowered = self.operation(path, *method, operation, &item, &at, schemes, &mut names);
                // Nothing is broken beyond this operation (an unsupported
                // construct, or a node the reader could not read): it can be
                // left out. A `$ref` to nothing stays an error.
                let unsupported_only = self.problems[before..].iter().all(|problem| {
                    matches!(
                        problem.code,
                        Code::UnsupportedSchema | Code::UnsupportedParameter | Code::UnsupportedMediaType | Code::InvalidDocument
                    )
                });
                if !skip && self.problems.len() > before && unsupported_only {
                    // Nothing is broken, the generator just cannot express
                    // it: the rest of the client is generated.
                    let problems = self.problems.split_off(before);
                    let reason = match problems.as_slice() {
                        [only] => only.message.clone(),
                        [first, rest @ ..] => format!("{} (and {} more problems, listed next)", first.message, rest.len()),
                        [] => String::new(),
                    };
                    self.warn(
                        Code::SkippedOperation,
                        &at,
                        format!("operation {} {path} is left out, the rest of the client is generated: {reason}", method.wire()),
                    );
                    for problem in problems {
                        self.warn(
                            problem.code,
                            &Location::new(&problem.file, crate::pointer::Pointer::parse(&problem.pointer).unwrap_or_default()),
                            problem.message,
                        );
                    }
                    continue;
                }
                if skip && self.problems.len() > before {
                    let mut problems = self.problems.split_off(before);
                    let first = problems.first().map(ToString::to_string).unwrap_or_default();
                    skipped.push(Diagnostic::new(
                        Code::UnsupportedSchema,
                        &at.file,
                        &at.pointer.to_string(),
                        format!("skipped operation {} {path}: {first}", method.wire()),
                    ));
                    skipped.append(&mut problems);
                } else {
                    operations.push(lowered);
                }
            }
            if operations.len() == generated_before {
                // Every operation of the item was left out: its shared
                // parameters' problems went with them.
                self.problems.retain(|problem| !is_inside(problem, &item_at, "parameters"));
            }
        }
        (operations, skipped)
    }

    /// Takes the reader's errors located inside the operation at `at`, and
    /// copies those inside its path item's shared `parameters` (each
    /// operation of the item is affected; they stay in place for the next).
    fn take_read_problems(&mut self, at: &Location, item_at: &Location) -> Vec<Diagnostic> {
        let shared: Vec<Diagnostic> = self.problems.iter().filter(|problem| is_inside(problem, item_at, "parameters")).cloned().collect();
        let (own, rest): (Vec<Diagnostic>, Vec<Diagnostic>) =
            std::mem::take(&mut self.problems).into_iter().partition(|problem| is_inside(problem, at, ""));
        self.problems = rest;
        own.into_iter().chain(shared).collect()
    }

    #[expect(clippy::too_many_arguments, reason = "an operation's parts as the path item and the operation give them")]
    fn operation(
        &mut self,
        path: &str,
        method: HttpMethod,
        operation: &SpecOperation,
        item: &PathItem,
        at: &Location,
        schemes: &[SecurityScheme],
        names: &mut Scope,
    ) -> Operation {
        let base_name = match &operation.operation_id {
            Some(id) if !field_name(id).is_empty() => field_name(id),
            _ => field_name(&format!("{} {path}", method.key())),
        };
        let wire = operation.operation_id.clone().unwrap_or_else(|| format!("{} {path}", method.wire()));
        let name = self.claim_name(names, &base_name, ("operation", &wire), "method", at);
        let type_prefix = type_name(crate::naming::unraw(&name));
        let template = PathTemplate::parse(path);
        let (path_params, params) = self.parameters(&template, operation, item, at, &type_prefix);
        let body = operation.request_body.as_ref().and_then(|body| self.request_body(body, &type_prefix));
        let (success, errors, stream) = self.responses(operation, &type_prefix, at);
        let security = self.security_requirements(operation, schemes);
        // With `Parameters::Always`, every operation takes a parameter
        // struct, so the first optional parameter a spec adds breaks no
        // caller either.
        let always = self.context.settings.parameters == crate::Parameters::Always;
        let method_name = crate::naming::unraw(&name).to_owned();
        let params_type = (always || !params.is_empty())
            .then(|| self.claim_operation_type(&format!("{type_prefix}Params"), &format!("parameters of `{method_name}`"), at));
        let returns = match self.response_enum(&success, &format!("{type_prefix}Response"), &format!("responses of `{method_name}`"), at) {
            Some(id) => Returns::PerStatus(id),
            None => success.iter().find_map(|case| case.body.clone()).map_or(Returns::Nothing, Returns::Body),
        };
        let shared_success = shared_success(&returns, &success);
        let headers_type = success
            .iter()
            .any(|case| !case.headers.is_empty())
            .then(|| self.claim_operation_type(&format!("{type_prefix}Headers"), &format!("response headers of `{method_name}`"), at));
        let error_body =
            match self.response_enum(&errors, &format!("{type_prefix}Error"), &format!("error responses of `{method_name}`"), at) {
                Some(id) => ErrorBody::PerStatus(id),
                None => ErrorBody::Json(
                    errors
                        .iter()
                        .filter_map(|case| case.body.as_ref())
                        .find(|body| body.kind == BodyKind::Json)
                        .map_or(TypeRef::Json, |body| body.ty.clone()),
                ),
            };
        let mut accept: Vec<&str> = Vec::new();
        for body in success.iter().chain(&errors).filter_map(|case| case.body.as_ref()) {
            if !accept.contains(&body.content_type.as_str()) {
                accept.push(&body.content_type);
            }
        }
        let accept = accept.join(", ");
        Operation {
            name,
            method,
            path: template,
            origin: at.clone(),
            summary: operation.summary.clone(),
            description: operation.description.clone(),
            deprecated: operation.deprecated,
            path_params,
            params,
            body,
            success,
            errors,
            params_type,
            returns,
            shared_success,
            error_body,
            accept,
            security,
            tags: operation.tags.clone(),
            pagination_declared: operation
                .extensions
                .get("x-pagination")
                .map(|value| (pagination_declaration(value), at.push("x-pagination"))),
            headers_type,
            pagination: None,
            stream,
        }
    }

    /// Declares an enum over `cases` when their bodies have different types
    /// (one type, or none, needs no enum); `what` names the cases in a
    /// warning when the enum's name is numbered.
    fn response_enum(&mut self, cases: &[ResponseCase], name: &str, what: &str, at: &Location) -> Option<TypeId> {
        let mut distinct: Vec<Option<&TypeRef>> = Vec::new();
        for case in cases {
            let ty = case.body.as_ref().map(|body| &body.ty);
            if !distinct.contains(&ty) {
                distinct.push(ty);
            }
        }
        if distinct.len() <= 1 {
            return None;
        }
        let name = self.claim_operation_type(&type_name(name), what, at);
        let id = self.declare_claimed(name, at);
        let variants = cases
            .iter()
            .map(|case| ResponseVariant {
                name: case.variant.clone(),
                ty: case.body.as_ref().map(|body| body.ty.clone()),
                doc: case.doc.clone(),
            })
            .collect();
        if let Some(def) = self.declared.get_mut(id.0) {
            def.kind = Some(TypeKind::Responses(variants));
        }
        Some(id)
    }

    /// The operation's path parameters (one per placeholder, in template
    /// order) and its other parameters (in spec order).
    fn parameters(
        &mut self,
        template: &PathTemplate,
        operation: &SpecOperation,
        item: &PathItem,
        at: &Location,
        prefix: &str,
    ) -> (Vec<PathParam>, Vec<Param>) {
        // Operation parameters override path-level ones with the same name
        // and location.
        let mut gathered: Vec<(Parameter, Location)> = Vec::new();
        let problems_before = self.problems.len();
        for node in item.parameters.iter().chain(&operation.parameters) {
            let Some((parameter, _)) = self.deref::<Parameter>(node) else { continue };
            let parameter = parameter.into_owned();
            let key = (parameter.name.clone(), parameter.location);
            gathered.retain(|(existing, _)| (existing.name.clone(), existing.location) != key);
            gathered.push((parameter, node.at.clone()));
        }
        let mut names = Scope::with_reserved(["body", "params", "self"]);
        let mut path_params = Vec::new();
        // Path parameters in template order, including any the spec forgot
        // to declare (they are plain strings).
        for placeholder in template.placeholders() {
            let declared =
                gathered.iter().position(|(parameter, _)| parameter.location == ParameterIn::Path && parameter.name == placeholder);
            match declared {
                Some(index) => {
                    let (parameter, param_at) = gathered.remove(index);
                    path_params.push(self.path_parameter(&parameter, &param_at, prefix, &mut names));
                }
                None => {
                    // (When a parameter could not be read, that is reported
                    // already; its placeholder is no news.)
                    if self.problems.len() == problems_before {
                        let message = format!(
                            "the path template names `{{{}}}`, but no path parameter of that name is declared; it is generated as a required string parameter",
                            placeholder.escape_debug()
                        );
                        self.warn(Code::PathParameterMismatch, at, message);
                    }
                    path_params.push(PathParam {
                        name: names.claim(&field_name(placeholder)),
                        wire: placeholder.to_owned(),
                        ty: TypeRef::String,
                        style: PathStyle::Simple { explode: false },
                        doc: None,
                        deprecated: false,
                        origin: at.clone(),
                    });
                }
            }
        }
        let mut params = Vec::new();
        for (parameter, param_at) in gathered {
            let wire = &parameter.name;
            let location = match parameter.location {
                ParameterIn::Path => {
                    // Declared but not in the template: nothing to substitute.
                    self.warn(
                        Code::PathParameterMismatch,
                        &param_at,
                        format!("path parameter `{}` is not in the path template; it is ignored", wire.escape_debug()),
                    );
                    continue;
                }
                ParameterIn::Header if IGNORED_HEADERS.contains(&wire.to_ascii_lowercase().as_str()) => continue,
                ParameterIn::Header => ParamLocation::Header,
                ParameterIn::Cookie => ParamLocation::Cookie,
                ParameterIn::Query => ParamLocation::Query(match parameter.style {
                    Some(Style::SpaceDelimited) => QueryStyle::SpaceDelimited,
                    Some(Style::PipeDelimited) => QueryStyle::PipeDelimited,
                    Some(Style::TabDelimited) => QueryStyle::TabDelimited,
                    Some(Style::DeepObject) => QueryStyle::DeepObject,
                    _ => QueryStyle::Form { explode: parameter.explode.unwrap_or(true) },
                }),
            };
            let ty = self.parameter_type(&parameter, prefix);
            let idempotency_key =
                location == ParamLocation::Header && wire.eq_ignore_ascii_case("idempotency-key") && ty == TypeRef::String;
            let name = self.claim_name(&mut names, &field_name(wire), ("parameter", wire), "argument", &param_at);
            params.push(Param {
                name,
                wire: wire.clone(),
                location,
                ty,
                required: parameter.required,
                doc: parameter.description.clone(),
                deprecated: parameter.deprecated,
                idempotency_key,
                origin: param_at,
            });
        }
        (path_params, params)
    }

    fn path_parameter(&mut self, parameter: &Parameter, at: &Location, prefix: &str, names: &mut Scope) -> PathParam {
        let explode = parameter.explode.unwrap_or(false);
        PathParam {
            name: self.claim_name(names, &field_name(&parameter.name), ("parameter", &parameter.name), "argument", at),
            wire: parameter.name.clone(),
            ty: self.parameter_type(parameter, prefix),
            style: match parameter.style {
                Some(Style::Label) => PathStyle::Label { explode },
                Some(Style::Matrix) => PathStyle::Matrix { explode },
                _ => PathStyle::Simple { explode },
            },
            doc: parameter.description.clone(),
            deprecated: parameter.deprecated,
            origin: at.clone(),
        }
    }

    fn parameter_type(&mut self, parameter: &Parameter, prefix: &str) -> TypeRef {
        let hint = format!("{prefix}{}", type_name(&parameter.name));
        match &parameter.schema {
            Some(schema) => self.schema_use(schema, &hint).ty,
            // Content-encoded parameters are passed pre-serialized.
            None => TypeRef::String,
        }
    }

    fn request_body(&mut self, node: &Node<model::RequestBody>, prefix: &str) -> Option<RequestBody> {
        let (body, _) = self.deref::<model::RequestBody>(node)?;
        let (content_type, media, kind) = choose_media(&body.content)?;
        let ty = match kind {
            BodyKind::Text => TypeRef::String,
            BodyKind::Bytes => TypeRef::Bytes,
            BodyKind::Json | BodyKind::Form | BodyKind::Multipart => match &media.schema {
                Some(schema) => {
                    let lowered = self.schema_use(schema, &format!("{prefix}Body"));
                    if lowered.nullable && lowered.ty != TypeRef::Json { TypeRef::Option(Box::new(lowered.ty)) } else { lowered.ty }
                }
                None => TypeRef::Json,
            },
        };
        Some(RequestBody { content_type, kind, ty, required: body.required, doc: body.description.clone() })
    }

    fn responses(
        &mut self,
        operation: &SpecOperation,
        prefix: &str,
        at: &Location,
    ) -> (Vec<ResponseCase>, Vec<ResponseCase>, Option<StreamBody>) {
        let mut entries: Vec<(StatusMatch, &Node<model::Response>)> = Vec::new();
        let mut default = None;
        for (key, node) in &operation.responses {
            match status_match(key) {
                Some(StatusMatch::Default) => default = Some(node),
                Some(status) => entries.push((status, node)),
                None => self.warn(
                    Code::InvalidDocument,
                    &node.at,
                    format!("`{}` is not a status code, a range like `4XX` or `default`; this response is ignored", key.escape_debug()),
                ),
            }
        }
        if let Some(default) = default {
            entries.push((StatusMatch::Default, default));
        }
        let is_success = |status: &StatusMatch| match status {
            StatusMatch::Code(code) => (200..300).contains(code),
            StatusMatch::Range(class) => *class == 2,
            StatusMatch::Default => false,
        };
        let any_success = entries.iter().any(|(status, _)| is_success(status));
        let success_count = entries.iter().filter(|(status, _)| is_success(status)).count();
        let mut success = Vec::new();
        let mut errors = Vec::new();
        let mut stream = None;
        let mut variants = Scope::new();
        for (status, node) in entries {
            // Without any 2XX entry, `default` describes the success.
            let treat_as_success = is_success(&status) || (!any_success && status == StatusMatch::Default);
            let variant = variants.claim(&status_variant(status));
            let hint = if treat_as_success && success_count <= 1 {
                format!("{prefix}Response")
            } else if treat_as_success {
                format!("{prefix}{variant}Response")
            } else {
                format!("{prefix}{variant}Error")
            };
            let Some((response, _)) = self.deref::<model::Response>(node) else {
                continue;
            };
            let body = choose_media(&response.content).map(|(content_type, media, kind)| {
                // `format: binary` is raw bytes whatever media type it is
                // listed under (Swagger 2.0 specs list a global JSON
                // `produces` for file downloads).
                let binary = media
                    .schema
                    .as_ref()
                    .and_then(|schema| self.peek(schema))
                    .is_some_and(|(schema, _)| schema.single_type() == Some("string") && schema.format.as_deref() == Some("binary"));
                let (content_type, kind) = if binary && kind != BodyKind::Bytes {
                    let other = response.content.iter().map(|(media_type, _)| media_type).find(|media_type| !is_json(media_type));
                    (other.cloned().unwrap_or(content_type), BodyKind::Bytes)
                } else {
                    (content_type, kind)
                };
                let ty = match (kind, &media.schema) {
                    (BodyKind::Text, _) => TypeRef::String,
                    (BodyKind::Bytes, _) => TypeRef::Bytes,
                    (_, Some(schema)) => {
                        let lowered = self.schema_use(schema, &hint);
                        if lowered.nullable && lowered.ty != TypeRef::Json { TypeRef::Option(Box::new(lowered.ty)) } else { lowered.ty }
                    }
                    (_, None) => TypeRef::Json,
                };
                let kind = if kind == BodyKind::Json { BodyKind::Json } else { kind };
                ResponseBody { kind, content_type, ty }
            });
            if treat_as_success && stream.is_none() {
                stream = self.stream_body(operation, &response, body.as_ref(), status, prefix, at);
            }
            let headers = self.response_headers(&response, &format!("{prefix}{variant}"));
            let case = ResponseCase { status, body, doc: Some(response.description.clone()), variant, headers };
            if treat_as_success {
                success.push(case);
            } else {
                errors.push(case);
            }
        }
        // The stream is the only success body when no other success
        // response has one.
        if let Some(stream) = &mut stream {
            let others = success.iter().filter(|case| case.status != stream.status && case.body.is_some()).count();
            stream.only &= others == 0;
        }
        (success, errors, stream)
    }

    /// The success response's body as a stream, when it has one: a
    /// server-sent event or line-delimited media type, or a binary body
    /// (`chosen`, the body the operation's own method reads).
    fn stream_body(
        &mut self,
        operation: &SpecOperation,
        response: &model::Response,
        chosen: Option<&ResponseBody>,
        status: StatusMatch,
        prefix: &str,
        at: &Location,
    ) -> Option<StreamBody> {
        let streamed = response.content.iter().find_map(|(media_type, media)| Some((media_type, media, stream_framing(media_type)?)));
        let Some((media_type, media, framing)) = streamed else {
            // A binary body is also a stream of its chunks.
            let chosen = chosen.filter(|body| body.kind == BodyKind::Bytes)?;
            return Some(StreamBody {
                framing: StreamFraming::Chunks,
                content_type: chosen.content_type.clone(),
                status,
                item: StreamItem::Bytes,
                only: false,
                flag: None,
                method: String::new(),
            });
        };
        let only = response.content.iter().all(|(media_type, _)| stream_framing(media_type).is_some());
        let framing = match framing {
            StreamFraming::Events { .. } => StreamFraming::Events { done: self.stream_done(operation, at) },
            other => other,
        };
        let hint = match framing {
            StreamFraming::Events { .. } => format!("{prefix}Event"),
            _ => format!("{prefix}Line"),
        };
        let item = match &media.schema {
            None => StreamItem::Text,
            Some(schema) => {
                let peeked = self.peek(schema).map(|(schema, _)| (schema.single_type().map(str::to_owned), schema.items.clone()));
                match peeked {
                    Some((Some(kind), _)) if kind == "string" => StreamItem::Text,
                    // A line stream described as an array: each line is
                    // one of its items.
                    Some((Some(kind), Some(items))) if kind == "array" && framing == StreamFraming::Lines => {
                        StreamItem::Json(self.schema_use(&items, &hint).ty)
                    }
                    _ => StreamItem::Json(self.schema_use(schema, &hint).ty),
                }
            }
        };
        Some(StreamBody { framing, content_type: media_type.clone(), status, item, only, flag: None, method: String::new() })
    }

    /// The data that ends an operation's event stream: `[DONE]`, or what
    /// its `x-stream-done` says (a string, or `false` for none).
    fn stream_done(&mut self, operation: &SpecOperation, at: &Location) -> Option<String> {
        match operation.extensions.get("x-stream-done") {
            None => Some(DEFAULT_STREAM_DONE.to_owned()),
            Some(serde_json::Value::String(done)) => Some(done.clone()),
            Some(serde_json::Value::Bool(false) | serde_json::Value::Null) => None,
            Some(_) => {
                self.warn(
                    Code::InvalidDocument,
                    &at.push("x-stream-done"),
                    format!(
                        "`x-stream-done` is a string (the data that ends the event stream) or `false`; `{DEFAULT_STREAM_DONE}` is used"
                    ),
                );
                Some(DEFAULT_STREAM_DONE.to_owned())
            }
        }
    }

    /// The headers a response documents (`Content-Type` is the client's
    /// business and left out), each with a unique accessor name.
    fn response_headers(&mut self, response: &model::Response, prefix: &str) -> Vec<ResponseHeader> {
        let mut names = Scope::with_reserved(["status", "headers", "into_inner", "into_parts", "body"]);
        let mut headers = Vec::new();
        for (wire, header) in &response.headers {
            if wire.eq_ignore_ascii_case("content-type") {
                continue;
            }
            let Some((header, header_at)) = self.deref::<model::Header>(header) else {
                continue;
            };
            let ty = match &header.schema {
                Some(schema) => {
                    let hint = format!("{prefix}{}Header", type_name(wire));
                    self.schema_use(schema, &hint).ty
                }
                None => TypeRef::String,
            };
            let name = self.claim_name(&mut names, &field_name(wire), ("response header", wire), "accessor", &header_at);
            headers.push(ResponseHeader { wire: wire.clone(), name, ty, doc: header.description.clone(), origin: header_at });
        }
        headers
    }

    fn security_requirements(&mut self, operation: &SpecOperation, schemes: &[SecurityScheme]) -> Vec<Vec<SchemeId>> {
        let documents = self.documents;
        let (requirements, requirements_at) = match (&operation.security, &documents.model.security) {
            (Some((own, own_at)), _) => (own, own_at.clone()),
            (None, Some((global, global_at))) => (global, global_at.clone()),
            (None, None) => return Vec::new(),
        };
        let mut alternatives = Vec::new();
        for (index, requirement) in requirements.iter().enumerate() {
            let mut alternative = Vec::new();
            let mut complete = true;
            for key in requirement.keys() {
                if self.tls_schemes.contains(key) {
                    continue;
                }
                match schemes.iter().position(|scheme| scheme.key == *key) {
                    Some(position) => alternative.push(SchemeId(position)),
                    None => {
                        complete = false;
                        self.warn(
                            Code::UndefinedSecurityScheme,
                            &requirements_at.join([index.to_string().as_str(), key.as_str()]),
                            format!(
                                "security requirement names undefined scheme `{}` (not in {}); this alternative is dropped and the operation is generated without credentials for it",
                                key.escape_debug(),
                                documents.model.dialect.section_label(model::Section::SecuritySchemes)
                            ),
                        );
                    }
                }
            }
            if complete {
                alternatives.push(alternative);
            }
        }
        alternatives
    }
}

/// `200` → a code, `4XX` → a range, `default`; anything else is not a
/// status key.
pub(crate) fn status_match(key: &str) -> Option<StatusMatch> {
    if key == "default" {
        return Some(StatusMatch::Default);
    }
    if let Ok(code) = key.parse::<u16>() {
        return Some(StatusMatch::Code(code));
    }
    match key.as_bytes() {
        [class @ b'1'..=b'5', b'X' | b'x', b'X' | b'x'] => Some(StatusMatch::Range(u16::from(class - b'0'))),
        _ => None,
    }
}

/// Whether `problem` is located inside `node` (below its `child` entry
/// when `child` is not empty).
fn is_inside(problem: &Diagnostic, node: &Location, child: &str) -> bool {
    problem.file == node.file
        && problem.pointer.strip_prefix(&node.pointer.to_string()).is_some_and(|rest| {
            rest.strip_prefix('/').is_some_and(|rest| child.is_empty() || rest == child || rest.starts_with(&format!("{child}/")))
        })
}

/// The data of the event that ends an event stream unless the operation's
/// `x-stream-done` says otherwise (OpenAI's convention, followed by many).
const DEFAULT_STREAM_DONE: &str = "[DONE]";

/// How a media type's body is streamed, when it is one: server-sent events,
/// or one JSON value per line.
fn stream_framing(media_type: &str) -> Option<StreamFraming> {
    match classify(media_type) {
        Media::EventStream => Some(StreamFraming::Events { done: None }),
        Media::Lines => Some(StreamFraming::Lines),
        _ => None,
    }
}

/// Picks the media type to use: JSON first, then form, multipart, text,
/// and anything else as raw bytes.
fn choose_media(content: &[(String, MediaType)]) -> Option<(String, &MediaType, BodyKind)> {
    let ranked = content.iter().map(|(content_type, media)| {
        let (kind, rank) = match classify(content_type) {
            Media::Json if crate::media::essence(content_type) == "application/json" => (BodyKind::Json, 0),
            Media::Json => (BodyKind::Json, 1),
            Media::Form => (BodyKind::Form, 2),
            Media::Multipart => (BodyKind::Multipart, 3),
            Media::Any => (BodyKind::Json, 4),
            Media::Text | Media::EventStream => (BodyKind::Text, 5),
            Media::Lines | Media::Bytes => (BodyKind::Bytes, 6),
        };
        (rank, content_type, media, kind)
    });
    ranked.min_by_key(|(rank, _, _, _)| *rank).map(|(_, content_type, media, kind)| {
        let content_type = if content_type == "*/*" { "application/json".to_owned() } else { content_type.clone() };
        (content_type, media, kind)
    })
}

/// `Ok`, `NotFound`, `Status418`, `Status4xx`, `Default`.
fn status_variant(status: StatusMatch) -> String {
    match status {
        StatusMatch::Code(code) => match code {
            200 => "Ok".into(),
            201 => "Created".into(),
            202 => "Accepted".into(),
            203 => "NonAuthoritativeInformation".into(),
            204 => "NoContent".into(),
            205 => "ResetContent".into(),
            206 => "PartialContent".into(),
            400 => "BadRequest".into(),
            401 => "Unauthorized".into(),
            402 => "PaymentRequired".into(),
            403 => "Forbidden".into(),
            404 => "NotFound".into(),
            405 => "MethodNotAllowed".into(),
            406 => "NotAcceptable".into(),
            409 => "Conflict".into(),
            410 => "Gone".into(),
            412 => "PreconditionFailed".into(),
            413 => "PayloadTooLarge".into(),
            415 => "UnsupportedMediaType".into(),
            422 => "UnprocessableEntity".into(),
            429 => "TooManyRequests".into(),
            500 => "InternalServerError".into(),
            501 => "NotImplemented".into(),
            502 => "BadGateway".into(),
            503 => "ServiceUnavailable".into(),
            504 => "GatewayTimeout".into(),
            other => format!("Status{other}"),
        },
        StatusMatch::Range(class) => format!("Status{class}xx"),
        StatusMatch::Default => "Default".into(),
    }
}

/// The one runtime call for an operation whose documented successes share
/// one body (or have none): `None` when the bodies differ by status (a
/// response enum), when their encodings differ, or when a `default`
/// response is a success (the method must match on the status itself).
fn shared_success(returns: &Returns, success: &[ResponseCase]) -> Option<crate::ir::SharedSuccess> {
    use crate::ir::{SharedSuccess, SuccessCall};
    if matches!(returns, Returns::PerStatus(_)) {
        return None;
    }
    let mut kinds = success.iter().map(|case| case.body.as_ref().map(|body| body.kind));
    // (No successes documented: an empty 2xx.)
    let kind: Option<BodyKind> = kinds.next().flatten();
    if kinds.any(|other| other != kind) {
        return None;
    }
    let mut statuses = Vec::new();
    for case in success {
        statuses.push(match case.status {
            StatusMatch::Code(code) => (code, code),
            StatusMatch::Range(class) => (class * 100, class * 100 + 99),
            StatusMatch::Default => return None,
        });
    }
    if success.is_empty() {
        statuses.push((200, 299));
    }
    let call = match kind {
        None => SuccessCall::Empty,
        Some(BodyKind::Text) => SuccessCall::Text,
        Some(BodyKind::Bytes) => SuccessCall::Bytes,
        Some(BodyKind::Json | BodyKind::Form | BodyKind::Multipart) => SuccessCall::Json,
    };
    Some(SharedSuccess { call, statuses })
}

/// An `x-pagination` value read into its declaration (its names are
/// checked against the operation later, by `paginate`).
fn pagination_declaration(value: &serde_json::Value) -> crate::ir::PaginationDeclaration {
    use crate::ir::{DeclaredPagination, DeclaredStyle, PaginationDeclaration};
    use serde_json::Value;
    let fields = match value {
        Value::Bool(false) => return PaginationDeclaration::Off,
        Value::Object(fields) => fields,
        _ => return PaginationDeclaration::Invalid("`x-pagination` must be an object (or `false`)".to_owned()),
    };
    let text = |key: &str| -> Result<Option<String>, String> {
        match fields.get(key) {
            None => Ok(None),
            Some(Value::String(value)) => Ok(Some(value.clone())),
            Some(_) => Err(format!("`x-pagination.{key}` must be a string")),
        }
    };
    let read = || -> Result<DeclaredPagination, String> {
        let style_text = text("style")?.ok_or("`x-pagination` needs a `style`")?;
        let style = match style_text.as_str() {
            "next-link" => Some(DeclaredStyle::NextLink),
            "link-header" => Some(DeclaredStyle::LinkHeader),
            "cursor" => Some(DeclaredStyle::Cursor),
            "has-more" => Some(DeclaredStyle::HasMore),
            "page" => Some(DeclaredStyle::Page),
            "offset" => Some(DeclaredStyle::Offset),
            _ => None,
        };
        Ok(DeclaredPagination {
            style_text,
            style,
            items: text("items"),
            next: text("next"),
            param: text("param"),
            size: text("size"),
            id: text("id"),
        })
    };
    match read() {
        Ok(declared) => PaginationDeclaration::On(declared),
        Err(message) => PaginationDeclaration::Invalid(message),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_template_placeholders() {
        let placeholders = |path: &str| PathTemplate::parse(path).placeholders().into_iter().map(str::to_owned).collect::<Vec<_>>();
        assert_eq!(placeholders("/orgs/{org}/repos/{repo}"), ["org", "repo"]);
        assert_eq!(placeholders("/a/{x}.{format}/{x}"), ["x", "format"]);
        assert!(placeholders("/plain").is_empty());
        assert!(placeholders("/broken/{open").is_empty());
        use crate::ir::PathPiece::{Literal, Placeholder};
        assert_eq!(
            PathTemplate::parse("/a/{x}.{format}/b{").pieces(),
            [Literal("/a/".into()), Placeholder("x".into()), Literal(".".into()), Placeholder("format".into()), Literal("/b{".into())]
        );
    }

    #[test]
    fn prefers_json_media_types() {
        let content: Vec<(String, MediaType)> = ["text/plain", "application/xml", "application/vnd.api+json"]
            .into_iter()
            .map(|name| (name.to_owned(), MediaType::default()))
            .collect();
        let chosen = choose_media(&content).map(|(name, _, kind)| (name, kind));
        assert_eq!(chosen, Some(("application/vnd.api+json".to_owned(), BodyKind::Json)));
    }
}
