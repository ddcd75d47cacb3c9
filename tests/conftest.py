"""Shared fixtures: every test runs against a temporary copy of tests/data/mini.toml."""

from __future__ import annotations

import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pcdip.cli import app

DATA = Path(__file__).parent / "data"
ROOT = Path(__file__).parent.parent


def installed(name: str) -> str | None:
    """A console script of this environment (the one running pytest), else one on PATH."""
    return shutil.which(name, path=str(Path(sys.executable).parent)) or shutil.which(name)


PCDIP = installed("pcdip")


@pytest.fixture(autouse=True)
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A temporary copy of the mini store, named by PCDIP_STORE, so no test touches data/events.toml."""
    path = tmp_path / "events.toml"
    shutil.copy(DATA / "mini.toml", path)
    monkeypatch.setenv("PCDIP_STORE", str(path))
    monkeypatch.setenv("PCDIP_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("PCDIP_NO_CACHE", raising=False)
    monkeypatch.setenv("PCDIP_CACHE_SYNC", "1")  # build indexes in-process, not in a forked child
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("PCDIP_DEBUG", raising=False)
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.setenv("PCDIP_PAGER", "cat")  # a test on a pseudo-terminal must not wait in less
    return path


@dataclass
class Result:
    code: int
    out: str
    err: str


def invoke(*args: str, env: dict[str, str] | None = None) -> Result:
    """Run `pcdip ARGS` in-process; stdout and stderr apart."""
    result = CliRunner().invoke(app, list(args), env=env)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return Result(result.exit_code, result.stdout, result.stderr)


@pytest.fixture
def bundled(monkeypatch: pytest.MonkeyPatch) -> Path:
    """Use the bundled store (data/events.toml) instead of the mini store."""
    monkeypatch.delenv("PCDIP_STORE")
    from pcdip.store import bundled_store

    return bundled_store()


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"
