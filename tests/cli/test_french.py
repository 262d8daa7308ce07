"""`tne` speaks French on every help screen, in its usage errors and in the system's errors.

The help screens are found by walking the command tree that typer builds, so a command added
later is covered without touching this file. No board is needed: `--help`, `--version` and usage
errors stop before any board is looked for.
"""

from __future__ import annotations

import errno
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.main import get_command

from tne.cli import app as cli
from tne.cli.library_text import commands, localise
from tne.os_errors import os_error_text

NBSP = "\u00a0"

#: English words of typer, click and our own help texts that must never reach a French reader.
ENGLISH = {
    "this",
    "message",
    "exit",
    "usage",
    "commands",
    "command",
    "args",
    "missing",
    "try",
    "for",
    "help",
    "bool",
    "float",
    "range",
    "str",
    "int",
    "path",
    "file",
    "dir",
    "required",
    "default",
    "env",
    "var",
    "which",
    "the",
    "and",
    "with",
    "board",
    "boards",
    "error",
}

#: The forms of a device address that `device_bridge.address.parse_address` accepts.
ADDRESS_FORMS = [
    "auto",
    "all",
    "serial:",
    "COM3",
    "/dev/ttyACM0",
    "ble:",
    "sim",
    "sim:",
    "@v1",
    "label:",
]


@pytest.fixture
def tree(french: None):
    root = get_command(cli.app)
    localise(root)
    return root


def every_command_path() -> list[list[str]]:
    return [path for path, _command in commands(get_command(cli.app))]


