"""Near-duplicate document search: the same document re-encoded, resized, cropped, rotated or
photographed again in another application (``fraud.document_reused``).

Three steps of rising cost, so that the check does not slow down as the database fills:

1. **Index** (``fingerprint_keys``): documents of the same layout in other applications that
   share at least ``MIN_RARE_KEYS`` *rare* band keys with this one. Strangers share common keys
   (the same digits, place names, a registrar's signature); a copy shares keys few others hold.
   A key is rare when at most ``RARE_HOLDERS`` other documents hold it (more than one, so a
   document already reused once, or shared by a family, still stands out). At most
   ``INDEX_CANDIDATES``, most rare keys first.
2. **Sketch** (``document_fingerprints.sketch``, ``verification.fraud.sketch``): each
   candidate's keypoints are matched with this document's, without decoding its image (2-3 ms a
   pair); those with at least the layout's ``SKETCH_THRESHOLDS`` geometrically consistent
   matches go on. A candidate whose identifier (the KTP's NIK, the KK's number, the akta's
   number), as both documents' stored extractions read it, differs from this one's in more
   than ``IDENTIFIER_SLACK`` characters is another document: strangers' akta from one
   registry, or KTPs from one region, can look alike in every region the image comparison
   sees (measured: 200 clean synthetic applications gave 40 false confirmations without this
   rule). A copy carries the original's identifier; a copy whose identifier was edited is a
   tampered document, for the forensics to find. Best first, at most ``MAX_CONFIRMED``.
3. **Confirmation** (``similarity.confirm``): both stored images aligned and compared in the
   variable-content regions (0.2-0.5 s a pair); only a confirmed pair is reported.

Fingerprints (keys and sketch) are computed once per document, when the search first needs
them (``fingerprint_documents``; idempotent). Family documents (the KK, the parents' KTPs, the
marriage book) are legitimately shared by the applications of one family, so for them only an
application under another KK number counts (``family_copy``, used by the byte-identical check
too).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session, aliased

from storage.documents import latest_extraction
from storage.models import Application, Document, DocumentFingerprint, FingerprintKey
from storage.store import DocumentStore
from verification.checks.case import CheckContext
from verification.errors import DocumentUnreadable
from verification.findings import Evidence, Finding
from verification.fraud import similarity
from verification.fraud.sketch import SKETCH_THRESHOLDS, Sketch, consistent_matches, sketch_of
from verification.reading.loader import load_pages
from verification.reading.model import Image

__all__ = [
    "FAMILY_DOCUMENTS",
    "IDENTIFIERS",
    "IDENTIFIER_SLACK",
    "INDEX_CANDIDATES",
    "MAX_CONFIRMED",
    "MIN_RARE_KEYS",
    "RARE_HOLDERS",
    "family_copy",
    "fingerprint_documents",
    "near_duplicate_documents",
]

FAMILY_DOCUMENTS = frozenset({"kk", "ktp_ayah", "ktp_ibu", "buku_nikah"})

# Measured on 60 synthetic documents per kind (KTP clean and degraded, akta, KK photo) with 8
# reused variants each, one copy already indexed: a copy shares 42-2,000 rare keys with its
# original, but a rotated KK as few as 21; strangers 20-65 at p99. The index step therefore
# only orders candidates; the sketch step separates them.
RARE_HOLDERS = 3
MIN_RARE_KEYS = 12
INDEX_CANDIDATES = 50
MAX_CONFIRMED = 3
# The field that names a document, per layout, and how many characters two readings of it may
# differ by (OCR slips) and still be the same document.
IDENTIFIERS = {"ktp": "nik", "kk": "no_kk", "akta": "no_akta"}
IDENTIFIER_SLACK = 2


def _identifier(session: Session, doc: Document) -> str | None:
    field = IDENTIFIERS.get(similarity.layout_of(doc.doc_type))
    extraction = latest_extraction(session, document_id=doc.id) if field else None
    value = extraction.fields.get(field) if extraction is not None and field else None
    text = "".join(ch for ch in str(value).upper() if ch.isalnum()) if value else ""
    return text or None


def _other_document(mine: str | None, theirs: str | None) -> bool:
    """Both identifiers read, and too different for OCR slips: two documents."""
    if mine is None or theirs is None:
        return False
    if len(mine) != len(theirs):
        return True
    return sum(a != b for a, b in zip(mine, theirs, strict=True)) > IDENTIFIER_SLACK


def family_copy(mine: str, theirs: str, my_kk: object, their_kk: object) -> bool:
    """A family document shared by two applications that give the same KK number."""
    shared = mine in FAMILY_DOCUMENTS or theirs in FAMILY_DOCUMENTS
    return shared and my_kk is not None and my_kk == their_kk


def _page_image(store: DocumentStore, key: str) -> Image | None:
    """The first page of a stored document as an image, or None (unreadable, text-only PDF)."""
    try:
        return load_pages(store.get(key))[0].image
    except DocumentUnreadable:
        return None


def _prepared(store: DocumentStore, doc: Document) -> similarity.Prepared | None:
    image = _page_image(store, doc.object_key) if doc.object_key else None
    return similarity.prepare(image, doc.doc_type) if image is not None else None


def fingerprint_documents(
    session: Session, *, store: DocumentStore, document_ids: list[int]
) -> int:
    """Fingerprint the stored documents among ``document_ids`` that have none yet, in the
    caller's transaction; returns how many were fingerprinted now."""
    done = set(
        session.scalars(
            select(DocumentFingerprint.document_id).where(
                DocumentFingerprint.document_id.in_(document_ids)
            )
        )
    )
    todo = session.scalars(
        select(Document)
        .where(
            Document.id.in_(document_ids),
            Document.status == "stored",
            Document.object_key.is_not(None),
        )
        .order_by(Document.id)
    ).all()
    fresh = [doc for doc in todo if doc.id not in done]
    for doc in fresh:
        _fingerprint(session, doc, _prepared(store, doc))
    session.flush()
    return len(fresh)


