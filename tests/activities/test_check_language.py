"""The check language: what a `%%check` cell may say, and everything it may not. These run the
interpreter against recorded traces (the real `Trace` class, built from the events a simulated
board emits); test_kernel_check.py runs the same cells through the real kernel and simulator."""

from __future__ import annotations

import pytest

from activities.catalogue.checks import CheckFailed, CheckRefused, CheckSetupError, run_check
from activities.catalogue.checks.session import CheckSession
from activities.catalogue.checks.simulation import RunOutcome, RunPlan
from device_bridge.sim.trace import Trace

HEART = "09090:99999:99999:09990:00900"
HAPPY = "00000:09090:00000:90009:09990"


def recorded(*events: dict, error: str | None = None):
    """A runner that answers with this trace (and keeps the plan it was given)."""
    plans: list[RunPlan] = []

    def runner(program: str, plan: RunPlan) -> RunOutcome:
        plans.append(plan)
        return RunOutcome(Trace(events), None, error)

    runner.plans = plans  # type: ignore[attr-defined]
    return runner


HEART_THEN_TEXT = recorded(
    {"t": 190, "kind": "display", "pixels": HEART},
    {"t": 1190, "kind": "display", "pixels": "00000:00009:00009:00009:00009", "text": "Bonjour"},
    {"t": 1340, "kind": "display", "pixels": "00000:00000:00000:00000:00000"},
    {"t": 3000, "kind": "duration", "reached": True},
)


def check(body: str, runner=HEART_THEN_TEXT, program: str = "display.show(Image.HEART)"):
    return run_check(body, program, runner)


def test_a_passing_check_with_windows_images_and_asserts() -> None:
    check(
        "expect_shown(Image.HEART, between=(0, 1000))\n"
        "expect_scrolled('Bonjour', between=(1000, 2000))\n"
        "n = len(frames())\n"
        "assert n == 3, 'trois images'\n"
        "expect(was_shown('?9?9?:*****:*****:?***?:??*??'), 'motif')\n"
        "expect(not was_shown(Image.HAPPY), 'pas content')\n"
        "expect(shown_texts() == ['Bonjour'] and duration_reached(), 'fin')\n"
    )


def test_a_picture_counts_while_it_stays_on_the_leds_not_only_when_it_appears() -> None:
    check("expect_shown(Image.HEART, between=(900, 1100))")
    with pytest.raises(CheckFailed):
        check("expect_shown(Image.HEART, between=(1200, 2000))")


def test_a_missing_picture_says_in_french_what_was_expected_and_what_was_shown() -> None:
    with pytest.raises(CheckFailed) as failed:
        check("expect_shown(Image.HAPPY, between=(0, 1000))")
    message = failed.value.message
    assert message.startswith("Les LED devaient montrer cette image entre 0 et 1\u00a0s")
    assert "voici ce que les LED montraient alors" in message
    assert message.count("█") == 6 + 17  # the happy face expected, then the heart shown


FRERE_THEN_REST = recorded(
    *(
        {"t": 700 + 500 * i, "kind": "music", "pin": "pin0", "note": note, "frequency": f,
         "duration": 500}
        for i, (note, f) in enumerate([("c4:4", 262), ("D", 294), ("e", 330), ("r", 0),
                                       ("f#5", 740)])
    ),
    {"t": 3200, "kind": "music", "pin": "pin0", "note": "", "frequency": 0, "duration": 0},
)  # fmt: skip


def test_notes_are_named_as_music_play_names_them_whatever_the_pupil_wrote() -> None:
    check(
        "expect(notes_played() == ['c4', 'd4', 'e4', 'f#5'], 'noms')\n"
        "expect(notes_played(between=(1000, 2000)) == ['d4', 'e4'], 'fenêtre')\n"
        "expect_notes(['D4', 'e4'], between=(1000, 2000))\n"
        "expect(len(music_notes()) == 4, 'les silences ne sont pas des notes')\n",
        FRERE_THEN_REST,
    )


