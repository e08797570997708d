"""Verifying packets without a database: one packet, or many in parallel processes.

A packet whose ``application.json`` cannot be read still gets a report (route human_review,
with the problems), so a batch never loses an application silently.
"""

from __future__ import annotations

import json
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from rules.checking import check_context, evaluate
from rules.policy import default_policy
from storage.intake import load_packet
from verification.errors import PacketInvalid
from verification.media import UploadLimits
from verification.pipeline import forensic_findings, read_packet
from verification.quality import validate_application
from verification.reading.ocr import TesseractEngine
from verification.report import report

__all__ = ["BatchSummary", "verify_batch", "verify_packet"]


def _invalid_packet_report(packet_dir: Path, error: PacketInvalid) -> dict[str, Any]:
    policy = default_policy()
    return {
        "application_id": packet_dir.name,
        "route": "human_review",
        "rule_version": policy.version,
        "documents": [],
        "findings": [
            {
                "code": "document.unreadable",
                "severity": "high",
                "document": "application.json",
                "field": p.field,
                "expected": None,
                "observed": None,
                "detail": p.problem,
                "rule_version": policy.version,
                "evidence": {},
            }
            for p in error.problems
        ],
    }


def verify_packet(
    packet_dir: Path, *, limits: UploadLimits | None = None, ref_date: date | None = None
) -> dict[str, Any]:
    """Read, check and route one packet; the DESIGN.md section 3 report."""
    started = time.perf_counter()
    try:
        packet = load_packet(packet_dir)
    except PacketInvalid as exc:
        return _invalid_packet_report(packet_dir, exc)
    policy = default_policy()
    case = read_packet(
        packet,
        packet_dir,
        engine=TesseractEngine(),
        limits=limits or UploadLimits(),
        ref_date=ref_date,
    )
    quality = validate_application(
        {t: d.fields for t, d in case.documents.items() if d.status == "ok" and d.fields},
        rule_version=policy.version,
        today=case.ref_date,
    )
    forensics = forensic_findings(packet_dir, case, check_context(policy))
    findings, decision = evaluate(case, policy, extra=[*quality, *forensics])
    reasons = [{"rule": r.rule, "code": r.code, "route": r.route.value} for r in decision.reasons]
    return report(
        case,
        findings,
        route=decision.route.value,
        rule_version=policy.version,
        routing=reasons,
        seconds=time.perf_counter() - started,
    )


def _verify_to_file(packet_dir: Path, out_dir: Path) -> tuple[str, str, float]:
    started = time.perf_counter()
    body = verify_packet(packet_dir)
    path = out_dir / f"{body['application_id']}.json"
    path.write_text(json.dumps(body, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return body["application_id"], body["route"], time.perf_counter() - started


@dataclass(frozen=True)
class BatchSummary:
    reports: int
    routes: dict[str, int]
    seconds: float
    failures: list[str]


def verify_batch(
    packets_dir: Path, out_dir: Path, *, workers: int, progress: Any = None
) -> BatchSummary:
    """Verify every packet folder under ``packets_dir`` into ``out_dir`` in parallel."""
    folders = sorted(p for p in packets_dir.iterdir() if p.is_dir())
    out_dir.mkdir(parents=True, exist_ok=True)
    routes: dict[str, int] = {}
    failures: list[str] = []
    started = time.perf_counter()
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = {pool.submit(_verify_to_file, folder, out_dir): folder for folder in folders}
        for future in as_completed(futures):
            try:
                _, route, _ = future.result()
                routes[route] = routes.get(route, 0) + 1
            except Exception as exc:  # one broken packet must not stop the batch
                failures.append(f"{futures[future].name}: {type(exc).__name__}")
            if progress is not None:
                progress()
    return BatchSummary(
        len(folders) - len(failures), routes, time.perf_counter() - started, failures
    )
