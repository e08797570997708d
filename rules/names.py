"""Name-matching tolerances (domain-spec section 8.3) as a typed policy section.

The matcher in ``verification`` reads these numbers instead of keeping its own, and reports the
level it matched at in the finding's evidence details (keys below), so that routing can act on
the level without knowing how it was computed.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

__all__ = [
    "CORROBORATED_DETAIL",
    "NAME_LEVEL_DETAIL",
    "IdentityField",
    "NameLevel",
    "NameMatching",
]

NAME_LEVEL_DETAIL = "name_level"
"""Key in ``Finding.evidence.details`` holding the ``NameLevel`` of a ``crosscheck.name``."""
CORROBORATED_DETAIL = "corroborated"
"""Key in ``Finding.evidence.details``: True when the corroborating fields all matched exactly."""

IdentityField = Literal["tanggal_lahir", "tempat_lahir", "nama_ayah", "nama_ibu", "jenis_kelamin"]


class NameLevel(StrEnum):
    """How closely two names agree, from closest to farthest (domain-spec 8.3 step 6)."""

    EXACT = "EXACT"  # identical after canonicalisation
    EQUIVALENT = "EQUIVALENT"  # identical after titles, patronymics and variants are folded
    MINOR_VARIANT = "MINOR_VARIANT"  # one token a few edits off, or an optional token missing
    MISMATCH = "MISMATCH"


class NameMatching(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    jaro_winkler_threshold: float = Field(gt=0, le=1)
    minor_variant_max_edits: int = Field(ge=0)
    # Short tokens get fewer edits: two edits turn ADI into any three-letter name.
    short_token_max_length: int = Field(ge=0)
    short_token_max_edits: int = Field(ge=0)
    minor_variant_max_tokens: int = Field(ge=1)
    minor_variant_needs_corroboration: bool
    corroborating_fields: tuple[IdentityField, ...]
    source: str

    @model_validator(mode="after")
    def _coherent(self) -> Self:
        if self.short_token_max_edits > self.minor_variant_max_edits:
            raise ValueError("short_token_max_edits exceeds minor_variant_max_edits")
        if self.minor_variant_needs_corroboration and not self.corroborating_fields:
            raise ValueError("corroboration needed but no corroborating_fields given")
        return self

    def max_edits(self, token_length: int) -> int:
        """Edits a token of this length may differ by and still be a MINOR_VARIANT."""
        if token_length <= self.short_token_max_length:
            return self.short_token_max_edits
        return self.minor_variant_max_edits
