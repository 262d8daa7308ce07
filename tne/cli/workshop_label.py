"""`tne workshop label`: give each plugged board a lasting label and make it scroll it.

Built on what `tne devices --identify` does (each board scrolls its name), with the names kept
(`device_bridge.labels`): the trainer sticks « R7 » on the robot that scrolls R7, and from then
on `--device label:R7` and every listing call that board R7, whichever port it is plugged into.
"""

from __future__ import annotations

import threading

from device_bridge import Board
from device_bridge.discovery import FoundDevice, find_devices, resolve_all, resolve_label
from device_bridge.errors import BoardError, BridgeError, UsageError
from device_bridge.labels import assign, labels_path, next_free, read_labels, save_labels
from tne.i18n import _, ngettext

from .output import error, say
from .runner import EXIT_OK, report

EXIT_FAILED = 1


def scroll_name(board: Board, name: str, label: str) -> bool:
    """Make a micro:bit scroll `name` until its next program, and say so; False (and said)
    for a board without a display. Asked of the board itself (its `microbit` module), not
    guessed from its profile: a simulated micro:bit may report another platform."""
    try:
        board.exec(f"from microbit import display\ndisplay.scroll({name!r}, wait=False, loop=True)")
    except BoardError as problem:
        if problem.exception_name != "ImportError":
            raise
        say(_("{label} has no display to show its name.").format(label=label))
        return False
    say(_("{label} scrolls '{name}'.").format(label=label, name=name))
    return True


def label_boards(names: list[str], device: str, forget: bool) -> int:
    """Label the boards `device` names (`all` by default), in order, with `names` first and
    then R1, R2... (a board that already has a label keeps it unless a name is given). Returns
    the exit code."""
    labels = read_labels()  # a damaged file stops here, untouched
    devices = _chosen(device)
    if forget:
        return _forget(labels, devices, device)
    if len(names) > len(devices):
        raise UsageError(
            ngettext(
                "{names} labels given for {count} board found.",
                "{names} labels given for {count} boards found.",
                len(devices),
            ).format(names=len(names), count=len(devices))
        )
    chosen: list[tuple[FoundDevice, str]] = []
    given = list(names)
    code = EXIT_OK
    for device in devices:
        if not device.identity:
            error(
                _(
                    "{label}: this board gives no serial number, so no label can stay with it. "
                    "Name it by its port instead."
                ).format(label=device.label)
            )
            code = EXIT_FAILED
            continue
        if given:
            name = given.pop(0)
        elif device.name:
            name = device.name
        else:
            name = next_free(labels, {other for _device, other in chosen})
        labels = assign(labels, device.identity, name)
        chosen.append((device, labels[device.identity]))
    path = save_labels(labels)
    say(_("Labels saved in {path}.").format(path=path))
    return max(code, _scroll_all(chosen))


def _chosen(device: str) -> list[FoundDevice]:
    """The boards to label: every board (`all`), one by its label, or one by its address."""
    text = device.strip()
    if text.lower() in ("", "all", "auto"):
        return resolve_all()  # a busy board is labelled too; it says so when it cannot scroll
    if text.lower().startswith("label:"):
        return [resolve_label(text.split(":", 1)[1])]
    from device_bridge import parse_address
    from device_bridge.discovery import identity_of, named

    wanted = str(parse_address(text))
    for found in find_devices():
        if found.address == wanted:
            return [found]
    return [named(FoundDevice(wanted, "unknown", wanted, "", busy=False), identity_of(wanted))]


def _forget(labels: dict[str, str], devices: list[FoundDevice], device: str) -> int:
    if device.strip().lower() in ("", "all", "auto"):
        forgotten = dict(labels)
        labels = {}
    else:
        forgotten = {d.identity: labels[d.identity] for d in devices if d.identity in labels}
        labels = {key: value for key, value in labels.items() if key not in forgotten}
    save_labels(labels)
    say(_("Labels forgotten: {names}.").format(names=", ".join(sorted(forgotten.values())) or "-"))
    say(_("Labels saved in {path}.").format(path=labels_path()))
    return EXIT_OK


def _scroll_all(chosen: list[tuple[FoundDevice, str]]) -> int:
    """Every labelled board scrolls its label, all at once (a slow board does not hold the
    others back)."""
    codes: dict[str, int] = {}

    def show(device: FoundDevice, name: str) -> None:
        shown = f"{name} · {device.label.split(' · ', 1)[-1]}"
        try:
            with Board.connect(device.address) as board:
                scroll_name(board, name, shown)
            codes[device.address] = EXIT_OK
        except BridgeError as problem:
            codes[device.address] = report(problem, f"[{name}] ")

    threads = [
        threading.Thread(target=show, args=pair, daemon=True, name=pair[1]) for pair in chosen
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30.0)
    for device, name in chosen:
        if device.address not in codes:
            error(_("The board did not answer in time."), f"[{name}] ")
            codes[device.address] = 3
    return max(codes.values(), default=EXIT_OK)
