//! Following pages: a stream of pages, and a stream of their items, that
//! fetches the next page only when the previous one has been consumed.
//! Next links are requests like any other: credentials go only to the
//! origin they were configured for, and a server that sends the same next
//! page twice ends the stream with [`Error::Pagination`].

use std::collections::BTreeSet;
use std::future::Future;
use std::pin::Pin;

use futures::stream::{self, Stream, StreamExt};

use super::redact::redact_text;
use super::request::Request;
use super::{Error, Response};

/// A stream of pages or items, as the `_pages` and `_stream` methods
/// return it: use it with `futures::TryStreamExt`
/// (`while let Some(item) = stream.try_next().await? { … }`).
pub type PageStream<'a, T, E> = Pin<Box<dyn Stream<Item = Result<T, Error<E>>> + Send + 'a>>;

/// How the next page is found (chosen by the generator from the spec, or
/// declared with `x-pagination`). The functions read the page.
#[doc(hidden)]
pub enum Pagination<T> {
    /// A URL in the body, absolute or relative to the request.
    NextLink(fn(&T) -> Option<String>),
    /// `Link: <…>; rel="next"` (RFC 8288).
    LinkHeader,
    /// A cursor from the body, sent back as query parameter `param`.
    Cursor {
        /// The query parameter.
        param: &'static str,
        /// The next cursor (`None` or empty: last page).
        cursor: fn(&T) -> Option<String>,
    },
    /// `has_more`, and the last item's id sent as `param` (Stripe).
    HasMore {
        /// The query parameter (`starting_after`).
        param: &'static str,
        /// Whether there are more pages.
        has_more: fn(&T) -> bool,
        /// The id of the page's last item.
        last_id: fn(&T) -> Option<String>,
    },
    /// Page numbers in `param` (the first page is 1 unless the call set
    /// one), until a page is empty or shorter than the page size.
    PageNumber {
        /// The page-number parameter.
        param: &'static str,
        /// The page-size parameter, if any.
        size_param: Option<&'static str>,
        /// Items on a page.
        count: fn(&T) -> usize,
    },
    /// Item offsets in `param`, until a page is empty or short.
    Offset {
        /// The offset parameter.
        param: &'static str,
        /// The page-size parameter, if any.
        size_param: Option<&'static str>,
        /// Items on a page.
        count: fn(&T) -> usize,
    },
}

/// What the stream remembers between pages.
struct State<T, E> {
    next: Option<Result<Request, Error<E>>>,
    pagination: Pagination<T>,
    /// Next links and cursors already followed (loop detection).
    seen: BTreeSet<String>,
    /// Items on the first page: the page size when the call sets none.
    first_count: Option<usize>,
}

/// Every page, starting with `first`, each fetched with `send` when the
/// previous one has been consumed.
#[doc(hidden)]
pub fn pages<'a, T, H, E, F, Fut>(first: Request, pagination: Pagination<T>, send: F) -> PageStream<'a, Response<T, H>, E>
where
    T: Send + 'a,
    H: Send + 'a,
    E: Send + 'a,
    F: Fn(Request) -> Fut + Send + 'a,
    Fut: Future<Output = Result<Response<T, H>, Error<E>>> + Send + 'a,
{
    let state = State { next: Some(Ok(first)), pagination, seen: BTreeSet::new(), first_count: None };
    Box::pin(stream::unfold((state, send), |(mut state, send)| async move {
        let request = match state.next.take()? {
            Ok(request) => request,
            Err(error) => return Some((Err(error), (state, send))),
        };
        let template = request.clone();
        match send(request).await {
            Ok(page) => {
                state.next = next_request(&mut state, template, &page);
                Some((Ok(page), (state, send)))
            }
            Err(error) => Some((Err(error), (state, send))),
        }
    }))
}

/// The items of every page, in order.
#[doc(hidden)]
pub fn items<'a, T, H, I, E>(pages: PageStream<'a, Response<T, H>, E>, extract: fn(T) -> Vec<I>) -> PageStream<'a, I, E>
where
    T: Send + 'a,
    H: Send + 'a,
    I: Send + 'a,
    E: Send + 'a,
{
    Box::pin(pages.flat_map(move |page| {
        stream::iter(match page {
            Ok(page) => extract(page.into_inner()).into_iter().map(Ok).collect::<Vec<_>>(),
            Err(error) => vec![Err(error)],
        })
    }))
}

