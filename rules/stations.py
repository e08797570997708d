"""Offices and their counter stations, as configuration: ``rules/stations.yaml`` parsed strictly.

A station is one counter with its equipment (the 2014 office had one camera, one fingerprint
scanner and one printer per counter), its daily opening hours and breaks, the length of an
appointment slot and a daily quota. Loading fails, naming the bad value, on an unknown kind or
equipment, a station without the equipment its kind needs, hours that do not fit, a time not
written as a quoted ``"HH:MM"`` (YAML 1.1 reads an unquoted ``12:00`` as the number 720), an
unknown time zone, duplicate codes or not exactly one default office.

``slot_times`` is the day plan of a station: the first ``daily_quota`` slot starts from
opening time, each slot wholly inside the hours and outside every break of that weekday. The
quota is thus a cap on the slots offered, which a unique slot constraint enforces in the
database without counting.

Each station is also a Prefect global concurrency limit (``station_limit_name``) of
``STATION_LIMIT_SLOTS`` (one camera: one capture at a time), held while a capture is processed.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from datetime import time as clock
from enum import StrEnum
from functools import cache
from importlib.resources import files
from typing import Annotated, Any, Self
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    field_validator,
    model_validator,
)

from rules._yaml import safe_load

__all__ = [
    "STATION_LIMIT_SLOTS",
    "Break",
    "Equipment",
    "OfficeSpec",
    "StationConfig",
    "StationKind",
    "StationSpec",
    "default_stations",
    "load_stations",
    "slot_times",
    "station_limit_name",
]

STATION_LIMIT_SLOTS = 1


class Equipment(StrEnum):
    CAMERA = "camera"
    FINGERPRINT_SCANNER = "fingerprint_scanner"
    SIGNATURE_PAD = "signature_pad"
    PRINTER = "printer"


class StationKind(StrEnum):
    BIOMETRICS = "biometrics"  # photo and fingerprints (and the interview, same visit)
    PRINTING = "printing"


REQUIRED_EQUIPMENT = {
    StationKind.BIOMETRICS: frozenset({Equipment.CAMERA, Equipment.FINGERPRINT_SCANNER}),
    StationKind.PRINTING: frozenset({Equipment.PRINTER}),
}


def _quoted_time(value: Any) -> Any:
    if isinstance(value, clock):
        return value
    if not isinstance(value, str):
        raise ValueError(f'write times as quoted "HH:MM" strings, not {value!r}')
    try:
        return datetime.strptime(value, "%H:%M").time()
    except ValueError:
        raise ValueError(f'{value!r} is not a time of day "HH:MM"') from None


Time = Annotated[
    clock,
    BeforeValidator(_quoted_time),
    PlainSerializer(lambda value: value.strftime("%H:%M"), return_type=str),
]
Code = Annotated[str, Field(pattern=r"^[A-Z0-9][A-Z0-9-]{1,31}$")]


class Break(BaseModel):
    """A pause in service (istirahat; the longer Friday prayer break: ``weekdays: [4]``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    start: Time
    end: Time
    weekdays: tuple[int, ...] = (0, 1, 2, 3, 4, 5, 6)  # date.weekday(): Monday is 0

    @model_validator(mode="after")
    def _order(self) -> Self:
        if self.end <= self.start:
            raise ValueError(f"break ends ({self.end:%H:%M}) before it starts ({self.start:%H:%M})")
        if any(not 0 <= day <= 6 for day in self.weekdays):
            raise ValueError("break weekdays are 0 (Monday) to 6 (Sunday)")
        return self

    def covers(self, day: date, start: clock, end: clock) -> bool:
        """Whether a slot from ``start`` to ``end`` on ``day`` overlaps this break."""
        return day.weekday() in self.weekdays and start < self.end and self.start < end


class StationSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    code: Code
    name: str = Field(min_length=1, max_length=255)
    kind: StationKind
    equipment: tuple[Equipment, ...]
    opens: Time
    closes: Time
    breaks: tuple[Break, ...] = ()
    slot_minutes: int = Field(ge=5, le=240)
    daily_quota: int = Field(ge=1, le=500)
    active: bool = True

    @model_validator(mode="after")
    def _fits(self) -> Self:
        missing = REQUIRED_EQUIPMENT[self.kind] - set(self.equipment)
        if missing:
            needed = ", ".join(sorted(missing))
            raise ValueError(f"station {self.code}: a {self.kind} station needs {needed}")
        if self.closes <= self.opens:
            raise ValueError(f"station {self.code}: closes before it opens")
        for pause in self.breaks:
            if pause.start < self.opens or pause.end > self.closes:
                raise ValueError(f"station {self.code}: a break lies outside the opening hours")
        return self


class OfficeSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    code: str = Field(pattern=r"^[a-z0-9_]{2,32}$")
    name: str = Field(min_length=1, max_length=255)
    timezone: str
    default: bool = False
    fingerprints_required: int = Field(default=2, ge=1, le=10)
    stations: tuple[StationSpec, ...]

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r} (e.g. Asia/Jakarta)") from None
        return value


class StationConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    version: str = Field(min_length=1)
    offices: tuple[OfficeSpec, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self) -> Self:
        problems = []
        office_codes = [o.code for o in self.offices]
        station_codes = [s.code for o in self.offices for s in o.stations]
        for kind, codes in (("office", office_codes), ("station", station_codes)):
            twice = sorted({c for c in codes if codes.count(c) > 1})
            if twice:
                problems.append(f"{kind} code(s) given twice: {', '.join(twice)}")
        defaults = [o.code for o in self.offices if o.default]
        if len(self.offices) > 1 and len(defaults) != 1:
            problems.append(f"exactly one office must be the default, not {len(defaults)}")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    @property
    def default_office(self) -> OfficeSpec:
        return next((o for o in self.offices if o.default), self.offices[0])


def slot_times(
    day: date,
    *,
    opens: clock,
    closes: clock,
    slot_minutes: int,
    daily_quota: int,
    breaks: tuple[Break, ...] = (),
) -> list[clock]:
    """The slot start times a station offers on ``day`` (at most ``daily_quota``).

    >>> from datetime import date, time
    >>> lunch = Break(start="12:00", end="13:00")
    >>> [t.strftime("%H:%M") for t in slot_times(date(2026, 9, 1), opens=time(11),
    ...     closes=time(14), slot_minutes=30, daily_quota=3, breaks=(lunch,))]
    ['11:00', '11:30', '13:00']
    """
    step = timedelta(minutes=slot_minutes)
    start = datetime.combine(day, opens)
    last = datetime.combine(day, closes)
    found: list[clock] = []
    while start + step <= last and len(found) < daily_quota:
        end = start + step
        if not any(b.covers(day, start.time(), end.time()) for b in breaks):
            found.append(start.time())
        start = end
    return found


def station_limit_name(station_code: str) -> str:
    """The Prefect global concurrency limit that stands for one station.

    >>> station_limit_name("PKU-BIO-1")
    'paspor-station-pku-bio-1'
    """
    return f"paspor-station-{station_code.lower()}"


def load_stations(text: str) -> StationConfig:
    """Parse a station configuration (YAML text)."""
    data = safe_load(text)
    if not isinstance(data, dict):
        raise ValueError("a station configuration is a mapping with version and offices")
    return StationConfig.model_validate(data)


@cache
def default_stations() -> StationConfig:
    """The configuration shipped in ``rules/stations.yaml``."""
    return load_stations(files("rules").joinpath("stations.yaml").read_text(encoding="utf-8"))
