-- The items table, with an index on created_at for the list query. published_at is set
-- when the broker acknowledges the item's item.created event; the sweep republishes the rest.
CREATE TABLE items (
    id uuid PRIMARY KEY,
    name varchar(200) NOT NULL,
    description varchar(2000),
    created_at timestamptz NOT NULL DEFAULT now(),
    processed_at timestamptz,
    published_at timestamptz
);

CREATE INDEX ix_items_created_at ON items (created_at);
CREATE INDEX ix_items_unpublished ON items (created_at) WHERE published_at IS NULL;
