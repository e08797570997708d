"""offices, stations, appointments, captures: biometrics appointments and captures

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
NOT_CANCELLED = sa.text("status != 'cancelled'")
BOOKED = sa.text("status = 'booked'")


def upgrade() -> None:
    op.create_table(
        "offices",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("is_default", sa.Boolean(), nullable=False),
        sa.Column("fingerprints_required", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("config_version", sa.String(length=32), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_offices")),
        sa.UniqueConstraint("code", name=op.f("uq_offices_code")),
    )
    op.create_table(
        "stations",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("office_id", BIG_ID, nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("equipment", sa.JSON(), nullable=False),
        sa.Column("opens", sa.String(length=5), nullable=False),
        sa.Column("closes", sa.String(length=5), nullable=False),
        sa.Column("breaks", sa.JSON(), nullable=False),
        sa.Column("slot_minutes", sa.Integer(), nullable=False),
        sa.Column("daily_quota", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["office_id"], ["offices.id"], name=op.f("fk_stations_office_id_offices")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stations")),
        sa.UniqueConstraint("code", name=op.f("uq_stations_code")),
    )
    with op.batch_alter_table("stations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_stations_office_id"), ["office_id"], unique=False)
    op.create_table(
        "appointments",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("application_id", BIG_ID, nullable=False),
        sa.Column("station_id", BIG_ID, nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("booked_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name=op.f("fk_appointments_application_id_applications"),
        ),
        sa.ForeignKeyConstraint(
            ["station_id"], ["stations.id"], name=op.f("fk_appointments_station_id_stations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_appointments")),
    )
    with op.batch_alter_table("appointments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_appointments_application_id"), ["application_id"], unique=False
        )
        batch_op.create_index("ix_appointments_station_day", ["station_id", "day"])
    # A slot holds one appointment that is not cancelled; an application one booked
    # appointment. Partial unique indexes on both backends (SQLite 3.8+, PostgreSQL).
    op.create_index(
        "uq_appointments_station_slot",
        "appointments",
        ["station_id", "starts_at"],
        unique=True,
        sqlite_where=NOT_CANCELLED,
        postgresql_where=NOT_CANCELLED,
    )
    op.create_index(
        "uq_appointments_application_booked",
        "appointments",
        ["application_id"],
        unique=True,
        sqlite_where=BOOKED,
        postgresql_where=BOOKED,
    )
    op.create_table(
        "captures",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("application_id", BIG_ID, nullable=False),
        sa.Column("appointment_id", BIG_ID, nullable=False),
        sa.Column("photo_key", sa.String(length=255), nullable=False),
        sa.Column("photo_sha256", sa.String(length=64), nullable=False),
        sa.Column("fingerprints", sa.JSON(), nullable=False),
        sa.Column("photo_check", sa.JSON(), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("failed", sa.JSON(), nullable=False),
        sa.Column("operator", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name=op.f("fk_captures_application_id_applications"),
        ),
        sa.ForeignKeyConstraint(
            ["appointment_id"],
            ["appointments.id"],
            name=op.f("fk_captures_appointment_id_appointments"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_captures")),
    )
    with op.batch_alter_table("captures", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_captures_application_id"), ["application_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_captures_appointment_id"), ["appointment_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("captures", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_captures_appointment_id"))
        batch_op.drop_index(batch_op.f("ix_captures_application_id"))
    op.drop_table("captures")
    op.drop_index("uq_appointments_application_booked", table_name="appointments")
    op.drop_index("uq_appointments_station_slot", table_name="appointments")
    with op.batch_alter_table("appointments", schema=None) as batch_op:
        batch_op.drop_index("ix_appointments_station_day")
        batch_op.drop_index(batch_op.f("ix_appointments_application_id"))
    op.drop_table("appointments")
    with op.batch_alter_table("stations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_stations_office_id"))
    op.drop_table("stations")
    op.drop_table("offices")
