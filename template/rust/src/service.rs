//! What every endpoint does, whatever the framework: cache-aside reads, writes that
//! invalidate, create-then-publish, readiness, and what the consumer and the sweep do.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use chrono::Utc;
use serde::{Deserialize, Serialize};
use tokio::time::timeout;
use utoipa::ToSchema;

use crate::cache::{Cache, CacheStatus};
use crate::domain::{Item, ItemInput, Page, Paging};
use crate::error::{Error, Result};
use crate::events::{Envelope, EventHandler, Publisher};
use crate::repository::ItemRepository;

/// An item whose event is still unacknowledged this long after its creation is published again.
const REPUBLISH_AFTER: Duration = Duration::from_secs(10);
const SWEEP_BATCH: i64 = 100;

pub struct Service {
    repository: Arc<dyn ItemRepository>,
    cache: Cache,
    publisher: Arc<dyn Publisher>,
    /// Every database call answers within this (`DB_POOL_TIMEOUT_SECONDS`), or 503.
    db_timeout: Duration,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    #[schema(example = "ok")]
    pub status: &'static str,
}

/// `status` is `ready` with a reachable database; each check is `ok` or `error`.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Readiness {
    #[schema(example = "ready")]
    pub status: String,
    pub checks: Checks,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Checks {
    pub database: CheckStatus,
    pub cache: CheckStatus,
    pub queue: CheckStatus,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum CheckStatus {
    Ok,
    Error,
}

impl From<bool> for CheckStatus {
    fn from(ok: bool) -> Self {
        if ok { Self::Ok } else { Self::Error }
    }
}

impl Readiness {
    pub fn is_ready(&self) -> bool {
        self.checks.database == CheckStatus::Ok
    }
}

impl Service {
    pub fn new(
        repository: Arc<dyn ItemRepository>,
        cache: Cache,
        publisher: Arc<dyn Publisher>,
        db_timeout: Duration,
    ) -> Self {
        Self { repository, cache, publisher, db_timeout }
    }

    async fn db<T>(&self, call: impl Future<Output = Result<T>>) -> Result<T> {
        timeout(self.db_timeout, call)
            .await
            .unwrap_or_else(|_| Err(Error::DatabaseUnavailable("database call timed out".into())))
    }

    pub fn health() -> Health {
        Health { status: "ok" }
    }

    pub async fn readiness(&self) -> Readiness {
        let (database, cache) = tokio::join!(self.db(self.repository.ping()), self.cache.ping());
        let checks = Checks {
            database: database.is_ok().into(),
            cache: cache.into(),
            queue: self.publisher.ready().into(),
        };
        let status = if checks.database == CheckStatus::Ok { "ready" } else { "unavailable" };
        Readiness { status: status.into(), checks }
    }

    /// Saves the item, then publishes `item.created`; a failed publish is retried by the sweep.
    pub async fn create(&self, input: &ItemInput) -> Result<Item> {
        let item = self.db(self.repository.create(input)).await?;
        self.publish(&item).await;
        Ok(item)
    }

    async fn publish(&self, item: &Item) {
        let event = Envelope::item_created(&item.id, Utc::now());
        if self.publisher.publish(&event).await
            && let Err(error) = self.db(self.repository.mark_published(&item.id)).await
        {
            // The sweep publishes it again; the consumer is idempotent.
            tracing::warn!(%error, id = %item.id, "published event not recorded");
        }
    }

    pub async fn get(&self, id: &str) -> Result<(Item, CacheStatus)> {
        let (cached, status) = self.cache.get(id).await;
        if let Some(item) = cached {
            return Ok((item, status));
        }
        let item = self.db(self.repository.get(id)).await?.ok_or(Error::ItemNotFound)?;
        if status == CacheStatus::Miss && item.cacheable() {
            self.cache.set(&item).await;
        }
        Ok((item, status))
    }

    pub async fn list(&self, paging: Paging) -> Result<Page> {
        let items = self.db(self.repository.page(paging)).await?;
        Ok(Page { items, limit: paging.limit, offset: paging.offset })
    }

    pub async fn update(&self, id: &str, input: &ItemInput) -> Result<Item> {
        let item = self.db(self.repository.update(id, input)).await?.ok_or(Error::ItemNotFound)?;
        self.cache.delete(id).await;
        Ok(item)
    }

    pub async fn delete(&self, id: &str) -> Result<()> {
        if !self.db(self.repository.delete(id)).await? {
            return Err(Error::ItemNotFound);
        }
        self.cache.delete(id).await;
        Ok(())
    }

    /// Publishes again the events the broker never acknowledged (at-least-once delivery).
    pub async fn sweep(&self) -> Result<usize> {
        if !self.publisher.ready() {
            return Ok(0);
        }
        let items = self.db(self.repository.unpublished(REPUBLISH_AFTER, SWEEP_BATCH)).await?;
        for item in &items {
            self.publish(item).await;
        }
        Ok(items.len())
    }
}

#[async_trait]
impl EventHandler for Service {
    /// Sets `processed_at`, then drops the cached copy. An unknown item (deleted since) is done.
    async fn handle(&self, event: &Envelope) -> Result<()> {
        self.db(self.repository.mark_processed(&event.id)).await?;
        self.cache.delete(&event.id).await;
        Ok(())
    }
}
