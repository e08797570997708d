"""The composition root: settings, database and document store, built once per process."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from flows.settings import Settings
from rules.process import Process, default_process
from storage.db import make_engine, make_session_factory
from storage.store import DocumentStore, FileSystemStore, MinioStore

__all__ = ["Services", "build_services", "build_store", "get_services", "get_settings"]


@cache
def get_settings() -> Settings:
    return Settings()


def build_store(settings: Settings) -> DocumentStore:
    if settings.store == "minio":
        return MinioStore(
            endpoint=settings.minio_endpoint,
            access_key=settings.minio_access_key,
            secret_key=settings.minio_secret_key.get_secret_value(),
            bucket=settings.minio_bucket,
            secure=settings.minio_secure,
            region=settings.minio_region,
        )
    return FileSystemStore(settings.resolved_store_root())


@dataclass(frozen=True)
class Services:
    """What a command, flow or web request needs, wired from one ``Settings``."""

    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    store: DocumentStore
    process: Process


def build_services(settings: Settings) -> Services:
    engine = make_engine(settings.resolved_database_url())
    return Services(
        settings=settings,
        engine=engine,
        sessions=make_session_factory(engine),
        store=build_store(settings),
        process=default_process(),
    )


@cache
def get_services() -> Services:
    return build_services(get_settings())
