//! JSON logs to stdout, one object per line, at `LOG_LEVEL` (dependencies at warn; lapin's
//! own connection errors are off, the broker module logs each one once).
//!
//! Lines are formatted by hand and gathered in memory, in one buffer per thread; a thread
//! writes them out every 100 ms, and the [`Flush`] guard writes the rest when the program
//! ends. A request's line skips tracing's event path (the filter is asked once, at start,
//! whether info lines are on) and is written straight into the buffer: no allocation, no
//! system call and no lock shared between threads. Each thread's lines keep their order;
//! lines of different threads logged within the same 100 ms may come out of order.

use std::fmt::{self, Write as _};
use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant, UNIX_EPOCH};

use tracing::field::{Field, Visit};
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::format::Writer;
use tracing_subscriber::fmt::time::{FormatTime, SystemTime};
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormatFields};
use tracing_subscriber::registry::LookupSpan;

const FLUSH_EVERY: Duration = Duration::from_millis(100);
/// Past this many bytes waiting, the thread that logs writes them out itself.
const MAX_PENDING: usize = 1 << 18;

/// One thread's lines not yet written.
type Lines = Arc<Mutex<Pending>>;

#[derive(Default)]
struct Pending {
    text: Vec<u8>,
    /// The last request line's time up to the second, `2026-12-02T07:00:01.`, and that
    /// second since the epoch: formatted again only when the second changes.
    second: (u64, String),
}

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
    REQUESTS.store(requests_enabled(), Ordering::Relaxed);
    std::thread::spawn(|| {
        loop {
            std::thread::sleep(FLUSH_EVERY);
            flush();
        }
    });
    Flush
}

/// One line per request, at info, as [`Json`] writes events:
/// `{"timestamp":…,"level":"INFO","message":"request","method":…,"path":…,"status":…,"duration_ms":…}`.
pub fn request(method: &str, path: &str, status: u16, started: Instant) {
    if REQUESTS.load(Ordering::Relaxed) {
        let duration = started.elapsed();
        let now = UNIX_EPOCH.elapsed().unwrap_or_default();
        append(|pending| pending.request(method, path, status, duration, now));
    }
}

/// Whether [`request`] writes its line: the filter's answer for info here, which `init`
/// keeps, so that a request does not ask the filter again.
static REQUESTS: AtomicBool = AtomicBool::new(false);

fn requests_enabled() -> bool {
    tracing::enabled!(Level::INFO)
}

