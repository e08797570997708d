"""Whole-database consistency check: what an operator runs after an outage or a crash.

``check_integrity`` answers, for every application at once, the questions an incident leaves
open: is each application in a stage the process knows, with its stage history ending where
it stands; is the human task it waits on there, once; is every stored upload in the store with
the hash recorded for it; is the audit chain unbroken; has any passport number gone to two
books, or any application got two live books. Store objects that no row refers to (left by an
interrupted intake or capture) are listed apart: they are clutter, not loss, and
``paspor store orphans --delete`` removes them.

Nothing here changes data; ``paspor check`` prints the report and exits non-zero on a problem.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from rules.process import Process
from storage.audit import ChainReport, verify_chain
from storage.models import Application, Document, HumanTask, PrintedBook, StageEvent
from storage.reconcile import find_orphans
from storage.store import DocumentStore, StoredObject
from verification.errors import IntegrityError, NotFound

__all__ = ["WAITS_ON", "IntegrityReport", "Problem", "check_integrity"]

# The task kinds an application in a waiting stage must have exactly one of, open or claimed.
# Printing is absent: between capture and the printed book the print run carries it, and after
# it the handover task (checked against the books below).
WAITS_ON: dict[str, tuple[str, ...]] = {
    "review": ("review", "reupload"),
    "approval": ("approval",),
    "biometrics": ("biometrics",),
}
_WAITING_KINDS = frozenset(kind for kinds in WAITS_ON.values() for kind in kinds)
_LIVE = ("open", "claimed")
_LIVE_BOOKS = ("printed", "issued")


@dataclass(frozen=True)
class Problem:
    """One inconsistency; ``detail`` names ids, stages and keys only, never personal data."""

    kind: str
    application_id: int | None
    detail: str


@dataclass
class IntegrityReport:
    applications: int = 0
    documents_checked: int = 0
    chain: ChainReport = field(default_factory=ChainReport)
    problems: list[Problem] = field(default_factory=list)
    orphans: list[StoredObject] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems and self.chain.ok

    def add(self, kind: str, application_id: int | None, detail: str) -> None:
        self.problems.append(Problem(kind, application_id, detail))


def _stages(session: Session, process: Process, report: IntegrityReport) -> dict[int, str]:
    last_event = (
        select(StageEvent.application_id, func.max(StageEvent.id).label("last"))
        .group_by(StageEvent.application_id)
        .subquery()
    )
    rows = session.execute(
        select(Application.id, Application.stage, StageEvent.to_stage)
        .outerjoin(last_event, last_event.c.application_id == Application.id)
        .outerjoin(StageEvent, StageEvent.id == last_event.c.last)
    ).all()
    stages: dict[int, str] = {}
    for app_id, stage, history_ends in rows:
        stages[app_id] = stage
        if stage not in process.stages:
            report.add("stage.unknown", app_id, f"stage {stage!r} is not in the process")
        if history_ends is not None and history_ends != stage:
            report.add(
                "stage.history",
                app_id,
                f"stands in {stage!r} but its stage history ends in {history_ends!r}",
            )
    report.applications = len(stages)
    return stages


def _tasks(
    session: Session, process: Process, stages: dict[int, str], report: IntegrityReport
) -> None:
    live: dict[int, list[str]] = defaultdict(list)
    for app_id, kind in session.execute(
        select(HumanTask.application_id, HumanTask.kind).where(HumanTask.status.in_(_LIVE))
    ):
        live[app_id].append(kind)
    for app_id, stage in stages.items():
        kinds = Counter(live.get(app_id, ()))
        for kind, count in kinds.items():
            if count > 1:
                report.add("task.duplicate", app_id, f"{count} open tasks of kind {kind!r}")
        if stage in process.stages and process.is_terminal(stage) and kinds:
            report.add("task.after_end", app_id, f"ended ({stage}) with open tasks {sorted(kinds)}")
        expected = WAITS_ON.get(stage)
        if expected is not None:
            waiting = sum(kinds[k] for k in expected)
            if waiting == 0:
                report.add("task.missing", app_id, f"in {stage} without an open {expected} task")
        stray = (kinds.keys() & _WAITING_KINDS) - set(expected or ())
        if stray:
            report.add("task.stray", app_id, f"in {stage} with open {sorted(stray)} task(s)")


def _books(session: Session, stages: dict[int, str], report: IntegrityReport) -> None:
    numbers = Counter(session.scalars(select(PrintedBook.number)))
    for number, count in numbers.items():
        if count > 1:
            report.add("passport.number_reused", None, f"number {number} on {count} books")
    live: dict[int, list[str]] = defaultdict(list)
    for app_id, status in session.execute(
        select(PrintedBook.application_id, PrintedBook.status).where(
            PrintedBook.status.in_(_LIVE_BOOKS)
        )
    ):
        live[app_id].append(status)
    handovers = set(
        session.scalars(
            select(HumanTask.application_id).where(
                HumanTask.kind == "handover", HumanTask.status.in_(_LIVE)
            )
        )
    )
    for app_id, stage in stages.items():
        books = live.get(app_id, [])
        if len(books) > 1:
            report.add("passport.two_books", app_id, f"{len(books)} live books: {books}")
        if stage == "issued" and books != ["issued"]:
            report.add("passport.issued", app_id, f"issued, but its live books are {books}")
        if "issued" in books and stage != "issued":
            report.add("passport.issued", app_id, f"a book was handed over, stage is {stage}")
        if (books == ["printed"]) != (app_id in handovers) and stage == "printing":
            report.add(
                "passport.handover",
                app_id,
                "a printed book without its handover task, or a handover task without a book",
            )


def _documents(
    session: Session, store: DocumentStore, report: IntegrityReport, *, read: bool
) -> None:
    rows = session.execute(
        select(Document.id, Document.application_id, Document.object_key, Document.sha256).where(
            Document.status == "stored"
        )
    ).all()
    for doc_id, app_id, key, sha in rows:
        report.documents_checked += 1
        if not key or not sha or not key.endswith(sha):
            report.add("document.key", app_id, f"document {doc_id} has no key for its hash")
            continue
        try:
            if read:
                store.get(key)  # verified against the hash in its key
            elif not store.exists(key):
                raise NotFound(key)
        except NotFound:
            report.add("document.missing", app_id, f"document {doc_id}: {key} is not in the store")
        except IntegrityError:
            report.add("document.damaged", app_id, f"document {doc_id}: {key} fails its hash")


def check_integrity(
    session: Session, store: DocumentStore, process: Process, *, read_files: bool = True
) -> IntegrityReport:
    """Check every application, document, task, book and the audit chain (read-only).

    ``read_files`` reads every stored upload back and checks its hash; without it, only
    their presence is checked (quicker on a large store).
    """
    report = IntegrityReport()
    stages = _stages(session, process, report)
    _tasks(session, process, stages, report)
    _books(session, stages, report)
    _documents(session, store, report, read=read_files)
    report.chain = verify_chain(session)
    report.orphans = find_orphans(session, store)
    return report
