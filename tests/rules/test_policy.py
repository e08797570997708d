"""Loading the policy: the shipped file loads; a bad one fails at load, naming the bad value."""

from __future__ import annotations

from collections.abc import Callable
from importlib.resources import files
from typing import Any

import pytest
import yaml
from pydantic import ValidationError

from rules._yaml import safe_load
from rules.policy import default_policy, load_policy
from rules.process import load_process
from verification.findings import FINDING_CODES, Severity

Edit = Callable[[dict[str, Any]], None]
Dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def shipped() -> dict[str, Any]:
    data: dict[str, Any] = safe_load(files("rules").joinpath("policy.yaml").read_text())
    return data


def edited(edit: Edit) -> str:
    data = shipped()
    edit(data)
    return yaml.dump(data, Dumper=Dumper, sort_keys=False, allow_unicode=True)


def rule(data: dict[str, Any], rule_id: str) -> dict[str, Any]:
    found: dict[str, Any] = next(r for r in data["routing"]["rules"] if r["id"] == rule_id)
    return found


def adult(data: dict[str, Any]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = data["requirements"]["categories"]["adult"]
    return found


def test_shipped_policy_loads_with_a_version() -> None:
    policy = default_policy()
    assert policy.version == "2026.2"
    assert default_policy() is policy  # cached
    assert load_policy(edited(lambda d: None)) == policy


def test_every_registered_code_has_a_severity() -> None:
    policy = default_policy()
    for code in FINDING_CODES:
        assert isinstance(policy.severity_of(code), Severity)


@pytest.mark.parametrize(
    ("code", "severity"),
    [
        ("fraud.watchlist", Severity.CRITICAL),
        ("fraud.tamper.copy_move", Severity.HIGH),  # from fraud.tamper.*
        ("identity.nik_region", Severity.LOW),
        ("quality.kk.members_sorted", Severity.LOW),  # open family
        ("eligibility.validity_choice", Severity.MEDIUM),
    ],
)
def test_severity_of(code: str, severity: Severity) -> None:
    assert default_policy().severity_of(code) is severity


def test_severity_of_an_uncovered_code_raises() -> None:
    with pytest.raises(KeyError, match=r"identity\.unheard_of"):
        default_policy().severity_of("identity.unheard_of")


def test_name_matching_section() -> None:
    names = default_policy().name_matching
    assert names.jaro_winkler_threshold == 0.92
    assert names.minor_variant_needs_corroboration
    assert (names.max_edits(3), names.max_edits(4), names.max_edits(8)) == (1, 1, 2)
    assert "tanggal_lahir" in names.corroborating_fields


def _set(path: list[str | int], value: Any) -> Edit:
    def edit(data: dict[str, Any]) -> None:
        target: Any = data
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return edit


def _rename_stage(data: dict[str, Any]) -> None:
    data["stages"]["reviw"] = data["stages"].pop("review")


def _rename_category(data: dict[str, Any]) -> None:
    categories = data["requirements"]["categories"]
    categories["pns"] = categories.pop("civil_servant")


def _drop_category(data: dict[str, Any]) -> None:
    del data["requirements"]["categories"]["lost"]


def _unknown_condition(data: dict[str, Any]) -> None:
    adult(data)[3]["when"] = ["is_child"]


def _routing_role(data: dict[str, Any]) -> None:
    rule(data, "watchlist")["role"] = "kepala_kantor"


def _routing_code(data: dict[str, Any]) -> None:
    rule(data, "fraud_signal")["match"]["codes"] = ["fraud.tampering.*"]


def _routing_severity(data: dict[str, Any]) -> None:
    rule(data, "high_severity")["match"]["severity_at_least"] = "severe"


def _name_level(data: dict[str, Any]) -> None:
    rule(data, "name_equivalent")["match"]["name_levels"] = ["EXACT", "SIMILAR"]


def _uncorroborated_minor_variant(data: dict[str, Any]) -> None:
    del rule(data, "name_minor_variant_corroborated")["match"]["corroborated"]


def _review_without_role(data: dict[str, Any]) -> None:
    del rule(data, "document_missing")["role"]


def _approval_with_role(data: dict[str, Any]) -> None:
    rule(data, "warnings")["role"] = "verification_officer"


def _duplicate_rule_id(data: dict[str, Any]) -> None:
    rule(data, "warnings")["id"] = "quality_low"


def _typo_key(data: dict[str, Any]) -> None:
    rule(data, "warnings")["rout"] = rule(data, "warnings").pop("route")


def _duplicate_requirement(data: dict[str, Any]) -> None:
    adult(data).append(dict(adult(data)[0]))


def _both_document_forms(data: dict[str, Any]) -> None:
    adult(data)[0]["one_of"] = ["ktp"]


@pytest.mark.parametrize(
    ("edit", "bad_value"),
    [
        # unknown stage, anywhere a stage is named
        (_rename_stage, "reviw"),
        (_set(["service_levels", 0, "start"], "interview"), "interview"),
        (_set(["expiries", 0, "then"], "canceled"), "canceled"),
        (_set(["four_eyes", "separation", 0, "act", "stage"], "adjudication"), "adjudication"),
        (
            _set(["stages", "issued"], {"roles": ["printing_operator"], "source": "x"}),
            "terminal stage",
        ),
        (_set(["expiries", 0, "stage"], "biometrics"), "biometrics -> cancelled"),
        # unknown finding code
        (_set(["severities", "crosscheck.nama"], "high"), "crosscheck.nama"),
        (_routing_code, "fraud.tampering.*"),
        (_set(["four_eyes", "sign_offs", 1, "codes"], ["fraud.watch_list"]), "fraud.watch_list"),
        # unknown document type, category, condition
        (_set(["requirements", "categories", "adult", 0, "document"], "pasport"), "pasport"),
        (_set(["requirements", "categories", "adult", 2, "one_of"], ["akta", "ijazah"]), "akta"),
        (_rename_category, "pns"),
        (_drop_category, "lost"),
        (_unknown_condition, "is_child"),
        # unknown role, anywhere a role is named
        (_routing_role, "kepala_kantor"),
        (_set(["stages", "review", "roles"], ["verifier"]), "verifier"),
        (_set(["stages", "review", "escalate_to"], "kasi"), "kasi"),
        (
            _set(["four_eyes", "sign_offs", 2, "signers"], [["qc_operator"], ["supervisor"]]),
            "qc_operator",
        ),
        (
            _set(["four_eyes", "separation", 1, "not_after"], [{"role": "pewawancara"}]),
            "pewawancara",
        ),
        # unknown severity or name level
        (_set(["severities", "fraud.watchlist"], "severe"), "severe"),
        (_routing_severity, "severe"),
        (_name_level, "SIMILAR"),
        (_set(["category_rules", "unmarried_statuses"], ["LAJANG"]), "LAJANG"),
        # malformed rules
        (_uncorroborated_minor_variant, "name_minor_variant_corroborated"),
        (_review_without_role, "needs a role"),
        (_approval_with_role, "drop role"),
        (_duplicate_rule_id, "quality_low"),
        (_typo_key, "rout"),
        (_set(["routing", "precedence"], ["reject", "human_review"]), "precedence"),
        (_duplicate_requirement, "ktp"),
        (_both_document_forms, "either document or one_of"),
        (_set(["requirements", "categories", "adult", 2, "one_of"], []), "lists no document"),
        (_set(["version"], ""), "version"),
    ],
)
def test_bad_policy_fails_at_load_naming_the_value(edit: Edit, bad_value: str) -> None:
    with pytest.raises(ValidationError) as caught:
        load_policy(edited(edit))
    assert bad_value in str(caught.value)


def test_stages_are_checked_against_the_given_process() -> None:
    text = files("rules").joinpath("process.yaml").read_text()
    data = yaml.safe_load(text)
    del data["stages"]["biometrics"]
    data["transitions"] = {
        source: [t for t in targets if t != "biometrics"]
        for source, targets in data["transitions"].items()
        if source != "biometrics"
    }
    process = load_process(yaml.safe_dump(data))
    with pytest.raises(ValidationError, match="unknown stage 'biometrics'"):
        load_policy(edited(lambda d: None), process=process)