impl Pending {
    fn request(
        &mut self,
        method: &str,
        path: &str,
        status: u16,
        duration: Duration,
        now: Duration,
    ) {
        self.text.reserve(LINE + method.len() + path.len());
        self.text.extend_from_slice(br#"{"timestamp":""#);
        self.timestamp(now);
        self.text.extend_from_slice(br#"","level":"INFO","message":"request","method":""#);
        escape(method, |piece| self.text.extend_from_slice(piece.as_bytes()));
        self.text.extend_from_slice(br#"","path":""#);
        escape(path, |piece| self.text.extend_from_slice(piece.as_bytes()));
        self.text.extend_from_slice(br#"","status":"#);
        self.text.extend_from_slice(itoa::Buffer::new().format(status).as_bytes());
        self.text.extend_from_slice(br#","duration_ms":"#);
        milliseconds(&mut self.text, duration);
        self.text.extend_from_slice(b"}\n");
    }

    /// `2026-12-02T07:00:01.123456Z`, as tracing-subscriber writes the time.
    fn timestamp(&mut self, now: Duration) {
        let (second, prefix) = &mut self.second;
        if *second != now.as_secs() || prefix.is_empty() {
            *second = now.as_secs();
            let time = chrono::DateTime::from_timestamp(*second as i64, 0).unwrap_or_default();
            prefix.clear();
            let _ = write!(prefix, "{}", time.format("%Y-%m-%dT%H:%M:%S."));
        }
        self.text.extend_from_slice(prefix.as_bytes());
        self.text.extend_from_slice(&six_digits(now.subsec_micros()));
        self.text.push(b'Z');
    }
}

/// A request line's length besides its method and path, rounded up.
const LINE: usize = 160;

/// The last six decimal digits of `value`, zero-padded.
fn six_digits(mut value: u32) -> [u8; 6] {
    let mut digits = [b'0'; 6];
    for digit in digits.iter_mut().rev() {
        *digit = b'0' + (value % 10) as u8;
        value /= 10;
    }
    digits
}

/// The duration in milliseconds to the nanosecond, without trailing zeros: `0.01234`, `2`.
fn milliseconds(text: &mut Vec<u8>, duration: Duration) {
    let nanos = u64::try_from(duration.as_nanos()).unwrap_or(u64::MAX);
    text.extend_from_slice(itoa::Buffer::new().format(nanos / 1_000_000).as_bytes());
    let fraction = six_digits((nanos % 1_000_000) as u32);
    if let Some(last) = fraction.iter().rposition(|&digit| digit != b'0') {
        text.push(b'.');
        text.extend_from_slice(&fraction[..=last]);
    }
}

/// Adds to the calling thread's buffer; past [`MAX_PENDING`], writes every buffer out.
fn append(mut line: impl FnMut(&mut Pending)) {
    let buffered = LINES.try_with(|lines| {
        let mut pending = lock(lines);
        line(&mut pending);
        pending.text.len() > MAX_PENDING
    });
    match buffered {
        Ok(true) => flush(),
        Ok(false) => {}
        // A thread logging while it exits, after its buffer is gone, writes directly.
        Err(_) => {
            let mut pending = Pending::default();
            line(&mut pending);
            // Nowhere left to report a failed write to.
            let _ = io::stdout().write_all(&pending.text);
        }
    }
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
        spare.reserve(pending.text.len());
        std::mem::swap(&mut pending.text, spare);
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
        append(|pending| pending.text.extend_from_slice(line));
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
        let mut result = Ok(());
        escape(text, |piece| result = result.and_then(|()| self.0.write_str(piece)));
        result
    }
}

/// `text` in pieces, the characters JSON strings cannot hold as they are escaped.
fn escape(text: &str, mut piece: impl FnMut(&str)) {
    let mut rest = text;
    while let Some(at) = rest.bytes().position(|b| b == b'"' || b == b'\\' || b < b' ') {
        piece(&rest[..at]);
        match rest.as_bytes()[at] {
            b'"' => piece(r#"\""#),
            b'\\' => piece(r"\\"),
            b'\n' => piece(r"\n"),
            control => piece(&format!(r"\u{control:04x}")),
        }
        rest = &rest[at + 1..];
    }
    piece(rest);
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use serde_json::Value;

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
    fn a_request_is_one_json_line_as_an_event_would_be() {
        REQUESTS.store(true, Ordering::Relaxed);
        request("GET", "/items/\"x\"", 404, Instant::now());
        let text = LINES.with(|lines| std::mem::take(&mut lock(lines).text));
        let line: Value = serde_json::from_str(std::str::from_utf8(&text).unwrap()).unwrap();
        assert!(text.ends_with(b"}\n") && text.iter().filter(|&&b| b == b'\n').count() == 1);

        let captured = Captured::default();
        let sink = captured.clone();
        let subscriber =
            tracing_subscriber::fmt().event_format(Json).with_writer(move || sink.clone()).finish();
        tracing::subscriber::with_default(subscriber, || {
            let (method, path, status, duration_ms) = ("GET", "/items/\"x\"", 404, 0.5);
            tracing::info!(method, path, status, duration_ms, "request");
        });
        let event: Value = serde_json::from_slice(&lock(&captured.0)).unwrap();

        let keys = |value: &Value| value.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
        assert_eq!(keys(&line), keys(&event));
        for key in ["level", "message", "method", "path", "status"] {
            assert_eq!(line[key], event[key], "{key}");
        }
        assert!(line["duration_ms"].as_f64().unwrap() >= 0.0);
        let timestamp = line["timestamp"].as_str().unwrap();
        assert_eq!(timestamp.len(), event["timestamp"].as_str().unwrap().len());
        assert!(chrono::DateTime::parse_from_rfc3339(timestamp).is_ok());
    }

    #[test]
    fn request_lines_follow_the_level() {
        let enabled = |level: &str| {
            let subscriber = tracing_subscriber::fmt()
                .event_format(Json)
                .with_env_filter(EnvFilter::new(level))
                .with_writer(io::sink)
                .finish();
            tracing::subscriber::with_default(subscriber, requests_enabled)
        };
        assert!(enabled("info"));
        assert!(!enabled("warn"));
    }

    #[test]
    fn the_timestamp_is_rfc3339_with_microseconds() {
        let mut pending = Pending::default();
        let times =
            [Duration::new(1_796_194_801, 5_000), Duration::new(1_796_194_802, 999_999_999)];
        for now in times {
            pending.text.clear();
            pending.timestamp(now);
            let time = chrono::DateTime::from_timestamp(now.as_secs() as i64, now.subsec_nanos());
            let expected = time.unwrap().to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
            assert_eq!(String::from_utf8_lossy(&pending.text), expected);
        }
    }

    #[test]
    fn milliseconds_are_written_as_the_float_would_be() {
        for nanos in [0, 1, 999, 12_340, 1_000_000, 2_500_000, 123_456_789, 98_765_432_100] {
            let mut text = Vec::new();
            milliseconds(&mut text, Duration::from_nanos(nanos));
            assert_eq!(String::from_utf8(text).unwrap(), (nanos as f64 / 1e6).to_string());
        }
    }

    fn escaped(text: &str) -> String {
        let mut out = String::new();
        write!(Escaped(&mut out), "{text}").unwrap();
        out
    }

    #[test]
    fn strings_are_escaped_as_json() {
        let text = "a \"quoted\" \\ path\n\u{1}é";
        assert_eq!(escaped(text), r#"a \"quoted\" \\ path\n\u0001é"#);
        let json: String = serde_json::from_str(&format!("\"{}\"", escaped(text))).unwrap();
        assert_eq!(json, text);
    }
}
