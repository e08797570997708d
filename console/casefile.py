"""The case page's content: the application's form beside what each document says.

For every form field: the form value, the value read from each document (the KK by the
applicant's member row), the reader's confidence and the match level (names through the
name matcher, which reports EXACT, EQUIVALENT, MINOR_VARIANT or MISMATCH; other values
compared after trimming and upper-casing). The findings with their evidence links, the
decisions, the tasks and the stage history complete the file. A handful of queries per case,
whatever the size of the database.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.applications import get_application, stage_history
from storage.documents import list_documents
from storage.findings import list_findings
from storage.models import Application, Document, Extraction, Finding, HumanTask, StageEvent
from storage.tasks import list_decisions
from verification.identity.names import MatchLevel, match_names

__all__ = ["CaseFile", "DocumentView", "FieldRow", "FindingView", "Reading", "load_case"]

NAME_FIELDS = ("nama", "nama_ayah", "nama_ibu", "tempat_lahir")
# A KK member row's names for the form's fields.
KK_MEMBER = {"pekerjaan": "jenis_pekerjaan"}
LEVEL_RANK = {level.value: level.rank for level in MatchLevel}


@dataclass(frozen=True)
class Reading:
    doc_type: str
    value: str | None
    confidence: float | None
    level: str  # a MatchLevel value, or "" when the document has no such field


@dataclass(frozen=True)
class FieldRow:
    name: str
    form_value: str
    readings: tuple[Reading, ...]
    flagged: bool  # a finding names this field

    @property
    def level(self) -> str:
        levels = [r.level for r in self.readings if r.level]
        return max(levels, key=LEVEL_RANK.__getitem__, default="")


@dataclass(frozen=True)
class DocumentView:
    document: Document
    extraction: Extraction | None
    finding_codes: tuple[str, ...]


@dataclass(frozen=True)
class FindingView:
    finding: Finding
    picture: bool
    links: tuple[str, ...]  # other application numbers the evidence names


@dataclass
class CaseFile:
    application: Application
    documents: list[DocumentView]
    fields: list[FieldRow]
    findings: list[FindingView]  # of the latest verification round
    earlier: list[FindingView]  # of earlier rounds (before a correction or re-upload)
    decisions: Sequence[Any]
    history: Sequence[StageEvent]
    tasks: Sequence[HumanTask]
    doc_types: list[str] = field(default_factory=list)

    @property
    def open_task(self) -> HumanTask | None:
        return next((t for t in self.tasks if t.status in ("open", "claimed")), None)


def _text(value: Any) -> str:
    return "" if value is None else " ".join(str(value).split()).upper()


def _level(name: str, form: str, read: str | None) -> str:
    if read is None or read == "":
        return ""
    if not form:
        return MatchLevel.MISMATCH.value
    if name in NAME_FIELDS:
        return match_names(form, read).level.value
    return (MatchLevel.EXACT if _text(form) == _text(read) else MatchLevel.MISMATCH).value


def _member(fields: dict[str, Any], form: dict[str, Any]) -> tuple[int, dict[str, Any]] | None:
    members = fields.get("members") or []
    for index, member in enumerate(members):
        if isinstance(member, dict) and member.get("nik") == form.get("nik"):
            return index, member
    for index, member in enumerate(members):
        if isinstance(member, dict) and _text(member.get("nama")) == _text(form.get("nama")):
            return index, member
    return None


def _read(name: str, doc_type: str, ex: Extraction, form: dict[str, Any]) -> Reading | None:
    fields, confidence = ex.fields or {}, ex.confidence or {}
    if doc_type == "kk" and name not in ("no_kk", "alamat"):
        found = _member(fields, form)
        if found is None:
            return None
        index, member = found
        key = KK_MEMBER.get(name, name)
        if key not in member:
            return None
        conf = confidence.get(f"members.{index}.{key}")
        value = member.get(key)
    elif name in fields:
        value, conf = fields.get(name), confidence.get(name)
    else:
        return None
    shown = None if value is None else str(value)
    return Reading(doc_type, shown, float(conf) if conf is not None else None, "")


def _field_rows(
    form: dict[str, Any], docs: list[DocumentView], flagged: set[str]
) -> list[FieldRow]:
    rows = []
    for name, value in form.items():
        if isinstance(value, dict | list):
            continue
        form_value = "" if value is None else str(value)
        readings = []
        for view in docs:
            ex = view.extraction
            if ex is None or ex.status != "ok" or view.document.doc_type.startswith("ktp_"):
                continue
            got = _read(name, view.document.doc_type, ex, form)
            if got is not None:
                level = _level(name, form_value, got.value)
                readings.append(Reading(got.doc_type, got.value, got.confidence, level))
        rows.append(FieldRow(name, form_value, tuple(readings), name in flagged))
    return rows


def _links(finding: Finding) -> tuple[str, ...]:
    details = (finding.evidence or {}).get("details") or {}
    others = [*details.get("other", []), *details.get("other_applications", [])]
    numbers = [str(o["number"]) for o in others if isinstance(o, dict) and o.get("number")]
    return tuple(dict.fromkeys(numbers))


def _doc_order(doc_type: str) -> tuple[int, str]:
    known = ("ktp", "kk", "akta_kelahiran")
    return (known.index(doc_type) if doc_type in known else len(known), doc_type)


def _view(finding: Finding) -> FindingView:
    details = (finding.evidence or {}).get("details") or {}
    return FindingView(finding, bool(details.get("picture")), _links(finding))


def latest_extractions(session: Session, document_ids: Sequence[int]) -> dict[int, Extraction]:
    """The newest extraction of each document, in one query."""
    found: dict[int, Extraction] = {}
    if not document_ids:
        return found
    rows = session.scalars(
        select(Extraction)
        .where(Extraction.document_id.in_(document_ids))
        .order_by(Extraction.document_id, Extraction.id)
    )
    for extraction in rows:
        found[extraction.document_id] = extraction  # ordered by id: the last one wins
    return found


def load_case(session: Session, *, number: str) -> CaseFile:
    app = get_application(session, number=number)
    docs = [d for d in list_documents(session, application_id=app.id) if d.status != "superseded"]
    docs.sort(key=lambda d: _doc_order(d.doc_type))
    extractions = latest_extractions(session, [d.id for d in docs])
    history = stage_history(session, application_id=app.id)
    round_start = max((e.created_at for e in history if e.to_stage == "verification"), default=None)
    everything = list(list_findings(session, application_id=app.id))
    findings = [f for f in everything if round_start is None or f.created_at >= round_start]
    views = [
        DocumentView(
            d,
            extractions.get(d.id),
            tuple(f.code for f in findings if f.document_id == d.id),
        )
        for d in docs
    ]
    flagged = {f.field for f in findings if f.field}
    tasks = session.scalars(
        select(HumanTask).where(HumanTask.application_id == app.id).order_by(HumanTask.id.desc())
    ).all()
    return CaseFile(
        application=app,
        documents=views,
        fields=_field_rows(app.form, views, flagged),
        findings=[_view(f) for f in findings],
        earlier=[_view(f) for f in everything if f not in findings],
        decisions=list_decisions(session, application_id=app.id),
        history=history,
        tasks=tasks,
        doc_types=sorted({d.doc_type for d in docs}, key=_doc_order),
    )
