"""Every shell example of the README, run as a reader would run it, so README and behaviour cannot drift.

The ```sh blocks are run in order, in one shell session per module: a reader's folder (with a copy
of the bundled store at `data/events.toml`, where the README's diff examples expect it), their own
HOME, and what one block exports (PCDIP_STORE) or writes (events.csv, fiji.toml) is there for the
next. Each block runs under `bash -e -o pipefail` with the installed `pcdip` and this environment's
tools first on PATH; it must exit 0 without a traceback.

A block that needs an outside tool (jq, csvkit, git, pandas, DuckDB...) runs where the tool is
installed; elsewhere it is skipped, naming the tool, except on CI, which installs them all. The few
commands that cannot run unattended are listed in NOT_RUN, each with the reason.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass
from importlib.util import find_spec
from pathlib import Path

import pytest

from . import conftest
from .conftest import ROOT, in_ci

README = ROOT / "README.md"

# Commands (a logical line, comment removed, or its start) this suite does not run, and why.
NOT_RUN = {
    "pytest": "the README's test command runs this suite; CI runs it",
    "python3 -m venv .venv && . .venv/bin/activate && pip install -e": "the development install; CI runs it",
    "ruff ": "a developer's lint step; CI runs it",
    "mypy": "a developer's type check",
    "python scripts/gen_countries.py": "regenerates a source file of the checkout",
    "python bench/bench.py": "the benchmark takes many minutes and measures, it does not check",
    "datasette pcdip.sqlite": "starts a web server (tests/test_exports_consumers.py queries Datasette with --get)",
    "pcdip --install-completion": "changes the shell's start-up files",
}
# Commands not run when they stand alone (with arguments they are).
NOT_RUN_BARE = {"pcdip add": "prompts on a terminal (tests/test_authoring.py drives the prompts)"}
# Programs a block may use besides pcdip, and shell built-ins that need nothing installed.
BUILTINS = {"export", "cd", "mkdir", "echo", ".", "true", "cat"}
PYTHON_MODULES = re.compile(r"\bimport (\w+)")


@dataclass(frozen=True)
class Block:
    line: int  # of the opening fence, 1-based
    text: str

    def commands(self) -> list[str]:
        """Its logical lines (backslash continuations joined), without blank and comment-only lines."""
        joined = re.sub(r"\\\n\s*", " ", self.text)
        return [c for c in (line.strip() for line in joined.splitlines()) if c and not c.startswith("#")]


def readme_blocks() -> list[Block]:
    text = README.read_text("utf-8")
    return [Block(text[: m.start()].count("\n") + 1, m.group(1)) for m in re.finditer(r"^```(?:sh|bash)\n(.*?)^```", text, re.M | re.S)]


def without_comment(command: str) -> str:
    """The command without a trailing `# comment` (a `#` inside quotes is kept)."""
    lexer = shlex.shlex(command, posix=True, punctuation_chars=True)
    lexer.commenters = "#"
    lexer.whitespace_split = True
    try:
        words = list(lexer)
    except ValueError:
        return command
    if not words:
        return ""
    # cut the raw text where the comment starts: the first " #" before which the words are all there
    at = command.find(" #")
    while at >= 0:
        try:
            if _words(command[:at]) == words:
                return command[:at].rstrip()
        except ValueError:  # a " #" inside an open quote
            pass
        at = command.find(" #", at + 1)
    return command


def _words(text: str) -> list[str]:
    lexer = shlex.shlex(text, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    return list(lexer)


def not_run_reason(command: str) -> str | None:
    bare = without_comment(command)
    if bare in NOT_RUN_BARE:
        return NOT_RUN_BARE[bare]
    for start, reason in NOT_RUN.items():
        if bare == start.strip() or bare.startswith(start):
            return reason
    return None


def programs(command: str) -> set[str]:
    """The programs a command line runs: the first word of each part of its pipelines and lists."""
    found: set[str] = set()
    first = True
    for word in _words(without_comment(command)):
        if word in ("|", "&&", "||", ";", "(", ")"):
            first = True
            continue
        if first and "=" not in word.split("/")[0]:
            found.add(word)
            first = False
        elif first:
            continue  # VAR=value prefix
    return found


def missing(command: str, path: str) -> list[str]:
    """What the command needs that this machine lacks (programs, Python modules)."""
    lacking = []
    for program in programs(command) - BUILTINS - {"pcdip"}:
        if program == "python" or program == "python3":
            lacking += [f"Python module {m}" for m in PYTHON_MODULES.findall(command) if find_spec(m) is None]
        elif "/" not in program and shutil.which(program, path=path) is None:  # a path: made by the block itself
            lacking.append(program)
    if "git show" in command or re.search(r"pcdip diff \S+:", command):
        if shutil.which("git") is None or not (ROOT / ".git").exists():
            lacking.append("git and the repository's history")
    return lacking


BLOCKS = readme_blocks()


class Session:
    """A reader's shell session: one folder, one HOME, the environment carried from block to block."""

    def __init__(self, base: Path) -> None:
        self.work = base / "work"
        self.home = base / "home"
        (self.work / "data").mkdir(parents=True)
        self.home.mkdir()
        shutil.copy(ROOT / "data" / "events.toml", self.work / "data" / "events.toml")
        self.env_file = base / "env.sh"
        bindir = str(Path(conftest.PCDIP or sys.executable).parent)
        self.path = os.pathsep.join([bindir, str(Path(sys.executable).parent), os.environ.get("PATH", "")])
        env = {k: v for k, v in os.environ.items() if not k.startswith("PCDIP_") and k not in ("VIRTUAL_ENV",)}
        env.update(
            HOME=str(self.home),
            PATH=self.path,
            PCDIP_CACHE_DIR=str(base / "cache"),
            PCDIP_PAGER="cat",
            SHELL="/bin/bash",
            COLUMNS="100",
        )
        if (ROOT / ".git").exists():
            env["GIT_DIR"] = str(ROOT / ".git")  # `git show REV:PATH` reads the checkout's history
        self.env = env
        self.env_file.write_text("", "utf-8")
        self.done: dict[int, subprocess.CompletedProcess[str]] = {}
        # A colleague's store, which the import examples read.
        subprocess.run(
            [shutil.which("pcdip", path=self.path) or "pcdip", "export", "-f", "toml", "-c", "Solomon Islands", "-o", "colleague.toml"],
            cwd=self.work,
            env=env,
            check=True,
            capture_output=True,
        )

    def script(self, block: Block) -> str:
        lines = []
        for command in block.commands():
            reason = not_run_reason(command)
            lines.append(f": not run: {shlex.quote(reason)}" if reason else command)
        body = "\n".join(lines)
        return (
            "set -e -o pipefail\n"
            f". {shlex.quote(str(self.env_file))}\n"
            "trap 'echo \"README line failed: $BASH_COMMAND\" >&2' ERR\n"
            f"{body}\n"
            f"export -p | grep -E '^declare -x PCDIP_' > {shlex.quote(str(self.env_file))} || true\n"
        )

    def run(self, block: Block) -> subprocess.CompletedProcess[str]:
        if block.line not in self.done:
            for earlier in BLOCKS:  # a reader got here by running what came before
                if earlier.line >= block.line:
                    break
                if earlier.line not in self.done and runnable(earlier, self.path) is None:
                    self.done[earlier.line] = self._run(earlier)
            self.done[block.line] = self._run(block)
        return self.done[block.line]

    def _run(self, block: Block) -> subprocess.CompletedProcess[str]:
        cwd = ROOT if any("pip install ." in c for c in block.commands()) else self.work  # the Quickstart installs the checkout
        return subprocess.run(["bash", "-c", self.script(block)], cwd=cwd, env=self.env, capture_output=True, text=True, timeout=600)