def _fingerprint(session: Session, doc: Document, prepared: similarity.Prepared | None) -> None:
    found = similarity.fingerprint(prepared) if prepared is not None else None
    session.add(
        DocumentFingerprint(
            document_id=doc.id,
            version=similarity.FINGERPRINT_VERSION,
            layout=similarity.layout_of(doc.doc_type),
            status="ok" if found is not None else "unreadable",
            keypoints=found.keypoints if found is not None else 0,
            sketch=sketch_of(prepared).to_bytes() if prepared is not None else None,
        )
    )
    if found is not None:
        session.flush()  # the fingerprint row before the keys that refer to it
        session.add_all(FingerprintKey(document_id=doc.id, key=k) for k in sorted(found.keys))


def _indexed(session: Session, doc: Document, layout: str) -> list[tuple[int, int]]:
    """(document id, rare keys shared) of other applications' documents of the same layout
    sharing at least ``MIN_RARE_KEYS`` rare keys with ``doc``; most first."""
    mine, theirs = aliased(FingerprintKey), aliased(FingerprintKey)
    holders = (
        select(
            theirs.document_id.label("document_id"),
            func.count().over(partition_by=theirs.key).label("holders"),
        )
        .join(Document, Document.id == theirs.document_id)
        .join(DocumentFingerprint, DocumentFingerprint.document_id == theirs.document_id)
        .where(
            theirs.key.in_(select(mine.key).where(mine.document_id == doc.id)),
            Document.application_id != doc.application_id,
            DocumentFingerprint.layout == layout,
        )
        .subquery()
    )
    rare = func.sum(case((holders.c.holders <= RARE_HOLDERS, 1), else_=0)).label("rare")
    rows = session.execute(
        select(holders.c.document_id, rare)
        .group_by(holders.c.document_id)
        .having(rare >= MIN_RARE_KEYS)
        .order_by(rare.desc(), holders.c.document_id)
        .limit(INDEX_CANDIDATES)
    ).all()
    return [(int(document_id), int(count)) for document_id, count in rows]


@dataclass(frozen=True)
class _Candidate:
    document: Document
    number: str
    form: dict[str, object]
    rare_keys: int
    sketch_matches: int


def _sketch(session: Session, store: DocumentStore, doc: Document) -> Sketch | None:
    """The document's stored sketch; one computed now (and kept) for rows from before sketches
    were stored."""
    row = session.get(DocumentFingerprint, doc.id)
    if row is None or row.status != "ok":
        return None
    if row.sketch is None:
        prepared = _prepared(store, doc)
        if prepared is None:
            return None
        row.sketch = sketch_of(prepared).to_bytes()
    return Sketch.from_bytes(row.sketch)


