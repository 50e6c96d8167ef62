// The item: its validation rules (one zod source, which also feeds /openapi.json),
// its stored form and its JSON form.
import { z } from "zod";

export const NAME_MAX = 200;
export const DESCRIPTION_MAX = 2000;
export const LIMIT_MAX = 100;
export const LIMIT_DEFAULT = 20;
export const OFFSET_MAX = 2_147_483_647;

/** A string of `min`..`max` characters (code points, as JSON Schema counts them) without NUL. */
function text(min: number, max: number) {
  return z
    .string()
    .refine((s) => !s.includes("\u0000"), "must not contain a NUL character")
    .refine((s) => {
      const length = [...s].length;
      return length >= min && length <= max;
    }, `must be ${min} to ${max} characters long`)
    .meta({ minLength: min, maxLength: max, pattern: "^[^\\u0000]*$" });
}

export const ItemInput = z
  .strictObject({
    name: text(1, NAME_MAX),
    description: text(0, DESCRIPTION_MAX).nullable().optional(),
  })
  .meta({ id: "ItemInput" });

export const ItemJson = z
  .strictObject({
    id: z.string(),
    name: z.string(),
    description: z.string().nullable(),
    created_at: z.iso.datetime({ offset: true }),
    processed_at: z.iso.datetime({ offset: true }).nullable(),
  })
  .meta({ id: "Item" });

export const ItemPage = z
  .strictObject({ items: z.array(ItemJson), limit: z.int(), offset: z.int() })
  .meta({ id: "ItemPage" });

export const Paging = z.object({
  limit: z.coerce.number().int().min(1).max(LIMIT_MAX).default(LIMIT_DEFAULT),
  offset: z.coerce.number().int().min(0).max(OFFSET_MAX).default(0),
});

export type ItemInput = { name: string; description: string | null };
export type ItemJson = z.infer<typeof ItemJson>;
export type ItemPage = z.infer<typeof ItemPage>;
export type Paging = { limit: number; offset: number };

/** An item as the data layers return it. */
export type Item = {
  id: string;
  name: string;
  description: string | null;
  createdAt: Date;
  processedAt: Date | null;
};

export function toJson(item: Item): ItemJson {
  return {
    id: item.id,
    name: item.name,
    description: item.description,
    created_at: item.createdAt.toISOString(),
    processed_at: item.processedAt?.toISOString() ?? null,
  };
}
