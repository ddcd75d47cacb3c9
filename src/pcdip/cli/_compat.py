"""The parts of Typer that pcdip relies on beyond its documented API, in one place.

Typer 0.29 builds its options as `typer.core.TyperOption` (attributes `opts`, `is_flag`,
`count`, `metavar`, `type_descriptor`) and raises its vendored Click's usage errors as
subclasses of the public `typer.TyperException` with `exit_code`, `ctx` and `format_message()`.
tests/test_cli.py::test_typer_internals_pcdip_relies_on checks each of these, so that an upgrade
of Typer that changes them fails one clear test instead of breaking help or error messages.
"""

from __future__ import annotations

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
