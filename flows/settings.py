"""Settings of a paspor installation, read from ``PASPOR_*`` environment variables.

Built once, in the composition root (``flows.wiring.get_settings``), never at import. The
embedded defaults need nothing: a SQLite file and a filesystem store under ``var/``.
Production mode refuses the development defaults of secrets and the embedded backends'
defaults where they would be unsafe.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal, Self

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from verification.media import UploadLimits

__all__ = ["DEV_SECRET", "Settings"]

DEV_SECRET = "paspor-dev-secret"


class Settings(BaseSettings):
    """Every knob of an installation; see README.md for the variables."""

    model_config = SettingsConfigDict(env_prefix="PASPOR_", extra="ignore", frozen=True)

    mode: Literal["development", "production"] = "development"
    data_dir: Path = Path("var")
    database_url: str | None = Field(
        default=None, description="SQLAlchemy URL; default: SQLite file under data_dir"
    )

    store: Literal["fs", "minio"] = "fs"
    store_root: Path | None = Field(default=None, description="fs store folder")
    minio_endpoint: str = "127.0.0.1:9000"
    minio_access_key: str = "paspor"
    minio_secret_key: SecretStr = SecretStr(DEV_SECRET)
    minio_bucket: str = "paspor-documents"
    minio_secure: bool = False
    minio_region: str | None = None

    # The officers' console: signs its session cookies with this secret.
    session_secret: SecretStr = SecretStr(DEV_SECRET)
    console_host: str = "127.0.0.1"
    console_port: int = Field(default=8000, gt=0, lt=65536)

    # Application log (``paspor.log``, personal values masked); default: data_dir/logs.
    log_dir: Path | None = None

    max_upload_mb: float = Field(default=20.0, gt=0, le=500)
    max_image_megapixels: float = Field(default=50.0, gt=0, le=1000)

    @model_validator(mode="after")
    def _safe_in_production(self) -> Self:
        if self.mode != "production":
            return self
        problems = []
        if self.store == "minio" and self.minio_secret_key.get_secret_value() == DEV_SECRET:
            problems.append("PASPOR_MINIO_SECRET_KEY is the development default")
        if self.store == "minio" and not self.minio_secure:
            problems.append("PASPOR_MINIO_SECURE must be true (TLS) in production")
        if self.session_secret.get_secret_value() == DEV_SECRET:
            problems.append("PASPOR_SESSION_SECRET is the development default")
        elif len(self.session_secret.get_secret_value()) < 32:
            problems.append("PASPOR_SESSION_SECRET must have at least 32 characters")
        if self.resolved_database_url().startswith("sqlite"):
            problems.append("PASPOR_DATABASE_URL must name a PostgreSQL database in production")
        if problems:
            raise ValueError("unsafe production settings: " + "; ".join(problems))
        return self

    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'paspor.db').as_posix()}"

    def resolved_store_root(self) -> Path:
        return self.store_root or self.data_dir / "documents"

    def resolved_log_dir(self) -> Path:
        return self.log_dir or self.data_dir / "logs"

    def upload_limits(self) -> UploadLimits:
        return UploadLimits(
            max_bytes=int(self.max_upload_mb * 1024 * 1024),
            max_pixels=int(self.max_image_megapixels * 1_000_000),
        )
