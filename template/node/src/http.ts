// What every framework does the same way with a request: its path, its log line, which
// methods a path has, reading a JSON item body from raw bytes, reading the paging query.
import { IncomingMessage, ServerResponse } from "node:http";
import type { z } from "zod";
import { type HttpError, methodNotAllowed, unsupportedMediaType, validationError } from "./errors.js";
import { ItemInput, Paging } from "./items.js";
import { logRequest } from "./log.js";

/** Every path of the API and its methods (the 405 answer's Allow header). */
export const ROUTES = {
  "/health": ["GET"],
  "/ready": ["GET"],
  "/openapi.json": ["GET"],
  "/items": ["GET", "POST"],
  "/items/{id}": ["GET", "PUT", "DELETE"],
} as const;

export function allowedMethods(path: string): readonly string[] | undefined {
  if (path in ROUTES) return ROUTES[path as keyof typeof ROUTES];
  if (/^\/items\/[^/]+$/.test(path)) return ROUTES["/items/{id}"];
  return undefined;
}

/** A request URL's path: what the request log and the 405 check look at. */
export function pathOf(url: string): string {
  const query = url.indexOf("?");
  return query === -1 ? url : url.slice(0, query);
}

/** A request that knows when Node read its headers: give it to `http.createServer`. */
export class TimedRequest extends IncomingMessage {
  readonly started = performance.now();
}

/** The request log line of a response to a TimedRequest, `url` being the URL the client sent. */
export function logResponse(res: ServerResponse, url: string): void {
  const req = res.req as TimedRequest;
  logRequest(req.method ?? "", pathOf(url), res.statusCode, performance.now() - req.started);
}

/** A response that writes the request log line as it ends, whoever ends it: no hook and no
 * listener per request. For `http.createServer` with TimedRequest, where the framework keeps
 * the prototype of Node's response object. */
export class LoggedResponse<Request extends IncomingMessage = IncomingMessage> extends ServerResponse<Request> {
  override end(chunk?: unknown, encoding?: unknown, callback?: unknown): this {
    const first = !this.writableEnded;
    super.end(chunk, encoding as BufferEncoding, callback as () => void);
    if (first) logResponse(this, this.req.url ?? "");
    return this;
  }
}

/** The 405 when `path` exists but does not take `method` (HEAD goes with GET). */
export function wrongMethod(method: string, path: string): HttpError | undefined {
  const allowed = allowedMethods(path);
  const asked = method === "HEAD" ? "GET" : method;
  return allowed && !allowed.includes(asked) ? methodNotAllowed(allowed) : undefined;
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** The 422 answer's `fields`: each bad field and why (unknown ones by name). */
export function fieldsOf(error: z.ZodError): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const issue of error.issues) {
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) fields[key] = "unknown field";
    } else {
      fields[issue.path.join(".") || "body"] ??= issue.message;
    }
  }
  return fields;
}

/** The body of POST and PUT /items: 415 unless JSON, 422 unless a valid item. */
export function readItemInput(contentType: string | undefined, raw: Uint8Array | undefined): ItemInput {
  const type = contentType?.split(";")[0]?.trim().toLowerCase();
  if (type !== "application/json") throw unsupportedMediaType();
  let value: unknown;
  try {
    value = JSON.parse(utf8.decode(raw ?? new Uint8Array()));
  } catch {
    throw validationError({ body: "must be a JSON object in UTF-8" }, "malformed JSON body");
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw validationError({ body: "must be a JSON object" });
  }
  const parsed = ItemInput.safeParse(value);
  if (!parsed.success) throw validationError(fieldsOf(parsed.error));
  return { name: parsed.data.name, description: parsed.data.description ?? null };
}

/** `?limit=&offset=`: digits only, in range, else 422. */
export function readPaging(query: Record<string, unknown>): Paging {
  const fields: Record<string, string> = {};
  for (const name of ["limit", "offset"] as const) {
    const value = query[name];
    if (value !== undefined && (typeof value !== "string" || !/^\d{1,10}$/.test(value))) {
      fields[name] = "must be a non-negative integer";
    }
  }
  const parsed = Paging.safeParse(query);
  if (!parsed.success) Object.assign(fields, fieldsOf(parsed.error));
  if (Object.keys(fields).length > 0) throw validationError(fields, "invalid paging");
  return parsed.data as Paging;
}
