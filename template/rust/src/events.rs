//! The `item.created` event: its envelope, the publisher interface the service uses,
//! and the handler interface the consumer calls.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::error::Result;

pub const ITEM_CREATED: &str = "item.created";

/// `{"type": "item.created", "id": …, "occurred_at": …}`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Envelope {
    #[serde(rename = "type")]
    pub kind: String,
    pub id: String,
    pub occurred_at: DateTime<Utc>,
}

impl Envelope {
    pub fn item_created(id: &str, occurred_at: DateTime<Utc>) -> Self {
        Self { kind: ITEM_CREATED.to_owned(), id: id.to_owned(), occurred_at }
    }

    pub fn to_json(&self) -> Vec<u8> {
        serde_json::to_vec(self).expect("an envelope always serializes")
    }

    /// An `item.created` envelope, or `None` for anything else (sent to the dead letters).
    pub fn parse(raw: &[u8]) -> Option<Self> {
        serde_json::from_slice::<Self>(raw).ok().filter(|e| e.kind == ITEM_CREATED)
    }
}

#[async_trait]
pub trait Publisher: Send + Sync {
    /// Publishes and waits, bounded, for the broker's acknowledgement. Never fails the
    /// caller: `false` means not acknowledged, and the sweep publishes it again later.
    async fn publish(&self, event: &Envelope) -> bool;

    /// Connected to the broker right now.
    fn ready(&self) -> bool;
}

#[async_trait]
pub trait EventHandler: Send + Sync {
    /// Handles one event; the consumer acknowledges it (or commits) only after `Ok`.
    async fn handle(&self, event: &Envelope) -> Result<()>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let event = Envelope::item_created("abc", Utc::now());
        let json: serde_json::Value = serde_json::from_slice(&event.to_json()).unwrap();
        let keys: Vec<_> = json.as_object().unwrap().keys().cloned().collect();
        assert_eq!(keys, ["id", "occurred_at", "type"]);
        assert_eq!(Envelope::parse(&event.to_json()), Some(event));
        assert_eq!(
            Envelope::parse(br#"{"type":"other","id":"x","occurred_at":"2026-01-01T00:00:00Z"}"#),
            None
        );
    }
}
