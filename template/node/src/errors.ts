// The contract's error bodies, and which status each failure answers. Every framework
// maps what its handlers throw through `errorResponse`, so the bodies are the same.
import { log } from "./log.js";

export type ErrorBody = { error: { message: string; fields?: Record<string, string> } };

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly fields?: Record<string, string>,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export class DatabaseUnavailable extends HttpError {
  constructor(options?: ErrorOptions) {
    super(503, "database unavailable");
    if (options?.cause) this.cause = options.cause;
  }
}

export const notFound = (what = "item") => new HttpError(404, `${what} not found`);

export const validationError = (fields: Record<string, string>, message = "invalid request") =>
  new HttpError(422, message, fields);

export const unsupportedMediaType = () => new HttpError(415, "Content-Type must be application/json");

export const methodNotAllowed = (allowed: readonly string[]) =>
  new HttpError(405, "method not allowed", undefined, { Allow: allowed.join(", ") });

export type ErrorResponse = { status: number; body: ErrorBody; headers: Record<string, string> };

/** What to answer for `error`; an unexpected one is a logged 500 "internal error". */
export function errorResponse(error: unknown): ErrorResponse {
  if (error instanceof HttpError) {
    const body: ErrorBody = { error: { message: error.message } };
    if (error.fields) body.error.fields = error.fields;
    if (error.status === 503) log.warn("database unavailable", { cause: error.cause });
    return { status: error.status, body, headers: error.headers };
  }
  const status = clientStatus(error);
  if (status !== undefined) {
    return { status, body: { error: { message: (error as Error).message || "bad request" } }, headers: {} };
  }
  log.error("unexpected error", { error });
  return { status: 500, body: { error: { message: "internal error" } }, headers: {} };
}

/** The 4xx status a framework put on its own refusal (a body too large, a malformed URL). */
function clientStatus(error: unknown): number | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const { statusCode, status } = error as { statusCode?: unknown; status?: unknown };
  const code = statusCode ?? status;
  return typeof code === "number" && code >= 400 && code < 500 ? code : undefined;
}
