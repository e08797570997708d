"""The Great Expectations boundary: suites built from the tables, validations, Data Docs.

Great Expectations takes ~4-5 s and ~240 MB to import, so it is imported inside the functions
here and nowhere else; ``import verification.quality`` stays cheap. GE is typed loosely, so
its objects stay ``Any`` inside this module and leave it as ``Outcome`` values.

Two kinds of Data Context, both ephemeral (in memory) with progress bars off:

- one per process for ``validate_table`` (per application), built on first use and kept.
  It validates through ``Batch.validate``, which stores no results, so no extracted value
  outlives the call there, and it has no Data Docs site;
- a fresh one per ``render_data_docs`` call (the batch report) that validates masked frames
  through ValidationDefinitions and writes their Data Docs to the requested folder.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from verification.errors import PasporError
from verification.quality.suites import (
    SUITE_VERSION,
    TODAY_PARAMETER,
    ExpectationSpec,
    Table,
    expectations,
)

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Outcome", "QualityEngineError", "render_data_docs", "validate_table"]

_DATASOURCE = "paspor_quality"
_BATCH = "whole"
_SITE = "paspor_quality_audit"
_lock = threading.Lock()  # GE's execution engine keeps one active batch: one validation at a time


class QualityEngineError(PasporError):
    """GE could not evaluate an expectation: a bug in a suite, never a data problem.

    GE's own message may quote a value, so it is kept in ``ge_message`` for debugging and
    left out of ``str(error)``, which may be logged.
    """

    def __init__(self, message: str, ge_message: str = "") -> None:
        super().__init__(message)
        self.ge_message = ge_message


@dataclass(frozen=True)
class Outcome:
    """The result of one expectation on one frame, free of any value."""

    spec: ExpectationSpec
    success: bool
    element_count: int
    unexpected_count: int
    unexpected_rows: tuple[int, ...]  # failing row positions (the report keeps counts only)


def _new_context() -> Any:
    import great_expectations as gx
    from great_expectations.data_context.types.base import (
        DataContextConfig,
        InMemoryStoreBackendDefaults,
        ProgressBarsConfig,
    )

    config = DataContextConfig(
        store_backend_defaults=InMemoryStoreBackendDefaults(init_temp_docs_sites=False),
        progress_bars=ProgressBarsConfig(globally=False, metric_calculations=False),
        analytics_enabled=False,
    )
    return gx.get_context(mode="ephemeral", project_config=config)


def _type_name(snake: str) -> str:
    return "".join(part.capitalize() for part in snake.split("_"))


def _suite(table: Table, meta: Mapping[str, Any]) -> Any:
    """The GE suite of ``table``; each expectation's meta names its spec."""
    import great_expectations as gx

    suite = gx.ExpectationSuite(name=table.suite, meta={"suite_version": SUITE_VERSION, **meta})
    for spec in expectations(table):
        expectation_class = getattr(gx.expectations, _type_name(spec.type))
        suite.add_expectation(
            expectation_class(**spec.kwargs, meta={"key": spec.key, "expected": spec.expected})
        )
    return suite


@dataclass
class _Validators:
    """The per-process context with one batch definition and suite per table."""

    context: Any
    batch_definitions: dict[str, Any]
    suites: dict[str, Any]
    expectations: dict[str, dict[str, Any]]  # suite -> spec key -> GE expectation


@cache
def _validators() -> _Validators:
    from verification.quality.suites import TABLES

    context = _new_context()
    source = context.data_sources.add_pandas(_DATASOURCE)
    batch_definitions = {
        t.suite: source.add_dataframe_asset(t.suite).add_batch_definition_whole_dataframe(_BATCH)
        for t in TABLES
    }
    suites = {t.suite: _suite(t, {}) for t in TABLES}
    by_key = {
        name: {str(e.meta["key"]): e for e in suite.expectations} for name, suite in suites.items()
    }
    return _Validators(context, batch_definitions, suites, by_key)


