// Structured logs: one JSON object per line on stdout. The lines of one event-loop turn
// go out in one write, not one write each (a busy service logs many requests per turn);
// what is left is written on exit, process.exit() and a crash included.

const LEVELS = { debug: 10, info: 20, warning: 30, error: 40 } as const;
export type LogLevel = keyof typeof LEVELS;
export const LOG_LEVELS = Object.keys(LEVELS) as LogLevel[];

let threshold: number = LEVELS.info;

export function setLogLevel(level: LogLevel): void {
  threshold = LEVELS[level];
}

let pending: string[] = [];

function flush(): void {
  if (pending.length === 0) return;
  const lines = pending.join("");
  pending = [];
  process.stdout.write(lines);
}
process.on("exit", flush);

function emit(entry: object, replacer?: (key: string, value: unknown) => unknown): void {
  if (pending.push(`${JSON.stringify(entry, replacer)}\n`) === 1) setImmediate(flush);
}

function write(level: LogLevel, message: string, fields: Record<string, unknown> = {}): void {
  if (LEVELS[level] < threshold) return;
  emit({ time: new Date().toISOString(), level, message, ...fields }, errorReplacer);
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

/** The one line per request that CONTRACT.md asks for. */
export function logRequest(method: string, path: string, status: number, durationMs: number): void {
  if (LEVELS.info < threshold) return;
  // Plain values only, so no replacer: JSON.stringify keeps V8's fast path.
  const duration_ms = Math.round(durationMs * 100) / 100;
  emit({ time: new Date().toISOString(), level: "info", message: "request", method, path, status, duration_ms });
}
