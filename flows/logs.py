"""Application logs: a file under the data folder, with personal values masked in every record.

Our own log lines name application ids, numbers, stages and codes, never a person. The mask is
the second line of defence, for what a library or a careless message could let through: every
log record of the process (ours, Prefect's flow-run and task-run loggers, which also ship to
the Prefect API, and any library's) is formatted once when it is made and, if it contains a
16-digit number (a NIK or KK number) or a date, stored with those replaced by ``[masked]``.
Names cannot be recognised by their shape; they are kept out by never logging form values, and
by keeping SQLAlchemy's statement logging (which prints bound parameters) off even in verbose
mode.

The file is opened with ``WatchedFileHandler``: the CLI, the worker and each flow-run process
append to the same file, and the office's logrotate may move it away.
"""

from __future__ import annotations

import logging
import re
import sys
from logging.handlers import WatchedFileHandler
from pathlib import Path
from typing import Any

__all__ = ["LOG_FILE", "MASK", "configure_logging", "install_masking", "mask_personal"]

LOG_FILE = "paspor.log"
MASK = "[masked]"
_FORMAT = "%(asctime)s %(process)d %(levelname)s %(name)s: %(message)s"
_PERSONAL = re.compile(
    r"(?<![0-9])(?:"
    r"[0-9]{16}"  # NIK, KK number
    r"|[0-9]{1,2}[-/.][0-9]{1,2}[-/.][0-9]{4}"  # a date as documents write it
    r"|[0-9]{4}-[0-9]{2}-[0-9]{2}"  # a date as forms and JSON write it
    r")(?![0-9])"
)
_installed = False


def mask_personal(text: str) -> str:
    """``text`` with every NIK-like number and every date replaced by ``[masked]``.

    >>> mask_personal("nik 3171234567890123 lahir 17-08-1990, form 1990-08-17; task 42")
    'nik [masked] lahir [masked], form [masked]; task 42'
    """
    return _PERSONAL.sub(MASK, text)


def install_masking() -> None:
    """Mask personal values in every log record this process makes from now on (idempotent)."""
    global _installed
    if _installed:
        return
    make = logging.getLogRecordFactory()

    def masked_record(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = make(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: logging reports it when it is emitted
            return record
        clean = mask_personal(message)
        if clean != message:
            record.msg, record.args = clean, None
        return record

    logging.setLogRecordFactory(masked_record)
    _installed = True


def configure_logging(log_dir: Path | None, *, verbose: bool = False) -> Path | None:
    """Masking, warnings (or info with ``verbose``) on stderr, and info and above appended to
    ``log_dir/paspor.log`` when a folder is given; the file's path."""
    install_masking()
    root = logging.getLogger()
    root.setLevel(logging.INFO)
    logging.getLogger("sqlalchemy").setLevel(logging.WARNING)  # it would print parameters
    formatter = logging.Formatter(_FORMAT)
    if not any(getattr(h, "_paspor", False) for h in root.handlers):
        console = _Stderr()
        console.setLevel(logging.INFO if verbose else logging.WARNING)
        console.setFormatter(formatter)
        console._paspor = True  # type: ignore[attr-defined]
        root.addHandler(console)
    if log_dir is None:
        return None
    path = (log_dir / LOG_FILE).resolve()
    for handler in list(root.handlers):
        if isinstance(handler, _LogFile):
            if Path(handler.baseFilename) == path:
                return path
            root.removeHandler(handler)  # another data folder than before (tests, the demo)
            handler.close()
    log_dir.mkdir(parents=True, exist_ok=True)
    file_handler = _LogFile(path, encoding="utf-8")
    file_handler.setLevel(logging.INFO)
    file_handler.setFormatter(formatter)
    root.addHandler(file_handler)
    return path


class _Stderr(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever ``sys.stderr`` is when a record comes (a test runner swaps it)."""

    @property
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, _value: Any) -> None:
        pass


class _LogFile(WatchedFileHandler):
    """The application log file (told apart from handlers others added)."""
