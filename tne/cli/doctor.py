"""`tne doctor`: what works on this computer and, for what does not, the fix (in French).

One line per check, the fix indented under it; `--json` gives the same list for scripts. The
checks themselves live in tne/doctor.py. Exit code 0 when nothing blocks the main job, 1 when a
check failed (a warning does not change it), 2 for a bad option.
"""

from __future__ import annotations

import json

import typer

from tne.i18n import _

from .options import address_forms
from .runner import EXIT_OK

EXIT_FAILED = 1


def _marks() -> dict[str, str]:
    return {
        "ok": _("[ok]"),
        "info": _("[info]"),
        "warning": _("[warning]"),
        "failure": _("[FAILURE]"),
    }


def doctor_command(
    device: str | None = typer.Option(
        None,
        "--device",
        "-d",
        help=_("Query this board: {forms}. Default: the boards plugged in.").format(
            forms=address_forms()
        ),
    ),
    as_json: bool = typer.Option(False, "--json", help=_("Print a JSON array for scripts.")),
) -> None:
    from device_bridge.address import parse_address
    from device_bridge.errors import UsageError
    from tne.doctor import FAILURE, run_checks

    addresses = ports = None
    if device:
        try:
            address = parse_address(device)
        except UsageError as problem:
            typer.echo(problem.message, err=True)
            raise typer.Exit(2) from None
        addresses = [device]
        ports = [address.target] if address.kind == "serial" and "://" not in address.target else []
    checks = run_checks(addresses, ports)
    if as_json:
        print(json.dumps([check.to_json() for check in checks], ensure_ascii=False, indent=2))
    else:
        marks = _marks()
        for check in checks:
            print(f"{marks[check.status]} {check.message}")
            if check.fix and check.status != "ok":
                print(f"    → {check.fix}")
    failed = any(check.status == FAILURE for check in checks)
    raise typer.Exit(EXIT_FAILED if failed else EXIT_OK)
