"""`tne activities list|show|check`, as a teacher or a script runs them (a real process)."""

from __future__ import annotations

import json

from tests.cli.test_cli import clean_environment, tne


def french() -> dict[str, str]:
    return clean_environment(TNE_LANG="fr")


def test_list_gives_the_progression_in_french_and_as_json() -> None:
    listed = tne("activities", "list", env=french())
    assert listed.returncode == 0, listed.stderr
    lines = listed.stdout.decode().splitlines()
    assert lines[0].startswith("afficher-et-defiler\tAfficher et faire défiler\t6e, 5e\t55 min")
    as_json = json.loads(tne("activities", "list", "--json", env=french()).stdout)
    robot = next(a for a in as_json if a["id"] == "robot-carre")
    assert (robot["hardware"], robot["world"], robot["qemu"]) == ("maqueen", "tapis", True)


def test_show_gives_an_activity_card_and_an_unknown_id_is_told_in_french() -> None:
    shown = tne("activities", "show", "radio-messages", env=french())
    assert shown.returncode == 0
    text = shown.stdout.decode()
    assert "Titre\u00a0: Messages par radio" in text
    assert "Fonctionne sur la micro:bit QEMU\u00a0: non (radio)" in text
    unknown = tne("activities", "show", "robot-rond", env=french())
    assert unknown.returncode == 2
    assert "Aucune activité «\u00a0robot-rond\u00a0». Les activités sont\u00a0:" in (
        unknown.stderr.decode()
    )
    assert (
        json.loads(tne("activities", "show", "robot-carre", "--json", env=french()).stdout)[
            "boards"
        ]
        == 1
    )


def test_check_quick_validates_one_or_all_activities() -> None:
    one = tne("activities", "check", "robot-carre", "--quick", env=french())
    assert one.returncode == 0, one.stdout
    assert one.stdout.decode() == "robot-carre\u00a0: OK\n"
    every = tne("activities", "check", "--quick", "--json", env=french(), timeout=120)
    reports = json.loads(every.stdout)
    assert every.returncode == 0
    assert len(reports) >= 3 and all(r["ok"] for r in reports)
    missing = tne("activities", "check", "nulle-part", env=french())
    assert missing.returncode == 2
