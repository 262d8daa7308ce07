"""The micro:bit kernel as JupyterLab drives it (jupyter_client, a real kernel process), on the
real micro:bit V1 MicroPython firmware in QEMU, found through TNE_DEVICE."""

from __future__ import annotations

import time
from datetime import timedelta
from pathlib import Path

from tests.helpers import qemu
from tests.helpers.kernel import KernelSession, message_time
from tests.helpers.link import CuttableLink


def test_cell_output_streams_as_the_board_prints(qemu_kernel: KernelSession) -> None:
    run = qemu_kernel.run(
        "from microbit import sleep\n"
        "for i in range(3):\n    print('tour', i)\n    sleep(600)\n'fin'"
    )
    assert run.status == "ok"
    assert run.stream() == "tour 0\ntour 1\ntour 2\n"
    assert run.result == "'fin'"
    streams = [m for m in run.messages if m["msg_type"] == "stream"]
    # The first line reached the notebook while the board was still sleeping.
    assert run.reply["date"] - message_time(streams[0]) > timedelta(seconds=1.2)


def test_stop_ends_a_while_true_loop_and_the_kernel_goes_on(qemu_kernel: KernelSession) -> None:
    msg_id = qemu_kernel.send("n = 0\nwhile True:\n    n += 1")
    time.sleep(1)
    info, seconds = qemu_kernel.control_kernel_info()
    assert info["implementation"] == "tne-microbit" and seconds < 5
    qemu_kernel.stop()
    run = qemu_kernel.collect(msg_id, timeout=20)
    assert run.reply["ename"] == "KeyboardInterrupt"
    if "arrêtée de force" in run.traceback:
        # The emulated UART lost the Ctrl-C (it drops bytes when the host is starved of CPU):
        # the escalation stopped the board instead, and the kernel goes on all the same.
        assert qemu_kernel.run("print('encore')").stream() == "encore\n"
        return
    # (Ctrl-C lands on the loop's line or on its body's, as the interpreter's check falls.)
    assert "Cellule, ligne 2" in run.traceback or "Cellule, ligne 3" in run.traceback
    assert "arrêté avant sa fin\u00a0: par le bouton ■ ou Ctrl-C" in run.traceback
    assert qemu_kernel.run("n > 0").result == "True"


def test_a_hung_board_leaves_the_kernel_responsive_and_a_fresh_board_works(
    qemu_kernel: KernelSession,
) -> None:
    # temperature() blocks for ever on the emulated micro:bit, and ignores Ctrl-C.
    msg_id = qemu_kernel.send("from microbit import temperature\ntemperature()")
    time.sleep(1.5)
    info, seconds = qemu_kernel.control_kernel_info()
    assert info["status"] == "ok" and seconds < 5
    qemu_kernel.stop()
    run = qemu_kernel.collect(msg_id, timeout=60)
    assert run.status == "error"
    assert "La carte ne répond plus" in run.traceback or "arrêtée de force" in run.traceback
    info, seconds = qemu_kernel.control_kernel_info()
    assert seconds < 5
    with qemu.QemuMicrobit("pty") as fresh:
        run = qemu_kernel.run(f"%connect {fresh.address}\nprint(6 * 7)", timeout=60)
        assert run.status == "ok", run.traceback
        assert run.stream().endswith("42\n")


def test_restart_soft_reboots_the_board(qemu_kernel: KernelSession) -> None:
    assert qemu_kernel.run("secret = 42").status == "ok"
    qemu_kernel.restart()
    run = qemu_kernel.run("secret", timeout=60)
    assert run.reply["ename"] == "NameError"
    assert qemu_kernel.run("1 + 1").result == "2"


def test_beginner_errors_on_the_firmware_have_cell_lines_and_french_hints(
    qemu_kernel: KernelSession,
) -> None:
    # (The firmware's REPL imports microbit's names by itself; radio needs an import.)
    run = qemu_kernel.run("%ls\nx = 1\nradio.on()")
    assert run.reply["ename"] == "NameError"
    assert "Cellule, ligne 3" in run.traceback and "    radio.on()" in run.traceback
    assert "import radio" in run.traceback
    run = qemu_kernel.run("x = 1\n  y = 2")
    assert run.reply["ename"] == "IndentationError"
    assert "Cellule, ligne 2" in run.traceback and "4 espaces" in run.traceback
    run = qemu_kernel.run("if x:\nprint(x)")
    assert run.reply["ename"] == "SyntaxError" and "4 espaces" in run.traceback
    run = qemu_kernel.run("n = 3\nprint('score : ' + n)")
    assert run.reply["ename"] == "TypeError" and "str(nombre)" in run.traceback
    run = qemu_kernel.run("\n\ntexte = 'a' * 20000")
    assert run.reply["ename"] == "MemoryError"
    assert "Cellule, ligne 3" in run.traceback
    assert "16 Ko" in run.traceback.replace("\u00a0", " ")  # (a no-break space in French)
    assert qemu_kernel.run("print('toujours là')").stream() == "toujours là\n"


