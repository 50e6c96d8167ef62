//! JSON logs to stdout, one object per line, at `LOG_LEVEL` (dependencies at warn; lapin's
//! own connection errors are off, the broker module logs each one once).

use tracing_subscriber::EnvFilter;

pub fn init(level: &str) {
    let crate_name = env!("CARGO_CRATE_NAME");
    let filter = EnvFilter::new(format!("warn,lapin=off,{crate_name}={level}"));
    tracing_subscriber::fmt()
        .json()
        .flatten_event(true)
        .with_current_span(false)
        .with_span_list(false)
        .with_target(false)
        .with_env_filter(filter)
        .init();
}

/// One line per request: method, path, status and duration.
pub fn request(method: &str, path: &str, status: u16, started: std::time::Instant) {
    let duration_ms = started.elapsed().as_secs_f64() * 1000.0;
    tracing::info!(method, path, status, duration_ms, "request");
}