def test_missing_notes_say_in_french_which_were_expected_and_which_were_played() -> None:
    with pytest.raises(CheckFailed) as failed:
        check("expect_notes(['c4', 'e4'], between=(0, 3000))", FRERE_THEN_REST)
    assert failed.value.message == (
        "Ta carte devait jouer les notes c4 e4 entre 0 et 3\u00a0s, dans cet ordre\u00a0; "
        "elle a joué\u00a0: c4 d4 e4 f#5."
    )
    with pytest.raises(CheckFailed, match="aucune note pendant ce temps"):
        check("expect_notes(['c4'], between=(3000, 4000))", FRERE_THEN_REST)
    with pytest.raises(CheckSetupError, match="expect_notes prend une liste de notes"):
        check("expect_notes('c4')", FRERE_THEN_REST)


def test_leds_changed_sees_a_new_picture_or_a_text_shown_again_in_the_window() -> None:
    check("expect(leds_changed(between=(0, 500)), 'le cœur apparaît')")
    check("expect(leds_changed(between=(1100, 1300)), 'le texte commence')")
    check("expect(not leds_changed(between=(400, 1000)), 'le cœur reste')")
    check("expect(not leds_changed(between=(2000, 3000)), 'plus rien')")
    same_digit = recorded(
        {"t": 200, "kind": "display", "pixels": HEART, "text": "3"},
        {"t": 1200, "kind": "display", "pixels": HEART, "text": "3"},  # the dice rolled 3 again
    )
    check("expect(leds_changed(between=(1100, 1300)), 'relancé')", runner=same_digit)
    with pytest.raises(CheckFailed, match="^rien$"):
        check("expect(leds_changed(between=(400, 1000)), 'rien')", runner=same_digit)


def test_an_author_message_is_given_as_written() -> None:
    with pytest.raises(CheckFailed, match="^Le cœur doit rester$"):
        check("assert was_shown(Image.HEART, between=(2000, 2500)), 'Le cœur doit rester'")
    with pytest.raises(CheckFailed, match="^trop peu : 3$"):
        check("expect(len(frames()) > 5, f'trop peu : {len(frames())}')")


def test_the_program_error_and_the_unwritten_exercise_are_told_in_french() -> None:
    with pytest.raises(CheckFailed, match="^Ton programme s'est arrêté sur une erreur\u00a0: "):
        check("expect_shown(Image.HEART)", recorded(error="NameError: name 'x' isn't defined"))
    with pytest.raises(CheckFailed, match="^Tu n'as pas encore écrit ton programme"):
        check("expect_shown(Image.HEART)", recorded(error="NotImplementedError: "))
    with pytest.raises(CheckFailed, match="^Aucun programme n'a encore tourné"):
        check("expect_shown(Image.HEART)", program="")


def test_set_up_reaches_the_simulator_as_a_plan_and_must_come_first() -> None:
    runner = recorded({"t": 0, "kind": "pose", "x": 1, "y": 2, "heading": 0})
    session = check(
        "simulate(robot='maqueen', world='tapis', duration=5, seed=3)\n"
        "tap('A', at=500)\ntilt(0, 0, -1024, at=200)\npartner_radio(group=12, send='salut')\n"
        "p = final_pose()\nexpect(p.x == 1 and p.y == 2, 'pose')\n",
        runner,
    )
    plan = runner.plans[0]  # type: ignore[attr-defined]
    assert (plan.robot, plan.world, plan.duration_s, plan.seed) == ("maqueen", "tapis", 5.0, 3)
    assert plan.inputs[:2] == [
        {"t": 500.0, "kind": "button", "name": "a", "pressed": True},
        {"t": 600.0, "kind": "button", "name": "a", "pressed": False},
    ]
    assert "radio.config(group=12)" in (plan.partner or "")
    assert plan.partner_listens_only
    assert plan.inputs[-1] == {"t": 1000, "kind": "radio", "data": "AQABc2FsdXQ=", "group": 12}
    assert session.outcome is session.outcome  # one run per check cell
    with pytest.raises(CheckSetupError, match="avant les vérifications"):
        check("frames()\ntap('A', at=100)")
    with pytest.raises(CheckSetupError, match="Les boutons sont"):
        check("tap('C', at=100)")
    with pytest.raises(CheckSetupError, match="cinq lignes de cinq"):
        check("expect_shown('999')")


