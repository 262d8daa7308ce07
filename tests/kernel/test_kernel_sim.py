"""The micro:bit kernel as JupyterLab drives it (jupyter_client, a real kernel process), on
the simulated micro:bit: execution, streaming, Stop, restart, errors, magics, completion."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.helpers.kernel import KernelSession, message_time


def test_cell_prints_and_shows_its_last_value(sim_kernel: KernelSession) -> None:
    run = sim_kernel.run("print('bonjour')\n6 * 7")
    assert run.status == "ok"
    assert run.stream("stdout") == "bonjour\n"
    assert run.result == "42"
    kinds = [m["msg_type"] for m in run.messages if m["msg_type"] != "display_data"]
    assert kinds[-2:] == ["stream", "execute_result"]  # printed text first, as the REPL shows


def test_a_value_of_none_is_not_shown_and_globals_stay_between_cells(
    sim_kernel: KernelSession,
) -> None:
    assert sim_kernel.run("total = 40\nNone").result is None
    run = sim_kernel.run("total + 2  # un commentaire")
    assert run.result == "42"
    # MicroPython's repr escapes what is not ASCII, as the firmware does (CPython would not).
    assert sim_kernel.run("'é' * 2").result == "'\\xe9\\xe9'"


def test_execution_counts_follow_the_cells(sim_kernel: KernelSession) -> None:
    first = sim_kernel.run("1")
    second = sim_kernel.run("%%host\n2")
    third = sim_kernel.run("3")
    assert second.reply["execution_count"] == first.reply["execution_count"] + 1
    assert third.reply["execution_count"] == second.reply["execution_count"] + 1


def test_output_streams_before_the_cell_ends_and_stop_ends_a_while_true_loop(
    sim_kernel: KernelSession,
) -> None:
    msg_id = sim_kernel.send("i = 0\nwhile True:\n    print(i)\n    i += 1")
    first = sim_kernel.first_output(msg_id, name="stdout")  # (after a warning: no sleep)
    assert first["content"]["text"].startswith("0\n")
    sim_kernel.stop()
    run = sim_kernel.collect(msg_id)
    assert run.status == "error"
    assert run.reply["ename"] == "KeyboardInterrupt"
    assert "arrêté avant sa fin\u00a0: par le bouton ■ ou Ctrl-C" in run.traceback
    assert message_time(first) < run.reply["date"]
    assert sim_kernel.run("print(i > 0)").stream() == "True\n"


def test_the_simulated_board_keeps_real_time_for_the_pupil(start_kernel) -> None:
    """In a notebook, `sleep(1000)` on the simulated micro:bit takes a second, as on the board."""
    pupil = start_kernel("sim")
    started = time.monotonic()
    run = pupil.run("t = running_time()\nsleep(1000)\nprint(running_time() - t >= 1000)")
    assert run.stream() == "True\n"
    assert time.monotonic() - started >= 0.9


def test_the_grading_kernel_does_not_wait_for_sleeps(sim_kernel: KernelSession) -> None:
    started = time.monotonic()
    run = sim_kernel.run("t = running_time()\nsleep(30000)\nprint(running_time() - t >= 30000)")
    assert run.stream() == "True\n"
    assert time.monotonic() - started < 15


def test_stop_on_a_silent_loop_and_the_kernel_answers_during_it(
    sim_kernel: KernelSession,
) -> None:
    msg_id = sim_kernel.send("while True:\n    pass")
    time.sleep(0.5)
    info, seconds = sim_kernel.control_kernel_info()
    assert info["implementation"] == "tne-microbit"
    assert seconds < 5
    sim_kernel.stop()
    run = sim_kernel.collect(msg_id, timeout=15)
    assert run.reply["ename"] == "KeyboardInterrupt"


def test_errors_point_at_the_cells_own_lines_with_a_french_hint(
    sim_kernel: KernelSession,
) -> None:
    # `display` needs no import at the board's prompt (it starts with `from microbit import *`
    # done), but `music` does.
    run = sim_kernel.run("%ls\n\nx = 440\nmusic.pitch(x)")
    assert run.status == "error"
    assert run.reply["ename"] == "NameError"
    assert "Cellule, ligne 4" in run.traceback
    assert "    music.pitch(x)" in run.traceback
    assert "import music" in run.traceback
    run = sim_kernel.run("radio.on()")
    assert "import radio" in run.traceback
    run = sim_kernel.run("# essai\nprint(vitesse)")
    assert "Cellule, ligne 2" in run.traceback
    assert "Vérifie l'orthographe" in run.traceback


def test_indentation_and_type_errors_have_hints(sim_kernel: KernelSession) -> None:
    run = sim_kernel.run("if True:\nprint(1)")
    assert run.reply["ename"] == "SyntaxError"  # as MicroPython says it
    assert "4 espaces" in run.traceback
    run = sim_kernel.run("x = 1\n  y = 2")
    # The V1 firmware says IndentationError (tests/kernel/test_kernel_qemu.py); the simulator
    # says SyntaxError: the hint is the same.
    assert run.reply["ename"] in ("IndentationError", "SyntaxError")
    assert "Cellule, ligne 2" in run.traceback
    assert "4 espaces" in run.traceback
    run = sim_kernel.run("n = 3\nprint('score : ' + n)")
    assert run.reply["ename"] == "TypeError"
    assert "Cellule, ligne 2" in run.traceback
    assert "str(nombre)" in run.traceback


def test_a_magic_below_code_is_explained(sim_kernel: KernelSession) -> None:
    run = sim_kernel.run("x = 1\n%ls")
    assert run.reply["ename"] == "SyntaxError"
    assert "en haut de la cellule" in run.traceback


def test_host_cells_run_in_the_host_python_not_on_the_board(sim_kernel: KernelSession) -> None:
    run = sim_kernel.run("%%host\nimport sys\nhote = 6 * 7\nprint(sys.implementation.name)\nhote")
    assert run.status == "ok"
    assert run.stream() == "cpython\n"
    assert run.result == "42"
    assert sim_kernel.run("hote").reply["ename"] == "NameError"


def test_host_cells_read_the_boards_values_with_board_eval(sim_kernel: KernelSession) -> None:
    assert sim_kernel.run("mesures = [3, 1, 2]").status == "ok"
    run = sim_kernel.run("%%host\nvaleurs = board_eval('mesures')\nsorted(valeurs)")
    assert run.result == "[1, 2, 3]"
    run = sim_kernel.run("%%host\nboard_eval('absente')")
    assert run.status == "error" and run.reply["ename"] == "BoardError"
    assert "absente" in run.reply["evalue"]


def test_magic_help_is_in_french(sim_kernel: KernelSession) -> None:
    listing = sim_kernel.run("%lsmagic").stream()
    for name in ("%connect", "%devices", "%put", "%get", "%ls", "%rm", "%save", "%reset"):
        assert name in listing
    assert "%flash" in listing and "%sim" in listing and "%%host" in listing
    assert "Commandes magiques" in listing
    assert "Choisit la carte" in sim_kernel.run("%connect?").stream()
    assert sim_kernel.run("%connect").stream().startswith("Connecté à micro:bit")
    assert "Copie un fichier" in sim_kernel.run("%help put").stream()


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("%frobnicate", "Commande magique %frobnicate inconnue"),
        ("%%bash\nls", "Commande magique %%bash inconnue"),
        ("%ls\n%%host\nx = 1", "%%host doit être la première ligne de la cellule"),
        ("%connect sim sim@v1", "Utilisation : %connect [ADRESSE]"),
        ("%connect nulle-part", "Adresse de carte inconnue"),
        ("%put /pas/de/fichier.py", "Impossible de lire le fichier"),
        ("%rm absent.py", "absent.py"),
        ("%reset tiede", "Utilisation : %reset"),
        ("%sim --seed abc", "« abc » n'est pas un nombre"),
        ("%sim --speed 0", "La vitesse doit être supérieure à 0"),
        ("%flash", "Inutile d'installer MicroPython"),
        ("%put 'guillemet", "Il manque un guillemet"),
    ],
)
def test_bad_magics_get_a_french_error_and_change_nothing(
    sim_kernel: KernelSession, cell: str, message: str
) -> None:
    sim_kernel.run("gardee = 'oui'")
    run = sim_kernel.run(cell)
    assert run.status == "error"
    assert message in run.traceback
    assert sim_kernel.run("gardee").result == "'oui'"


def test_files_round_trip_with_put_ls_get_save_rm(
    sim_kernel: KernelSession, tmp_path: Path
) -> None:
    local = tmp_path / "salut.py"
    local.write_text("def salut():\n    return 'salut'\n", encoding="utf-8")
    assert sim_kernel.run(f"%put {local}").status == "ok"
    assert "salut.py" in sim_kernel.run("%ls").stream()
    completion = sim_kernel.client.complete("import sal", 10, reply=True, timeout=10)
    assert completion["content"]["matches"] == ["salut"]
    assert sim_kernel.run("from salut import salut\nsalut()").result == "'salut'"
    back = tmp_path / "retour.py"
    assert sim_kernel.run(f"%get salut.py {back}").status == "ok"
    assert back.read_bytes() == local.read_bytes()
    saved = sim_kernel.run("%save essai.py\nprint('enregistré')")
    assert saved.status == "ok"
    assert saved.stream() == "essai.py enregistré sur la carte (20 octets).\n"
    assert sim_kernel.run("import essai").stream() == "enregistré\n"
    assert sim_kernel.run("%rm salut.py\n%rm essai.py").status == "ok"
    assert "salut.py" not in sim_kernel.run("%ls").stream()


def test_completion_and_inspection_use_the_boards_names(sim_kernel: KernelSession) -> None:
    sim_kernel.run("from microbit import *\nvitesse_max = 12")
    client = sim_kernel.client
    reply = client.complete("vitesse_m", 9, reply=True, timeout=10)["content"]
    assert reply["matches"] == ["vitesse_max"]
    assert reply["cursor_start"] == 0
    reply = client.complete("x = display.sc", 14, reply=True, timeout=10)["content"]
    assert reply["matches"] == ["scroll"]
    assert reply["cursor_start"] == 12
    reply = client.complete("from mi", 7, reply=True, timeout=10)["content"]
    assert reply["matches"] == ["microbit"] and reply["cursor_start"] == 5
    reply = client.complete("import ra", 9, reply=True, timeout=10)["content"]
    assert reply["matches"] == ["radio", "random"]
    reply = client.complete("%con", 4, reply=True, timeout=10)["content"]
    assert reply["matches"] == ["%connect"]
    reply = client.inspect("vitesse_max + 1", 3, reply=True, timeout=10)["content"]
    assert reply["found"]
    assert "int" in reply["data"]["text/plain"] and "12" in reply["data"]["text/plain"]
    reply = client.inspect("display.scroll('ok')", 10, reply=True, timeout=10)["content"]
    assert reply["found"] and "fait défiler" in reply["data"]["text/plain"]
    reply = client.inspect("button_b.was_pressed()", 12, reply=True, timeout=10)["content"]
    assert "depuis le dernier appel" in reply["data"]["text/plain"]
    reply = client.inspect("pas_defini", 3, reply=True, timeout=10)["content"]
    assert not reply["found"]


def test_sim_magic_restarts_the_simulator_and_refuses_an_unknown_world(
    sim_kernel: KernelSession,
) -> None:
    sim_kernel.run("avant = 1")
    run = sim_kernel.run("%sim --seed 7")
    assert run.status == "ok" and "Connecté à micro:bit V2 (sim@v2)" in run.stream()
    assert sim_kernel.run("avant").reply["ename"] == "NameError"
    run = sim_kernel.run("%sim sim@v1")
    assert "micro:bit V1" in run.stream()
    run = sim_kernel.run("%sim sim:maqueen --world piste --seed 3 --speed 2")
    assert run.status == "ok", run.traceback
    assert "sim:maqueen" in run.stream()
    assert sim_kernel.run("print(6 * 7)").stream() == "42\n"
    run = sim_kernel.run("%sim sim:maqueen --world nulle-part")
    assert run.status == "error" and "nulle-part" in run.traceback
    assert sim_kernel.run("%sim").status == "ok"


def test_restart_soft_reboots_the_board(start_kernel) -> None:
    kernel = start_kernel("sim")
    kernel.run("secret = 42")
    kernel.restart()
    run = kernel.run("secret")
    assert run.reply["ename"] == "NameError"


def test_auto_without_a_board_runs_on_the_simulator_and_says_so(start_kernel) -> None:
    kernel = start_kernel(None, name="tne-microbit")
    run = kernel.run("print('ok')")
    assert run.stream() == "ok\n"
    assert "micro:bit simulé" in run.stream("stderr")
    assert "%connect auto" in run.stream("stderr")
    assert kernel.run("print('encore')").stream("stderr") == ""


def test_a_board_that_cannot_be_reached_leaves_the_kernel_alive(start_kernel) -> None:
    kernel = start_kernel("serial:/dev/tne-pas-de-carte")
    run = kernel.run("print(1)")
    assert run.status == "error"
    assert "Aucune carte n'est connectée" in run.traceback
    assert "%connect" in run.traceback
    info, _seconds = kernel.control_kernel_info()
    assert info["status"] == "ok"
    assert kernel.run("%connect sim\nprint(2)").stream().endswith("2\n")


def test_devices_lists_no_board_here_in_french(sim_kernel: KernelSession) -> None:
    run = sim_kernel.run("%devices")
    assert run.status == "ok"
    assert "Aucune carte trouvée" in run.stream() or "serial:" in run.stream()


def test_reset_soft_forgets_the_variables_and_keeps_the_kernel(sim_kernel: KernelSession) -> None:
    sim_kernel.run("oubliee = 1")
    run = sim_kernel.run("%reset")
    assert run.status == "ok" and "La carte a redémarré" in run.stream()
    assert sim_kernel.run("oubliee").reply["ename"] == "NameError"
    assert sim_kernel.run("%reset hard").status == "ok"
    assert sim_kernel.run("1 + 1").result == "2"


def test_stop_in_a_host_cell_interrupts_python_and_spares_the_simulator(
    start_kernel,
) -> None:
    kernel = start_kernel("sim")
    assert kernel.run("sur_la_carte = 1").status == "ok"
    msg_id = kernel.send("%%host\nimport time\ntime.sleep(30)")
    time.sleep(1)
    began = time.monotonic()
    kernel.stop()
    run = kernel.collect(msg_id, timeout=20)
    assert run.reply["ename"] == "KeyboardInterrupt"
    assert time.monotonic() - began < 10
    assert kernel.run("sur_la_carte").result == "1"  # the simulated board was not killed


def test_stop_while_idle_changes_nothing(sim_kernel: KernelSession) -> None:
    sim_kernel.run("reste = 5")
    sim_kernel.stop()
    assert sim_kernel.run("reste").result == "5"


def test_silent_cells_run_but_show_nothing(sim_kernel: KernelSession) -> None:
    before = sim_kernel.run("0").reply["execution_count"]
    run = sim_kernel.collect(sim_kernel.client.execute("print('chut')\ncache = 3", silent=True))
    assert run.status == "ok"
    assert run.stream() == "" and run.messages == []
    after = sim_kernel.run("cache")
    assert after.result == "3"
    assert after.reply["execution_count"] == before + 1


def test_a_simulator_that_died_is_reported_and_the_next_cell_gets_a_fresh_one(
    start_kernel,
) -> None:
    kernel = start_kernel("sim")
    assert kernel.run("print(1)").status == "ok"
    # The simulator's child process dies, as a crashed board would.
    killed = kernel.run("%%host\nget_ipython().kernel.board.transport._process.kill()")
    assert killed.status == "ok"
    run = kernel.run("print(2)")
    assert run.status == "error"
    assert "La carte simulée s'est arrêtée" in run.traceback
    assert "Relance la cellule" in run.traceback
    assert kernel.run("print(3)").stream() == "3\n"
