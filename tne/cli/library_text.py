"""typer's own words (help panels, usage line, type names, usage errors) from our catalogue.

typer carries its own copy of click, whose texts are fixed English, and looks up a few texts of
its own through the stdlib's global gettext: `typer.core` when it speaks, `typer.rich_utils` once,
when it is imported. Pointing the process-wide gettext domain and `LANGUAGE` at our catalogue
would reach only those, and every child process (Jupyter, pip, a browser) would inherit
`LANGUAGE`. So `localise` routes typer's lookups to `tne.i18n`; gives the texts that typer makes
itself (the help option, the usage line's prefix, type names, number ranges, default numbers) our
catalogue's words, by wrapping the few typer functions that make them (once: each wrapper is
marked `_tne`); and sets each command's metavars. `show_usage_error` words a usage error from the
exception's fields rather than from its English text. Importing this module changes nothing;
`tne.cli.app.main` calls `localise` once per run, and the help tests call it too.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import typer.core
from typer import _click
from typer._click.exceptions import (
    BadOptionUsage,
    BadParameter,
    ClickException,
    MissingParameter,
    NoArgsIsHelpError,
    NoSuchOption,
    UsageError,
)

from tne.i18n import _, ngettext, number

from .lazy_commands import LazyGroup
from .output import boxed, say


def N_(message: str) -> str:  # noqa: N802 (gettext's name for "mark for the catalogue only")
    return message


#: What `typer.core` looks up when it speaks; listed here so that they are in our catalogue.
TYPER_CORE_MESSAGES = (
    N_("Missing command."),
    N_("No such command {name!r}."),
    N_("(dynamic)"),
    N_("default: {default}"),
    N_("env var: {var}"),
    N_("required"),
    N_("Aborted!"),
)


def commands(root: _click.Command) -> Iterator[tuple[list[str], _click.Command]]:
    """Every command of the tree under `root` with its path of names after the program's
    (`[]` for the root, `["fs", "put"]`...), each group before its commands. Commands that a
    group builds on first use are built here."""
    stack: list[tuple[list[str], _click.Command]] = [([], root)]
    while stack:
        path, command = stack.pop(0)
        yield path, command
        if isinstance(command, typer.core.TyperGroup):
            context = _click.Context(command)
            for name in command.list_commands(context):
                child = command.get_command(context, name)
                if child is not None:
                    stack.append(([*path, name], child))


def localise(root: _click.Command) -> None:
    """Make typer speak the reader's language on the command tree under `root`, including
    the commands its groups build later, on first use."""
    _route_typer_lookups()
    _name_metavars(root)


def _name_metavars(root: _click.Command) -> None:
    """Our words for the usage line's placeholders, on the commands built so far; a group that
    builds commands on first use calls this again for each (see `lazy_commands`)."""
    stack = [root]
    while stack:
        command = stack.pop()
        command.options_metavar = _("[OPTIONS]")
        if isinstance(command, typer.core.TyperGroup):
            command.subcommand_metavar = _("COMMAND [ARGS]...")
        if isinstance(command, LazyGroup):
            command.on_load = _name_metavars
        stack.extend(getattr(command, "commands", {}).values())


def _route_typer_lookups() -> None:
    """typer's gettext lookups answer from our catalogue, and the texts it could not look up
    (they are fixed in its copy of click) come from our catalogue too. Idempotent."""
    typer.core._ = _  # type: ignore[attr-defined]
    typer.core.describe_number_range = _number_range  # type: ignore[attr-defined]
    if not getattr(typer.core._get_default_string, "_tne", False):
        typer.core._get_default_string = _default_in_our_words(typer.core._get_default_string)
    for kind in (typer.core.TyperCommand, typer.core.TyperGroup):
        if not getattr(kind.format_help, "_tne", False):
            kind.format_help = _help_with_rich_texts(kind.format_help)  # type: ignore[method-assign]
    _click.Context.formatter_class = _HelpFormatter
    if not getattr(_click.Command.get_help_option, "_tne", False):
        _click.Command.get_help_option = _help_option_in_our_words(_click.Command.get_help_option)
    if not getattr(typer.core._TyperParameter.display_type, "_tne", False):
        typer.core._TyperParameter.display_type = _type_in_our_words(
            typer.core._TyperParameter.display_type
        )


def _help_with_rich_texts(format_help: Any) -> Any:
    """`format_help`, with `typer.rich_utils` given our texts first. rich_utils reads them once,
    at its import, and importing it (rich's markdown and its parser) costs a tenth of a second
    that a command run without help need not pay."""

    def wrapped(self: _click.Command, ctx: _click.Context, formatter: Any) -> None:
        from typer import rich_utils

        for name, text in _rich_texts().items():
            setattr(rich_utils, name, text)
        format_help(self, ctx, formatter)

    wrapped._tne = True  # type: ignore[attr-defined]
    return wrapped


def _rich_texts() -> dict[str, str]:
    """The texts `typer.rich_utils` reads once at its import, by their names there."""
    return {
        "ARGUMENTS_PANEL_TITLE": _("Arguments"),
        "OPTIONS_PANEL_TITLE": _("Options"),
        "COMMANDS_PANEL_TITLE": _("Commands"),
        "ERRORS_PANEL_TITLE": _("Error"),
        "DEFAULT_STRING": _("[default: {}]"),
        "ENVVAR_STRING": _("[env var: {}]"),
        "REQUIRED_LONG_STRING": _("[required]"),
        "DEPRECATED_STRING": _("(deprecated) "),
        "ABORTED_TEXT": _("Aborted."),
        "RICH_HELP": _("Try [blue]'{command_path} {help_option}'[/] for help."),
    }


class _HelpFormatter(_click.HelpFormatter):
    """click's formatter with the usage line's prefix in our words."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, _("Usage:") + " " if prefix is None else prefix)


def _help_option_in_our_words(get_help_option: Any) -> Any:
    def wrapped(self: _click.Command, ctx: _click.Context) -> Any:
        option = get_help_option(self, ctx)
        if option is not None:
            option.help = _("Show this message and exit.")
        return option

    wrapped._tne = True  # type: ignore[attr-defined]
    return wrapped


def _type_in_our_words(display_type: Any) -> Any:
    """The type shown beside an option (`<float range>`) in our words; none for a flag, which
    takes no value."""

    def wrapped(self: typer.core._TyperParameter, ctx: _click.Context) -> str:
        if getattr(self, "is_flag", False):
            return ""
        label = display_type(self, ctx)
        inner = label.removeprefix("<").removesuffix(">")
        return f"<{_type_names().get(inner, inner)}>"

    wrapped._tne = True  # type: ignore[attr-defined]
    return wrapped


def _type_names() -> dict[str, str]:
    """typer's type labels (Python's type names, `float range`, path kinds) in our words."""
    return {
        "str": _("text"),
        "int": _("integer"),
        "int range": _("integer"),
        "float": _("number"),
        "float range": _("number"),
        "bool": _("yes or no"),
        "path": _("path"),
        "file": _("file"),
        "dir": _("folder"),
        "datetime": _("date"),
        "list[str]": _("text"),
        "list[Path]": _("path"),
    }


def _default_in_our_words(get_default_string: Any) -> Any:
    """A default value as the help shows it: numbers as the reader writes them (`10`, `0,5`)."""

    def wrapped(obj: Any, *, ctx: Any, show_default_is_str: bool, default_value: Any) -> str:
        is_number = isinstance(default_value, (int, float)) and not isinstance(default_value, bool)
        if is_number and not show_default_is_str:
            return number(default_value)
        return get_default_string(
            obj, ctx=ctx, show_default_is_str=show_default_is_str, default_value=default_value
        )

    wrapped._tne = True  # type: ignore[attr-defined]
    return wrapped


def _number_range(low: float | None, high: float | None) -> str | None:
    """An option's allowed numbers, as the help shows them (`[au moins 0,1]`)."""
    if low is None and high is None:
        return None
    if high is None:
        return _("at least {limit}").format(limit=number(low))
    if low is None:
        return _("at most {limit}").format(limit=number(high))
    return _("from {low} to {high}").format(low=number(low), high=number(high))


# -- usage errors ----------------------------------------------------------------------------


def show_usage_error(problem: ClickException) -> int:
    """Say what was wrong with the command line, in the reader's words, and give the exit code.
    The usage line and where to find help come first, as typer shows them."""
    if isinstance(problem, NoArgsIsHelpError):
        return problem.exit_code  # its help page is the whole answer, already shown
    ctx: _click.Context | None = getattr(problem, "ctx", None)
    if ctx is not None:
        say(ctx.get_usage())
        if ctx.command.get_help_option(ctx) is not None:
            say(
                _("Try '{command} {option}' for help.").format(
                    command=ctx.command_path, option=ctx.help_option_names[0]
                )
            )
    boxed(explain(problem), _("Error"))
    return problem.exit_code


def explain(problem: ClickException) -> str:
    """One usage error in the reader's words, from the exception's fields."""
    if isinstance(problem, NoSuchOption):
        return _no_such_option(problem)
    if isinstance(problem, MissingParameter):
        name = _parameter_name(problem)
        if problem.param is not None and problem.param.param_type_name == "option":
            return _("Missing option {name}.").format(name=name)
        return _("Missing argument {name}.").format(name=name)
    if isinstance(problem, BadParameter):
        reason = _bad_value(problem)
        return _("Invalid value for {name}: {reason}").format(
            name=_parameter_name(problem), reason=reason
        )
    if isinstance(problem, BadOptionUsage):
        return _bad_option_usage(problem)
    if isinstance(problem, UsageError):
        extra = re.fullmatch(r"Got unexpected extra argument(?:s|\(s\))? \((.*)\)", problem.message)
        if extra:
            words = extra[1].split()
            return ngettext(
                "Unexpected extra argument: {arguments}.",
                "Unexpected extra arguments: {arguments}.",
                len(words),
            ).format(arguments=" ".join(words))
    return problem.format_message()


def _no_such_option(problem: NoSuchOption) -> str:
    text = _("No such option: {option}.").format(option=problem.option_name)
    if problem.possibilities:
        nearest = ", ".join(sorted(problem.possibilities))
        text += " " + ngettext(
            "The nearest one: {options}.",
            "The nearest ones: {options}.",
            len(problem.possibilities),
        ).format(options=nearest)
    return text


def _bad_option_usage(problem: BadOptionUsage) -> str:
    option = problem.option_name
    if "does not take a value" in problem.message:
        return _("The option {option} takes no value.").format(option=option)
    needs = re.search(r"requires (an|\d+) arguments?", problem.message)
    if needs:
        count = 1 if needs[1] == "an" else int(needs[1])
        return ngettext(
            "The option {option} needs a value.",
            "The option {option} needs {count} values.",
            count,
        ).format(option=option, count=count)
    return problem.format_message()


def _parameter_name(problem: BadParameter) -> str:
    """How the command line names the parameter: `--timeout`, or an argument's name."""
    param = problem.param
    if param is None:
        return str(problem.param_hint or "")
    if param.param_type_name == "option":
        longest = sorted(param.opts, key=len)[-1] if param.opts else param.name
        return str(longest)
    return str(param.metavar or param.name or "")


def _bad_value(problem: BadParameter) -> str:
    """Why a value was refused: pydantic's error kind, in our words (typer checks values with
    pydantic); a message of our own code passes unchanged."""
    cause = problem.__cause__
    errors = getattr(cause, "errors", None)
    if not callable(errors):
        return problem.message
    found = errors()
    if not found:
        return problem.message
    first = found[0]
    kind, value, limits = first.get("type", ""), first.get("input", ""), first.get("ctx") or {}
    if kind in ("int_parsing", "int_from_float"):
        return _("'{value}' is not a whole number.").format(value=value)
    if kind == "float_parsing":
        return _("'{value}' is not a number.").format(value=value)
    if kind == "bool_parsing":
        return _("'{value}' is neither yes nor no.").format(value=value)
    bounds = {
        "greater_than_equal": (_("at least {limit}"), "ge"),
        "greater_than": (_("more than {limit}"), "gt"),
        "less_than_equal": (_("at most {limit}"), "le"),
        "less_than": (_("less than {limit}"), "lt"),
    }
    if kind in bounds:
        text, key = bounds[kind]
        wanted = text.format(limit=number(limits.get(key, 0)))
        return _("'{value}' is out of range ({wanted}).").format(value=value, wanted=wanted)
    return _("'{value}' is not accepted here.").format(value=value)
