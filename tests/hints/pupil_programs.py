"""Pupils' programs with the mistakes seen most in class, as they wrote them, and what each
must get: the error MicroPython raises, the pupil's line it names, and words of the French hint.

Every hint of tne/hints.py comes from one of these programs; the tests run them through the
real `tne` CLI and the real kernel, on the simulator (V2 and V1 wording) and, for some, on the
QEMU micro:bit (the V1 firmware, 1.9.2).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Mistake:
    """A pupil's program, the error it raises, the line named, and words of the hint."""

    code: str
    ename: str
    line: int
    hint: str
    #: Whether the QEMU micro:bit (V1 firmware) raises the same error (it blocks in
    #: `temperature()` and its I2C bus answers at every address).
    on_qemu: bool = True


MISTAKES = {
    "image_misspelt": Mistake(
        "from microbit import *\ndisplay.show(Image.HAPY)\n",
        "AttributeError",
        2,
        "Voulais-tu écrire « Image.HAPPY » ?",
    ),
    "image_lowercase": Mistake(
        "from microbit import *\n\ndisplay.show(image.HEART)\n",
        "NameError",
        3,
        "les majuscules comptent, écris « Image »",
    ),
    "display_misspelt": Mistake(
        "from microbit import *\ndispaly.scroll('Salut')\n",
        "NameError",
        2,
        "Voulais-tu écrire « display » ?",
    ),
    "missing_bracket_last_line": Mistake(
        "from microbit import *\nx = 3\ndisplay.scroll(str(x)\n",
        "SyntaxError",
        3,
        "Le « ( » ouvert ligne 3 n’est jamais fermé",
    ),
    "missing_bracket_then_more": Mistake(
        "from microbit import *\nvitesse = (3 + 4\nprint(vitesse)\n",
        "SyntaxError",
        2,
        "Le « ( » ouvert ligne 2 n’est jamais fermé",
    ),
    "extra_bracket": Mistake(
        "from microbit import *\ndisplay.scroll('oui'))\n",
        "SyntaxError",
        2,
        "Il y a un « ) » de trop ligne 2",
    ),
    "missing_quote": Mistake(
        "from microbit import *\ndisplay.scroll('Bonjour)\n",
        "SyntaxError",
        2,
        "n’a pas de guillemet de fin : ajoute un ' à sa fin",
    ),
    "missing_indentation": Mistake(
        "from microbit import *\nwhile True:\ndisplay.show(Image.HEART)\n",
        "SyntaxError",
        3,
        "décalées de 4 espaces",
    ),
    "temperature_shadowed": Mistake(
        "from microbit import *\ntemperature = temperature()\nprint(temperature)\n"
        "temperature = temperature()\n",
        "TypeError",
        4,
        "« temperature = temperature() » met un nombre dans « temperature »",
        on_qemu=False,
    ),
    "is_pressed_without_brackets": Mistake(
        "from microbit import *\nappuis = 0\nappuis = appuis + button_a.is_pressed\n",
        "TypeError",
        3,
        "sans ses parenthèses",
    ),
    "text_for_a_number": Mistake(
        "from microbit import *\nattente = '500'\nsleep(attente)\n",
        "TypeError",
        3,
        "'5' (entre guillemets) est un texte, 5 est un nombre",
    ),
    "number_plus_text": Mistake(
        "from microbit import *\nscore = 3\ndisplay.scroll(score + ' points')\n",
        "TypeError",
        3,
        "Utilise str(nombre)",
    ),
    "led_out_of_range": Mistake(
        "from microbit import *\nfor x in range(6):\n    display.set_pixel(x, 0, 9)\n",
        "ValueError",
        3,
        "Les LED sont numérotées de 0 à 4",
    ),
    "robot_switched_off": Mistake(
        "from microbit import *\ni2c.write(0x10, bytes([0, 0, 100]))\n",
        "OSError",
        2,
        "le robot est-il allumé",
        on_qemu=False,
    ),
}

#: A V1 runs out of memory with a long text (16 KB of RAM); the simulator's V1 has more.
MEMORY = Mistake(
    "texte = 'a' * 20000\nprint(len(texte))\n",
    "MemoryError",
    1,
    "une V1 n’a que 16 Ko",
)


@dataclass(frozen=True)
class Slip:
    """A pupil's program that runs without an error but not as they meant, and the warning's
    line and words."""

    code: str
    line: int
    warning: str
    device: str = "sim"


SLIPS = {
    "sleep_in_seconds": Slip(
        "from microbit import *\nwhile True:\n    display.show(Image.HEART)\n    sleep(1)\n"
        "    display.clear()\n    sleep(1)\n",
        4,
        "sleep(1) attend 1 ms (millisecondes), pas 1 s (1000 ms = 1 s). Pour attendre 1 s, "
        "écris sleep(1000).",
    ),
    "robot_without_loop": Slip(
        "import maqueen\nmaqueen.motor_run(100, 100)\n",
        1,
        "ce programme de robot n’a pas de boucle : il se termine aussitôt",
        "sim:maqueen",
    ),
    "loop_without_sleep": Slip(
        "from microbit import *\nn = 0\nwhile True:\n    n = n + 1\n    if n > 2000:\n"
        "        break\nwhile True:\n    display.set_pixel(2, 2, 9)\n",
        7,
        "cette boucle while True n’a pas de sleep",
    ),
    "time_sleep": Slip(
        "from microbit import *\nimport time\ndisplay.show(1)\ntime.sleep(1)\n",
        4,
        "time.sleep compte en secondes, mais le sleep de la micro:bit compte en millisecondes",
    ),
    "is_pressed_counts_many_times": Slip(
        "from microbit import *\nappuis = 0\nwhile running_time() < 300:\n"
        "    if button_a.is_pressed():\n        appuis += 1\n    sleep(10)\nprint(appuis)\n",
        4,
        "button_a.was_pressed() compte chaque appui une seule fois",
    ),
    "is_pressed_without_brackets": Slip(
        "from microbit import *\nif button_a.is_pressed:\n    display.show(Image.HAPPY)\n",
        2,
        "button_a.is_pressed sans parenthèses est toujours vrai",
    ),
    "accented_scroll": Slip(
        "from microbit import *\ndisplay.scroll('Été')\n",
        2,
        "« Éé » apparaît comme « ? » sur la carte",
    ),
}
