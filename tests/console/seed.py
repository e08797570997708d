"""Console test data: synthetic applications put into a stage the way the services would,
with stored extractions from the synthetic documents' ground truth instead of OCR (fast).
Every person is fictitious (``verification.synthetic``)."""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from PIL import Image

from flows.stages.handoff import open_stage_task
from flows.stages.verification import start_verification
from flows.wiring import Services
from rules.policy import default_policy
from storage.applications import change_stage
from storage.documents import add_extraction, list_documents
from storage.findings import add_findings
from storage.intake import submit_packet
from storage.store.base import document_key, sha256_hex
from verification.findings import Evidence, Finding, Severity
from verification.media import UploadLimits
from verification.synthetic.packet import PacketTruth, write_packet

__all__ = ["POLICY", "Seeded", "flagged", "in_approval"]

POLICY = default_policy()
WRONG_BIRTH_DATE = "1971-02-03"


@dataclass(frozen=True)
class Seeded:
    number: str
    application_id: int
    task_id: int
    packet: PacketTruth
    documents: dict[str, int]  # type -> document id
    finding_id: int


def _submit(services: Services, folder: Path, seed: int, *, birth_date: str | None) -> PacketTruth:
    packet = write_packet(folder / f"p{seed}", seed=seed, kk_form="pdf_text")
    if birth_date:
        form_file = packet.folder / "application.json"
        body = json.loads(form_file.read_text(encoding="utf-8"))
        body["applicant"]["tanggal_lahir"] = birth_date
        form_file.write_text(json.dumps(body), encoding="utf-8")
    submit_packet(
        packet.folder,
        sessions=services.sessions,
        store=services.store,
        process=services.process,
        limits=UploadLimits(),
        actor="test",
    )
    return packet


def _evidence_png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (120, 80), (200, 40, 40)).save(out, format="PNG")
    return out.getvalue()


def _verified(
    services: Services, packet: PacketTruth, findings: list[Finding], target: str
) -> tuple[int, int, dict[str, int], list[int]]:
    """Extractions from the truth, the findings, the stage change and the stage's task."""
    with services.sessions() as session:
        from storage.applications import get_application

        app_id = get_application(session, number=packet.application_id).id
    start_verification(services, app_id)
    with services.sessions.begin() as session:
        docs = {d.doc_type: d.id for d in list_documents(session, application_id=app_id)}
        for truth in packet.documents:
            fields = {k: v for k, v in truth.fields.items() if v is not None}
            add_extraction(
                session,
                document_id=docs[truth.type],
                status="ok",
                fields=fields,
                confidence={k: 0.93 for k in fields if k != "members"},
                engine="test-truth",
            )
        rows = add_findings(
            session, application_id=app_id, findings=findings, actor="test", document_ids=docs
        )
        change_stage(
            session,
            application_id=app_id,
            expected="verification",
            new=target,
            actor="test",
            process=services.process,
            reason="route human_review" if target == "review" else "route auto_approve",
        )
        task = open_stage_task(
            session,
            application_id=app_id,
            stage=target,
            kind=target,
            policy=POLICY,
            actor="test",
            today=date.today(),
        )
        return app_id, task.id, docs, [r.id for r in rows]


def flagged(services: Services, folder: Path, seed: int = 777) -> Seeded:
    """An application in review: the form's birth date disagrees with the documents; the
    finding links an evidence picture and another application (a reuse link)."""
    packet = _submit(services, folder, seed, birth_date=WRONG_BIRTH_DATE)
    picture = _evidence_png()
    key = document_key(packet.application_id, "ktp", sha256_hex(picture), area="evidence")
    services.store.put(key, picture, media_type="image/png")
    truth = packet.document("ktp").fields["tanggal_lahir"]
    findings = [
        Finding(
            "crosscheck.birth_date",
            Severity.HIGH,
            POLICY.version,
            field="tanggal_lahir",
            expected=WRONG_BIRTH_DATE,
            observed=truth,
            message="birth dates differ between the form and the KTP",
            document="ktp",
            evidence=Evidence(document="ktp", details={"picture": key, "box": [10, 10, 50, 20]}),
        ),
        Finding(
            "fraud.document_reused",
            Severity.CRITICAL,
            POLICY.version,
            message="the kk file is byte-identical to a file of APP-2026-000001",
            document="kk",
            evidence=Evidence(
                document="kk",
                details={"method": "byte-identical", "other": [{"number": "APP-2026-000001"}]},
            ),
        ),
    ]
    app_id, task_id, docs, ids = _verified(services, packet, findings, "review")
    return Seeded(packet.application_id, app_id, task_id, packet, docs, ids[0])


def in_approval(services: Services, folder: Path, seed: int = 778) -> Seeded:
    """A clean application waiting for an adjudicator."""
    packet = _submit(services, folder, seed, birth_date=None)
    app_id, task_id, docs, _ = _verified(services, packet, [], "approval")
    return Seeded(packet.application_id, app_id, task_id, packet, docs, 0)
