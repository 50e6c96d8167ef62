// The service's rules, written once for every framework: cache-aside reads, invalidation
// on writes, item.created on create with at-least-once delivery, the consumer's work and
// readiness. Handlers call this with validated input and map its errors (errors.ts).
import { EventEmitter } from "node:events";
import type { Cache, CacheStatus } from "./cache.js";
import { notFound } from "./errors.js";
import { type ItemInput, type ItemJson, type ItemPage, type Paging, toJson } from "./items.js";
import { log } from "./log.js";
import type { Broker, DataLayer, ItemRepository } from "./ports.js";

/** An item whose event was not acknowledged this long after its creation is republished. */
const REPUBLISH_AFTER_MS = 5000;
const SWEEP_INTERVAL_MS = 5000;
const SWEEP_BATCH = 100;

export type Readiness = {
  status: 200 | 503;
  body: { status: "ready" | "unavailable"; checks: { database: Check; cache: Check; queue: Check } };
};
type Check = "ok" | "error";

/** What the service announces in-process, with the item's id (Socket.IO relays them). */
export type ItemEvents = { "item.created": [id: string]; "item.processed": [id: string] };

export class ItemService extends EventEmitter<ItemEvents> {
  private readonly items: ItemRepository;
  private sweeper?: NodeJS.Timeout;
  private sweeping = false;
  private broker?: Broker;

  constructor(
    private readonly data: DataLayer,
    private readonly cache: Cache,
  ) {
    super();
    this.items = data.items;
  }

  /** The broker publishes what this service creates, and feeds `process` its events. */
  attach(broker: Broker): void {
    this.broker = broker;
    this.sweeper = setInterval(() => void this.republish(), SWEEP_INTERVAL_MS);
    this.sweeper.unref();
  }

  async create(input: ItemInput): Promise<ItemJson> {
    const item = await this.items.create(input);
    await this.publish(item.id);
    this.emit("item.created", item.id);
    return toJson(item);
  }

  async get(id: string): Promise<{ item: ItemJson; cache: CacheStatus }> {
    if (!this.items.validId(id)) throw notFound();
    const [cached, status] = await this.cache.get(id);
    if (cached !== null) return { item: JSON.parse(cached) as ItemJson, cache: status };
    const item = await this.items.get(id);
    if (!item) throw notFound();
    const json = toJson(item);
    // Only processed items are cached: a copy taken just before the consumer ran could
    // otherwise hide processed_at until it expires.
    if (status === "MISS" && item.processedAt) await this.cache.set(id, JSON.stringify(json));
    return { item: json, cache: status };
  }

  async list({ limit, offset }: Paging): Promise<ItemPage> {
    const items = await this.items.page(limit, offset);
    return { items: items.map(toJson), limit, offset };
  }

  async update(id: string, input: ItemInput): Promise<ItemJson> {
    if (!this.items.validId(id)) throw notFound();
    const item = await this.items.update(id, input);
    if (!item) throw notFound();
    await this.cache.delete(id);
    return toJson(item);
  }

  async remove(id: string): Promise<void> {
    if (!this.items.validId(id) || !(await this.items.delete(id))) throw notFound();
    await this.cache.delete(id);
  }

  /** The consumer's work for one item.created event; repeating it does no harm. */
  async process(id: string): Promise<void> {
    if (!this.items.validId(id)) {
      log.warn("event for a malformed id ignored", { item_id: id });
      return;
    }
    if (!(await this.items.markProcessed(id))) return;
    await this.cache.delete(id);
    this.emit("item.processed", id);
  }

  async readiness(): Promise<Readiness> {
    const [database, cache] = await Promise.all([this.data.ping(), this.cache.ping()]);
    const checks = {
      database: database ? "ok" : "error",
      cache: cache ? "ok" : "error",
      queue: this.broker?.ready ? "ok" : "error",
    } as const;
    return database
      ? { status: 200, body: { status: "ready", checks } }
      : { status: 503, body: { status: "unavailable", checks } };
  }

  close(): void {
    clearInterval(this.sweeper);
  }

  private async publish(id: string): Promise<void> {
    if (!this.broker || !(await this.broker.publishItemCreated(id))) return; // the sweep retries it
    try {
      await this.items.markPublished(id);
    } catch (error) {
      log.warn("event published but not recorded; it may be sent again", { item_id: id, error: String(error) });
    }
  }

  /** At-least-once: publish the events the broker never acknowledged (down, or timed out). */
  private async republish(): Promise<void> {
    if (!this.broker?.ready || this.sweeping) return;
    this.sweeping = true;
    try {
      const ids = await this.items.unpublished(new Date(Date.now() - REPUBLISH_AFTER_MS), SWEEP_BATCH);
      for (const id of ids) await this.publish(id);
      if (ids.length > 0) log.info("republished unacknowledged events", { count: ids.length });
    } catch (error) {
      log.warn("republish sweep failed", { error: String(error) });
    } finally {
      this.sweeping = false;
    }
  }
}
