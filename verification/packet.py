"""The packet: the input contract of one application (DESIGN.md section 2).

``parse_packet`` turns the text of ``application.json`` into a typed ``Packet`` or raises
``PacketInvalid`` listing every problem at once (field path and what is wrong). Messages never
repeat the submitted values, which may be personal data.
"""

from __future__ import annotations

import json
import re
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    field_validator,
)

from verification.errors import PacketInvalid, PacketProblem
from verification.vocabulary import JENIS_KELAMIN, STATUS_PERKAWINAN, Category, DocumentType

__all__ = [
    "APPLICATION_ID_PATTERN",
    "MAX_PACKET_BYTES",
    "ApplicantForm",
    "DocumentRef",
    "Packet",
    "parse_packet",
]

# [0-9], not \d: \d also matches other scripts' digits (Arabic-Indic, Devanagari...).
APPLICATION_ID_PATTERN = r"^APP-[0-9]{4}-[0-9]{6}$"
_DIGITS16 = r"^[0-9]{16}$"
# No control characters (C0, DEL, C1) nor bidirectional overrides, which reorder what is shown.
_NO_CONTROLS = r"^[^\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]*$"
_FILE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._ -]{0,127}$")
MAX_PACKET_BYTES = 256 * 1024  # a real application.json is a few KB

Digits16 = Annotated[str, StringConstraints(pattern=_DIGITS16)]
Text = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=200, pattern=_NO_CONTROLS),
]


def _one_of(allowed: frozenset[str]) -> AfterValidator:
    def check(value: str) -> str:
        normalised = " ".join(value.upper().split())
        if normalised not in allowed:
            raise ValueError(f"must be one of {', '.join(sorted(allowed))}")
        return normalised

    return AfterValidator(check)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class ApplicantForm(_Strict):
    """What the applicant typed into the online form."""

    nik: Digits16
    nama: Text
    tempat_lahir: Text
    tanggal_lahir: date
    jenis_kelamin: Annotated[str, _one_of(JENIS_KELAMIN)]
    alamat: Text
    no_kk: Digits16
    nama_ayah: Text | None = None
    nama_ibu: Text
    pekerjaan: Text
    status_perkawinan: Annotated[str, _one_of(STATUS_PERKAWINAN)]
    had_passport: bool | None = None
    old_passport_number: (
        Annotated[str, StringConstraints(pattern=r"^[A-Z]{1,2}[0-9]{6,7}$")] | None
    ) = None
    validity_years: Literal[5, 10] = 5

    @field_validator("tanggal_lahir")
    @classmethod
    def _plausible_birth_date(cls, value: date) -> date:
        if value.year < 1900 or value > date.today():
            raise ValueError("must be a date between 1900 and today")
        return value


class DocumentRef(_Strict):
    """One uploaded file of the packet, by document type and file name inside the folder."""

    type: DocumentType
    file: str

    @field_validator("file")
    @classmethod
    def _plain_file_name(cls, value: str) -> str:
        if not _FILE_NAME.fullmatch(value) or ".." in value:
            raise ValueError(
                "must be a plain file name inside the packet folder "
                "(letters, digits, '.', '_', '-', space; no folders, no '..')"
            )
        return value


class Packet(_Strict):
    """A whole application packet."""

    application_id: Annotated[str, StringConstraints(pattern=APPLICATION_ID_PATTERN)]
    category: Category
    applicant: ApplicantForm
    documents: Annotated[list[DocumentRef], Field(min_length=1, max_length=20)]

    @field_validator("documents")
    @classmethod
    def _one_file_per_type(cls, docs: list[DocumentRef]) -> list[DocumentRef]:
        seen: set[str] = set()
        for doc in docs:
            if doc.type in seen:
                raise ValueError(f"document type {doc.type.value!r} is listed more than once")
            seen.add(doc.type)
        return docs


_FIELD_NAME = re.compile(r"[a-z][a-z0-9_]{0,39}")


def _location(loc: tuple[int | str, ...]) -> str:
    parts: list[str] = []
    for item in loc:
        if isinstance(item, int):
            parts.append(f"[{item}]")
        else:
            parts.append(("." if parts else "") + item)
    return "".join(parts) or "(top level)"


def _problem(error: Any) -> PacketProblem:
    kind = error["type"]
    loc = tuple(p for p in error["loc"] if not (isinstance(p, str) and "[" in p))
    if kind == "missing":
        return PacketProblem(_location(loc), "is required")
    if kind == "extra_forbidden":
        # The unknown key is the applicant's text: name it only when it looks like a field name.
        shown = loc if _FIELD_NAME.fullmatch(str(loc[-1])) else (*loc[:-1], "(unknown key)")
        return PacketProblem(_location(shown), "is not a field of the packet contract")
    if kind == "string_pattern_mismatch":
        pattern = error.get("ctx", {}).get("pattern", "")
        text = {
            _DIGITS16: "must be exactly 16 digits",
            APPLICATION_ID_PATTERN: ("must look like APP-YYYY-NNNNNN"),
            _NO_CONTROLS: "must not contain control characters",
        }.get(pattern, f"must match {pattern}")
        return PacketProblem(_location(loc), text)
    message = str(error["msg"]).removeprefix("Value error, ")
    return PacketProblem(_location(loc), message[:1].lower() + message[1:])


def parse_packet(text: str | bytes) -> Packet:
    """Parse and validate ``application.json``; raise ``PacketInvalid`` with every problem.

    >>> parse_packet('{"category": "adult"}')  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    verification.errors.PacketInvalid: the packet is invalid (3 problem(s)):
      - application_id: is required
      - applicant: is required
      - documents: is required
    """
    if len(text) > MAX_PACKET_BYTES:
        problem = f"is over {MAX_PACKET_BYTES // 1024} KB"
        raise PacketInvalid([PacketProblem("application.json", problem)])
    try:
        raw = json.loads(text.decode("utf-8-sig") if isinstance(text, bytes) else text)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        where = (
            f"line {exc.lineno} column {exc.colno}" if isinstance(exc, json.JSONDecodeError) else ""
        )
        raise PacketInvalid(
            [PacketProblem("application.json", f"is not valid UTF-8 JSON {where}".strip())]
        ) from None
    except (RecursionError, ValueError):  # nesting too deep; a number of over 4300 digits
        problem = "is not valid UTF-8 JSON (nested too deep or a number too long)"
        raise PacketInvalid([PacketProblem("application.json", problem)]) from None
    if not isinstance(raw, dict):
        raise PacketInvalid([PacketProblem("application.json", "must be a JSON object")])
    try:
        return Packet.model_validate(raw)
    except ValidationError as exc:
        raise PacketInvalid([_problem(e) for e in exc.errors(include_input=False)]) from None