@pytest.mark.parametrize(
    ("body", "refused"),
    [
        ("__import__('os').system('touch /tmp/x')", "appeler autre chose qu'une fonction"),
        ("__import__('os')", "la fonction «\u00a0__import__\u00a0»"),
        ("x = [1]\nx[0] = 2", "affecter autre chose qu'un nom"),
        ("import os", "un import"),
        ("from os import system", "un import"),
        ("open('/etc/passwd')", "la fonction «\u00a0open\u00a0»"),
        ("eval('1')", "la fonction «\u00a0eval\u00a0»"),
        ("getattr(frames, '__globals__')", "la fonction «\u00a0getattr\u00a0»"),
        ("x = (1).__class__", "l'attribut «\u00a0.__class__\u00a0»"),
        ("x = Image.__dict__", "l'attribut «\u00a0.__dict__\u00a0»"),
        ("x = frames.__globals__", "l'attribut «\u00a0.__globals__\u00a0»"),
        ("x = final_pose().__init__", "l'attribut «\u00a0.__init__\u00a0»"),
        ("frames()[0].count(1)", "appeler autre chose qu'une fonction de test"),
        ("x = __builtins__", "le nom «\u00a0__builtins__\u00a0»"),
        ("x = tap", "utiliser la fonction «\u00a0tap\u00a0» comme une valeur"),
        ("sorted(frames(), key=tap)", "un argument nommé pour «\u00a0sorted\u00a0»"),
        ("expect = 1", "changer le nom «\u00a0expect\u00a0»"),
        ("f = lambda: 1", "une lambda"),
        ("def f():\n    pass", "définir une fonction"),
        ("class A:\n    pass", "définir une classe"),
        ("while True:\n    pass", "une boucle"),
        ("x = [f for f in frames()]", "une compréhension"),
        ("x = {'a': 1}", "un dictionnaire"),
        ("try:\n    pass\nexcept Exception:\n    pass", "un bloc try"),
        ("x = 'a' * 10**9", "construire un texte ou une liste aussi longs"),
        ("x = 9 ** 9 ** 9", "une puissance aussi grande"),
        ("x = f'{1:>999999999}'", "un format aussi large"),
        ("x = '%999999999d' % 1", "un formatage avec %"),
        ("tap(*['A', 1])", "déballer des arguments"),
        ("global x", "global"),
        ("x = b'bytes'", "ce genre de constante"),
    ],
)
def test_a_check_cannot_reach_the_host_and_is_refused_in_french(body: str, refused: str) -> None:
    runner = recorded()
    with pytest.raises(CheckRefused) as error:
        check(body, runner)
    assert refused in error.value.message
    assert "n'est pas permis dans une cellule %%check" in error.value.message
    assert runner.plans == []  # type: ignore[attr-defined]  # refused before anything ran


def test_a_refused_check_is_refused_even_without_a_program() -> None:
    with pytest.raises(CheckRefused):
        run_check("__import__('os')", None)


def test_api_functions_check_their_arguments_in_french() -> None:
    with pytest.raises(CheckSetupError, match="doit être un nombre"):
        check("simulate(duration='long')")
    with pytest.raises(CheckRefused, match="mauvais arguments pour tap"):
        check("tap()")
    with pytest.raises(CheckRefused, match="opération impossible"):
        check("x = 1 / 0")


def test_the_session_api_names_only_its_own_methods() -> None:
    api = CheckSession("").api()
    assert all(not name.startswith("_") for name in api.functions)
    assert all(callable(f) and f.__self__.__class__ is CheckSession for f in api.functions.values())
