"""Identity checks (domain-spec 11, C01-C04): the NIK and the KK number and membership."""

from __future__ import annotations

from datetime import date

from verification.checks.case import Case, CheckContext, DocumentRead
from verification.findings import Evidence, Finding, Severity
from verification.identity.kk_number import validate_kk_number
from verification.identity.nik import NikProblemCode, Sex, parse_nik, validate_nik
from verification.identity.places import canonical_place
from verification.identity.problems import ProblemKind

__all__ = ["check_kk", "check_nik"]

_MARRIED_PREFIXES = ("KAWIN", "CERAI")


def _iso(value: object) -> date | None:
    try:
        return date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def check_nik(case: Case, ctx: CheckContext) -> list[Finding]:
    """C01/C02: the form's NIK is well formed, equals the KTP's, and encodes the birth date and
    sex the form and KTP state (a mismatch is for review: a NIK is never re-issued)."""
    form = case.form
    findings: list[Finding] = []
    problems = validate_nik(
        form.nik,
        claimed_birth_date=form.tanggal_lahir,
        claimed_sex=Sex(form.jenis_kelamin),
        ref_date=case.ref_date,
        ktp_holder=case.category != "minor",
        married=form.status_perkawinan.startswith(_MARRIED_PREFIXES),
    )
    invalid = [p for p in problems if p.kind is ProblemKind.INVALID]
    if invalid:
        findings.append(
            ctx.finding(
                "identity.nik_invalid",
                field="nik",
                observed=", ".join(p.code.value for p in invalid),
                message="; ".join(p.message for p in invalid),
            )
        )
    for problem in problems:
        if problem.code is NikProblemCode.UNKNOWN_REGION:
            findings.append(
                ctx.finding(
                    "identity.nik_invalid",
                    severity=Severity.LOW,
                    field="nik",
                    observed=problem.code.value,
                    message=problem.message,
                )
            )
        elif problem.code is NikProblemCode.AGE_IMPLAUSIBLE:
            findings.append(
                ctx.finding(
                    "identity.nik_invalid",
                    severity=Severity.MEDIUM,
                    field="nik",
                    observed=problem.code.value,
                    message=problem.message,
                )
            )
    if invalid:
        return findings
    info = parse_nik(form.nik, ref_date=case.ref_date, claimed_birth_date=form.tanggal_lahir)
    ktp = case.read("ktp")
    claims: list[tuple[str, date | None, object, DocumentRead | None]] = [
        ("form", form.tanggal_lahir, form.jenis_kelamin, None)
    ]
    if ktp is not None:
        claims.append(
            ("ktp", _iso(ktp.fields.get("tanggal_lahir")), ktp.fields.get("jenis_kelamin"), ktp)
        )
        if ktp.fields.get("nik") and ktp.fields["nik"] != form.nik:
            findings.append(
                ctx.finding(
                    "crosscheck.nik",
                    field="nik",
                    document="ktp",
                    expected=form.nik,
                    observed=str(ktp.fields["nik"]),
                    message="the KTP's NIK differs from the form's",
                    evidence=ktp.evidence("nik"),
                )
            )
    for source, born, sex, doc in claims:
        evidence = doc.evidence("tanggal_lahir") if doc else Evidence(details={"source": source})
        if born and info.birth_date and born != info.birth_date:
            findings.append(
                ctx.finding(
                    "identity.nik_birth_date",
                    field="tanggal_lahir",
                    document=doc and doc.type,
                    expected=born.isoformat(),
                    observed=info.birth_date.isoformat(),
                    message=f"digits 7-12 of the NIK encode another birth date than the {source}",
                    evidence=evidence,
                )
            )
        if sex and info.sex and str(sex) != info.sex.value:
            findings.append(
                ctx.finding(
                    "identity.nik_sex",
                    field="jenis_kelamin",
                    document=doc and doc.type,
                    expected=str(sex),
                    observed=info.sex.value,
                    message=f"the NIK's day (+40 for women) encodes another sex than the {source}",
                )
            )
    findings += _region(case, ctx, info.region.regency)
    return _unique(findings)


def _region(case: Case, ctx: CheckContext, regency: str | None) -> list[Finding]:
    """C13: NIK region versus the current address; people move, so at most a warning."""
    ktp = case.read("ktp")
    address = str(ktp.fields.get("kabupaten_kota") or "") if ktp else ""
    if not regency or not address or canonical_place(regency) == canonical_place(address):
        return []
    return [
        ctx.finding(
            "identity.nik_region",
            field="kabupaten_kota",
            document="ktp",
            expected=regency.upper(),
            observed=address,
            message="the NIK was first registered elsewhere (normal after a move)",
        )
    ]


def check_kk(case: Case, ctx: CheckContext) -> list[Finding]:
    """C03/C04: the applicant is on the KK exactly once; the KK number is well formed and
    equals the form's."""
    kk = case.read("kk")
    if kk is None:
        return []
    findings: list[Finding] = []
    members = case.kk_members()
    rows = [m for m in members if m.get("nik") == case.form.nik]
    if len(rows) != 1:
        findings.append(
            ctx.finding(
                "identity.kk_membership",
                field="nik",
                document="kk",
                expected="1 row",
                observed=f"{len(rows)} rows of {len(members)}",
                message="the applicant's NIK is not on the KK exactly once",
                evidence=kk.evidence("members"),
            )
        )
    number = str(kk.fields.get("no_kk") or "")
    if number:
        problems = [
            p
            for p in validate_kk_number(
                number, issue_date=_iso(kk.fields.get("tanggal_terbit")), ref_date=case.ref_date
            )
            if p.kind is ProblemKind.INVALID
        ]
        if problems:
            findings.append(
                ctx.finding(
                    "identity.kk_number_invalid",
                    field="no_kk",
                    document="kk",
                    observed=", ".join(p.code.value for p in problems),
                    message="; ".join(p.message for p in problems),
                    evidence=kk.evidence("no_kk"),
                )
            )
        if number != case.form.no_kk:
            findings.append(
                ctx.finding(
                    "crosscheck.kk_number",
                    field="no_kk",
                    document="kk",
                    expected=case.form.no_kk,
                    observed=number,
                    message="the KK's number differs from the form's",
                    evidence=kk.evidence("no_kk"),
                )
            )
    return findings


def _unique(findings: list[Finding]) -> list[Finding]:
    seen: set[tuple[str, str | None, str | None, str | None]] = set()
    out = []
    for f in findings:
        key = (f.code, f.field, f.expected, f.observed)
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out
