//! The item: its JSON form and its validation rules, shared by every layer.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};

pub const NAME_MAX_CHARS: usize = 200;
pub const DESCRIPTION_MAX_CHARS: usize = 2000;
pub const LIMIT_DEFAULT: i64 = 20;
pub const LIMIT_MAX: i64 = 100;
pub const OFFSET_MAX: i64 = i32::MAX as i64;

/// An item as clients see it. `id` is opaque (a UUID or an ObjectId as a string).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Item {
    pub id: String,
    pub name: String,
    pub description: Option<String>,
    pub created_at: DateTime<Utc>,
    pub processed_at: Option<DateTime<Utc>>,
}

impl Item {
    /// Only settled items are cached: one still waiting for its `item.created` event is
    /// about to change, and caching it could pin a copy without `processed_at`.
    pub fn cacheable(&self) -> bool {
        self.processed_at.is_some()
    }
}

/// The body of `POST /items` and `PUT /items/{id}`. Requests are read with
/// [`ItemInput::parse`], which names every bad field; the serde form is for clients and tests.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ItemInput {
    /// 1 to 200 characters, no NUL.
    #[schema(min_length = 1, max_length = 200, pattern = "^[^\\u0000]*$")]
    pub name: String,
    /// At most 2000 characters, no NUL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(max_length = 2000, pattern = "^[^\\u0000]*$")]
    pub description: Option<String>,
}

/// `{field: message}` for a body or query that breaks the rules.
pub type Fields = BTreeMap<String, String>;

/// Why a request's input was refused: a message and, where it applies, the fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    pub message: &'static str,
    pub fields: Fields,
}

impl Invalid {
    fn body(message: &'static str) -> Self {
        Self { message, fields: Fields::from([("body".into(), message.into())]) }
    }
}

impl ItemInput {
    /// Parse and validate a JSON body (raw bytes: invalid UTF-8 is refused too).
    pub fn parse(raw: &[u8]) -> Result<Self, Invalid> {
        let Ok(value) = serde_json::from_slice::<Value>(raw) else {
            return Err(Invalid::body("the body is not valid JSON"));
        };
        let Value::Object(mut object) = value else {
            return Err(Invalid::body("the body must be a JSON object"));
        };
        let mut fields = Fields::new();
        let name = match object.remove("name") {
            None => {
                fields.insert("name".into(), "is required".into());
                None
            }
            Some(value) => text(value, 1, NAME_MAX_CHARS, false)
                .map_err(|message| fields.insert("name".into(), message))
                .ok()
                .flatten(),
        };
        let description = match object.remove("description") {
            None => None,
            Some(value) => text(value, 0, DESCRIPTION_MAX_CHARS, true)
                .map_err(|message| fields.insert("description".into(), message))
                .ok()
                .flatten(),
        };
        for unknown in object.keys() {
            fields.insert(unknown.clone(), "is not an allowed field".into());
        }
        match name {
            Some(name) if fields.is_empty() => Ok(Self { name, description }),
            _ => Err(Invalid { message: "validation failed", fields }),
        }
    }
}

/// A string of `min..=max` characters without NUL (`null` only where `nullable`).
fn text(value: Value, min: usize, max: usize, nullable: bool) -> Result<Option<String>, String> {
    match value {
        Value::Null if nullable => Ok(None),
        Value::String(s) if s.contains('\0') => Err("must not contain a NUL character".into()),
        Value::String(s) => match s.chars().count() {
            n if n < min => Err(format!("must be at least {min} character(s)")),
            n if n > max => Err(format!("must be at most {max} characters")),
            _ => Ok(Some(s)),
        },
        _ if nullable => Err("must be a string or null".into()),
        _ => Err("must be a string".into()),
    }
}

/// `?limit=&offset=` of `GET /items`, validated: limit 1..=100, offset 0..=2147483647.
#[derive(Debug, Clone, Copy, PartialEq, Eq, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Paging {
    /// 1 to 100, default 20.
    #[param(required = false, minimum = 1, maximum = 100, default = 20)]
    pub limit: i64,
    /// 0 to 2147483647, default 0.
    #[param(required = false, minimum = 0, maximum = 2147483647, default = 0)]
    pub offset: i64,
}

impl Paging {
    /// From the raw query string (`limit=20&offset=0`); unknown parameters are ignored.
    pub fn parse(query: Option<&str>) -> Result<Self, Invalid> {
        let mut paging = Self { limit: LIMIT_DEFAULT, offset: 0 };
        let mut fields = Fields::new();
        for pair in query.unwrap_or("").split('&').filter(|p| !p.is_empty()) {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            let (slot, min, max) = match key {
                "limit" => (&mut paging.limit, 1, LIMIT_MAX),
                "offset" => (&mut paging.offset, 0, OFFSET_MAX),
                _ => continue,
            };
            match value.parse::<i64>() {
                Ok(n) if (min..=max).contains(&n) => *slot = n,
                _ => {
                    fields.insert(key.into(), format!("must be an integer from {min} to {max}"));
                }
            }
        }
        if fields.is_empty() {
            Ok(paging)
        } else {
            Err(Invalid { message: "invalid paging", fields })
        }
    }
}

/// The body of `GET /items`.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Page {
    pub items: Vec<Item>,
    pub limit: i64,
    pub offset: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(raw: &str) -> Vec<String> {
        ItemInput::parse(raw.as_bytes()).unwrap_err().fields.into_keys().collect()
    }

    #[test]
    fn accepts_boundaries() {
        let name = "日".repeat(NAME_MAX_CHARS);
        let body = serde_json::json!({"name": name, "description": null}).to_string();
        let input = ItemInput::parse(body.as_bytes()).unwrap();
        assert_eq!((input.name, input.description), (name, None));
    }

    #[test]
    fn names_the_bad_fields() {
        assert_eq!(fields("{}"), ["name"]);
        assert_eq!(fields(r#"{"name":""}"#), ["name"]);
        assert_eq!(fields(r#"{"name":"a\u0000b"}"#), ["name"]);
        assert_eq!(fields(r#"{"name":"n","description":5}"#), ["description"]);
        assert_eq!(fields(r#"{"name":"n","id":"x"}"#), ["id"]);
        assert_eq!(fields("[1]"), ["body"]);
        assert_eq!(fields("{"), ["body"]);
    }

    #[test]
    fn refuses_invalid_utf8() {
        assert!(ItemInput::parse(b"{\"name\":\"\xff\"}").is_err());
    }

    #[test]
    fn paging_bounds() {
        assert_eq!(Paging::parse(None).unwrap(), Paging { limit: 20, offset: 0 });
        let max = Paging::parse(Some("limit=100&offset=2147483647")).unwrap();
        assert_eq!(max, Paging { limit: 100, offset: OFFSET_MAX });
        for bad in ["limit=0", "limit=101", "limit=1.5", "offset=-1", "offset=2147483648", "limit="]
        {
            assert!(Paging::parse(Some(bad)).is_err(), "{bad}");
        }
    }
}
