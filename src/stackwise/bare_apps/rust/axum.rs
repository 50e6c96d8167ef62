//! Bare Axum, with the generated service's runtime and listener.

use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;
use tokio::net::TcpListener;

#[derive(Serialize)]
struct Health {
    status: &'static str,
}

async fn health() -> Json<Health> {
    Json(Health { status: "ok" })
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let port: u16 = std::env::var("PORT")?.parse()?;
    tokio::runtime::Runtime::new()?.block_on(async {
        let listener = TcpListener::bind(("0.0.0.0", port)).await?;
        axum::serve(listener, Router::new().route("/health", get(health))).await
    })?;
    Ok(())
}
