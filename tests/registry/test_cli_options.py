"""Every `tne registry` subcommand takes `--json` and `--db` (with `TNE_DB_URL`), as issue 5
promises scripts; read from the command tree, so a new subcommand without them fails here."""

from __future__ import annotations

import typer

from tne.cli.registry import registry_app


def leaves(command, path: str = "registry"):
    """(path, command) for each subcommand that runs something (typer has its own click)."""
    if hasattr(command, "commands"):
        for name, child in command.commands.items():
            yield from leaves(child, f"{path} {name}")
    else:
        yield path, command


def test_every_subcommand_takes_json_and_db() -> None:
    found = dict(leaves(typer.main.get_command(registry_app)))
    assert {
        "registry init",
        "registry migrate",
        "registry status",
        "registry schools add",
        "registry schools list",
        "registry projects create",
        "registry projects link",
        "registry projects list",
        "registry groups add",
        "registry sessions record",
        *(
            f"registry {noun} {verb}"
            for noun in ("schools", "projects", "groups", "sessions", "equipment")
            for verb in ("list", "show", "edit", "delete")
            if (noun, verb) not in (("schools", "list"), ("projects", "list"))
            and (noun, verb) != ("equipment", "show")
        ),
    } <= set(found)
    for path, command in found.items():
        options = {opt: param for param in command.params for opt in param.opts}
        assert "--json" in options, path
        assert "--db" in options, path
        assert options["--db"].envvar == "TNE_DB_URL", path
