"""`tne workshop`: the trainer's table of boards, live in the terminal, and its labels.

The table is drawn with rich's `Live` from `device_bridge.workshop.Workshop.views()`; this module
only chooses the boards, reads keys (`keys.KeyReader`) and draws. Keys: r runs the file on every
board (read again at each press, so an edited file runs as saved), s stops every board, z resets
every board (and reconnects lost ones), b puts a simulated board in the rows whose board is
lost or stuck, q quits. Quitting prints a summary per board; the exit
code is 0 when every board ended well, 1 when a program raised, 3 when a board was lost or
stopped answering.
"""

from __future__ import annotations

import time
from pathlib import Path

import typer
from rich.console import Console, Group
from rich.live import Live
from rich.table import Table
from rich.text import Text

from device_bridge.errors import BridgeError
from device_bridge.workshop import RowView, Workshop, choose_boards
from tne.i18n import _, ngettext
from tne.os_errors import unreadable

from .keys import KeyReader
from .options import address_forms
from .output import say
from .runner import EXIT_OK, report, usage

workshop_app = typer.Typer(
    help=_("Workshop mode: a table of boards driven as one (labels, live table)."),
    invoke_without_command=True,
)

#: Lines of each board's output shown in its row.
SHOWN_LINES = 3
REFRESH = 0.25
#: A row's message (an error's last line) is cut to this length; the summary gives it whole.
MESSAGE_CHARS = 60
EXIT_BOARD_FAILED, EXIT_BOARD_LOST = 1, 3


@workshop_app.callback()
def workshop(
    context: typer.Context,
    file: Path | None = typer.Option(
        None, "--file", "-f", help=_("The Python file that the r key runs on every board.")
    ),
    device: str = typer.Option(
        "all",
        "--device",
        "-d",
        help=_(
            "The boards: all (default), or addresses separated by commas (label:R1,sim), "
            "each one of: {forms}."
        ).format(forms=address_forms()),
    ),
    ble: bool = typer.Option(
        False, "--ble", help=_("Also add the Bluetooth boards heard nearby (a few seconds).")
    ),
) -> None:
    if context.invoked_subcommand is not None:
        return
    try:
        boards = choose_boards(device, ble)
    except BridgeError as problem:
        raise typer.Exit(report(problem)) from None
    if file is not None and not file.is_file():
        raise typer.Exit(usage(_("The file '{path}' does not exist.").format(path=file)))
    raise typer.Exit(run_table(boards, file))


@workshop_app.command(
    "label",
    help=_(
        "Give every plugged board a label (R1, R2... or the names given) that it scrolls and "
        "keeps: then --device label:R1 names it."
    ),
)
def label(
    names: list[str] = typer.Argument(
        None, metavar=_("LABELS"), help=_("Labels to give, in the boards' order.")
    ),
    device: str = typer.Option(
        "all",
        "--device",
        "-d",
        help=_("The board to label: {forms}. Default: every board plugged in.").format(
            forms=address_forms()
        ),
    ),
    forget: bool = typer.Option(
        False, "--forget", help=_("Forget the labels (of every board, or of the --device one).")
    ),
) -> None:
    from .workshop_label import label_boards

    try:
        code = label_boards(list(names or []), device, forget)
    except BridgeError as problem:
        code = report(problem)
    raise typer.Exit(code)


# -- the live table ----------------------------------------------------------------------------


def run_table(boards: list[tuple[str, str]], file: Path | None) -> int:
    console = Console(stderr=True, highlight=False, emoji=False)
    note = ""
    from activities.registry.usage import record_workshop_run

    with Workshop(boards, on_run_end=record_workshop_run) as table, KeyReader() as keys:
        with Live(render(table.views(), file, note), console=console, auto_refresh=False) as live:
            try:
                while True:
                    key = keys.get(REFRESH).lower()
                    if key in ("q", "\x03", "\x1b"):
                        break
                    if key == "r":
                        note = _start(table, file)
                    elif key == "s":
                        table.stop()
                        note = _("Stop asked on every board.")
                    elif key == "z":
                        table.reset()
                        note = _("Reset asked on every board.")
                    elif key == "b":
                        switched = table.simulate_failed()
                        note = _("Rows switched to a simulated board: {count}.").format(
                            count=switched
                        )
                    table.changed.clear()
                    live.update(render(table.views(), file, note), refresh=True)
            except KeyboardInterrupt:
                pass
            note = _("Closing…")
            live.update(render(table.views(), file, note), refresh=True)
        views = table.views()
    return summary(views)


