"""passport_records: the issuance history the prior-passport check reads

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "passport_records",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("number", sa.String(length=16), nullable=False),
        sa.Column("nik", sa.String(length=16), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("expires_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("source", sa.String(length=255), nullable=False),
        sa.Column("recorded_by", sa.String(length=64), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_passport_records")),
        sa.UniqueConstraint("number", name=op.f("uq_passport_records_number")),
    )
    with op.batch_alter_table("passport_records", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_passport_records_nik"), ["nik"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("passport_records", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_passport_records_nik"))
    op.drop_table("passport_records")