def _outcome(spec: ExpectationSpec, item: Any, rows: int) -> Outcome:
    details: Mapping[str, Any] = item.result or {}
    success = bool(item.success)
    indexes = details.get("unexpected_index_list")
    if indexes is None and rows == 1:  # a boolean-only result on one row: it is that row
        indexes = [] if success else [0]
    count = details.get("unexpected_count")
    return Outcome(
        spec=spec,
        success=success,
        element_count=rows,
        unexpected_count=int(count if count is not None else len(indexes or ())),
        unexpected_rows=tuple(int(i) for i in indexes or ()),
    )


def _by_key(table: Table, items: Iterable[Any]) -> dict[str, Any]:
    """GE's expectation results by their spec key; an expectation that raised is a bug."""
    out: dict[str, Any] = {}
    for item in items:
        config = item.expectation_config
        info = item.exception_info or {}
        if info.get("raised_exception"):
            raise QualityEngineError(
                f"suite {table.suite}: {config.type} on {config.kwargs.get('column')} raised",
                str(info.get("exception_message") or ""),
            )
        out[str(config.meta["key"])] = item
    return out


def _outcomes(table: Table, items: Mapping[str, Any], rows: int) -> list[Outcome]:
    """Outcomes in the order of the table's expectations."""
    return [_outcome(spec, items[spec.key], rows) for spec in expectations(table)]


def _parameters(today: date) -> dict[str, Any]:
    return {TODAY_PARAMETER: today.isoformat()}


def validate_table(table: Table, frame: pd.DataFrame, *, today: date) -> list[Outcome]:
    """Run ``table``'s suite on ``frame`` in the per-process context (no result is stored).

    The suite runs with boolean-only results, about twice as fast as the complete format;
    on a frame of several rows (KK members) each failed expectation runs again in the
    complete format to learn which rows failed. Clean data pays for one pass only.
    """
    validators = _validators()
    parameters = _parameters(today)
    with _lock:
        batch = validators.batch_definitions[table.suite].get_batch(
            batch_parameters={"dataframe": frame}
        )
        result = batch.validate(
            validators.suites[table.suite],
            result_format={"result_format": "BOOLEAN_ONLY"},
            expectation_parameters=parameters,
        )
        items = _by_key(table, result.results)
        if len(frame) > 1:
            failed = [key for key, item in items.items() if not item.success]
            items |= _by_key(
                table,
                (
                    batch.validate(
                        validators.expectations[table.suite][key],
                        result_format={"result_format": "COMPLETE"},
                        expectation_parameters=parameters,
                    )
                    for key in failed
                ),
            )
    return _outcomes(table, items, len(frame))


def _report_context(out_dir: Path) -> Any:
    """A fresh context whose only Data Docs site is ``out_dir``."""
    context = _new_context()
    context.add_data_docs_site(
        _SITE,
        {
            "class_name": "SiteBuilder",
            "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
            "store_backend": {
                "class_name": "TupleFilesystemStoreBackend",
                "base_directory": str(out_dir),
            },
        },
    )
    return context


def render_data_docs(
    frames: Sequence[tuple[Table, pd.DataFrame]],
    out_dir: Path,
    *,
    today: date,
    meta: Mapping[str, Any],
) -> tuple[dict[str, list[Outcome]], Path]:
    """Validate each (already masked) frame and render the Data Docs site into ``out_dir``.

    Returns the outcomes per suite name and the site's index.html. Pages of an earlier
    report in the same folder are left where they are: give each report its own folder.
    """
    import great_expectations as gx

    out_dir.mkdir(parents=True, exist_ok=True)
    outcomes: dict[str, list[Outcome]] = {}
    with _lock:
        context = _report_context(out_dir)
        source = context.data_sources.add_pandas(_DATASOURCE)
        for table, frame in frames:
            batch_definition = source.add_dataframe_asset(
                table.suite
            ).add_batch_definition_whole_dataframe(_BATCH)
            suite = context.suites.add(_suite(table, meta))
            definition = context.validation_definitions.add(
                gx.ValidationDefinition(name=table.suite, data=batch_definition, suite=suite)
            )
            result = definition.run(
                batch_parameters={"dataframe": frame},
                expectation_parameters=_parameters(today),
                result_format={"result_format": "SUMMARY"},
            )
            outcomes[table.suite] = _outcomes(table, _by_key(table, result.results), len(frame))
        context.build_data_docs(site_names=[_SITE])
    return outcomes, out_dir / "index.html"
