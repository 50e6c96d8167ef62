//! Bare Actix Web, with the generated service's runtime and server settings.

use actix_web::{App, HttpResponse, HttpServer, web};
use serde::Serialize;

#[derive(Serialize)]
struct Health {
    status: &'static str,
}

async fn health() -> HttpResponse {
    HttpResponse::Ok().json(Health { status: "ok" })
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let port: u16 = std::env::var("PORT")?.parse()?;
    tokio::runtime::Runtime::new()?.block_on(async {
        HttpServer::new(|| App::new().route("/health", web::get().to(health)))
            .bind(("0.0.0.0", port))?
            .run()
            .await
    })?;
    Ok(())
}
