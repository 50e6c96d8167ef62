// Redis cache-aside for items: key <QUEUE_PREFIX>:item:<id>, TTL CACHE_TTL_SECONDS.
// Redis trouble never fails a request: reads report BYPASS and go to the database.
// Commands fail fast (no offline queue, a short timeout), and after a failure reads skip
// Redis for a moment instead of waiting on it each time. An invalidation that failed is
// remembered and retried before the next read, so Redis coming back cannot serve a copy
// that a PUT or DELETE made stale meanwhile.
import { createClient } from "redis";
import { log } from "./log.js";

export type CacheStatus = "HIT" | "MISS" | "BYPASS";

const COMMAND_TIMEOUT_MS = 300;
const PAUSE_AFTER_FAILURE_MS = 1000;
const MAX_PENDING_INVALIDATIONS = 10_000;

export const cacheKey = (prefix: string, id: string) => `${prefix}:item:${id}`;

function timeout<T>(promise: Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("redis timeout")), COMMAND_TIMEOUT_MS);
    promise.then(resolve, reject).finally(() => clearTimeout(timer));
  });
}

export class Cache {
  private readonly client;
  private pausedUntil = 0;
  private readonly pending = new Set<string>();
  private lastErrorLog = 0;

  constructor(
    url: string,
    private readonly prefix: string,
    private readonly ttlSeconds: number,
  ) {
    this.client = createClient({
      url,
      disableOfflineQueue: true,
      socket: {
        connectTimeout: COMMAND_TIMEOUT_MS,
        reconnectStrategy: (retries) => Math.min(100 * 2 ** retries, 2000),
      },
    });
    this.client.on("error", (error: unknown) => {
      if (Date.now() - this.lastErrorLog > 10_000) {
        this.lastErrorLog = Date.now();
        log.warn("redis unavailable", { error: String(error) });
      }
    });
  }

  start(): void {
    this.client.connect().catch((error: unknown) => log.warn("redis connect failed", { error: String(error) }));
  }

  async get(id: string): Promise<[string | null, CacheStatus]> {
    if (Date.now() < this.pausedUntil || !(await this.flushPending())) return [null, "BYPASS"];
    try {
      const value = await timeout(this.client.get(cacheKey(this.prefix, id)));
      return value === null ? [null, "MISS"] : [value, "HIT"];
    } catch (error) {
      this.failed("get", error);
      return [null, "BYPASS"];
    }
  }

  async set(id: string, json: string): Promise<void> {
    if (Date.now() < this.pausedUntil) return;
    try {
      await timeout(
        this.client.set(cacheKey(this.prefix, id), json, { expiration: { type: "EX", value: this.ttlSeconds } }),
      );
    } catch (error) {
      this.failed("set", error);
    }
  }

  async delete(id: string): Promise<void> {
    const key = cacheKey(this.prefix, id);
    try {
      await timeout(this.client.del(key));
    } catch (error) {
      if (this.pending.size < MAX_PENDING_INVALIDATIONS) this.pending.add(key);
      this.failed("delete", error);
    }
  }

  async ping(): Promise<boolean> {
    try {
      return (await timeout(this.client.ping())) === "PONG";
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    try {
      if (this.client.isOpen) await this.client.close();
    } catch {
      this.client.destroy();
    }
  }

  /** Retry the invalidations that failed; false while any is still owed. */
  private async flushPending(): Promise<boolean> {
    if (this.pending.size === 0) return true;
    try {
      await timeout(this.client.del([...this.pending]));
      this.pending.clear();
      return true;
    } catch (error) {
      this.failed("delete", error);
      return false;
    }
  }

  private failed(action: string, error: unknown): void {
    this.pausedUntil = Date.now() + PAUSE_AFTER_FAILURE_MS;
    log.warn(`cache ${action} failed`, { error: String(error) });
  }
}
