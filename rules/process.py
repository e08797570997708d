"""The stage model of the application process, loaded from ``process.yaml``.

The model is strict: an unknown stage anywhere in the file, a transition out of a terminal
stage or a missing version fails at load, not when an application reaches it.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from typing import Self

import yaml
from pydantic import BaseModel, ConfigDict, model_validator

__all__ = ["Process", "StageInfo", "default_process", "load_process"]


class StageInfo(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    label_id: str
    label_en: str
    terminal: bool = False


class Process(BaseModel):
    """Stages, the initial stage and which stage may follow which."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    version: str
    initial: str
    stages: dict[str, StageInfo]
    transitions: dict[str, list[str]]

    @model_validator(mode="after")
    def _known_stages(self) -> Self:
        unknown = {self.initial} - self.stages.keys()
        for source, targets in self.transitions.items():
            unknown |= ({source} | set(targets)) - self.stages.keys()
            if source in self.stages and self.stages[source].terminal:
                raise ValueError(f"terminal stage {source!r} cannot have transitions")
        if unknown:
            raise ValueError(f"unknown stage(s): {', '.join(sorted(unknown))}")
        return self

    def allows(self, source: str, target: str) -> bool:
        """True when ``target`` may follow ``source``."""
        return target in self.transitions.get(source, ())

    def is_terminal(self, stage: str) -> bool:
        return self.stages[stage].terminal


def load_process(text: str) -> Process:
    """Parse a process definition (YAML text) into a strict ``Process``."""
    return Process.model_validate(yaml.safe_load(text))


@cache
def default_process() -> Process:
    """The process shipped in ``rules/process.yaml``."""
    return load_process(files("rules").joinpath("process.yaml").read_text(encoding="utf-8"))
