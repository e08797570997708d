"""Migrations build the schema from an empty database and agree with the models."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from storage.db import make_engine
from storage.migrate import current_revision, downgrade, head_revision, upgrade
from storage.models import Base

TABLES = {
    "applications",
    "documents",
    "extractions",
    "findings",
    "human_tasks",
    "decisions",
    "stage_events",
    "audit_events",
    "audit_head",
    "watchlist_entries",
    "passport_records",
    "document_fingerprints",
    "fingerprint_keys",
    "passport_number_series",
    "passport_numbers",
    "printed_books",
    "offices",
    "stations",
    "appointments",
    "captures",
    "console_users",
    "sign_in_throttle",
    "alembic_version",
}


def test_upgrade_from_empty_creates_every_table(db_url: str) -> None:
    engine = make_engine(db_url)
    assert current_revision(engine) is None
    upgrade(engine)
    assert current_revision(engine) == head_revision()
    assert set(inspect(engine).get_table_names()) == TABLES
    engine.dispose()


def test_migrations_match_the_models(db_url: str) -> None:
    engine = make_engine(db_url)
    upgrade(engine)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []
    engine.dispose()


def test_downgrade_to_empty_and_up_again(db_url: str) -> None:
    engine = make_engine(db_url)
    upgrade(engine)
    downgrade(engine, "base")
    assert set(inspect(engine).get_table_names()) == {"alembic_version"}
    upgrade(engine)
    assert current_revision(engine) == head_revision()
    engine.dispose()


def test_0002_fills_the_nik_of_applications_stored_before_it(db_url: str) -> None:
    engine = make_engine(db_url)
    upgrade(engine, "0001")
    form = json.dumps({"nik": "1471024508900003", "nama": "SITI AMINAH"})
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO applications (number, category, form, stage, rule_version, "
                "created_at, updated_at) VALUES ('APP-2026-000001', 'adult', :form, 'intake', "
                "'2026.1', :now, :now)"
            ),
            {"form": form, "now": datetime(2026, 11, 28, tzinfo=UTC)},
        )
    upgrade(engine)
    with engine.connect() as conn:
        nik = conn.scalar(text("SELECT nik FROM applications WHERE number = 'APP-2026-000001'"))
    assert nik == "1471024508900003"
    engine.dispose()
