"""The console in a real browser (Debian's chromium driven by Playwright, headless) over a
real uvicorn server and PostgreSQL, with an application verified by the real pipeline (OCR).

An officer signs in, claims a flagged case, sees the form and the documents side by side
(with the word boxes drawn over the page), corrects a field; the application is verified
again (the test stands in for the resumed flow run); the officer accepts what is left and the
application moves on to approval; an auditor finds both decisions in the trail. Screenshots
of the main pages go to PASPOR_SCREENSHOTS (default: the test's folder).
"""

from __future__ import annotations

import json
import os
import socket
import threading
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import Page, expect, sync_playwright

from console.app import create_app
from flows.stages.verification import start_verification, verify_application
from flows.wiring import Services
from storage.applications import get_application_by_id
from storage.intake import submit_packet
from tests.console.conftest import PASSWORD
from tests.console.seed import POLICY, WRONG_BIRTH_DATE
from verification.media import UploadLimits
from verification.reading.ocr import TesseractEngine
from verification.synthetic.packet import PacketTruth, write_packet

CHROMIUM = "/usr/bin/chromium"
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed"),
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def site(services: Services) -> Iterator[str]:
    port = _free_port()
    config = uvicorn.Config(create_app(services), host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        assert thread.is_alive(), "the console did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)


@pytest.fixture
def page(tmp_path: Path) -> Iterator[Page]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="id-ID")
        yield context.new_page()
        context.close()
        browser.close()


def _flagged_by_the_pipeline(services: Services, folder: Path) -> tuple[PacketTruth, int]:
    """A packet whose form has a wrong birth date and another mother's name than the
    documents, verified with real OCR: routed to review."""
    packet = write_packet(folder / "packet", seed=777, kk_form="pdf_text")
    form_file = packet.folder / "application.json"
    body = json.loads(form_file.read_text(encoding="utf-8"))
    body["applicant"]["tanggal_lahir"] = WRONG_BIRTH_DATE
    body["applicant"]["nama_ibu"] = "ROSMAWATI"
    form_file.write_text(json.dumps(body), encoding="utf-8")
    result = submit_packet(
        packet.folder,
        sessions=services.sessions,
        store=services.store,
        process=services.process,
        limits=UploadLimits(),
        actor="test",
    )
    _verify(services, result.application_id)
    return packet, result.application_id


def _verify(services: Services, app_id: int) -> str:
    start_verification(services, app_id)
    outcome = verify_application(
        services, app_id, engine=TesseractEngine(), policy=POLICY, today=date.today()
    )
    return outcome.stage


def _sign_in(page: Page, site: str, name: str) -> None:
    page.goto(f"{site}/login")
    page.fill("input[name=name]", name)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")


def _shot(page: Page, name: str, folder: Path) -> None:
    out = Path(os.environ.get("PASPOR_SCREENSHOTS", folder))
    out.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(out / f"{name}.png"))


@pytest.mark.parametrize("db_url", ["postgres"], indirect=True)
def test_officer_corrects_and_accepts_auditor_finds_it(
    services: Services, site: str, page: Page, tmp_path: Path
) -> None:
    packet, app_id = _flagged_by_the_pipeline(services, tmp_path)
    number = packet.application_id
    true_date = packet.family.applicant.tanggal_lahir.isoformat()

    page.goto(f"{site}/review")
    expect(page).to_have_url(f"{site}/login?next=/review")
    _shot(page, "login", tmp_path)
    _sign_in(page, site, "officer")
    expect(page).to_have_url(f"{site}/review")
    row = page.locator("tr", has_text=number)
    expect(row).to_contain_text("review")
    _shot(page, "review_queue", tmp_path)

    row.get_by_role("button", name="Ambil").click()
    expect(page).to_have_url(f"{site}/cases/{number}")
    birth = page.locator("tr[data-field=tanggal_lahir]")
    expect(birth.locator(".form-value")).to_have_text(WRONG_BIRTH_DATE)
    expect(birth.locator("td[data-doc=ktp]")).to_contain_text(true_date)
    expect(birth.locator("td[data-doc=ktp]")).to_contain_text("MISMATCH")
    expect(page.locator(".viewer.on svg rect").first).to_be_attached(timeout=30_000)
    page.locator(".viewer.on [data-zoom=in]").click()
    expect(page.locator(".viewer.on .zoomlevel")).to_have_text("125%")
    page.locator(".viewer.on [data-zoom=fit]").click()
    _shot(page, "case", tmp_path)
    page.locator(".decide").scroll_into_view_if_needed()
    _shot(page, "case_findings_decision", tmp_path)

    page.locator("summary", has_text="Koreksi isian").click()
    form = page.locator("#form-correct")
    form.locator("select[name=field]").select_option("tanggal_lahir")
    form.locator("input[name=value]").fill(true_date)
    form.locator("textarea[name=reason]").fill("salah ketik tanggal lahir")
    form.locator("button[type=submit]").click()
    expect(page.locator(".flash.ok")).to_contain_text("correct → verification")

    # The resumed flow run verifies again: the mother's name still differs.
    assert _verify(services, app_id) == "review"
    page.goto(f"{site}/review")
    page.locator("tr", has_text=number).get_by_role("button", name="Ambil").click()
    birth = page.locator("tr[data-field=tanggal_lahir]")
    expect(birth.locator(".form-value")).to_have_text(true_date)
    page.locator("#form-accept textarea[name=reason]").fill("ibu kandung dikonfirmasi di loket")
    page.locator("#form-accept button[type=submit]").click()
    expect(page.locator(".flash.ok")).to_contain_text("accept → approval")
    with services.sessions() as session:
        assert get_application_by_id(session, application_id=app_id).stage == "approval"

    page.get_by_role("button", name="Keluar").click()
    _sign_in(page, site, "auditor")
    expect(page).to_have_url(f"{site}/audit")
    page.fill("input[name=q]", number)
    page.get_by_role("button", name="Cari").click()
    page.get_by_role("link", name=number).click()
    decisions = page.locator("#decisions")
    expect(decisions).to_contain_text("review.correct")
    expect(decisions).to_contain_text(f"tanggal_lahir: {WRONG_BIRTH_DATE} → {true_date}")
    expect(decisions).to_contain_text("review.accept")
    expect(decisions).to_contain_text("officer")
    expect(page.locator("#chain-status")).to_contain_text("utuh")
    _shot(page, "audit_trail", tmp_path)

    for user, path, name in (
        ("adjudicator", "/approval", "approval_queue"),
        ("super", "/supervisor", "supervisor"),
        ("auditor", "/audit/fraud", "fraud_register"),
    ):
        page.context.clear_cookies()
        _sign_in(page, site, user)
        page.goto(f"{site}{path}")
        _shot(page, name, tmp_path)