def test_file_magics_round_trip_on_the_v1_firmware(
    qemu_kernel: KernelSession, tmp_path: Path
) -> None:
    local = tmp_path / "outils.py"
    local.write_text("def double(n):\n    return 2 * n\n# é\n", encoding="utf-8")
    assert qemu_kernel.run(f"%put {local}", timeout=60).status == "ok"
    assert "outils.py" in qemu_kernel.run("%ls").stream()
    assert qemu_kernel.run("from outils import double\ndouble(21)").result == "42"
    back = tmp_path / "copie.py"
    assert qemu_kernel.run(f"%get outils.py {back}", timeout=60).status == "ok"
    assert back.read_bytes() == local.read_bytes()
    assert qemu_kernel.run("%save bonjour.py\nprint('bonjour')", timeout=60).status == "ok"
    assert qemu_kernel.run("import bonjour").stream() == "bonjour\n"
    assert qemu_kernel.run("%rm outils.py\n%rm bonjour.py").status == "ok"
    listing = qemu_kernel.run("%ls").stream()
    assert "outils.py" not in listing and "bonjour.py" not in listing
    run = qemu_kernel.run("%get absent.py")
    assert run.status == "error" and "absent.py" in run.traceback


def test_completion_uses_the_firmwares_names(qemu_kernel: KernelSession) -> None:
    qemu_kernel.run("import microbit\nniveau_max = 9")
    client = qemu_kernel.client
    assert client.complete("niveau_", 7, reply=True, timeout=10)["content"]["matches"] == [
        "niveau_max"
    ]
    matches = client.complete("microbit.disp", 13, reply=True, timeout=10)["content"]["matches"]
    assert matches == ["display"]
    reply = client.inspect("niveau_max", 2, reply=True, timeout=10)["content"]
    assert reply["found"] and "9" in reply["data"]["text/plain"]


def test_a_pulled_cable_is_reported_in_french_and_the_kernel_stays(
    qemu_microbit: qemu.QemuMicrobit, start_kernel
) -> None:
    with CuttableLink(qemu_microbit.address) as cable:
        kernel = start_kernel(cable.address)
        assert kernel.run("print('branché')", timeout=60).stream() == "branché\n"
        msg_id = kernel.send(
            "from microbit import sleep\nwhile True:\n    print('x')\n    sleep(100)"
        )
        kernel.first_output(msg_id)
        cable.cut()
        run = kernel.collect(msg_id, timeout=30)
        assert run.status == "error"
        assert "Rebranche la carte" in run.traceback
        info, _seconds = kernel.control_kernel_info()
        assert info["status"] == "ok"
        run = kernel.run("print(1)", timeout=30)
        assert "Aucune carte n'est connectée" in run.traceback


def test_reset_and_flash_magics_on_the_firmware(qemu_kernel: KernelSession, tmp_path: Path) -> None:
    assert qemu_kernel.run("avant = 1", timeout=60).status == "ok"
    assert "La carte a redémarré" in qemu_kernel.run("%reset").stream()
    assert qemu_kernel.run("avant").reply["ename"] == "NameError"
    assert qemu_kernel.run("%reset hard", timeout=60).status == "ok"
    assert qemu_kernel.run("print('revenue')").stream() == "revenue\n"
    run = qemu_kernel.run("%flash")  # no MICROBIT drive on this machine
    assert run.status == "error" and "Lecteurs MICROBIT trouvés : 0" in run.traceback
    run = qemu_kernel.run(f"%flash {tmp_path}")  # a folder that is not a micro:bit drive
    assert run.status == "error" and str(tmp_path) in run.traceback
    assert qemu_kernel.run("print('intacte')").stream() == "intacte\n"
