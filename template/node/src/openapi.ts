// The OpenAPI 3.1 document of the API, generated from the zod schemas that validate the
// requests (items.ts) and the route table (http.ts): never a hand-kept copy.
import { z } from "zod";
import type { ROUTES } from "./http.js";
import { LIMIT_DEFAULT, LIMIT_MAX, OFFSET_MAX } from "./items.js";

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (s: object) => ({ "application/json": { schema: s } });
const error = (description: string) => ({ $ref: `#/components/responses/${description}` });

const ErrorBody = {
  type: "object",
  required: ["error"],
  properties: {
    error: {
      type: "object",
      required: ["message"],
      properties: {
        message: { type: "string" },
        fields: { type: "object", additionalProperties: { type: "string" } },
      },
    },
  },
};

/** GET /health's body (also a route's response schema, where the framework serializes by one). */
export const Health = { type: "object", required: ["status"], properties: { status: { const: "ok" } } };

const Readiness = {
  type: "object",
  required: ["status", "checks"],
  properties: {
    status: { type: "string" },
    checks: {
      type: "object",
      required: ["database", "cache", "queue"],
      properties: Object.fromEntries(
        ["database", "cache", "queue"].map((name) => [name, { type: "string", enum: ["ok", "error"] }]),
      ),
    },
  },
};

const idParameter = { name: "id", in: "path", required: true, schema: { type: "string" } };
const itemBody = { required: true, content: json(ref("ItemInput")) };
const always = { "405": error("MethodNotAllowed") };
const database = { "503": error("Unavailable"), ...always };
const cacheHeader = {
  "X-Cache": { schema: { type: "string", enum: ["HIT", "MISS", "BYPASS"] }, description: "cache-aside outcome" },
};

const operations: Record<keyof typeof ROUTES, Record<string, object>> = {
  "/health": {
    get: {
      operationId: "health",
      responses: {
        "200": {
          description: "alive",
          content: json(Health),
        },
        ...always,
      },
    },
  },
  "/ready": {
    get: {
      operationId: "ready",
      responses: {
        "200": { description: "every dependency checked", content: json(Readiness) },
        "503": { description: "the database is unreachable", content: json(Readiness) },
        ...always,
      },
    },
  },
  "/openapi.json": {
    get: {
      operationId: "openapi",
      responses: { "200": { description: "this document", content: json({ type: "object" }) }, ...always },
    },
  },
  "/items": {
    get: {
      operationId: "listItems",
      parameters: [
        {
          name: "limit",
          in: "query",
          schema: { type: "integer", minimum: 1, maximum: LIMIT_MAX, default: LIMIT_DEFAULT },
        },
        { name: "offset", in: "query", schema: { type: "integer", minimum: 0, maximum: OFFSET_MAX, default: 0 } },
      ],
      responses: {
        "200": { description: "newest first", content: json(ref("ItemPage")) },
        "422": error("Invalid"),
        ...database,
      },
    },
    post: {
      operationId: "createItem",
      requestBody: itemBody,
      responses: {
        "201": { description: "created; item.created is published", content: json(ref("Item")) },
        "415": error("UnsupportedMediaType"),
        "422": error("Invalid"),
        ...database,
      },
    },
  },
  "/items/{id}": {
    get: {
      operationId: "getItem",
      parameters: [idParameter],
      responses: {
        "200": { description: "the item", headers: cacheHeader, content: json(ref("Item")) },
        "404": error("NotFound"),
        ...database,
      },
    },
    put: {
      operationId: "updateItem",
      parameters: [idParameter],
      requestBody: itemBody,
      responses: {
        "200": { description: "updated; the cached copy is dropped", content: json(ref("Item")) },
        "404": error("NotFound"),
        "415": error("UnsupportedMediaType"),
        "422": error("Invalid"),
        ...database,
      },
    },
    delete: {
      operationId: "deleteItem",
      parameters: [idParameter],
      responses: {
        "204": { description: "deleted; the cached copy is dropped" },
        "404": error("NotFound"),
        ...database,
      },
    },
  },
};

const errorResponse = (description: string, headers?: object) => ({
  description,
  ...(headers ? { headers } : {}),
  content: json({ $ref: "#/components/schemas/Error" }),
});

export function openApiDocument(title: string): object {
  // Item, ItemInput and ItemPage carry a zod id (items.ts): each becomes a component.
  const { schemas } = z.toJSONSchema(z.globalRegistry, {
    io: "input",
    uri: (id) => `#/components/schemas/${id}`,
  });
  return {
    openapi: "3.1.0",
    info: { title, version: "0.1.0" },
    paths: operations,
    components: {
      schemas: {
        ...schemas,
        Error: ErrorBody,
      },
      responses: {
        NotFound: errorResponse("no such item (or a malformed id)"),
        Invalid: errorResponse('invalid input; "fields" names each bad field'),
        UnsupportedMediaType: errorResponse("the body is not application/json"),
        MethodNotAllowed: errorResponse("the path does not take this method", {
          Allow: { schema: { type: "string" }, description: "the methods it takes" },
        }),
        Unavailable: errorResponse("the database is unreachable"),
      },
    },
  };
}
