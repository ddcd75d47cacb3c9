"""The parts of Typer that pcdip relies on beyond its documented API, in one place.

Typer 0.29 builds its options as `typer.core.TyperOption` (attributes `opts`, `is_flag`,
`count`, `metavar`, `type_descriptor`) and raises its vendored Click's usage errors as
subclasses of the public `typer.TyperException` with `exit_code`, `ctx` and `format_message()`.
Its shell completion classes (`typer._completion_classes.BashComplete` and
`PowerShellComplete`, registered by name with its vendored Click's `add_completion_class` each
time the command is built) write each completion as it stands.
tests/test_cli.py::test_typer_internals_pcdip_relies_on checks each of these, so that an upgrade
of Typer that changes them fails one clear test instead of breaking help or error messages.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import typer
from typer.core import TyperArgument, TyperOption

Option: type = TyperOption
Argument: type = TyperArgument
TyperException: type[Exception] = typer.TyperException
Abort: type[Exception] = typer.Abort


def takes_int(option: Any) -> bool:
    return getattr(getattr(option, "type_descriptor", None), "annotation", None) is int


def hide_argument_type(argument: Any) -> None:
    """Typer's help prints an argument's Python type (`<list[str]>`) beside its name; the name and
    its help say what to give."""
    argument.display_type_rich = lambda ctx: None


def quote_completions(bash: Callable[[str], str], powershell: Callable[[str], str]) -> None:
    """Bash and PowerShell insert a completion as it stands, so `Solomon Islands` would become two
    words: register completion classes that quote each value (zsh and fish quote for themselves).
    Called after the command is built, which registers Typer's own classes."""
    from typer._click.shell_completion import CompletionItem, add_completion_class
    from typer._completion_classes import BashComplete, PowerShellComplete

    class QuotingBash(BashComplete):
        def format_completion(self, item: CompletionItem) -> str:
            return bash(str(item.value))

    class QuotingPowerShell(PowerShellComplete):
        def format_completion(self, item: CompletionItem) -> str:
            return str(super().format_completion(CompletionItem(powershell(str(item.value)), help=item.help)))

    add_completion_class(QuotingBash, "bash")
    add_completion_class(QuotingPowerShell, "powershell")
    add_completion_class(QuotingPowerShell, "pwsh")