def _start(table: Workshop, file: Path | None) -> str:
    if file is None:
        return _("No file to run: start tne workshop --file FILE.py")
    try:
        code = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as problem:
        return _("Cannot read '{path}': {error}").format(path=file, error=unreadable(problem))
    table.run(code)
    return _("{file} started on every board at {time}.").format(
        file=file.name, time=time.strftime("%H:%M:%S")
    )


def render(views: list[RowView], file: Path | None, note: str) -> Group:
    """The table as people see it, with the keys under it."""
    table = Table(expand=True, show_lines=True)
    table.add_column(_("Board"), no_wrap=True)
    table.add_column(_("Port"), no_wrap=True, overflow="ellipsis", max_width=22)
    table.add_column(_("Firmware"), no_wrap=True)
    table.add_column(_("State"), max_width=28)
    table.add_column(_("LEDs"), no_wrap=True)
    table.add_column(_("Last lines"), ratio=1, overflow="fold")
    simulated = _("simulated")
    for view in views:
        table.add_row(
            Text(view.name, style="bold"),
            view.port,
            view.firmware + (f" ({simulated})" if view.simulated else ""),
            _state(view),
            small_leds(view.pixels),
            "\n".join(view.lines[-SHOWN_LINES:]),
        )
    keys = _(
        "r: run {file} · s: stop all · z: reset all · b: simulated board for the lost ones · "
        "q: quit"
    ).format(file=file.name if file else "-")
    # Keys and note above the table: with sixteen boards the table may be taller than the
    # terminal, and Live cuts what does not fit at the bottom.
    return Group(Text(keys, style="bold"), Text(note), table)


STATE_STYLES = {"ready": "green", "running": "cyan", "error": "red", "stuck": "bold red"}


def _state(view: RowView) -> Text:
    text = Text(view.state_text, style=STATE_STYLES.get(view.state, "yellow"))
    if view.message:
        message = view.message
        if len(message) > MESSAGE_CHARS:
            message = message[: MESSAGE_CHARS - 1] + "…"
        text.append("\n" + message, style="dim")
    return text


def small_leds(pixels: tuple[int, ...] | None) -> Text:
    """The 5x5 matrix in three lines of half blocks (two LED rows per text line)."""
    if pixels is None:
        return Text("  -  ")
    rows = [pixels[y * 5 : y * 5 + 5] for y in range(5)] + [(0,) * 5]
    lines = []
    for top, bottom in zip(rows[0::2], rows[1::2], strict=True):
        lines.append(
            "".join(
                {(True, True): "█", (True, False): "▀", (False, True): "▄"}.get((a > 0, b > 0), "·")
                for a, b in zip(top, bottom, strict=True)
            )
        )
    return Text("\n".join(lines), style="red")


def summary(views: list[RowView]) -> int:
    """The per-board summary printed on quitting, and the exit code."""
    code = EXIT_OK
    failed = sum(1 for view in views if view.failed)
    say(
        ngettext(
            "Workshop summary: {ok} board of {count} without trouble.",
            "Workshop summary: {ok} of {count} boards without trouble.",
            len(views) - failed,
        ).format(ok=len(views) - failed, count=len(views))
    )
    for view in views:
        say(
            _("  {name} ({port}): {state}; runs: {runs}, failed: {failures}{note}").format(
                name=view.name,
                port=view.port,
                state=view.state_text,
                runs=view.runs,
                failures=view.failures,
                note=f" — {view.message}" if view.message and view.failed else "",
            )
        )
        if view.state in ("lost", "stuck", "busy"):
            code = max(code, EXIT_BOARD_LOST)
        elif view.failed:
            code = max(code, EXIT_BOARD_FAILED)
    return code
