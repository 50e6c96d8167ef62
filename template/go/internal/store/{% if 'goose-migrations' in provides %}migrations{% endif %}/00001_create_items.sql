-- +goose Up
CREATE TABLE items (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name         varchar(200) NOT NULL,
    description  varchar(2000),
    created_at   timestamptz NOT NULL DEFAULT clock_timestamp(),
    processed_at timestamptz,
    -- set when the broker acknowledged item.created; the sweep republishes the rest
    published_at timestamptz
);

-- GET /items: newest first.
CREATE INDEX items_created_at_idx ON items (created_at DESC, id DESC);
-- The sweep of events the broker never acknowledged.
CREATE INDEX items_unpublished_idx ON items (created_at) WHERE published_at IS NULL;

-- +goose Down
DROP TABLE items;