def _shortlist(
    session: Session, store: DocumentStore, app: Application, doc: Document, mine: Sketch
) -> list[_Candidate]:
    layout = similarity.layout_of(doc.doc_type)
    indexed = dict(_indexed(session, doc, layout))
    named = _identifier(session, doc)
    rows = session.execute(
        select(Document, Application.number, Application.form)
        .join(Application, Document.application_id == Application.id)
        .where(Document.id.in_(list(indexed)))
    ).all()
    passed: list[_Candidate] = []
    for other, number, form in rows:
        if other.sha256 == doc.sha256 or other.object_key is None:
            continue  # byte-identical: reused_documents reports it
        if family_copy(doc.doc_type, other.doc_type, app.form.get("no_kk"), form.get("no_kk")):
            continue
        if _other_document(named, _identifier(session, other)):
            continue
        theirs = _sketch(session, store, other)
        matches = consistent_matches(mine, theirs) if theirs is not None else 0
        if matches >= SKETCH_THRESHOLDS[layout]:
            passed.append(_Candidate(other, number, form, indexed[other.id], matches))
    passed.sort(key=lambda c: (-c.sketch_matches, c.document.id))
    return passed[:MAX_CONFIRMED]


def near_duplicate_documents(
    session: Session, *, application_id: int, store: DocumentStore, ctx: CheckContext
) -> list[Finding]:
    """``fraud.document_reused`` for each stored image that is nearly the same as an image in
    another application (byte-identical copies are ``reused_documents``' findings)."""
    app = session.get_one(Application, application_id)
    mine = session.scalars(
        select(Document)
        .where(Document.application_id == app.id, Document.status == "stored")
        .order_by(Document.id)
    ).all()
    fingerprint_documents(session, store=store, document_ids=[d.id for d in mine])
    findings: list[Finding] = []
    for doc in mine:
        sketch = _sketch(session, store, doc)
        shortlist = _shortlist(session, store, app, doc, sketch) if sketch is not None else []
        others = _confirmed(store, doc, shortlist) if shortlist else []
        if others:
            findings.append(_finding(ctx, doc, others))
    return findings


def _confirmed(
    store: DocumentStore, doc: Document, shortlist: list[_Candidate]
) -> list[dict[str, object]]:
    prepared = _prepared(store, doc)
    if prepared is None:
        return []
    confirmed: list[dict[str, object]] = []
    for candidate in shortlist:
        theirs = _prepared(store, candidate.document)
        if theirs is None:
            continue
        match = similarity.confirm(prepared, theirs)
        if match.same:
            confirmed.append({"number": candidate.number, "document_id": candidate.document.id,
                              "document_type": candidate.document.doc_type,
                              "rare_keys": candidate.rare_keys,
                              "sketch_matches": candidate.sketch_matches,
                              **match.details()})  # fmt: skip
    return confirmed


def _finding(ctx: CheckContext, doc: Document, others: list[dict[str, object]]) -> Finding:
    layout = similarity.layout_of(doc.doc_type)
    return ctx.finding(
        "fraud.document_reused",
        document=doc.doc_type,
        observed=", ".join(str(o["number"]) for o in others),
        message=f"the {doc.doc_type} image is nearly the same as a file of "
        + ", ".join(f"{o['number']} ({o['document_type']}, score {o['score']})" for o in others),
        evidence=Evidence(
            sha256=doc.sha256,
            document=doc.doc_type,
            details={
                "method": "near-duplicate image: ORB keypoint band keys in variable content "
                "(indexed, rare keys), keypoint sketches matched under one similarity "
                "transform, confirmed by RANSAC homography and aligned ink agreement",
                "parameters": {
                    "fingerprint_version": similarity.FINGERPRINT_VERSION,
                    "layout": layout,
                    "bands": similarity.BANDS,
                    "rare_holders": RARE_HOLDERS,
                    "min_rare_keys": MIN_RARE_KEYS,
                    "index_candidates": INDEX_CANDIDATES,
                    "sketch_threshold": SKETCH_THRESHOLDS[layout],
                    "identifier": IDENTIFIERS.get(layout),
                    "identifier_slack": IDENTIFIER_SLACK,
                    "max_confirmed": MAX_CONFIRMED,
                    "threshold": similarity.CONFIRM_THRESHOLDS[layout],
                    "family_documents": sorted(FAMILY_DOCUMENTS),
                },
                "document_id": doc.id,
                "other": others,
            },
        ),
    )
