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


CHANGELOG_DIFF = re.compile(r"`pcdip diff (\S+) (\S+)`: (.+?\.)\n\s+Every change, field by field: \[changes/(\S+)\]")


def _changelog_diffs() -> list[tuple[str, str, str, str]]:
    return CHANGELOG_DIFF.findall((ROOT / "docs" / "DATA.md").read_text("utf-8"))


def test_changelog_entries_name_their_diff() -> None:
    assert len(_changelog_diffs()) >= 2


@pytest.mark.parametrize(("old", "new", "summary", "page"), _changelog_diffs())
def test_changelog_entries_are_what_pcdip_diff_says(old: str, new: str, summary: str, page: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each release's entry ends with a `pcdip diff` of the two releases' stores in git: run it
    again, and the summary line and the full Markdown list kept in docs/changes/ must match."""
    import shutil
    import subprocess

    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("needs git and the repository's history")
    for rev in (old, new):
        known = subprocess.run(["git", "-C", str(ROOT), "cat-file", "-e", rev.split(":")[0]], capture_output=True)
        if known.returncode != 0:
            pytest.skip(f"{rev} is not in this clone's history")
    from pcdip.diff import diff_files

    monkeypatch.chdir(ROOT)
    result = diff_files(old, new)
    assert result.summary() == summary
    assert (ROOT / "docs" / "changes" / page).read_text("utf-8") == result.to_markdown()