def run_tne(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """`tne ARGS` through its real entry point, in this process: (exit code, stdout, stderr)."""
    saved = sys.argv
    sys.argv = ["tne", *args]
    try:
        with pytest.raises(SystemExit) as ended:
            cli.main()
    finally:
        sys.argv = saved
    out, err = capsys.readouterr()
    return int(ended.value.code or 0), out, err


def english_words(text: str) -> list[str]:
    """The words of `ENGLISH` in `text`, leaving out option names (`--help`) and variables
    (`TNE_DEVICE`), which are identifiers."""
    prose = re.sub(r"(?<!\w)--?[A-Za-z][\w-]*|\b[A-Z]+_[A-Z_]+\b", " ", text)
    return [w for w in re.findall(r"[^\W\d_]+", prose) if w.lower() in ENGLISH]


@pytest.mark.parametrize("path", every_command_path(), ids=lambda p: " ".join(p) or "tne")
def test_every_help_screen_is_in_french(
    path: list[str], french: None, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _err = run_tne([*path, "--help"], capsys)
    assert code == 0
    flat = re.sub(r"[│ \n]+", " ", out)
    assert "Utilisation" in flat and "Options" in flat
    assert "Affiche cette aide et quitte." in flat
    assert not english_words(out), f"English in `tne {' '.join(path)} --help`:\n{out}"


def test_the_walk_finds_every_command_and_sub_command(tree) -> None:
    paths = {" ".join(path) for path, _command in commands(tree)}
    assert {"", "run", "exec", "fs", "fs put", "registry", "workshop", "kernel"} <= paths
    assert "registry schools show" in paths  # three levels deep


def test_help_names_types_and_ranges_in_french(
    french: None, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "120")  # a type and its range on one line, whatever the options
    _code, out, _err = run_tne(["run", "--help"], capsys)
    words = re.sub(r"[│ \n]+", " ", out)
    assert "<nombre> [au moins 0,1]" in words  # --timeout, typer's `<float range> [x>=0.1]`
    assert "<entier>" in words and "<chemin>" in words and "<texte>" in words
    assert "FICHIER" in words and "[obligatoire]" in words
    assert f"[par défaut{NBSP}: auto]" in words
    _code, out, _err = run_tne(["exec", "--help"], capsys)
    assert "[par défaut" in out and ": 10]" in out  # the timeout, 10.0 in Python's words
    _code, out, _err = run_tne(["lab", "--help"], capsys)
    assert "de 1 à 65" in out  # the port's range, `1<=x<=65535` in typer's words


def test_a_flag_shows_no_type(french: None, capsys) -> None:
    _code, out, _err = run_tne(["devices", "--help"], capsys)
    json_row = next(line for line in out.splitlines() if "--json" in line)
    assert "<" not in json_row and "bool" not in json_row


def test_every_device_option_lists_every_form_of_address(tree) -> None:
    checked = 0
    for path, command in commands(tree):
        for param in command.params:
            # an address, not `registry sessions add --device KIND` (its parameter is `devices`)
            if param.name == "device" and "--device" in getattr(param, "opts", []):
                missing = [form for form in ADDRESS_FORMS if form not in (param.help or "")]
                assert not missing, f"tne {' '.join(path)} --device lacks {missing}"
                checked += 1
    assert checked >= 8


def test_version_is_shown(french: None, capsys) -> None:
    code, out, _err = run_tne(["--version"], capsys)
    assert code == 0 and re.fullmatch(r"tne-robotique, version \S+\n", out)


@pytest.mark.parametrize(
    ("args", "wanted"),
    [
        (
            ["run", "--nope", "x.py"],
            f"Option inconnue{NBSP}: --nope. Les plus proches{NBSP}: --no-leds, --noise.",
        ),
        (["run"], "Il manque l'argument FICHIER."),
        (["exec", "x", "--timeout", "0"], f"«{NBSP}0{NBSP}» est hors des limites (au moins 0,1)."),
        (["run", "--seed", "x", "a.py"], f"«{NBSP}x{NBSP}» n'est pas un nombre entier."),
        (["lab", "--port", "99999"], f"«{NBSP}99999{NBSP}» est hors des limites (au plus 65"),
        (["devices", "--json=3"], "L'option --json ne prend pas de valeur."),
        (["run", "--out"], "L'option --out attend une valeur."),
        (["exec", "a", "b", "c"], f"Arguments en trop{NBSP}: b c."),
        (["exec", "a", "b"], f"Argument en trop{NBSP}: b."),
        (["nope"], f"Commande inconnue{NBSP}: «{NBSP}nope{NBSP}»."),
    ],
)
def test_usage_errors_are_worded_in_french(args, wanted, french: None, capsys) -> None:
    code, _out, err = run_tne(args, capsys)
    assert code == 2
    flat = " ".join(line.strip("│╭╮╰╯─ ") for line in err.splitlines())
    assert wanted in re.sub(r"[ \n]+", " ", flat), err
    assert not english_words(err), err


def test_a_usage_error_shows_the_usage_line_and_where_to_find_help(french: None, capsys) -> None:
    _code, _out, err = run_tne(["run"], capsys)
    assert f"Utilisation{NBSP}: tne run [OPTIONS] {{FICHIER}}" in err
    assert f"Pour obtenir de l'aide{NBSP}: «{NBSP}tne run -h{NBSP}»." in err
    assert "Erreur" in err


def test_the_entry_point_speaks_french_whatever_the_system_locale() -> None:
    """The system says English (`LANGUAGE`, `LANG`); `tne` still answers from its catalogue."""
    env = {k: v for k, v in os.environ.items() if k != "TNE_LANG"}
    env.update(LANGUAGE="en_US:en", LANG="en_US.UTF-8", LC_ALL="C.UTF-8")
    done = subprocess.run(
        [sys.executable, "-m", "tne.cli", "fs", "put", "--nope"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert done.returncode == 2
    assert f"Option inconnue{NBSP}: --nope." in done.stderr
    assert f"Utilisation{NBSP}: tne fs put" in done.stderr


def test_importing_the_cli_changes_nothing_in_the_process() -> None:
    """No `LANGUAGE` for child processes, no gettext domain, typer left as it was: only
    `main()` (or `localise`) makes typer speak our language."""
    probe = (
        "import gettext, os, typer.core\n"
        "before = dict(os.environ)\n"
        "import tne.cli.app\n"
        "assert dict(os.environ) == before, set(os.environ.items()) ^ set(before.items())\n"
        "assert gettext.textdomain() == 'messages', gettext.textdomain()\n"
        "assert typer.core._ is gettext.gettext\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("LANGUAGE", "TNE_LANG")}
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, env=env, timeout=60
    )
    assert done.returncode == 0, done.stderr


def test_localising_does_not_touch_the_environment(tree, monkeypatch) -> None:
    monkeypatch.delenv("LANGUAGE", raising=False)
    before = dict(os.environ)
    localise(tree)
    assert dict(os.environ) == before


# -- system errors ----------------------------------------------------------------------------


SYSTEM_ERRORS = [
    (
        FileNotFoundError(errno.ENOENT, "No such file or directory"),
        "fichier ou dossier introuvable",
    ),
    (PermissionError(errno.EACCES, "Permission denied"), "accès refusé"),
    (IsADirectoryError(errno.EISDIR, "Is a directory"), "c'est un dossier"),
    (OSError(errno.ENOSPC, "No space left on device"), "plus de place sur le disque"),
    (OSError(errno.ENAMETOOLONG, "File name too long"), "le nom est trop long"),
    (OSError(9999, "Something odd"), "erreur système n° 9999"),
]


@pytest.mark.parametrize(("problem", "french_words"), SYSTEM_ERRORS)
def test_system_errors_are_worded_from_our_catalogue(problem, french_words, french) -> None:
    assert os_error_text(problem) == french_words


def test_system_errors_follow_the_chosen_language(english: None) -> None:
    problem = FileNotFoundError(errno.ENOENT, "Datei oder Verzeichnis nicht gefunden")
    assert os_error_text(problem) == "no such file or folder"


def test_a_real_system_error_reaches_the_reader_in_french(
    tmp_path: Path, french: None, capsys
) -> None:
    too_long = tmp_path / ("x" * 300 + ".py")  # ENAMETOOLONG on every system we run on
    code, _out, err = run_tne(["run", "--device", "sim", str(too_long)], capsys)
    assert code == 2
    assert f"{NBSP}: le nom est trop long" in err
    assert "too long" not in err.lower()
