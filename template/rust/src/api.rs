//! The HTTP API as the OpenAPI document describes it, shared by every framework: the
//! response set of each operation, the `Allow` header of each path, and body parsing.
//! The framework layer attaches these to its handlers with `#[utoipa::path]`.

use utoipa::openapi::OpenApi as Document;
use utoipa::{IntoResponses, OpenApi};

use crate::domain::{Item, ItemInput, Page};
use crate::error::{Error, ErrorBody};
use crate::service::{Health, Readiness};

/// Title, version and description come from Cargo.toml. The response sets below refer to
/// their bodies by name, so every body schema is registered here (with what it nests).
#[derive(OpenApi)]
#[openapi(components(schemas(ErrorBody, Health, Item, ItemInput, Page, Readiness)))]
struct Info;

/// The whole document: the info and the operations the framework layer registered.
pub fn document(operations: Document) -> Document {
    let mut document = Info::openapi();
    document.merge(operations);
    document
}

/// Every method each path answers (the `Allow` header of a 405).
pub fn allow(path: &str) -> Option<&'static str> {
    match path {
        "/items" => Some("GET, HEAD, POST"),
        "/health" | "/ready" | "/openapi.json" => Some("GET, HEAD"),
        _ if item_path(path) => Some("GET, HEAD, PUT, DELETE"),
        _ => None,
    }
}

fn item_path(path: &str) -> bool {
    path.strip_prefix("/items/").is_some_and(|id| !id.is_empty() && !id.contains('/'))
}

/// A JSON item body: 415 unless the Content-Type is `application/json`, 422 if it is not a
/// valid item.
pub fn item_body(content_type: Option<&str>, body: &[u8]) -> Result<ItemInput, Error> {
    let essence = content_type.and_then(|value| value.split(';').next()).map(str::trim);
    if !essence.is_some_and(|mime| mime.eq_ignore_ascii_case("application/json")) {
        return Err(Error::UnsupportedMediaType);
    }
    Ok(ItemInput::parse(body)?)
}

#[derive(IntoResponses)]
pub enum HealthResponses {
    /// The process is up; no dependency is touched.
    #[response(status = 200)]
    Ok(Health),
    #[response(status = 405, description = "Method not allowed; `Allow` lists the methods")]
    MethodNotAllowed(ErrorBody),
}

#[derive(IntoResponses)]
pub enum ReadyResponses {
    /// The database is reachable; each dependency is reported.
    #[response(status = 200)]
    Ready(Readiness),
    /// The database is unreachable.
    #[response(status = 503)]
    Unavailable(Readiness),
    #[response(status = 405, description = "Method not allowed; `Allow` lists the methods")]
    MethodNotAllowed(ErrorBody),
}

#[derive(IntoResponses)]
pub enum CreateResponses {
    /// The new item; its `item.created` event is published.
    #[response(status = 201)]
    Created(Item),
    #[response(status = 405, description = "Method not allowed; `Allow` lists the methods")]
    MethodNotAllowed(ErrorBody),
    #[response(status = 415, description = "The Content-Type is not application/json")]
    UnsupportedMediaType(ErrorBody),
    #[response(status = 422, description = "Not a valid item; `fields` names what is wrong")]
    Invalid(ErrorBody),
    #[response(status = 503, description = "Database unavailable")]
    Unavailable(ErrorBody),
}

#[derive(IntoResponses)]
pub enum ListResponses {
    /// A page of items, newest first.
    #[response(status = 200)]
    Page(Page),
    #[response(status = 405, description = "Method not allowed; `Allow` lists the methods")]
    MethodNotAllowed(ErrorBody),
    #[response(status = 422, description = "limit or offset out of range or not an integer")]
    Invalid(ErrorBody),
    #[response(status = 503, description = "Database unavailable")]
    Unavailable(ErrorBody),
}

#[derive(IntoResponses)]
pub enum GetResponses {
    /// The item.
    #[response(
        status = 200,
        headers(("X-Cache" = String, description = "HIT, MISS or BYPASS (cache unreachable)"))
    )]
    Item(Item),
    #[response(status = 404, description = "No such item (a malformed id included)")]
    NotFound(ErrorBody),
    #[response(status = 405, description = "Method not allowed; `Allow` lists the methods")]
    MethodNotAllowed(ErrorBody),
    #[response(status = 503, description = "Database unavailable")]
    Unavailable(ErrorBody),
}

#[derive(IntoResponses)]
pub enum UpdateResponses {
    /// The updated item; its cached copy is dropped.
    #[response(status = 200)]
    Item(Item),
    #[response(status = 404, description = "No such item (a malformed id included)")]
    NotFound(ErrorBody),
    #[response(status = 405, description = "Method not allowed; `Allow` lists the methods")]
    MethodNotAllowed(ErrorBody),
    #[response(status = 415, description = "The Content-Type is not application/json")]
    UnsupportedMediaType(ErrorBody),
    #[response(status = 422, description = "Not a valid item; `fields` names what is wrong")]
    Invalid(ErrorBody),
    #[response(status = 503, description = "Database unavailable")]
    Unavailable(ErrorBody),
}

#[derive(IntoResponses)]
pub enum DeleteResponses {
    /// Deleted; its cached copy is dropped.
    #[response(status = 204)]
    Deleted,
    #[response(status = 404, description = "No such item (a malformed id included)")]
    NotFound(ErrorBody),
    #[response(status = 405, description = "Method not allowed; `Allow` lists the methods")]
    MethodNotAllowed(ErrorBody),
    #[response(status = 503, description = "Database unavailable")]
    Unavailable(ErrorBody),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_type() {
        let body = br#"{"name":"n"}"#;
        assert!(item_body(Some("application/json; charset=utf-8"), body).is_ok());
        for other in [None, Some("text/plain"), Some("application/jsonx")] {
            assert!(matches!(item_body(other, body), Err(Error::UnsupportedMediaType)));
        }
    }

    #[test]
    fn allow_lists_every_method_of_the_path() {
        assert_eq!(allow("/items/abc"), Some("GET, HEAD, PUT, DELETE"));
        assert_eq!(allow("/items/a/b"), None);
    }
}
