"""The installed `pcdip` entry point in real processes: pipes, exit codes, terminals, other folders."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest
import tomli_w

from pcdip.store import load_store

from .conftest import PCDIP

pytestmark = pytest.mark.subprocess

if PCDIP is None:  # pragma: no cover
    pytest.skip("the pcdip entry point is not installed", allow_module_level=True)


def run(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([PCDIP, *args], capture_output=True, text=True, cwd=cwd, env={**os.environ, **(env or {})}, timeout=60)


def test_runs_from_any_folder_on_the_bundled_store(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "PCDIP_STORE"}
    proc = subprocess.run([PCDIP, "timeline"], capture_output=True, text=True, cwd=tmp_path, env=env, timeout=60)
    assert proc.returncode == 0 and proc.stderr == ""
    assert proc.stdout.startswith("2001\n  2001-06-15")
    assert "Italy" in proc.stdout and "\x1b" not in proc.stdout


def test_python_dash_m(tmp_path: Path) -> None:
    proc = subprocess.run([sys.executable, "-m", "pcdip", "--version"], capture_output=True, text=True, cwd=tmp_path)
    assert proc.returncode == 0 and proc.stdout.startswith("pcdip ")


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (("timeline",), 0),
        (("timeline", "--from", "2099"), 0),
        (("country", "Fjii"), 1),
        (("show", "no-such-id"), 1),
        (("timeline", "-t", "nope"), 1),
        (("timeline", "--store", "/nonexistent.toml"), 1),
        (("timeline", "--from", "2023-13"), 2),
        (("export", "--format", "xml"), 2),
        (("timeline", "--no-such-option"), 2),
    ],
)
def test_exit_codes(args: tuple[str, ...], code: int) -> None:
    proc = run(*args)
    assert proc.returncode == code, proc.stderr
    assert "Traceback" not in proc.stderr
    if code:
        assert proc.stdout == "" and proc.stderr


@pytest.fixture
def big_store(tmp_path: Path, store: Path) -> Path:
    """Enough events that a closed pipe is noticed while pcdip is still writing."""
    from pcdip.exporters.tomlfmt import event_table

    s = load_store(store)
    events = []
    for i in range(3000):
        e = event_table(s.events[i % len(s.events)])
        e["id"] = f"e{i}"
        e.pop("related", None)
        events.append(e)
    path = tmp_path / "big.toml"
    path.write_text(tomli_w.dumps({"schema_version": 1, "themes": [t.model_dump() for t in s.themes], "events": events}), "utf-8")
    return path


@pytest.mark.parametrize("command", ["export -f ndjson", "export -f csv", "timeline", "timeline -f md"])
def test_closed_pipe_ends_quietly(big_store: Path, command: str) -> None:
    proc = subprocess.run(
        ["bash", "-o", "pipefail", "-c", f"'{PCDIP}' {command} --store '{big_store}' | head -1"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.stderr == ""
    assert proc.returncode == 0
    assert len(proc.stdout.splitlines()) == 1


def test_piped_output_has_no_escape_codes() -> None:
    for args in (("timeline",), ("country", "Fiji"), ("show", "2022-12-italy-ends-patrols"), ("themes",), ("countries",), ("--help",)):
        proc = run(*args, env={"FORCE_COLOR": "", "TERM": "xterm-256color"})
        assert proc.returncode == 0
        assert "\x1b" not in proc.stdout, args


def _tty(*args: str, env: dict[str, str]) -> str:
    """Run pcdip on a pseudo-terminal and return what it printed."""
    pid, fd = pty.fork()
    if pid == 0:  # pragma: no cover - child
        os.execve(PCDIP, [PCDIP, *args], {**os.environ, "TERM": "xterm-256color", "COLUMNS": "100", **env})
    chunks = []
    while True:
        try:
            data = os.read(fd, 65536)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    os.waitpid(pid, 0)
    return b"".join(chunks).decode("utf-8", "replace")


def test_terminal_gets_colour_and_no_color_is_honoured() -> None:
    coloured = _tty("timeline", env={})
    assert "\x1b[" in coloured and "Italy ends joint patrols with China" in coloured
    plain = _tty("timeline", env={"NO_COLOR": "1"})
    assert "Italy ends joint patrols with China" in plain
    assert "\x1b[3" not in plain and "\x1b[9" not in plain and "38;5;" not in plain  # no foreground colours


def test_single_command_fast_path_keeps_help_and_errors() -> None:
    from pcdip.cli import app, app_for

    assert [c.name or c.callback.__name__ for c in app_for(["timeline", "-n", "1"]).registered_commands] == ["timeline"]  # type: ignore[union-attr]
    assert app_for(["--help"]) is app and app_for([]) is app and app_for(["nonsense"]) is app
    top = run("--help")
    assert top.returncode == 0 and all(name in top.stdout for name in ("timeline", "country", "export", "import", "stats"))
    sub = run("timeline", "--help")
    assert sub.returncode == 0 and "--from" in sub.stdout and "Example" in sub.stdout
    wrong = run("timelime")
    assert wrong.returncode == 2 and "No such command" in wrong.stderr


# --- shell completion in a real bash ------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "completed"),
    [
        (["timeline", "-c", "Solom"], "Solomon Islands"),
        (["timeline", "-c", "United\\ K"], "United Kingdom"),
        (["timeline", "-c", "'United K"], "United Kingdom"),
        (["timeline", "--region", "Pacific\\ I"], "Pacific Islands"),
        (["country", "Papua"], "Papua New Guinea"),
    ],
)
def test_bash_completion_inserts_a_value_the_shell_reads_as_one_word(typed: list[str], completed: str, tmp_path: Path) -> None:
    """Source the script `--show-completion` prints, press Tab (call its function), put the reply
    in the command line as bash would, and run that line: the value arrives as one argument."""
    import shutil

    if shutil.which("bash") is None:
        pytest.skip("needs bash")
    env = {**os.environ, "SHELL": "/bin/bash", "PATH": f"{Path(PCDIP).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    env.pop("PCDIP_STORE", None)
    # The script `pcdip --show-completion` prints in bash (asked for without shell detection, which
    # depends on the processes this test runs under).
    script = subprocess.run([PCDIP], capture_output=True, text=True, env={**env, "_PCDIP_COMPLETE": "source_bash"}, timeout=60)
    assert script.returncode == 0 and "_pcdip_completion" in script.stdout
    import shlex

    words = " ".join(shlex.quote(w) for w in ["pcdip", *typed])  # COMP_WORDS holds the words as typed, quotes and all
    session = f"""
{script.stdout}
COMP_WORDS=({words})
COMP_CWORD={len(typed)}
_pcdip_completion pcdip
printf '%s\\n' "${{COMPREPLY[@]}}" > replies
line="pcdip {" ".join(typed[:-1])} ${{COMPREPLY[0]}}"
eval "set -- $line"
printf '%s\\0' "$@" > argv
eval "$line {"-n 1 " if typed[0] == "timeline" else ""}--format json" > answer
"""
    done = subprocess.run(["bash", "-c", session], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    replies = (tmp_path / "replies").read_text().splitlines()
    assert replies, "no completion offered"
    argv = (tmp_path / "argv").read_text().split("\0")[:-1]
    assert argv[-1] == completed, (replies, argv)  # one word, unescaped by the shell
    import json

    answer = json.loads((tmp_path / "answer").read_text())
    if typed[0] == "country":
        assert answer["country"]["name"] == completed
    else:
        assert isinstance(answer, list) and len(answer) == 1
