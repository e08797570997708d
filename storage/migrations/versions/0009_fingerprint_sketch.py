"""document_fingerprints.sketch: keypoints kept to judge near-duplicate candidates cheaply

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-09
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("document_fingerprints", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sketch", sa.LargeBinary(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("document_fingerprints", schema=None) as batch_op:
        batch_op.drop_column("sketch")
