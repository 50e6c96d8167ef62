// What the handlers depend on; each data layer and each broker implements one of these.
import type { Item, ItemInput } from "./items.js";

/** Items in the database. Every method throws DatabaseUnavailable when it cannot be reached. */
export interface ItemRepository {
  /** Whether `id` can name an item at all (a malformed id is a 404, not a query). */
  validId(id: string): boolean;
  create(input: ItemInput): Promise<Item>;
  get(id: string): Promise<Item | undefined>;
  page(limit: number, offset: number): Promise<Item[]>;
  update(id: string, input: ItemInput): Promise<Item | undefined>;
  delete(id: string): Promise<boolean>;
  /** Set processed_at once; true when the item exists. */
  markProcessed(id: string): Promise<boolean>;
  /** The broker acknowledged the item.created event of `id`. */
  markPublished(id: string): Promise<void>;
  /** Items created before `before` whose event no broker acknowledged yet. */
  unpublished(before: Date, limit: number): Promise<string[]>;
}

export interface DataLayer {
  items: ItemRepository;
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

/** The event broker: publishes item.created, and runs the consumer given to it. */
export interface Broker {
  start(): void;
  /** Connected right now. */
  readonly ready: boolean;
  /** True once the broker acknowledged the event; never throws. */
  publishItemCreated(id: string): Promise<boolean>;
  close(): Promise<void>;
}

/** What the consumer calls for each item.created event; it acknowledges after it returns. */
export type EventHandler = (id: string) => Promise<void>;
