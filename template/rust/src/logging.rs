//! JSON logs to stdout, one object per line, at `LOG_LEVEL` (dependencies at warn; lapin's
//! own connection errors are off, the broker module logs each one once).
//!
//! Lines are formatted by hand into tracing's reused buffer and gathered in memory, in one
//! buffer per thread; a thread writes them out every 100 ms, and the [`Flush`] guard writes
//! the rest when the program ends. A request's line costs no allocation, no system call
//! and no lock shared between threads. Each thread's lines keep their order; lines of
//! different threads logged within the same 100 ms may come out of order.

use std::fmt::{self, Write as _};
use std::io::{self, Write};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use tracing::field::{Field, Visit};
use tracing::{Event, Subscriber};
use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::format::Writer;
use tracing_subscriber::fmt::time::{FormatTime, SystemTime};
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormatFields};
use tracing_subscriber::registry::LookupSpan;

const FLUSH_EVERY: Duration = Duration::from_millis(100);
/// Past this many bytes waiting, the thread that logs writes them out itself.
const MAX_PENDING: usize = 1 << 18;

/// One thread's lines not yet written.
type Lines = Arc<Mutex<Vec<u8>>>;

/// Every thread's lines; held while writing them out, so that flushes do not interleave.
static SINK: Mutex<Sink> = Mutex::new(Sink { threads: Vec::new(), spare: Vec::new() });

struct Sink {
    threads: Vec<Lines>,
    /// Swapped with a thread's buffer to write it out without holding that thread up.
    spare: Vec<u8>,
}

thread_local! {
    static LINES: Lines = {
        let lines = Lines::default();
        lock(&SINK).threads.push(lines.clone());
        lines
    };
}

/// Writes out the lines still waiting when dropped: keep it until the program ends.
#[must_use]
pub struct Flush;

impl Drop for Flush {
    fn drop(&mut self) {
        flush();
    }
}

pub fn init(level: &str) -> Flush {
    let crate_name = env!("CARGO_CRATE_NAME");
    let filter = EnvFilter::new(format!("warn,lapin=off,{crate_name}={level}"));
    tracing_subscriber::fmt()
        .event_format(Json)
        .with_writer(|| ThreadLines)
        .with_env_filter(filter)
        .init();
    std::thread::spawn(|| {
        loop {
            std::thread::sleep(FLUSH_EVERY);
            flush();
        }
    });
    Flush
}

