"""record when the broker confirmed an item's event, with a partial index on the items
the redelivery sweep looks for (event not confirmed, item not processed)

Revision ID: 0002
Revises: 0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("items", sa.Column("published_at", sa.DateTime(timezone=True), nullable=True))
    op.create_index(
        "items_unpublished",
        "items",
        ["created_at"],
        postgresql_where=sa.text("published_at IS NULL AND processed_at IS NULL"),
    )


def downgrade() -> None:
    op.drop_index("items_unpublished", table_name="items")
    op.drop_column("items", "published_at")
