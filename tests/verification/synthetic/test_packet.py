"""Packets: application.json in the section-2 shape, equal to the documents; batches; CLI."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from verification.packet import parse_packet
from verification.synthetic.__main__ import main
from verification.synthetic.packet import PacketTruth, write_packet
from verification.synthetic.people import REFERENCE_DATE, age_on

APPLICANT_KEYS = {
    "nik", "nama", "tempat_lahir", "tanggal_lahir", "jenis_kelamin", "alamat", "no_kk",
    "nama_ayah", "nama_ibu", "pekerjaan", "status_perkawinan",
}  # fmt: skip


def _application(truth: PacketTruth) -> dict[str, Any]:
    raw = json.loads((truth.folder / "application.json").read_text(encoding="utf-8"))
    assert isinstance(raw, dict)
    return raw


def test_application_json_validates_against_the_packet_contract(adult_packet: PacketTruth) -> None:
    text = (adult_packet.folder / "application.json").read_text(encoding="utf-8")
    packet = parse_packet(text)
    assert packet.application_id == "APP-2026-000007"
    assert packet.category == "adult"
    raw = _application(adult_packet)
    assert set(raw) == {"application_id", "category", "applicant", "documents"}
    assert set(raw["applicant"]) == APPLICANT_KEYS
    assert raw == adult_packet.application
    assert [(d.type, d.file) for d in packet.documents] == [
        ("ktp", "ktp.jpg"), ("kk", "kk.pdf"), ("akta_kelahiran", "akta.png"),
    ]  # fmt: skip
    for doc in packet.documents:
        assert (adult_packet.folder / doc.file).stat().st_size > 1000


def test_form_values_equal_the_documents(adult_packet: PacketTruth) -> None:
    form = adult_packet.application["applicant"]
    ktp = adult_packet.document("ktp").fields
    for key in ("nik", "nama", "tempat_lahir", "tanggal_lahir", "jenis_kelamin", "alamat",
                "pekerjaan", "status_perkawinan"):  # fmt: skip
        assert form[key] == ktp[key], key
    kk = adult_packet.document("kk").fields
    assert form["no_kk"] == kk["no_kk"]
    member = next(m for m in kk["members"] if m["nik"] == form["nik"])
    assert (member["nama"], member["nama_ayah"], member["nama_ibu"]) == (
        form["nama"], form["nama_ayah"], form["nama_ibu"],
    )  # fmt: skip
    akta = adult_packet.document("akta_kelahiran").fields
    for key in ("nama", "tanggal_lahir", "jenis_kelamin", "nama_ayah", "nama_ibu"):
        assert form[key] == akta[key], key


def test_a_minor_packet_carries_the_parents_ktp(minor_packet: PacketTruth) -> None:
    packet = parse_packet((minor_packet.folder / "application.json").read_bytes())
    types = [d.type for d in packet.documents]
    assert "ktp" not in types and "ktp_ibu" in types and "akta_kelahiran" in types
    assert age_on(packet.applicant.tanggal_lahir, REFERENCE_DATE) < 17
    mother = minor_packet.document("ktp_ibu").fields
    assert mother["nama"] == packet.applicant.nama_ibu
    if packet.applicant.nama_ayah is not None and "ktp_ayah" in types:
        assert minor_packet.document("ktp_ayah").fields["nama"] == packet.applicant.nama_ayah


def test_the_same_seed_writes_byte_identical_packets(
    tmp_path: Path, batch: tuple[Path, list[PacketTruth]]
) -> None:
    _, truths = batch
    original = next(t for t in truths if t.document("kk").form == "pdf_scan")
    again = write_packet(
        tmp_path / "again",
        seed=original.seed,
        category=str(original.application["category"]),
        kk_form="pdf_scan",
        degraded=any(d.steps for d in original.documents if d.type != "kk"),
        application_id=original.application_id,
    )
    names = sorted(p.name for p in original.folder.iterdir())
    assert names == sorted(p.name for p in again.folder.iterdir())
    for name in names:
        assert (original.folder / name).read_bytes() == (again.folder / name).read_bytes(), name
    assert again.documents == original.documents


def test_batch_writes_one_folder_per_application(batch: tuple[Path, list[PacketTruth]]) -> None:
    out, truths = batch
    ids = [t.application_id for t in truths]
    assert ids == ["APP-2026-000001", "APP-2026-000002", "APP-2026-000003"]
    assert sorted(p.name for p in out.iterdir() if p.is_dir()) == ids
    assert {t.document("kk").form for t in truths} == {"pdf_text", "pdf_scan", "photo"}
    for truth in truths:
        assert parse_packet((truth.folder / "application.json").read_text()).application_id == (
            truth.application_id
        )
    summary = json.loads((out / "ground_truth.json").read_text(encoding="utf-8"))
    assert [p["application_id"] for p in summary["packets"]] == ids
    kk = summary["packets"][0]["documents"]
    assert {d["type"] for d in kk} >= {"kk", "akta_kelahiran"}
    date.fromisoformat(next(d for d in kk if d["type"] == "kk")["fields"]["tanggal_terbit"])


def test_cli_writes_a_batch(tmp_path: Path, capsys: object) -> None:
    assert main([str(tmp_path / "demo"), "--count", "1", "--seed", "3"]) == 0
    assert (tmp_path / "demo" / "APP-2026-000001" / "application.json").is_file()
    assert (tmp_path / "demo" / "ground_truth.json").is_file()
