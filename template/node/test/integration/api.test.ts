// The whole service against the services named by the environment (DATABASE_URL,
// REDIS_URL and the broker's variable): migrations, HTTP through the real framework,
// the cache in Redis, and item.created through the broker to the consumer.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { type App, createApp } from "../../src/app.js";
import { loadConfig } from "../../src/config.js";
import { upgrade } from "../../src/migrations.js";
import { serve } from "../../src/server.js";
import type { Server } from "../../src/server-types.js";
import type { Readiness } from "../../src/service.js";

const configured = Boolean(process.env.DATABASE_URL && process.env.REDIS_URL);

describe("the service against real dependencies", { skip: !configured && "DATABASE_URL and REDIS_URL not set" }, () => {
  let app: App | undefined;
  let server: Server | undefined;
  let base = "";

  const call = (path: string, init: RequestInit = {}) => fetch(`${base}${path}`, init);
  const send = (method: string, path: string, body: unknown) =>
    call(path, { method, headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

  before(async () => {
    const config = loadConfig({
      ...process.env,
      PORT: "0",
      LOG_LEVEL: "error",
      QUEUE_PREFIX: `test-${randomUUID().slice(0, 8)}`,
    });
    await upgrade(config);
    app = await createApp(config);
    server = await serve(app, 0);
    base = `http://127.0.0.1:${server.port}`;
    // The broker connects in the background; start once it has, as a deployment would.
    const deadline = Date.now() + 20_000;
    const queueReady = async () => ((await (await call("/ready")).json()) as Readiness["body"]).checks.queue === "ok";
    while (!(await queueReady())) {
      assert.ok(Date.now() < deadline, "the broker never connected");
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  });

  after(async () => {
    await server?.close();
    await app?.close();
  });

  /** GET /items/{id} until the consumer has set processed_at. */
  async function processed(id: string): Promise<void> {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const current = (await (await call(`/items/${id}`)).json()) as { processed_at: string | null };
      if (current.processed_at !== null) return;
      assert.ok(Date.now() < deadline, "the consumer never set processed_at");
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  it("creates an item, processes its event, caches it, updates and deletes it", async () => {
    const created = await send("POST", "/items", { name: "first", description: "d" });
    assert.equal(created.status, 201);
    const item = (await created.json()) as { id: string; name: string };
    assert.equal(item.name, "first");
    await processed(item.id); // the read that saw processed_at cached the item

    const hit = await call(`/items/${item.id}`);
    assert.equal(hit.headers.get("x-cache"), "HIT");
    assert.equal(((await hit.json()) as { name: string }).name, "first");

    const updated = await send("PUT", `/items/${item.id}`, { name: "second" });
    assert.equal(updated.status, 200);
    const reread = await call(`/items/${item.id}`);
    assert.equal(reread.headers.get("x-cache"), "MISS");
    assert.equal(((await reread.json()) as { name: string }).name, "second");

    const page = (await (await call("/items?limit=100")).json()) as { items: { id: string }[] };
    assert.ok(page.items.some((each) => each.id === item.id));

    assert.equal((await call(`/items/${item.id}`, { method: "DELETE" })).status, 204);
    assert.equal((await call(`/items/${item.id}`)).status, 404);
  });

  it("answers bad input with the contract's JSON errors", async () => {
    const cases: [Promise<Response>, number][] = [
      [call("/items", { method: "POST", headers: { "content-type": "text/plain" }, body: "x" }), 415],
      [call("/items", { method: "POST", headers: { "content-type": "application/json" }, body: "{" }), 422],
      [send("POST", "/items", { name: "n", colour: "red" }), 422],
      [call("/items?limit=0"), 422],
      [call("/items/not-an-id"), 404],
      [call("/no-such-route"), 404],
      [call("/items", { method: "DELETE" }), 405],
    ];
    for (const [pending, status] of cases) {
      const response = await pending;
      assert.equal(response.status, status, response.url);
      const body = (await response.json()) as { error: { message: string } };
      assert.equal(typeof body.error.message, "string");
    }
  });

  it("reports readiness and documents itself", async () => {
    assert.deepEqual(await (await call("/health")).json(), { status: "ok" });
    const ready = (await (await call("/ready")).json()) as Readiness["body"];
    assert.equal(ready.checks.database, "ok");
    const document = (await (await call("/openapi.json")).json()) as { openapi: string };
    assert.match(document.openapi, /^3\./);
  });
});
