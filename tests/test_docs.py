"""The README documents every command, format, field and exit code, and CI runs its test command."""

from __future__ import annotations

import re

import pytest

from pcdip import exporters
from pcdip.cli import EXIT_CODES, app
from pcdip.models import EVENT_FIELDS

from .conftest import ROOT

README = (ROOT / "README.md").read_text("utf-8")
COMMANDS = sorted(c.name or c.callback.__name__.rstrip("_") for c in app.registered_commands)  # type: ignore[union-attr]


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_is_documented(command: str) -> None:
    assert f"pcdip {command}" in README


@pytest.mark.parametrize("name", list(exporters.FORMATS))
def test_every_format_is_documented(name: str) -> None:
    assert re.search(rf"^\| `{name}`", README, re.MULTILINE), name


@pytest.mark.parametrize("field", EVENT_FIELDS)
def test_every_export_field_is_documented(field: str) -> None:
    assert f"| `{field}` |" in README


@pytest.mark.parametrize("code", sorted(EXIT_CODES))
def test_every_exit_code_is_documented(code: int) -> None:
    assert re.search(rf"^\| {code} \|", README, re.MULTILINE)


def test_ci_runs_the_readme_test_command() -> None:
    block = README.split("## Running the tests", 1)[1].split("```sh\n", 1)[1].split("\n```", 1)[0].strip()
    assert "pytest" in block and "[test]" in block
    assert block in (ROOT / ".ci" / "run").read_text("utf-8")


def test_quickstart_installs_and_runs_the_timeline() -> None:
    first = README.split("## Quickstart", 1)[1].split("```sh\n", 1)[1].split("\n```", 1)[0]
    assert "pip install ." in first and first.strip().endswith("pcdip timeline")
