// Structured logs: one JSON object per line on stdout. Lines are gathered and written
// together at most 50 ms later, one write for many requests instead of one each; what is
// left is written on exit, process.exit() and a crash included (whole only where stdout
// takes it at once: a pipe may not, so a stop that calls process.exit() awaits logFlushed()).

const LEVELS = { debug: 10, info: 20, warning: 30, error: 40 } as const;
export type LogLevel = keyof typeof LEVELS;
export const LOG_LEVELS = Object.keys(LEVELS) as LogLevel[];

let threshold: number = LEVELS.info;

export function setLogLevel(level: LogLevel): void {
  threshold = LEVELS[level];
}

const FLUSH_MS = 50;
const CHUNK_BYTES = 64 * 1024;
// Each line goes into this buffer as UTF-8 at once: no string outlives its request, so the
// lines waiting for the write cost the garbage collector nothing, and the write has no
// long string to join and encode first.
let chunk = Buffer.allocUnsafeSlow(CHUNK_BYTES);
let used = 0;
let timer: NodeJS.Timeout | undefined;

function flush(): void {
  clearTimeout(timer);
  timer = undefined;
  if (used === 0) return;
  const lines = chunk.subarray(0, used);
  chunk = Buffer.allocUnsafeSlow(CHUNK_BYTES); // a new one: the stream may still hold `lines`
  used = 0;
  process.stdout.write(lines);
}
process.on("beforeExit", flush); // the event loop still runs: it waits for what a pipe holds up
process.on("exit", flush);

/** Resolves once stdout has taken every line logged so far: await it before process.exit(). */
export function logFlushed(): Promise<void> {
  flush();
  return new Promise((resolve) => process.stdout.write("", () => resolve()));
}

function emit(line: string): void {
  // At most 3 bytes of UTF-8 per UTF-16 unit.
  if (used + line.length * 3 > CHUNK_BYTES) {
    flush();
    if (line.length * 3 > CHUNK_BYTES) {
      process.stdout.write(line);
      return;
    }
  }
  used += chunk.write(line, used);
  timer ??= setTimeout(flush, FLUSH_MS).unref(); // unref: the exit handler writes what is left
}

// "000Z" to "999Z": a timestamp's milliseconds, looked up rather than formatted.
const MILLIS = Array.from({ length: 1000 }, (_, ms) => `${String(ms).padStart(3, "0")}Z`);
let lastMs = 0;
let lastTime = "";
let lastSecond = 0;
let secondPrefix = "";

/** Now, in ISO 8601; toISOString() runs once a second, not once a millisecond. */
function now(): string {
  const ms = Date.now();
  if (ms !== lastMs) {
    const second = Math.floor(ms / 1000);
    if (second !== lastSecond) {
      lastSecond = second;
      secondPrefix = new Date(second * 1000).toISOString().slice(0, -4); // up to the "."
    }
    lastMs = ms;
    lastTime = secondPrefix + MILLIS[ms - second * 1000];
  }
  return lastTime;
}

function write(level: LogLevel, message: string, fields: Record<string, unknown> = {}): void {
  if (LEVELS[level] < threshold) return;
  emit(`${JSON.stringify({ time: now(), level, message, ...fields }, errorReplacer)}\n`);
}

function errorReplacer(_key: string, value: unknown): unknown {
  return value instanceof Error ? (value.stack ?? String(value)) : value;
}

export const log = {
  debug: (message: string, fields?: Record<string, unknown>) => write("debug", message, fields),
  info: (message: string, fields?: Record<string, unknown>) => write("info", message, fields),
  warn: (message: string, fields?: Record<string, unknown>) => write("warning", message, fields),
  error: (message: string, fields?: Record<string, unknown>) => write("error", message, fields),
};

// A string JSON.stringify writes as it is, in quotes: no `"`, `\`, character below U+0020 or
// surrogate (a pair it keeps as it is too, but that is left to JSON.stringify).
const PLAIN = /^[\x20\x21\x23-\x5b\x5d-\ud7ff\ue000-\uffff]*$/;

/** `text` as JSON, as JSON.stringify writes it; a method or a path seldom needs escaping. */
function quoted(text: string): string {
  return PLAIN.test(text) ? `"${text}"` : JSON.stringify(text);
}

/** The one line per request that CONTRACT.md asks for. */
export function logRequest(method: string, path: string, status: number, durationMs: number): void {
  if (LEVELS.info < threshold) return;
  const duration = Math.round(durationMs * 100) / 100;
  // By hand, not JSON.stringify of an object: the same line in about a third of the time.
  emit(
    `{"time":"${now()}","level":"info","message":"request","method":${quoted(method)},` +
      `"path":${quoted(path)},"status":${status},"duration_ms":${duration}}\n`,
  );
}
