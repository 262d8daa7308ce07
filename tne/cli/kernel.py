"""`tne kernel install`: register the micro:bit kernels with Jupyter."""

from __future__ import annotations

import sys

import typer

from tne.i18n import _
from tne.os_errors import os_error_text

from .output import say

kernel_app = typer.Typer(help=_("The Jupyter kernels of the micro:bit."), no_args_is_help=True)


@kernel_app.command(help=_("Install the two micro:bit kernels (board and simulator) for Jupyter."))
def install(
    user: bool = typer.Option(False, "--user", help=_("For the current user only.")),
    sys_prefix: bool = typer.Option(
        False, "--sys-prefix", help=_("In this Python environment (a virtualenv or conda).")
    ),
    prefix: str = typer.Option("", "--prefix", help=_("Under this folder (for packagers).")),
) -> None:
    from kernels.microbit.install import install as install_specs

    if sum((user, sys_prefix, bool(prefix))) > 1:
        say(_("Choose one of --user, --sys-prefix and --prefix."))
        raise typer.Exit(2)
    chosen = sys.prefix if sys_prefix else (prefix or None)
    try:
        installed = install_specs(user=user, prefix=chosen)
    except OSError as error:
        say(
            _(
                "Could not install the kernels ({error}). Try again with --user, or as an "
                "administrator."
            ).format(error=os_error_text(error))
        )
        raise typer.Exit(3) from error
    for name, folder in installed:
        say(_("Kernel {name} installed in {folder}.").format(name=name, folder=folder))
