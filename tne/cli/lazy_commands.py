"""A command group that imports a command's module only when that command is asked for.

`tne exec` and `tne fs put` are run again and again, on a laptop that starts Python each time;
the registry, the classroom, the activities, the workshop and the guide's site pulled in
SQLAlchemy-shaped modules, rich's markdown and nbgrader's helpers that those commands never use,
about half of the process's start-up. Click looks commands up by name (`get_command`) and lists
them only for help and completion (`list_commands`), so a group that knows the heavy commands by
name, and how to build each, can import a module at the moment click asks for it. The help
screens still show every command: listing them builds them all, which help can afford.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, ClassVar, TypeVar

import typer
from typer import _click
from typer.core import TyperGroup
from typer.main import get_command, get_group

#: Builds one command when it is first asked for.
Loader = Callable[[], _click.Command]
F = TypeVar("F", bound=Callable[..., Any])


class LazyGroup(TyperGroup):
    """typer's group, plus commands built on first use from `loaders` (set by a subclass).

    `on_load` is called with each command built that way (the CLI names its metavars in the
    reader's language there, as it did for the commands built at start)."""

    loaders: ClassVar[dict[str, Loader]] = {}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.on_load: Callable[[_click.Command], None] | None = None

    def list_commands(self, ctx: _click.Context) -> list[str]:
        built = super().list_commands(ctx)
        return [*built, *(name for name in self.loaders if name not in self.commands)]

    def get_command(self, ctx: _click.Context, cmd_name: str) -> _click.Command | None:
        found = super().get_command(ctx, cmd_name)
        if found is not None or cmd_name not in self.loaders:
            return found
        command = self.loaders[cmd_name]()
        command.name = cmd_name
        self.add_command(command, cmd_name)
        if self.on_load is not None:
            self.on_load(command)
        return command


def group_of(app: typer.Typer) -> _click.Command:
    """A typer application as the group `add_typer` would have made of it (a group even with
    one command, and without the shell-completion options of a program of its own)."""
    return get_group(app)


def single_command(name: str, function: Callable[..., Any], **settings: Any) -> _click.Command:
    """One function as the click command typer would have made of `app.command(name)`."""
    holder = typer.Typer(add_completion=False)
    holder.command(name, **settings)(function)
    return get_command(holder)


def lazy_command(loaders: dict[str, Loader], name: str, **settings: Any) -> Callable[[F], F]:
    """`app.command(name, **settings)` for a `LazyGroup` whose `loaders` are `loaders`: typer
    reads the function's options (signatures, annotations, defaults) only when the command is
    asked for, which is a tenth of a second saved on every other command."""

    def register(function: F) -> F:
        loaders[name] = functools.partial(single_command, name, function, **settings)
        return function

    return register
