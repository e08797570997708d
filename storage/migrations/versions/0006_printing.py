"""passport_number_series, passport_numbers, printed_books: printing and handover

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "passport_number_series",
        sa.Column("prefix", sa.String(length=1), nullable=False),
        sa.Column("last_serial", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("prefix", name=op.f("pk_passport_number_series")),
    )
    op.create_table(
        "passport_numbers",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("number", sa.String(length=16), nullable=False),
        sa.Column("prefix", sa.String(length=1), nullable=False),
        sa.Column("serial", sa.Integer(), nullable=False),
        sa.Column("application_id", BIG_ID, nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("allocated_by", sa.String(length=64), nullable=False),
        sa.Column("allocated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name=op.f("fk_passport_numbers_application_id_applications"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_passport_numbers")),
        sa.UniqueConstraint("number", name=op.f("uq_passport_numbers_number")),
    )
    with op.batch_alter_table("passport_numbers", schema=None) as batch_op:
        # One number per print attempt: a retried allocation finds the row it made.
        batch_op.create_index(
            "ix_passport_numbers_application_attempt", ["application_id", "attempt"], unique=True
        )
    op.create_table(
        "printed_books",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("application_id", BIG_ID, nullable=False),
        sa.Column("number", sa.String(length=16), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("cancel_reason", sa.String(length=32), nullable=True),
        sa.Column("page_key", sa.String(length=255), nullable=False),
        sa.Column("page_sha256", sa.String(length=64), nullable=False),
        sa.Column("qc", sa.JSON(), nullable=False),
        sa.Column("issue_date", sa.Date(), nullable=False),
        sa.Column("expiry_date", sa.Date(), nullable=False),
        sa.Column("printed_by", sa.String(length=64), nullable=False),
        sa.Column("printed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("cancelled_by", sa.String(length=64), nullable=True),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("handed_over_by", sa.String(length=64), nullable=True),
        sa.Column("handed_over_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("collector", sa.String(length=16), nullable=True),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name=op.f("fk_printed_books_application_id_applications"),
        ),
        sa.ForeignKeyConstraint(
            ["number"],
            ["passport_numbers.number"],
            name=op.f("fk_printed_books_number_passport_numbers"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_printed_books")),
        sa.UniqueConstraint("number", name=op.f("uq_printed_books_number")),
    )
    with op.batch_alter_table("printed_books", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_printed_books_application_id"), ["application_id"], unique=False
        )
        batch_op.create_index("ix_printed_books_status_issue_date", ["status", "issue_date"])


def downgrade() -> None:
    with op.batch_alter_table("printed_books", schema=None) as batch_op:
        batch_op.drop_index("ix_printed_books_status_issue_date")
        batch_op.drop_index(batch_op.f("ix_printed_books_application_id"))
    op.drop_table("printed_books")
    with op.batch_alter_table("passport_numbers", schema=None) as batch_op:
        batch_op.drop_index("ix_passport_numbers_application_attempt")
    op.drop_table("passport_numbers")
    op.drop_table("passport_number_series")
