//! Redis cache-aside for `GET /items/{id}`: key `<QUEUE_PREFIX>:item:<id>`, TTL
//! `CACHE_TTL_SECONDS`. Never raises: with Redis away every read is a `Bypass`. An
//! invalidation that failed is remembered and done before the next read, so Redis coming
//! back cannot serve a copy that a `PUT` or `DELETE` made stale meanwhile.

use std::collections::HashSet;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use redis::AsyncCommands;
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use tokio::sync::OnceCell;
use tokio::time::timeout;

use crate::config::Settings;
use crate::domain::Item;

/// Every Redis call answers within this, or the cache is skipped for that request.
const CALL_TIMEOUT: Duration = Duration::from_millis(500);
/// Failed invalidations kept at the most (each is one key).
const MAX_PENDING_INVALIDATIONS: usize = 10_000;

/// The `X-Cache` header of `GET /items/{id}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CacheStatus {
    Hit,
    Miss,
    Bypass,
}

impl CacheStatus {
    pub fn header(self) -> &'static str {
        match self {
            Self::Hit => "HIT",
            Self::Miss => "MISS",
            Self::Bypass => "BYPASS",
        }
    }
}

pub struct Cache {
    client: Option<redis::Client>,
    /// Connected on first use, so a Redis that is down at start-up delays nothing;
    /// once made, the manager reconnects by itself.
    manager: OnceCell<ConnectionManager>,
    prefix: String,
    ttl_seconds: u64,
    /// Keys whose invalidation failed, deleted before the next read.
    pending: Mutex<HashSet<String>>,
}

pub fn key(prefix: &str, id: &str) -> String {
    format!("{prefix}:item:{id}")
}

impl Cache {
    pub fn new(settings: &Settings) -> Self {
        let client = redis::Client::open(settings.redis_url.as_str())
            .inspect_err(|error| tracing::error!(%error, "REDIS_URL is not usable; caching is off"))
            .ok();
        Self {
            client,
            manager: OnceCell::new(),
            prefix: settings.queue_prefix.clone(),
            ttl_seconds: settings.cache_ttl_seconds,
            pending: Mutex::new(HashSet::new()),
        }
    }

    async fn connection(&self) -> Option<ConnectionManager> {
        let client = self.client.clone()?;
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(CALL_TIMEOUT))
            .set_response_timeout(Some(CALL_TIMEOUT))
            .set_number_of_retries(1);
        let connect =
            self.manager.get_or_try_init(|| ConnectionManager::new_with_config(client, config));
        match timeout(CALL_TIMEOUT, connect).await {
            Ok(Ok(manager)) => Some(manager.clone()),
            Ok(Err(error)) => {
                tracing::debug!(%error, "redis unavailable");
                None
            }
            Err(_) => None,
        }
    }

    /// Runs one command with the call timeout; `None` when Redis did not answer.
    async fn call<T, F>(&self, command: impl FnOnce(ConnectionManager) -> F) -> Option<T>
    where
        F: Future<Output = redis::RedisResult<T>>,
    {
        let connection = self.connection().await?;
        match timeout(CALL_TIMEOUT, command(connection)).await {
            Ok(Ok(value)) => Some(value),
            Ok(Err(error)) => {
                tracing::warn!(%error, "redis command failed");
                None
            }
            Err(_) => {
                tracing::warn!("redis command timed out");
                None
            }
        }
    }

    fn pending(&self) -> std::sync::MutexGuard<'_, HashSet<String>> {
        self.pending.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Deletes the keys whose invalidation failed; false while Redis still refuses.
    async fn invalidate_pending(&self) -> bool {
        let keys: Vec<String> = self.pending().iter().cloned().collect();
        if keys.is_empty() {
            return true;
        }
        let batch = keys.clone();
        let deleted: Option<()> = self.call(|mut c| async move { c.del(batch).await }).await;
        if deleted.is_none() {
            return false;
        }
        let mut pending = self.pending();
        for key in &keys {
            pending.remove(key);
        }
        true
    }

    pub async fn get(&self, id: &str) -> (Option<Item>, CacheStatus) {
        if !self.invalidate_pending().await {
            return (None, CacheStatus::Bypass);
        }
        let key = key(&self.prefix, id);
        let cached: Option<Option<Vec<u8>>> =
            self.call(|mut c| async move { c.get(key).await }).await;
        match cached {
            None => (None, CacheStatus::Bypass),
            Some(None) => (None, CacheStatus::Miss),
            Some(Some(raw)) => match serde_json::from_slice(&raw) {
                Ok(item) => (Some(item), CacheStatus::Hit),
                Err(_) => (None, CacheStatus::Miss),
            },
        }
    }

    pub async fn set(&self, item: &Item) {
        let (key, ttl) = (key(&self.prefix, &item.id), self.ttl_seconds);
        let Ok(raw) = serde_json::to_vec(item) else { return };
        let _: Option<()> = self.call(|mut c| async move { c.set_ex(key, raw, ttl).await }).await;
    }

    pub async fn delete(&self, id: &str) {
        let key = key(&self.prefix, id);
        let target = key.clone();
        let deleted: Option<()> = self.call(|mut c| async move { c.del(target).await }).await;
        if deleted.is_none() {
            let mut pending = self.pending();
            if pending.len() < MAX_PENDING_INVALIDATIONS {
                pending.insert(key);
            }
        }
    }

    pub async fn ping(&self) -> bool {
        let pong: Option<String> =
            self.call(|mut c| async move { redis::cmd("PING").query_async(&mut c).await }).await;
        pong.is_some()
    }
}