/// The request for the page after `page`, `None` after the last page.
fn next_request<T, H, E>(state: &mut State<T, E>, mut request: Request, page: &Response<T, H>) -> Option<Result<Request, Error<E>>> {
    let link = match &state.pagination {
        Pagination::NextLink(next) => Some(next(page)),
        Pagination::LinkHeader => Some(link_header_next(page.headers())),
        _ => None,
    };
    if let Some(link) = link {
        let link = link.filter(|link| !link.trim().is_empty())?;
        let resolved = match request.url().and_then(|url| url.join(link.trim()).map_err(|error| error.to_string())) {
            Ok(resolved) if matches!(resolved.scheme(), "http" | "https") => resolved,
            _ => {
                let shown = redact_text(&link, &[]);
                return Some(Err(Error::Pagination(format!("the next link `{shown}` is not an http(s) URL"))));
            }
        };
        if !state.seen.insert(resolved.to_string()) {
            let shown = redact_text(resolved.as_str(), &[]);
            return Some(Err(Error::Pagination(format!("the server sent the next link `{shown}` twice"))));
        }
        request.set_url(resolved.as_str());
        return Some(Ok(request));
    }
    match &state.pagination {
        Pagination::Cursor { param, cursor } => {
            let cursor = cursor(page).filter(|cursor| !cursor.is_empty())?;
            if !state.seen.insert(cursor.clone()) {
                return Some(Err(Error::Pagination(format!("the server sent the same `{param}` twice"))));
            }
            request.set_query(param, cursor);
        }
        Pagination::HasMore { param, has_more, last_id } => {
            if !has_more(page) {
                return None;
            }
            let id = last_id(page)?;
            if !state.seen.insert(id.clone()) {
                return Some(Err(Error::Pagination(format!("the server sent the same last item twice (`{param}`)"))));
            }
            request.set_query(param, id);
        }
        Pagination::PageNumber { param, size_param, count } | Pagination::Offset { param, size_param, count } => {
            let count = count(page);
            let size = size_param.and_then(|size| request.query_value(size)?.parse::<usize>().ok());
            let size = size.or(state.first_count).unwrap_or(count);
            state.first_count.get_or_insert(count);
            if count == 0 || count < size {
                return None;
            }
            let next = match &state.pagination {
                Pagination::PageNumber { .. } => request.query_value(param).and_then(|page| page.parse::<u64>().ok()).unwrap_or(1) + 1,
                _ => request.query_value(param).and_then(|offset| offset.parse::<u64>().ok()).unwrap_or(0) + count as u64,
            };
            request.set_query(param, next.to_string());
        }
        Pagination::NextLink(_) | Pagination::LinkHeader => return None,
    }
    Some(Ok(request))
}

/// The target of the `rel="next"` link in `Link` headers (RFC 8288).
fn link_header_next(headers: &super::HeaderMap) -> Option<String> {
    for value in headers.get_all(reqwest::header::LINK) {
        let Ok(value) = value.to_str() else { continue };
        for link in split_links(value) {
            let Some((target, params)) = link.trim().strip_prefix('<').and_then(|rest| rest.split_once('>')) else {
                continue;
            };
            let is_next = params.split(';').any(|param| {
                let Some((name, value)) = param.split_once('=') else { return false };
                name.trim().eq_ignore_ascii_case("rel")
                    && value.trim().trim_matches('"').split_ascii_whitespace().any(|rel| rel.eq_ignore_ascii_case("next"))
            });
            if is_next {
                return Some(target.to_owned());
            }
        }
    }
    None
}

/// Splits a `Link` header at the commas between links (not those inside
/// `<…>` or quotes).
fn split_links(value: &str) -> Vec<&str> {
    let (mut links, mut start, mut in_target, mut in_quotes) = (Vec::new(), 0, false, false);
    for (index, c) in value.char_indices() {
        match c {
            '<' if !in_quotes => in_target = true,
            '>' if !in_quotes => in_target = false,
            '"' if !in_target => in_quotes = !in_quotes,
            ',' if !in_target && !in_quotes => {
                links.push(&value[start..index]);
                start = index + 1;
            }
            _ => {}
        }
    }
    links.push(&value[start..]);
    links
}
