"""Cross-checks of the person across form and documents (domain-spec 11, C05-C10).

Names go through the Indonesian matcher (domain-spec 8.3) and the finding says at which level
they matched and which rules made them equal; birth dates and sex must be exact (static
elements); birth places only warn; parents are compared between akta, KK and form, skipping
the father of a mother-only akta.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date
from typing import Any

from verification.checks.case import Case, CheckContext, DocumentRead
from verification.findings import Evidence, Finding, Severity
from verification.identity.names import MatchLevel, NameMatch, match_names
from verification.identity.places import same_place

__all__ = ["check_birth", "check_marital_status", "check_names", "check_parents", "sources"]

NAME_LEVEL_DETAIL = "name_level"  # keys routing reads (rules/names.py)
CORROBORATED_DETAIL = "corroborated"


def sources(case: Case) -> Iterator[tuple[str, Mapping[str, Any], DocumentRead | None]]:
    """Where the applicant's own data is printed: the KTP, their KK row, their akta."""
    if case.category != "minor":
        ktp = case.read("ktp")
        if ktp is not None:
            yield "ktp", ktp.fields, ktp
    row = case.kk_row()
    if row is not None:
        yield "kk", row, case.read("kk")
    akta = case.read("akta_kelahiran")
    if akta is not None:
        yield "akta_kelahiran", akta.fields, akta


def _evidence(doc: DocumentRead | None, field: str, **details: Any) -> Evidence:
    return doc.evidence(field, **details) if doc else Evidence(document="kk", details=details)


def _birth_findings(case: Case, ctx: CheckContext) -> list[Finding]:
    form, findings = case.form, []
    for name, fields, doc in sources(case):
        born = fields.get("tanggal_lahir")
        if born and str(born) != form.tanggal_lahir.isoformat():
            findings.append(
                ctx.finding(
                    "crosscheck.birth_date",
                    field="tanggal_lahir",
                    document=name,
                    expected=form.tanggal_lahir.isoformat(),
                    observed=str(born),
                    message=f"the {name} states another birth date",
                    evidence=_evidence(doc, "tanggal_lahir"),
                )
            )
        place = fields.get("tempat_lahir")
        if place and not same_place(form.tempat_lahir, str(place)):
            findings.append(
                ctx.finding(
                    "crosscheck.birth_place",
                    field="tempat_lahir",
                    document=name,
                    expected=form.tempat_lahir,
                    observed=str(place),
                    message=f"the {name} names another birth place (spelling or town vs regency)",
                    evidence=_evidence(doc, "tempat_lahir"),
                )
            )
        sex = fields.get("jenis_kelamin")
        if sex and str(sex) != form.jenis_kelamin:
            findings.append(
                ctx.finding(
                    "crosscheck.sex",
                    field="jenis_kelamin",
                    document=name,
                    expected=form.jenis_kelamin,
                    observed=str(sex),
                    message=f"the {name} states another sex",
                    evidence=_evidence(doc, "jenis_kelamin"),
                )
            )
    return findings


def check_birth(case: Case, ctx: CheckContext) -> list[Finding]:
    """C06/C07: birth date (exact), birth place (warning), sex (exact) across documents."""
    return _birth_findings(case, ctx)


def _match(ctx: CheckContext, expected: str, observed: str, conf: float | None) -> NameMatch:
    confidences = tuple(conf for _ in observed) if conf is not None else None
    return match_names(expected, observed, tolerances=ctx.tolerances, confidences=confidences)


def _parent_pairs(case: Case) -> Iterator[tuple[str, str, str, str, DocumentRead | None]]:
    """(field, source name, expected, observed, document) for every parent name to compare."""
    form, akta, row = case.form, case.read("akta_kelahiran"), case.kk_row()
    mother_only = akta is not None and not akta.fields.get("nama_ayah")
    for field in ("nama_ayah", "nama_ibu"):
        if field == "nama_ayah" and (mother_only or form.nama_ayah is None):
            continue  # model 3/4 akta: no father, legitimately (domain-spec 6.3)
        expected = getattr(form, field)
        if akta is not None and akta.fields.get(field):
            yield field, "akta_kelahiran", expected, str(akta.fields[field]), akta
        if row is not None and row.get(field):
            yield field, "kk", expected, str(row[field]), case.read("kk")


