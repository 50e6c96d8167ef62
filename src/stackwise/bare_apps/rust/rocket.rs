//! Bare Rocket, with the generated service's runtime and config.

use std::net::Ipv4Addr;

use rocket::config::LogLevel;
use rocket::serde::json::Json;
use rocket::{Config, get, routes};
use serde::Serialize;

#[derive(Serialize)]
struct Health {
    status: &'static str,
}

#[get("/health")]
fn health() -> Json<Health> {
    Json(Health { status: "ok" })
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let port: u16 = std::env::var("PORT")?.parse()?;
    let config = Config {
        address: Ipv4Addr::UNSPECIFIED.into(),
        port,
        log_level: LogLevel::Off,
        cli_colors: false,
        ..Config::release_default()
    };
    let rocket = rocket::custom(config).mount("/", routes![health]);
    tokio::runtime::Runtime::new()?.block_on(rocket.launch())?;
    Ok(())
}
