// The event body, the same on every broker: {"type":"item.created","id":…,"occurred_at":…}.
import { z } from "zod";

export const ITEM_CREATED = "item.created";

const Envelope = z.object({ type: z.literal(ITEM_CREATED), id: z.string().min(1), occurred_at: z.string() });

export function itemCreated(id: string, at = new Date()): Buffer {
  return Buffer.from(JSON.stringify({ type: ITEM_CREATED, id, occurred_at: at.toISOString() }));
}

/** The item id of an item.created body; throws on anything else. */
export function parseItemCreated(body: Uint8Array): string {
  return Envelope.parse(JSON.parse(Buffer.from(body).toString("utf8"))).id;
}
