"""document_fingerprints, fingerprint_keys: near-duplicate document search

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "document_fingerprints",
        sa.Column("document_id", BIG_ID, autoincrement=False, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("layout", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("keypoints", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["documents.id"],
            name=op.f("fk_document_fingerprints_document_id_documents"),
        ),
        sa.PrimaryKeyConstraint("document_id", name=op.f("pk_document_fingerprints")),
    )
    with op.batch_alter_table("document_fingerprints", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_document_fingerprints_layout"), ["layout"], unique=False
        )
    op.create_table(
        "fingerprint_keys",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("document_id", BIG_ID, nullable=False),
        sa.Column("key", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["document_fingerprints.document_id"],
            name=op.f("fk_fingerprint_keys_document_id_document_fingerprints"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fingerprint_keys")),
    )
    with op.batch_alter_table("fingerprint_keys", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_fingerprint_keys_document_id"), ["document_id"], unique=False
        )
        batch_op.create_index("ix_fingerprint_keys_key_document", ["key", "document_id"])


def downgrade() -> None:
    with op.batch_alter_table("fingerprint_keys", schema=None) as batch_op:
        batch_op.drop_index("ix_fingerprint_keys_key_document")
        batch_op.drop_index(batch_op.f("ix_fingerprint_keys_document_id"))
    op.drop_table("fingerprint_keys")
    with op.batch_alter_table("document_fingerprints", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_document_fingerprints_layout"))
    op.drop_table("document_fingerprints")
