//! The interface every data layer implements; the service and the handlers know only this.

use std::time::Duration;

use async_trait::async_trait;

use crate::domain::{Item, ItemInput, Paging};
use crate::error::Result;

#[async_trait]
pub trait ItemRepository: Send + Sync {
    async fn create(&self, input: &ItemInput) -> Result<Item>;
    /// `None` for an unknown or malformed id.
    async fn get(&self, id: &str) -> Result<Option<Item>>;
    /// Newest first.
    async fn page(&self, paging: Paging) -> Result<Vec<Item>>;
    async fn update(&self, id: &str, input: &ItemInput) -> Result<Option<Item>>;
    async fn delete(&self, id: &str) -> Result<bool>;
    /// Sets `processed_at` once; a repeated event changes nothing. `false` if no such item.
    async fn mark_processed(&self, id: &str) -> Result<bool>;
    /// Records that the broker acknowledged the item's `item.created` event.
    async fn mark_published(&self, id: &str) -> Result<()>;
    /// Items created more than `older_than` ago whose event the broker never acknowledged.
    async fn unpublished(&self, older_than: Duration, limit: i64) -> Result<Vec<Item>>;
    async fn ping(&self) -> Result<()>;
}
