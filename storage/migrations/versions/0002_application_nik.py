"""applications.nik: the form's NIK, indexed, for the duplicate-application check

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.add_column(sa.Column("nik", sa.String(length=16), nullable=True))
        batch_op.create_index(batch_op.f("ix_applications_nik"), ["nik"], unique=False)
    # Applications stored before this revision: their NIK from the form they were stored with.
    applications = sa.table(
        "applications", sa.column("id", sa.BigInteger), sa.column("form", sa.JSON),
        sa.column("nik", sa.String),
    )  # fmt: skip
    bind = op.get_bind()
    rows = bind.execute(sa.select(applications.c.id, applications.c.form)).all()
    for row_id, form in rows:
        nik = (form or {}).get("nik")
        if isinstance(nik, str) and len(nik) <= 16:
            bind.execute(applications.update().where(applications.c.id == row_id).values(nik=nik))


def downgrade() -> None:
    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_applications_nik"))
        batch_op.drop_column("nik")