/// One line per request: method, path, status and duration.
pub fn request(method: &str, path: &str, status: u16, started: Instant) {
    let duration_ms = started.elapsed().as_nanos() as f64 / 1e6;
    tracing::info!(method, path, status, duration_ms, "request");
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

fn flush() {
    let mut sink = lock(&SINK);
    let Sink { threads, spare } = &mut *sink;
    threads.retain(|lines| {
        // Counted before the swap: a thread that is gone wrote its last line before.
        let alive = Arc::strong_count(lines) > 1;
        let mut pending = lock(lines);
        // The thread gets back room for as much again, and so never grows its buffer.
        spare.reserve(pending.len());
        std::mem::swap(&mut *pending, spare);
        drop(pending);
        // Nowhere left to report a failed write to: the lines are dropped.
        let _ = io::stdout().lock().write_all(spare);
        spare.clear();
        alive
    });
}

/// Where the subscriber writes each formatted line: the calling thread's buffer.
struct ThreadLines;

impl Write for ThreadLines {
    fn write(&mut self, line: &[u8]) -> io::Result<usize> {
        let buffered = LINES.try_with(|lines| {
            let mut lines = lock(lines);
            lines.extend_from_slice(line);
            lines.len() > MAX_PENDING
        });
        match buffered {
            Ok(true) => flush(),
            Ok(false) => {}
            // A thread logging while it exits, after its buffer is gone, writes directly.
            Err(_) => io::stdout().write_all(line)?,
        }
        Ok(line.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// `{"timestamp":"…","level":"INFO","message":"request","method":"GET",…}`: the event's
/// fields written straight into the line, with no map or JSON value built on the way.
struct Json;

impl<S, N> FormatEvent<S, N> for Json
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    N: for<'a> FormatFields<'a> + 'static,
{
    fn format_event(
        &self,
        _: &FmtContext<'_, S, N>,
        mut writer: Writer<'_>,
        event: &Event<'_>,
    ) -> fmt::Result {
        writer.write_str(r#"{"timestamp":""#)?;
        SystemTime.format_time(&mut writer)?;
        write!(writer, r#"","level":"{}""#, event.metadata().level())?;
        let mut fields = Fields { writer: writer.by_ref(), result: Ok(()) };
        event.record(&mut fields);
        fields.result?;
        writer.write_str("}\n")
    }
}

/// Appends each field as `,"name":value`.
struct Fields<'w> {
    writer: Writer<'w>,
    result: fmt::Result,
}

impl Fields<'_> {
    fn field(&mut self, field: &Field, value: impl FnOnce(&mut Writer<'_>) -> fmt::Result) {
        if self.result.is_ok() {
            self.result = write!(self.writer, r#","{}":"#, field.name())
                .and_then(|()| value(&mut self.writer));
        }
    }

    fn string(&mut self, field: &Field, value: impl fmt::Display) {
        self.field(field, |writer| {
            writer.write_char('"')?;
            write!(Escaped(writer), "{value}")?;
            writer.write_char('"')
        });
    }
}

impl Visit for Fields<'_> {
    fn record_f64(&mut self, field: &Field, value: f64) {
        if value.is_finite() {
            self.field(field, |writer| write!(writer, "{value}"));
        } else {
            self.field(field, |writer| writer.write_str("null"));
        }
    }

    fn record_i64(&mut self, field: &Field, value: i64) {
        self.field(field, |writer| write!(writer, "{value}"));
    }

    fn record_u64(&mut self, field: &Field, value: u64) {
        self.field(field, |writer| write!(writer, "{value}"));
    }

    fn record_bool(&mut self, field: &Field, value: bool) {
        self.field(field, |writer| write!(writer, "{value}"));
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        self.string(field, value);
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.string(field, format_args!("{value:?}"));
    }
}

/// The inside of a JSON string: quotes, backslashes and control characters escaped.
struct Escaped<'a, W>(&'a mut W);

impl<W: fmt::Write> fmt::Write for Escaped<'_, W> {
    fn write_str(&mut self, text: &str) -> fmt::Result {
        let mut rest = text;
        while let Some(at) = rest.find(|c: char| c == '"' || c == '\\' || c < ' ') {
            self.0.write_str(&rest[..at])?;
            match rest.as_bytes()[at] {
                b'"' => self.0.write_str(r#"\""#)?,
                b'\\' => self.0.write_str(r"\\")?,
                b'\n' => self.0.write_str(r"\n")?,
                control => write!(self.0, r"\u{control:04x}")?,
            }
            rest = &rest[at + 1..];
        }
        self.0.write_str(rest)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use serde_json::{Value, json};

    use super::*;

    #[derive(Clone, Default)]
    struct Captured(Arc<Mutex<Vec<u8>>>);

    impl Write for Captured {
        fn write(&mut self, line: &[u8]) -> io::Result<usize> {
            lock(&self.0).write(line)
        }

        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_request_is_one_json_line() {
        let captured = Captured::default();
        let sink = captured.clone();
        let subscriber =
            tracing_subscriber::fmt().event_format(Json).with_writer(move || sink.clone()).finish();
        tracing::subscriber::with_default(subscriber, || {
            request("GET", "/items/\"x\"", 404, Instant::now());
        });
        let text = String::from_utf8(lock(&captured.0).clone()).unwrap();
        let line: Value = serde_json::from_str(text.strip_suffix('\n').unwrap()).unwrap();
        assert_eq!(
            [&line["level"], &line["message"], &line["method"], &line["path"], &line["status"]],
            [&json!("INFO"), &json!("request"), &json!("GET"), &json!("/items/\"x\""), &json!(404)]
        );
        assert!(line["duration_ms"].as_f64().unwrap() >= 0.0);
        assert!(line["timestamp"].as_str().unwrap().ends_with('Z'));
    }

    fn escaped(text: &str) -> String {
        let mut out = String::new();
        write!(Escaped(&mut out), "{text}").unwrap();
        out
    }

    #[test]
    fn strings_are_escaped_as_json() {
        let text = "a \"quoted\" \\ path\n\u{1}é";
        let json: String = serde_json::from_str(&format!("\"{}\"", escaped(text))).unwrap();
        assert_eq!(json, text);
    }
}
