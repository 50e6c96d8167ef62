//! `serve`: wires the layers, runs HTTP, the consumer and the sweep, and stops them in
//! order on SIGTERM or SIGINT.

use std::sync::Arc;
use std::time::Duration;

use tokio::time::{sleep, timeout};
use tokio_util::sync::CancellationToken;

use crate::broker::Broker;
use crate::cache::Cache;
use crate::config::Settings;
use crate::db::Repository;
use crate::service::Service;
use crate::{http, shutdown};

const SWEEP_EVERY: Duration = Duration::from_secs(5);
/// What is left of the 10 s an orchestrator gives after SIGTERM, for the background tasks.
const STOP_TIMEOUT: Duration = Duration::from_secs(3);

pub async fn serve(settings: Settings) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let repository = Arc::new(Repository::connect(&settings).await?);
    let broker = Broker::new(&settings)?;
    let service = Arc::new(Service::new(
        repository.clone(),
        Cache::new(&settings),
        broker.clone(),
        settings.db_pool_timeout,
    ));
    let stop = CancellationToken::new();
    let consumer = tokio::spawn(broker.run(service.clone(), stop.clone()));
    let sweeper = tokio::spawn(sweep(service.clone(), stop.clone()));
    tokio::spawn(shutdown::on_signal(stop.clone()));

    tracing::info!(port = settings.port, "serving HTTP");
    http::serve(settings.port, service, stop.clone()).await?;
    stop.cancel();
    let _ = timeout(STOP_TIMEOUT, async {
        let _ = tokio::join!(consumer, sweeper);
        repository.close().await;
    })
    .await;
    tracing::info!("stopped");
    Ok(())
}

/// Publishes again, every few seconds, the events the broker never acknowledged.
async fn sweep(service: Arc<Service>, stop: CancellationToken) {
    loop {
        tokio::select! {
            () = stop.cancelled() => return,
            () = sleep(SWEEP_EVERY) => {}
        }
        match service.sweep().await {
            Ok(0) => {}
            Ok(count) => tracing::info!(count, "republished unacknowledged events"),
            Err(error) => tracing::debug!(%error, "sweep skipped"),
        }
    }
}