def runnable(block: Block, path: str) -> str | None:
    """Why the block cannot run here (None: it can)."""
    commands = [c for c in block.commands() if not_run_reason(c) is None]
    if not commands:
        return "; ".join(sorted({not_run_reason(c) or "" for c in block.commands()}))
    lacking = sorted({m for c in commands for m in missing(c, path)})
    return f"needs {', '.join(lacking)}" if lacking else None


@pytest.fixture(scope="module")
def session(tmp_path_factory: pytest.TempPathFactory) -> Session:
    if conftest.PCDIP is None:
        pytest.skip("needs the installed pcdip command")
    return Session(tmp_path_factory.mktemp("readme"))


def test_the_readme_has_shell_examples() -> None:
    assert len(BLOCKS) >= 15
    assert BLOCKS[0].commands()[0].endswith("pcdip timeline"), "the Quickstart's first block installs and runs pcdip timeline"


@pytest.mark.parametrize("block", BLOCKS, ids=[f"line{b.line}" for b in BLOCKS])
def test_readme_block_runs(block: Block, session: Session) -> None:
    why_not = runnable(block, session.path)
    if why_not is not None:
        if why_not.startswith("needs") and in_ci():
            pytest.fail(f"README line {block.line} {why_not}: CI installs every tool the README uses")
        pytest.skip(f"README line {block.line}: {why_not}")
    done = session.run(block)
    assert "Traceback" not in done.stderr, done.stderr
    assert done.returncode == 0, f"README block at line {block.line} failed:\n{done.stderr}"
    writes = [re.search(r"(?:(?<!\S)-o|>)\s+(\S+)", without_comment(c)) for c in block.commands() if not_run_reason(c) is None]
    for target in (w.group(1) for w in writes if w):
        path = Path(os.path.expanduser(target)) if target.startswith("~") else session.work / target
        assert target == "-" or target.startswith("/dev/") or path.exists() or target.startswith("$"), f"README line {block.line}: {target} was not written"
    if not all(writes):
        assert (done.stdout + done.stderr).strip(), f"README block at line {block.line} printed nothing"


def test_not_run_lists_only_commands_the_readme_has() -> None:
    """A stale entry would hide nothing, but it would mislead whoever reads NOT_RUN."""
    commands = [c for b in BLOCKS for c in b.commands()]
    for start in NOT_RUN:
        assert any(without_comment(c) == start.strip() or without_comment(c).startswith(start) for c in commands), start
    for bare in NOT_RUN_BARE:
        assert bare in [without_comment(c) for c in commands], bare


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("pcdip timeline -s scam --format json | jq '.[].id'", {"pcdip", "jq"}),
        ("mkdir -p ~/x && pcdip init ~/x/a.toml   # a comment | not a pipe", {"mkdir", "pcdip"}),
        ("python -c 'import duckdb; print(1)'", {"python"}),
        ("pcdip export -f csv | csvcut -c id  # csvkit; csvjson too", {"pcdip", "csvcut"}),
    ],
)
def test_programs_of_a_command(command: str, expected: set[str]) -> None:
    assert programs(command) == expected
