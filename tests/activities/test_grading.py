"""Every activity through the real nbgrader on the simulator kernel: the solution gets every
point, the pupil version made by `nbgrader generate_assignment` gets none, and typical wrong
answers get a partial score with a French message that helps. One autograde run per activity
grades all its submissions (slow: each check runs the program on a fresh simulated board)."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from activities.catalogue.grading import Course, Graded, with_solution
from activities.catalogue.metadata import CATALOGUE_DIR, load_activity


@dataclass(frozen=True)
class WrongAnswer:
    """A pupil's typical mistake: the code of one solution cell, the test it must fail, and
    words the French message must hold."""

    name: str
    cell: str
    code: str
    fails: str
    says: str


WRONG: dict[str, list[WrongAnswer]] = {
    "afficher-et-defiler": [
        WrongAnswer(
            "sans-attente",
            "ex1-bonjour",
            'from microbit import *\ndisplay.show(Image.HAPPY)\ndisplay.scroll("Bonjour")\n',
            "test-ex1-visage",
            "as-tu écrit sleep(1000) juste après display.show(Image.HAPPY)",
        ),
        WrongAnswer(
            "show-au-lieu-de-scroll",
            "ex1-bonjour",
            "from microbit import *\ndisplay.show(Image.HAPPY)\nsleep(1000)\n"
            'display.show("Bonjour")\n',
            "test-ex1-defile",
            "devait défiler sur les LED (display.scroll)",
        ),
        WrongAnswer(
            "compte-trop-rapide",
            "ex2-compte",
            "from microbit import *\ndisplay.show(3)\ndisplay.show(2)\ndisplay.show(1)\n"
            "display.show(Image.HEART)\n",
            "test-ex2-rythme",
            "Ton programme devait afficher «\u00a02\u00a0» entre 1 et 1,5\u00a0s",
        ),
    ],
    "musique": [
        WrongAnswer(
            "visage-avant-la-melodie",
            "ex1-melodie",
            "from microbit import *\nimport music\ndisplay.show(Image.HAPPY)\n"
            "music.play(music.POWER_UP)\n",
            "test-ex1-apres",
            "écris display.show(Image.HAPPY) après music.play(music.POWER_UP)",
        ),
        WrongAnswer(
            "une-seule-phrase",
            "ex2-frere-jacques",
            'from microbit import *\nimport music\nfrere = ["c4:4", "d4:4", "e4:4", "c4:4"]\n'
            "music.play(frere)\n",
            "test-ex2-notes",
            "Ta carte devait jouer les notes c4 d4 e4 c4 c4 d4 e4 c4 entre 0 et 6\u00a0s, dans "
            "cet ordre\u00a0; elle a joué\u00a0: c4 d4 e4 c4.",
        ),
        WrongAnswer(
            "tempo-trop-tot",
            "ex3-tempo",
            "from microbit import *\nimport music\n"
            'frere = ["c4:4", "d4:4", "e4:4", "c4:4", "c4:4", "d4:4", "e4:4", "c4:4"]\n'
            "music.set_tempo(bpm=240)\nmusic.play(frere)\nmusic.play(frere)\n",
            "test-ex3-tempo",
            "au tempo normal (en ms)\u00a0: attendu entre 450 et 550, mais c'est 250",
        ),
    ],
    "veilleuse": [
        WrongAnswer(
            "attente-hors-de-la-boucle",
            "ex1-releve",
            "from microbit import *\nfor i in range(5):\n    print(display.read_light_level())\n"
            "sleep(1000)\n",
            "test-ex1-releve",
            "Ton programme devait écrire la ligne «\u00a030\u00a0» entre 2,6 et 6\u00a0s",
        ),
        WrongAnswer(
            "sans-else",
            "ex2-veilleuse",
            "from microbit import *\nseuil = 50\nwhile True:\n"
            "    if display.read_light_level() < seuil:\n"
            '        display.show(Image("99999:99999:99999:99999:99999"))\n    sleep(100)\n',
            "test-ex2-jour",
            "as-tu écrit else: puis display.clear()\u00a0?",
        ),
        WrongAnswer(
            "un-seul-seuil",
            "ex3-deux-seuils",
            "from microbit import *\nwhile True:\n    lumiere = display.read_light_level()\n"
            "    if lumiere < 40:\n"
            '        display.show(Image("99999:99999:99999:99999:99999"))\n'
            "    else:\n        display.clear()\n    sleep(100)\n",
            "test-ex3-deux-seuils",
            "quand la lumière est remontée à 60, ta veilleuse s'est éteinte",
        ),
    ],
    "radio-messages": [
        WrongAnswer(
            "mauvais-groupe",
            "ex1-envoyer",
            "from microbit import *\nimport radio\nradio.config(group=1)\nradio.on()\n"
            "while True:\n    if button_a.was_pressed():\n        radio.send('coucou')\n"
            "    sleep(20)\n",
            "test-ex1-groupe",
            "réglée sur le groupe 12, n'a pas reçu",
        ),
        WrongAnswer(
            "is-pressed",
            "ex1-envoyer",
            "from microbit import *\nimport radio\nradio.config(group=12)\nradio.on()\n"
            "while True:\n    if button_a.is_pressed():\n        radio.send('coucou')\n"
            "    sleep(20)\n",
            "test-ex1-envoi",
            "utilise button_a.was_pressed()",
        ),
        WrongAnswer(
            "show-au-lieu-de-scroll",
            "ex2-messagerie",
            "from microbit import *\nimport radio\nradio.config(group=12)\nradio.on()\n"
            "while True:\n    if button_a.was_pressed():\n        radio.send('coucou')\n"
            "    message = radio.receive()\n    if message:\n        display.show(message)\n"
            "    sleep(20)\n",
            "test-ex2-recoit",
            "devait défiler sur les LED (display.scroll)",
        ),
    ],
    "boucles-et-animations": [
        WrongAnswer(
            "sleep-hors-boucle",
            "ex1-ligne",
            "from microbit import *\nfor x in range(5):\n    display.set_pixel(x, 2, 9)\n"
            "sleep(200)\n",
            "test-ex1-une-a-une",
            "Les LED devaient montrer cette image entre 0,3 et 0,9\u00a0s",
        ),
        WrongAnswer(
            "sans-eteindre",
            "ex2-promenade",
            "from microbit import *\nfor tour in range(3):\n    for x in range(5):\n"
            "        display.set_pixel(x, 2, 9)\n        sleep(200)\n",
            "test-ex2-une-seule",
            "voici ce que les LED montraient alors",
        ),
    ],
    "boutons-et-conditions": [
        WrongAnswer(
            "sans-else",
            "ex1-oui-non",
            "from microbit import *\nwhile True:\n    if button_a.is_pressed():\n"
            "        display.show(Image.YES)\n    sleep(20)\n",
            "test-ex1-repos",
            "les LED sont restées éteintes pendant ce temps",
        ),
        WrongAnswer(
            "deux-if",
            "ex2-deux-boutons",
            "from microbit import *\nwhile True:\n    if button_a.is_pressed():\n"
            "        display.show(Image.ARROW_W)\n    if button_b.is_pressed():\n"
            "        display.show(Image.ARROW_E)\n    sleep(20)\n",
            "test-ex2-fleches",
            "as-tu écrit else: puis display.clear()",
        ),
    ],
    "compteur-de-pas": [
        WrongAnswer(
            "affiche-a-chaque-pas",
            "ex1-compter",
            "from microbit import *\npas = 0\nwhile True:\n"
            "    if accelerometer.was_gesture('shake'):\n        pas = pas + 1\n"
            "        display.show(pas)\n    sleep(20)\n",
            "test-ex1-compte",
            "Ton programme devait afficher «\u00a03\u00a0» entre 2 et 2,5\u00a0s",
        ),
        WrongAnswer(
            "b-sans-remise-a-zero",
            "ex2-zero",
            "from microbit import *\npas = 0\nwhile True:\n"
            "    if accelerometer.was_gesture('shake'):\n        pas = pas + 1\n"
            "    if button_a.was_pressed():\n        display.show(pas)\n"
            "    if button_b.was_pressed():\n        display.show(Image.YES)\n    sleep(20)\n",
            "test-ex2-zero",
            "«\u00a03\u00a0»",
        ),
    ],
    "niveau-a-bulle": [
        WrongAnswer(
            "fleches-inversees",
            "ex1-niveau",
            "from microbit import *\nwhile True:\n    x = accelerometer.get_x()\n"
            "    if x < -150:\n        display.show(Image.ARROW_E)\n"
            "    elif x > 150:\n        display.show(Image.ARROW_W)\n"
            "    else:\n        display.show(Image.YES)\n    sleep(100)\n",
            "test-ex1-gauche-droite",
            "Les LED devaient montrer cette image entre 0,7 et 1,1\u00a0s",
        ),
        WrongAnswer(
            "seuils-inchanges",
            "ex2-sensible",
            "from microbit import *\nwhile True:\n    x = accelerometer.get_x()\n"
            "    if x < -150:\n        display.show(Image.ARROW_W)\n"
            "    elif x > 150:\n        display.show(Image.ARROW_E)\n"
            "    else:\n        display.show(Image.YES)\n    sleep(100)\n",
            "test-ex2-sensible",
            "voici ce que les LED montraient alors",
        ),
    ],
    "robot-obstacle": [
        WrongAnswer(
            "if-au-lieu-de-while",
            "ex2-arret",
            "from microbit import *\nimport maqueen\nmaqueen.motor_run(150, 150)\n"
            "if maqueen.distance() > 15:\n    sleep(20)\nmaqueen.motor_stop()\n"
            "display.show(Image.YES)\n",
            "test-ex2-position",
            "attendu entre 170 et 190, mais c'est ",  # about 100
        ),
        WrongAnswer(
            "sans-arret",
            "ex2-arret",
            "from microbit import *\nimport maqueen\nmaqueen.motor_run(150, 150)\n"
            "while maqueen.distance() > 15:\n    sleep(20)\ndisplay.show(Image.YES)\n",
            "test-ex2-arrete",
            "appelle maqueen.motor_stop() après la boucle",
        ),
    ],
    "robot-telecommande": [
        WrongAnswer(
            "roule-sans-ordre",
            "ex1-avance-stop",
            "from microbit import *\nimport radio\nimport maqueen\nradio.config(group=7)\n"
            "radio.on()\nmaqueen.motor_run(120, 120)\nwhile True:\n"
            '    ordre = radio.receive()\n    if ordre == "stop":\n'
            "        maqueen.motor_stop()\n    sleep(20)\n",
            "test-ex1-avance",
            "Le robot doit attendre l'ordre «\u00a0avance\u00a0» avant de rouler.",
        ),
        WrongAnswer(
            "rotations-inversees",
            "ex2-tourner",
            "from microbit import *\nimport radio\nimport maqueen\nradio.config(group=7)\n"
            "radio.on()\nwhile True:\n    ordre = radio.receive()\n"
            '    if ordre == "avance":\n        maqueen.motor_run(120, 120)\n'
            '    elif ordre == "gauche":\n        maqueen.motor_run(100, -100)\n'
            '    elif ordre == "droite":\n        maqueen.motor_run(-100, 100)\n'
            '    elif ordre == "stop":\n        maqueen.motor_stop()\n    sleep(20)\n',
            "test-ex2-gauche",
            "attendu entre 240 et 300, mais c'est ",  # about 90: it turned right
        ),
    ],
    "suivre-une-ligne": [
        WrongAnswer(
            "virages-inverses",
            "ex2-suivre",
            "from microbit import *\nimport maqueen\nwhile True:\n"
            "    gauche = maqueen.line_left()\n    droite = maqueen.line_right()\n"
            "    if gauche == 0 and droite == 0:\n        maqueen.motor_run(120, 120)\n"
            "    elif gauche == 0:\n        maqueen.motor_run(120, 20)\n"
            "    elif droite == 0:\n        maqueen.motor_run(20, 120)\n"
            "    else:\n        maqueen.motor_run(120, 120)\n    sleep(10)\n",
            "test-ex2-sur-la-ligne",
            "resté sur la ligne noire\u00a0: attendu entre 80",
        ),
        WrongAnswer(
            "blanc-et-noir-confondus",
            "ex1-capteurs",
            "from microbit import *\nimport maqueen\nprint(1 - maqueen.line_left(), "
            "1 - maqueen.line_right())\n",
            "test-ex1-capteurs",
            "Ton programme devait écrire la ligne «\u00a00 0\u00a0»",
        ),
    ],
    "thermometre": [
        WrongAnswer(
            "sans-parentheses",
            "ex1-demande",
            "from microbit import *\nwhile True:\n    if button_a.was_pressed():\n"
            "        display.scroll(temperature)\n    sleep(20)\n",
            "test-ex1-mesure",
            "Le texte «\u00a023\u00a0» devait défiler sur les LED",
        ),
        WrongAnswer(
            "alerte-dans-le-bouton",
            "ex2-alerte",
            "from microbit import *\nwhile True:\n    if button_a.was_pressed():\n"
            "        display.scroll(temperature())\n        if temperature() > 28:\n"
            "            display.show(Image.SAD)\n        else:\n"
            "            display.show(Image.HAPPY)\n    sleep(20)\n",
            "test-ex2-alerte",
            "les LED sont restées éteintes pendant ce temps",
        ),
    ],
    "releve-de-temperatures": [
        WrongAnswer(
            "liste-dans-la-boucle",
            "ex1-releve",
            "from microbit import *\nfor i in range(10):\n    mesures = []\n"
            "    mesures.append(temperature())\n    sleep(1000)\nprint(mesures)\n",
            "test-ex1-dix-mesures",
            "Ton programme devait écrire la ligne «\u00a010\u00a0»",
        ),
        WrongAnswer(
            "division-entiere",
            "ex2-moyenne",
            "from microbit import *\nmesures = []\nfor i in range(10):\n"
            "    mesures.append(temperature())\n    sleep(1000)\nprint(mesures)\n"
            "moyenne = round(sum(mesures) // len(mesures), 1)\nprint(moyenne)\n",
            "test-ex2-moyenne",
            "«\u00a021\u00a0»",
        ),
    ],
    "robot-carre": [
        WrongAnswer(
            "sans-arret",
            "ex1-avancer",
            "from microbit import *\nimport maqueen\nmaqueen.motor_run(120, 120)\nsleep(2000)\n",
            "test-ex1-arret",
            "termine ton programme par maqueen.motor_stop()",
        ),
        WrongAnswer(
            "trois-cotes",
            "ex2-carre",
            "from microbit import *\nimport maqueen\nfor i in range(3):\n"
            "    maqueen.motor_run(120, 120)\n    sleep(1500)\n    maqueen.motor_run(-100, 100)\n"
            "    sleep(600)\nmaqueen.motor_stop()\n",
            "test-ex2-retour",
            "l'arrivée du robot (en cm)\u00a0: attendu entre 0 et 10",
        ),
    ],
    "projet-libre": [
        WrongAnswer(
            "sans-boucle",
            "projet",
            "from microbit import *\nimport random\ndisplay.show(Image.HAPPY)\n"
            "if button_a.was_pressed():\n    display.show(random.randint(1, 6))\n",
            "test-etape2-bouton-a",
            "Vérifie que ta réaction est dans la boucle while True",
        ),
        WrongAnswer(
            "print-au-lieu-des-led",
            "projet",
            "from microbit import *\ndisplay.show(0)\nscore = 0\nwhile True:\n"
            "    if button_a.was_pressed():\n        score = score + 1\n        print(score)\n"
            "    sleep(20)\n",
            "test-etape2-bouton-a",
            "print n'écrit que sur l'ordinateur",
        ),
        WrongAnswer(
            "un-seul-appui",
            "projet",
            "from microbit import *\ndisplay.show(Image.ASLEEP)\n"
            "while not button_a.was_pressed():\n    sleep(20)\ndisplay.show(Image.HAPPY)\n",
            "test-etape3-chaque-appui",
            "Ton objet doit réagir à chaque appui sur A",
        ),
    ],
}


#: Activities graded at once: each autograde is a process of its own, so two use both cores of
#: the CI machine (the checks count simulated time, so a busy machine changes no result).
GRADERS = 2


def grade_activity(activity_id: str, root: Path) -> tuple[str, dict[str, Graded]]:
    activity = load_activity(CATALOGUE_DIR / activity_id)
    course = Course(activity, root / "course")
    released = course.release()
    submissions = {"corrige": activity.notebook, "version-eleve": released}
    for wrong in WRONG[activity.id]:
        submissions[wrong.name] = with_solution(
            activity.notebook, {wrong.cell: wrong.code}, root / f"{wrong.name}.ipynb"
        )
    return activity.id, course.grade(submissions)


@pytest.fixture(scope="module")
def gradings(request, kernelspecs: Path, tmp_path_factory) -> Iterator[dict[str, Future]]:
    """Every activity this run's tests ask for (all of them, or those `-k` kept), graded in the
    background, `GRADERS` at a time, in the order the tests will want them."""
    wanted = sorted(
        {
            item.callspec.params["graded"]
            for item in request.session.items
            if hasattr(item, "callspec") and "graded" in item.callspec.params
        }
    )
    with ThreadPoolExecutor(max_workers=GRADERS) as pool:
        yield {
            activity_id: pool.submit(
                grade_activity, activity_id, tmp_path_factory.mktemp(f"course-{activity_id}")
            )
            for activity_id in wanted
        }


@pytest.fixture(scope="module", params=sorted(WRONG))
def graded(request, gradings: dict[str, Future]) -> tuple[str, dict[str, Graded]]:
    return gradings[request.param].result()


def test_the_solution_gets_every_point(graded) -> None:
    _activity, results = graded
    solution = results["corrige"]
    assert solution.auto_max_score >= 4
    # Autograde gives every autograded point; answers graded by hand wait for formgrader.
    assert solution.score == solution.auto_max_score, {
        cell.grade_id: cell.error for cell in solution.cells.values() if cell.error
    }


def test_the_released_pupil_version_gets_no_point_and_says_what_to_do(graded) -> None:
    _activity, results = graded
    released = results["version-eleve"]
    assert released.score == 0
    assert all(
        cell.error.startswith("Tu n'as pas encore écrit ton programme")
        for cell in released.cells.values()
        if not cell.manual
    )


def test_answers_graded_by_hand_get_no_point_from_autograde_and_are_left_to_the_teacher(
    graded,
) -> None:
    _activity, results = graded
    for result in results.values():
        for cell in result.cells.values():
            if cell.manual:
                assert cell.points == 0 and cell.max_points > 0 and not cell.error
        assert result.max_score == result.auto_max_score + result.manual_max_score


def test_typical_wrong_answers_get_a_partial_score_and_a_helpful_french_message(graded) -> None:
    activity, results = graded
    for wrong in WRONG[activity]:
        result = results[wrong.name]
        assert 0 < result.score < result.auto_max_score, wrong.name
        cell = result.cells[wrong.fails]
        assert cell.points == 0, wrong.name
        assert wrong.says in cell.error, (wrong.name, cell.error)