def parents_agree(case: Case, ctx: CheckContext) -> bool:
    return all(
        _match(ctx, e, o, None).level in (MatchLevel.EXACT, MatchLevel.EQUIVALENT)
        for _, _, e, o, _ in _parent_pairs(case)
    )


def check_parents(case: Case, ctx: CheckContext) -> list[Finding]:
    """C08: parents' names on akta and KK agree with the form (minor variants warn only)."""
    findings = []
    for field, name, expected, observed, doc in _parent_pairs(case):
        conf = doc.confidence.get(field) if doc is not None and name != "kk" else None
        match = _match(ctx, expected, observed, conf)
        if match.level in (MatchLevel.EXACT, MatchLevel.EQUIVALENT):
            continue
        severity = Severity.LOW if match.level is MatchLevel.MINOR_VARIANT else None
        findings.append(
            ctx.finding(
                "crosscheck.parents",
                severity=severity,
                field=field,
                document=name,
                expected=expected,
                observed=observed,
                message=match.explain(),
                evidence=_evidence(
                    doc, field, **{NAME_LEVEL_DETAIL: match.level.value, "rules": list(match.rules)}
                ),
            )
        )
    return findings


def _corroborated(case: Case, ctx: CheckContext) -> bool:
    """Birth date, birth place and parents all agree exactly: a minor name variant is then
    taken for a spelling or OCR difference, not another person (domain-spec 8.3 step 6)."""
    birth = _birth_findings(case, ctx)
    fields = set(ctx.corroborating_fields)
    if any(f.field in fields for f in birth if f.code != "crosscheck.sex"):
        return False
    return not ({"nama_ayah", "nama_ibu"} & fields) or parents_agree(case, ctx)


def check_names(case: Case, ctx: CheckContext) -> list[Finding]:
    """C05: the applicant's name on KTP, KK and akta against the form, with the level and the
    rules that made them equal recorded for routing and for auditors."""
    findings = []
    corroborated: bool | None = None
    for name, fields, doc in sources(case):
        observed = fields.get("nama")
        if not observed:
            continue
        conf = doc.confidence.get("nama") if doc is not None and name != "kk" else None
        match = _match(ctx, case.form.nama, str(observed), conf)
        if match.level is MatchLevel.EXACT:
            continue
        if corroborated is None:
            corroborated = _corroborated(case, ctx)
        severity = {MatchLevel.EQUIVALENT: Severity.INFO, MatchLevel.MISMATCH: Severity.HIGH}
        findings.append(
            ctx.finding(
                "crosscheck.name",
                severity=severity.get(match.level),
                field="nama",
                document=name,
                expected=case.form.nama,
                observed=str(observed),
                message=match.explain(),
                evidence=_evidence(
                    doc,
                    "nama",
                    **{
                        NAME_LEVEL_DETAIL: match.level.value,
                        CORROBORATED_DETAIL: corroborated,
                        "rules": list(match.rules),
                        "score": round(match.score, 3),
                    },
                ),
            )
        )
    return findings


def _marital_class(value: str) -> str:
    for prefix in ("BELUM KAWIN", "KAWIN", "CERAI HIDUP", "CERAI MATI"):
        if value.startswith(prefix):
            return prefix
    return value


def check_marital_status(case: Case, ctx: CheckContext) -> list[Finding]:
    """C09: marital status agrees between form, KTP and KK (a dynamic element: warning)."""
    findings = []
    expected = _marital_class(case.form.status_perkawinan)
    for name, fields, doc in sources(case):
        value = fields.get("status_perkawinan")
        if name == "akta_kelahiran" or not value or _marital_class(str(value)) == expected:
            continue
        findings.append(
            ctx.finding(
                "crosscheck.marital_status",
                field="status_perkawinan",
                document=name,
                expected=case.form.status_perkawinan,
                observed=str(value),
                message=f"the {name} states another marital status",
                evidence=_evidence(doc, "status_perkawinan"),
            )
        )
    return findings


def age_on(born: date, day: date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))
