"""YAML parsing for the policy files: libyaml's safe loader when present (about 5x faster)."""

from __future__ import annotations

from typing import Any

import yaml

__all__ = ["safe_load"]

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def safe_load(text: str) -> Any:
    """``yaml.safe_load`` semantics: plain data only, no Python object tags."""
    return yaml.load(text, Loader=_Loader)
