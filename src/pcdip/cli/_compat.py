"""The parts of Typer that pcdip relies on beyond its documented API, in one place.

Typer 0.29 builds its options as `typer.core.TyperOption` (attributes `opts`, `is_flag`,
`count`, `metavar`, `type_descriptor`) and raises its vendored Click's usage errors as
subclasses of the public `typer.TyperException` with `exit_code`, `ctx` and `format_message()`.
Its shell completion classes (`typer._completion_classes.BashComplete` and
`PowerShellComplete`, registered by name with its vendored Click's `add_completion_class` each
time the command is built) write each completion as it stands. Each parameter's
`get_runtime_param()` builds, on first use, the coercion its `process_value` applies
(`.coerce(value, param=, ctx=)`, with `type_descriptor.annotation` and `.parameter_info`), and
`typer._param_types.coerce_cli_path` checks a path as a `Path` option's coercion does.
tests/test_cli.py::test_typer_internals_pcdip_relies_on checks each of these, so that an upgrade
of Typer that changes them fails one clear test instead of breaking help or error messages.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
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


_DIGITS = re.compile(r"[+-]?[0-9]+")


def _plain_path(value: Any) -> bool:
    """A path that Pydantic would turn into `Path(value)` without a word."""
    if isinstance(value, Path):
        return True
    from ..query import encodable

    return type(value) is str and bool(value) and "\x00" not in value and encodable(value)


def coerce_plainly(param: Any) -> None:
    """Typer coerces every parameter's value through a Pydantic adapter, which it builds on first
    use; the first build imports Pydantic and costs a tenth of a second, more than the rest of a
    query answered from the index. For the values a command line gives pcdip's parameters (a str,
    digits for an int, a plain path), coerce as that adapter does, without building it; anything
    else still goes through Typer's own coercion. tests/test_cli.py holds the two together over
    every parameter of every command."""
    build = param.get_runtime_param
    if getattr(build, "plain", False):
        return
    descriptor = param.type_descriptor
    annotation, info = descriptor.annotation, descriptor.parameter_info
    if descriptor.file_annotation is not None or info.parser is not None:
        return

    def coerce(value: Any, param: Any, ctx: Any) -> Any:
        if value is None:
            return () if param.multiple or param.nargs == -1 else None
        if annotation is str and type(value) is str:
            return value
        if annotation == list[str] and isinstance(value, (list, tuple)) and all(type(v) is str for v in value):
            return list(value)
        if annotation is int and (type(value) is int or (type(value) is str and _DIGITS.fullmatch(value))):
            number = int(value)
            if (info.min is None or number >= info.min) and (info.max is None or number <= info.max):
                return number  # out of bounds: Typer's message (or its clamp)
        if annotation is Path and info.path_type is None and _plain_path(value):
            from typer._param_types import coerce_cli_path

            return coerce_cli_path(Path(value), info, path_type=Path, param=param, ctx=ctx)
        return build().coerce(value, param=param, ctx=ctx)

    class Plain:
        plain = True

        def __init__(self) -> None:
            self.coerce = coerce

    param.get_runtime_param = Plain


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
