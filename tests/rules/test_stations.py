"""The station configuration: strict loading, day plans and limit names."""

from __future__ import annotations

import doctest
from datetime import date, time

import pytest
from pydantic import ValidationError

import rules.stations
from rules.stations import default_stations, load_stations, slot_times, station_limit_name

STATION = (
    "{code: S-1, name: Loket, kind: biometrics, equipment: [camera, fingerprint_scanner], "
    'opens: "08:00", closes: "12:00", slot_minutes: 30, daily_quota: 8}'
)


def _config(station: str = STATION, office: str = "") -> str:
    return (
        'version: "t"\noffices:\n'
        f"  - {{code: kanim, name: Kanim, timezone: Asia/Jakarta{office}, stations: [{station}]}}\n"
    )


def test_the_shipped_configuration_loads() -> None:
    config = default_stations()
    assert config.default_office.code == "pekanbaru"
    station = config.offices[0].stations[0]
    assert {e.value for e in station.equipment} >= {"camera", "fingerprint_scanner"}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (('closes: "12:00"', "closes: 12:00"), "quoted"),  # YAML 1.1 reads 720
        (("fingerprint_scanner", "printer"), "needs fingerprint_scanner"),
        (('closes: "12:00"', 'closes: "07:00"'), "closes before it opens"),
        (("kind: biometrics", "kind: canteen"), "kind"),
        (("slot_minutes: 30", "slot_minutes: 0"), "slot_minutes"),
    ],
)
def test_a_bad_station_is_refused_with_the_problem_named(
    change: tuple[str, str], message: str
) -> None:
    with pytest.raises(ValidationError, match=message):
        load_stations(_config(STATION.replace(*change)))


def test_an_unknown_time_zone_and_duplicate_codes_are_refused() -> None:
    with pytest.raises(ValidationError, match="unknown time zone"):
        load_stations(_config().replace("Asia/Jakarta", "Asia/Pekanbaru"))
    with pytest.raises(ValidationError, match="given twice: S-1"):
        load_stations(_config(f"{STATION}, {STATION}"))


def test_breaks_and_the_quota_shape_the_day_plan() -> None:
    config = load_stations(default_stations().model_dump_json())
    station = config.offices[0].stations[0]

    def plan(day: date) -> list[time]:
        return slot_times(
            day,
            opens=station.opens,
            closes=station.closes,
            slot_minutes=station.slot_minutes,
            daily_quota=station.daily_quota,
            breaks=station.breaks,
        )

    thursday, friday = plan(date(2026, 9, 3)), plan(date(2026, 9, 4))
    assert len(thursday) == len(friday) == station.daily_quota
    assert time(12, 0) not in thursday and time(13, 0) in thursday
    assert time(11, 30) not in friday and time(13, 30) in friday  # Friday prayers


def test_limit_names_and_doctests() -> None:
    assert station_limit_name("PKU-BIO-1") == "paspor-station-pku-bio-1"
    assert doctest.testmod(rules.stations).failed == 0
