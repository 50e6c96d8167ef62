//! Every error a request can meet, and its JSON body: mapped to a status in one place.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::domain::{Fields, Invalid};

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{}", .0.message)]
    Invalid(Invalid),
    #[error("item not found")]
    ItemNotFound,
    #[error("not found")]
    RouteNotFound,
    #[error("method not allowed")]
    MethodNotAllowed { allow: &'static str },
    #[error("Content-Type must be application/json")]
    UnsupportedMediaType,
    /// The database did not answer within `DB_POOL_TIMEOUT_SECONDS`.
    #[error("database unavailable")]
    DatabaseUnavailable(String),
    #[error("internal error")]
    Internal(String),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn status(&self) -> u16 {
        match self {
            Self::Invalid(_) => 422,
            Self::ItemNotFound | Self::RouteNotFound => 404,
            Self::MethodNotAllowed { .. } => 405,
            Self::UnsupportedMediaType => 415,
            Self::DatabaseUnavailable(_) => 503,
            Self::Internal(_) => 500,
        }
    }

    /// The JSON body; logs the cause of a 503 or a 500 (clients never see it).
    pub fn body(&self) -> ErrorBody {
        match self {
            Self::DatabaseUnavailable(cause) => tracing::warn!(%cause, "database unavailable"),
            Self::Internal(cause) => tracing::error!(%cause, "internal error"),
            _ => {}
        }
        let fields = match self {
            Self::Invalid(invalid) => Some(invalid.fields.clone()),
            _ => None,
        };
        ErrorBody { error: ErrorDetail { message: self.to_string(), fields } }
    }

    /// The `Allow` header of a 405.
    pub fn allow(&self) -> Option<&'static str> {
        match self {
            Self::MethodNotAllowed { allow } => Some(allow),
            _ => None,
        }
    }
}

impl From<Invalid> for Error {
    fn from(invalid: Invalid) -> Self {
        Self::Invalid(invalid)
    }
}

/// `{"error": {"message": …, "fields": {…}}}`; `fields` only on a 422.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ErrorDetail {
    pub message: String,
    /// The bad fields of a body or query, each with what is wrong with it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fields: Option<Fields>,
}
