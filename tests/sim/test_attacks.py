"""Pupil code tries to reach the host, the way an attacker would (issue 10, "Tests").

Each attempt runs as a pupil's program on the simulated board, and the test asserts that nothing
happened on the host: no file created in a watched folder or in the current folder, no process
left behind, no variable of the teacher's session (`TNE_SECRET`) readable by the program or
present in the simulator's child, no trace event the program did not earn. It also asserts how
the run ended: an ordinary error of the program (named), a clean end, or a stop by a limit with
a French message; and that the board still answers afterwards.

The same attempts run through the Board API (all of them), through `tne run` in its own process
and through the simulated board's Jupyter kernel (a subset each: no slow CPU burners there, since
those front ends start the child with its default limits of minutes).

The guest reaches its host functions (`host.call`, the "door") through the simulator's own
modules; `DOOR` finds it as a pupil would, and forged calls with any name or payload must give an
error or an ordinary hardware effect. Attempts that find a real hole are `xfail(strict=True)`
with the reason: they pass once the engine is fixed, and strictness then asks to unmark them.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import types
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from device_bridge import Board
from device_bridge.sim.limits import cpu_message, wall_message
from device_bridge.sim.wasm.board import CPU_FUEL_PER_S, WasmEngine
from device_bridge.sim.wasm.vm import GRACE_S, Limits
from device_bridge.transports.sim import (
    CHILD_VARIABLES,
    PACKAGE_ROOT,
    SimTransport,
    child_environment,
)
from tests.helpers.host_watch import PROC_READABLE, HostSnapshot, descendants, environment_of
from tests.helpers.limited_sim import CPU_LIMIT_S, OUTPUT_CAP, WALL_LIMIT_S, LimitedTransport
from tests.kernel.conftest import kernelspecs  # noqa: F401 - the kernel fixture, shared

#: The teacher's session holds this; no pupil program may read it.
SECRET_NAME = "TNE_SECRET"
SECRET = "s3cret-" + uuid.uuid4().hex
#: A pupil's way to the door: `host.call(name, payload)`, found through the simulator's modules.
DOOR = (
    "def door():\n"
    "    try:\n"
    "        import host\n"
    "        return host.call\n"
    "    except ImportError:\n"
    "        pass\n"
    "    return __import__.__globals__['_import']('host').call\n"
)


@dataclass(frozen=True)
class Attack:
    """An attempt: `code` (with `{target}`, a path in the watched folder, and `{secret}`, the
    variable's name), how it must end (`ends`: an exception's name, "ok", "stop" for a limit's
    French message, "error" for any ordinary error, "any" for an error or a clean end), the
    trace events it earns (`earns`: kinds), strings its output must not hold (`never`)."""

    name: str
    code: str
    ends: str
    earns: tuple[str, ...] = ()
    never: tuple[str, ...] = ()
    shows: str | None = None  # its exact stdout, when that matters
    marks: tuple = field(default_factory=tuple)

    def source(self, target: Path) -> str:
        return self.code.replace("{target}", str(target)).replace("{secret}", SECRET_NAME)


def forged(call: str) -> str:
    return DOOR + call


PASSWD = ("root:",)
ATTACKS = [
    # -- introspection ---------------------------------------------------------------------
    Attack("dunder-subclasses", "().__class__.__base__.__subclasses__()", "AttributeError"),
    Attack("type-subclasses", "type.__subclasses__(object)", "AttributeError"),
    Attack("mro", "print(().__class__.__mro__)", "AttributeError"),
    Attack("frame", "import sys\nsys._getframe(0).f_back", "AttributeError"),
    Attack(
        "traceback-frame",
        "try:\n    1 / 0\nexcept ZeroDivisionError as e:\n    e.__traceback__.tb_frame.f_globals",
        "AttributeError",
    ),
    Attack("gc-objects", "import gc\ngc.get_objects()", "AttributeError"),
    Attack("gc-referrers", "import gc\ngc.get_referrers(print)", "AttributeError"),
    Attack(
        "format-string",
        "print('{0.__class__.__init__.__globals__}'.format(print))",
        "NotImplementedError",
    ),
    Attack("format-map", "print('{a.__globals__}'.format_map({'a': print}))", "AttributeError"),
    Attack(
        "pattern-matching", "match print:\n    case object(__self__=s):\n        s", "SyntaxError"
    ),
    Attack(
        "function-globals-os",
        "g = __import__.__globals__\ng['_import']('os').system('touch {target}')",
        "AttributeError",
    ),
    Attack(
        "module-globals-walk",
        "import sys\nfor m in list(sys.modules.values()):\n"
        "    for v in list(m.__dict__.values()):\n"
        "        getattr(v, 'system', lambda c: None)('touch {target}')\n"
        "print('fin')",
        "ok",
        shows="fin\n",
    ),
    # -- the interpreter's own memory (machine.mem32 of the unix port): the guest's, not ours
    Attack(
        "guest-memory-scribble",
        "m = __import__.__globals__['_import']('machine')\n"
        "for a in range(0, 1 << 22, 4):\n    m.mem32[a] = 0xDEADBEEF",
        "stop",
    ),
    Attack(
        "guest-memory-beyond",
        "m = __import__.__globals__['_import']('machine')\nprint(m.mem32[1 << 31])",
        "stop",
    ),
    # -- the module system -----------------------------------------------------------------
    Attack("import-subprocess", "import subprocess", "ImportError"),
    Attack("import-socket", "import socket", "ImportError"),
    Attack("import-usocket", "import usocket", "ImportError"),
    Attack("import-ffi", "import ffi", "ImportError"),
    Attack("import-host", "import host", "ImportError"),
    Attack("import-vfs", "import vfs", "ImportError"),
    Attack("import-io", "import io", "ImportError"),
    Attack("dunder-import-importlib", "__import__('importlib')", "ImportError"),
    Attack(
        "sys-path-loader",
        "import sys\nsys.path.insert(0, '/etc')\nsys.path.insert(0, '/usr/lib/python3')\n"
        "import passwd",
        "ImportError",
    ),
    Attack("relative-import", "from .. import device_bridge", "ImportError"),
    Attack("host-package", "import device_bridge", "ImportError"),
    Attack("os-system", "import os\nos.system('touch {target}')", "AttributeError"),
    Attack("os-popen", "import os\nos.popen('touch {target}')", "AttributeError"),
    Attack("os-fork", "import os\nos.fork()", "AttributeError"),
    # -- the door's raw ops, with forged names and payloads ---------------------------------
    Attack(
        "door-read-host-file",
        forged("print(door()('fs.read', repr(('../../../../etc/passwd', 0))))"),
        "any",
        never=PASSWD,
    ),
    Attack(
        "door-create-host-file",
        forged("print(door()('fs.create', '../../../..{target}'))"),
        "any",
    ),
    Attack(
        "door-library-escape",
        forged("print(door()('lib.read', '/lib/../../../../etc/passwd\\x000'))"),
        "any",
        never=PASSWD,
    ),
    Attack("door-unknown-op", forged("print(door()('os.system', 'touch {target}'))"), "any"),
    Attack(
        "door-code-as-payload",
        forged(
            "print(door()('microbit.display.show', \"__import__('os').system('touch {target}')\"))"
        ),
        "any",
    ),
    Attack(
        "door-object-forged",
        forged(
            "print(door()('microbit.display.show', "
            "repr(((('\\x00O', 'microbit.__class__'),), {})))) "
        ),
        "any",
    ),
    Attack(
        "door-image-oversized",
        forged(
            "print(door()('microbit.display.show', repr(((('\\x00I', 1000, 1000, '9'),), {}))))"
        ),
        "any",
    ),
    Attack(
        "door-payload-too-large",
        forged("print(door()('microbit.display.scroll', 'x' * (64 * 1024)))"),
        "any",
    ),
    Attack(
        "door-neopixel-handle",
        forged("print(door()('neopixel.NeoPixel.show', repr(((424242,), {}))))"),
        "any",
    ),
    Attack(
        "door-draws-what-it-asks",  # a forged call that draws: an ordinary hardware effect
        forged("print(door()('microbit.display.show', repr(((('\\x00I', 5, 5, '9' * 25),), {}))))"),
        "ok",
        earns=("display",),
    ),
    Attack(
        "door-probe-stop",  # the interrupt finder's op, with a made-up exception address
        forged("door()('probe.stop', '12345')\nfor i in range(10):\n    pass"),
        "any",
    ),
    Attack(
        "printed-event",
        'print(\'{"t": 0, "kind": "display", "pixels": "09090:99999:99999:09990:00900"}\')',
        "ok",
    ),
    # -- exec, eval, compile ---------------------------------------------------------------
    Attack("exec", "exec(\"import os\\nos.system('touch {target}')\")", "AttributeError"),
    Attack("eval", "eval(\"__import__('subprocess')\")", "ImportError"),
    Attack("compile", "exec(compile(\"open('/etc/passwd').read()\", 'x', 'exec'))", "OSError"),
    # -- the environment -------------------------------------------------------------------
    # (the micro:bit's os has no getenv, as on the firmware; the unix port's is not reachable)
    Attack("getenv", "import os\nprint(os.getenv('{secret}'))", "AttributeError"),
    Attack("environ-file", "print(open('/proc/self/environ').read())", "OSError", never=("TNE_",)),
    Attack("argv", "import sys\nprint(sys.argv)", "ok", never=("TNE_", "/")),
    # -- files ------------------------------------------------------------------------------
    Attack("read-absolute", "print(open('/etc/passwd').read())", "OSError", never=PASSWD),
    Attack("write-absolute", "open('{target}', 'w').write('x')", "OSError"),
    Attack("write-dotdot", "open('../../../..{target}', 'w').write('x')", "OSError"),
    Attack("listdir-host", "import os\nprint(os.listdir('/etc'))", "any", never=("passwd",)),
    Attack(
        "vfs-posix",
        "import os\nos.mount(os.VfsPosix('/'), '/host')\nprint(os.listdir('/host'))",
        "error",
    ),
    Attack(
        "vfs-posix-write",
        "import os\nv = os.VfsPosix('/')\nv.open('{target}', 'w').write('x')",
        "error",
    ),
    Attack(
        "io-fileio",
        "io = __import__.__globals__['io']\nio.FileIO('{target}', 'w').write(b'x')",
        "error",
    ),
    Attack("chdir-up", "import os\nos.chdir('..')\nprint(os.listdir())", "any", never=PASSWD),
    # -- threads and processes -------------------------------------------------------------
    Attack("thread", "import _thread", "ImportError"),
    Attack("threading", "import threading", "ImportError"),
    Attack("multiprocessing", "import multiprocessing", "ImportError"),
    # -- CPU, memory, output, recursion ----------------------------------------------------
    Attack("cpu-in-one-call", "max(range(2 ** 30 - 1))", "stop"),  # no allocation: see limits
    Attack("cpu-in-one-call-allocating", "sum(range(2 ** 31 - 1))", "stop-or-MemoryError"),
    Attack("cpu-bytes-repeat", "b'ab' * (2 ** 30)", "stop-or-MemoryError"),
    Attack("memory-bytes-repeat", "b'ab' * (2 ** 27)", "stop-or-MemoryError"),
    Attack(
        "memory-bomb-list",  # in a function, so that the next attack finds the heap free
        "def bomb():\n    x = []\n    while True:\n        x.append(bytearray(1024))\nbomb()",
        "stop-or-MemoryError",
    ),
    Attack("memory-bomb-one", "bytearray(2 ** 30)", "stop-or-MemoryError"),
    Attack("memory-bomb-bigint", "7 ** (10 ** 7)", "stop-or-MemoryError"),
    Attack(
        "output-flood",
        "for i in range(200000):\n    print('x' * 1000)",
        "stop",
    ),
    Attack("deep-recursion", "def f(n):\n    return f(n + 1)\nf(0)", "stop-or-RuntimeError"),
    Attack(
        "heap-lock",
        "import micropython\nmicropython.heap_lock()\nx = [1] * 10",
        "stop-or-MemoryError",
    ),
]
#: Attempts also run through `tne run` and the kernel (quick ones that touch the host if anything).
FRONT_END_SUBSET = (
    "function-globals-os",
    "os-system",
    "import-subprocess",
    "door-read-host-file",
    "door-create-host-file",
    "getenv",
    "environ-file",
    "write-absolute",
    "write-dotdot",
    "vfs-posix-write",
    "io-fileio",
    "thread",
    "output-flood",
    "memory-bomb-one",
)
BY_NAME = {attack.name: attack for attack in ATTACKS}


def french_stops() -> list[str]:
    """Every French message a limit ends a run with, on the attack board (TNE_LANG=fr)."""
    limits = Limits(cpu_fuel=int(CPU_LIMIT_S * CPU_FUEL_PER_S), wall_s=WALL_LIMIT_S)
    engine = types.SimpleNamespace(limits=limits)
    reasons = ("cpu", "wall", "output", "interrupt", "crash")
    return [
        cpu_message(CPU_LIMIT_S),
        wall_message(WALL_LIMIT_S),
        *(WasmEngine.stop_message(engine, reason) for reason in reasons),  # type: ignore[arg-type]
    ]


def ending(stderr: str, stops: list[str]) -> str:
    """How a run ended, from its error text: "ok", "stop", or the exception's name."""
    text = stderr.replace("\r\n", "\n").strip()
    if not text:
        return "ok"
    if any(stop in text for stop in stops):
        return "stop"
    return text.splitlines()[-1].split(":")[0].strip()


def assert_ends(attack: Attack, stderr: str, stops: list[str]) -> None:
    got = ending(stderr, stops)
    wanted = attack.ends
    if wanted == "any":
        assert got != "stop", stderr
    elif wanted == "error":
        assert got not in ("ok", "stop"), stderr
    elif wanted.startswith("stop-or-"):
        assert got in ("stop", wanted.removeprefix("stop-or-")), stderr
    else:
        assert got == wanted, stderr


def assert_nothing_leaked(attack: Attack, output: str) -> None:
    assert SECRET not in output
    for text in attack.never:
        assert text not in output


@pytest.fixture(scope="module")
def secret_session() -> Iterator[None]:
    """The teacher's session: a secret in the environment, French messages."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(SECRET_NAME, SECRET)
        patch.setenv("TNE_LANG", "fr")
        yield


@dataclass
class AttackBoard:
    board: Board
    transport: SimTransport
    events: list[dict]
    stops: list[str]

    @property
    def child(self) -> int:
        process = self.transport._process
        assert process is not None
        return process.pid


@pytest.fixture(scope="module")
def attack_board(secret_session: None) -> Iterator[AttackBoard]:
    transport = LimitedTransport()
    transport.open()
    events: list[dict] = []
    transport.subscribe(events.append)
    with Board.started(transport) as board:
        yield AttackBoard(board, transport, events, french_stops())


@pytest.fixture
def watched(tmp_path: Path) -> Path:
    folder = tmp_path / "watched"
    folder.mkdir()
    return folder


def params(attacks: list[Attack]) -> list:
    return [pytest.param(attack, id=attack.name, marks=attack.marks) for attack in attacks]


@pytest.mark.parametrize("attack", params(ATTACKS))
def test_attack_through_the_board_api_reaches_nothing(
    attack: Attack, attack_board: AttackBoard, watched: Path
) -> None:
    target = watched / "pwned"
    store = Path(attack_board.transport._store or "")
    before = HostSnapshot.take(watched, store)
    attack_board.transport.sync_events()
    attack_board.events.clear()

    started = time.monotonic()
    result = attack_board.board.run(attack.source(target), timeout=30)
    assert time.monotonic() - started < WALL_LIMIT_S + GRACE_S + 2  # within its limits

    stdout = result.stdout.decode("utf-8", "replace").replace("\r\n", "\n")
    stderr = result.stderr.decode("utf-8", "replace")
    assert_ends(attack, stderr, attack_board.stops)
    if attack.shows is not None:
        assert stdout == attack.shows
    assert_nothing_leaked(attack, stdout + stderr)
    assert attack_board.board.eval("6 * 7") == 42  # the board lives on
    assert attack_board.transport.sync_events()
    earned = {event["kind"] for event in attack_board.events} - {"stdout"}
    assert earned <= set(attack.earns)
    after = HostSnapshot.take(watched, store)
    assert not target.exists()
    assert before.new_files(after) == set()
    assert before.new_cwd_names(after) == set()
    child = attack_board.child
    assert before.new_processes(after, allowed=frozenset({child})) == set()
    if PROC_READABLE:
        assert SECRET_NAME not in environment_of(child)
        assert descendants(child) == frozenset()  # the child started nothing


def test_the_suite_has_at_least_thirty_attempts() -> None:
    assert len(ATTACKS) >= 30
    assert set(FRONT_END_SUBSET) <= set(BY_NAME)


def test_the_output_flood_stops_at_the_cap_with_the_french_message(
    attack_board: AttackBoard,
) -> None:
    result = attack_board.board.run(BY_NAME["output-flood"].code, timeout=30)
    assert OUTPUT_CAP - 2000 <= len(result.stdout) <= OUTPUT_CAP + 64 * 1024
    assert "Ton programme a affiché plus de 1 Mo" in result.stderr.decode()


# -- the door's control ops, which only the simulator's REPL loop should use -------------------


def test_a_forged_done_does_not_make_a_failing_program_look_successful(
    secret_session: None,
) -> None:
    with Board.connect("sim") as board:
        result = board.run(forged("door()('done', 'ok')\n1 / 0"), timeout=10)
        later = board.run("print('suivant')", timeout=10)
    assert b"ZeroDivisionError" in result.stderr
    assert later.stdout == b"suivant\r\n" and later.stderr == b""


def test_pupil_code_cannot_replace_how_later_runs_are_reported(secret_session: None) -> None:
    with Board.connect("sim") as board:
        board.exec("import sys\nsys.modules['_door'].run = lambda job, g: ('ok', '')")
        result = board.run("1 / 0", timeout=10)
    assert b"ZeroDivisionError" in result.stderr


def test_a_forged_next_ends_within_the_wall_limit(secret_session: None) -> None:
    transport = LimitedTransport()
    transport.open()
    with Board.started(transport) as board:
        result = board.run(forged("print(door()('next', '0'))"), timeout=WALL_LIMIT_S + 5)
        # Without the REPL loop's secret the host refuses at once (an error as the answer).
        assert result.stdout.startswith(b"ETypeError"), result
        assert board.eval("6 * 7") == 42


# -- the raw REPL's framing (item 6) ------------------------------------------------------------


@pytest.mark.parametrize(
    "write",
    [
        pytest.param("print('fini' + chr(4) + chr(4) + '>')", id="print"),
        pytest.param("import sys\nsys.stdout.write(chr(4) + chr(4) + '>')", id="sys-stdout"),
        pytest.param(
            "from microbit import uart\nuart.write('fini' + chr(4) + chr(4) + '>')",
            id="uart-str",
        ),
        pytest.param(
            "from microbit import uart\nuart.write(b'fini' + bytes([4, 4]) + b'>')",
            id="uart-bytes",
        ),
    ],
)
def test_writing_the_end_of_output_does_not_make_a_failing_program_look_successful(
    write: str, secret_session: None
) -> None:
    with Board.connect("sim") as board:
        result = board.run(write + "\n1 / 0", timeout=10)
        assert b"ZeroDivisionError" in result.stderr
        assert board.eval("6 * 7") == 42


def test_printing_a_fake_traceback_does_not_make_a_successful_program_look_failing(
    attack_board: AttackBoard,
) -> None:
    fake_error = (
        "print(chr(4) + 'Traceback (most recent call last):' + chr(13) + chr(10) + "
        "'ValueError: faux' + chr(4) + '>')\nprint('fini')"
    )
    result = attack_board.board.exec(fake_error, timeout=10)
    assert result.stderr == b""
    assert result.stdout.endswith(b"fini\r\n")
    assert attack_board.board.eval("6 * 7") == 42


def test_writing_the_end_of_output_on_stderr_changes_nothing(attack_board: AttackBoard) -> None:
    code = "import sys\nsys.stderr.write(chr(4) + chr(4) + '>')\nprint('fini')"
    result = attack_board.board.exec(code, timeout=10)
    assert result.stderr == b""
    assert attack_board.board.eval("6 * 7") == 42


def test_an_exception_message_cannot_fake_the_next_runs_answer(secret_session: None) -> None:
    with Board.connect("sim") as board:
        trap = (
            "raise ValueError('x' + chr(4) + '>OK42' + chr(13) + chr(10) + chr(4) + chr(4) + '>')"
        )
        first = board.run(trap, timeout=10)
        second = board.run("1 / 0", timeout=10)
    assert first.stderr.rstrip().endswith(b">OK42") or b"ValueError" in first.stderr
    assert b"ZeroDivisionError" in second.stderr
    assert second.stdout == b""


# -- the same attempts through `tne run` and the kernel -----------------------------------------


def tne_environment() -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("TNE_")}
    env[SECRET_NAME] = SECRET
    env["TNE_LANG"] = "fr"
    return env


@pytest.mark.parametrize("attack", params([BY_NAME[name] for name in FRONT_END_SUBSET]))
def test_attack_through_tne_run_reaches_nothing(attack: Attack, tmp_path: Path) -> None:
    watched = tmp_path / "watched"
    watched.mkdir()
    target = watched / "pwned"
    program = tmp_path / "programme.py"
    program.write_text(attack.source(target), encoding="utf-8")
    before = HostSnapshot.take(watched)
    done = subprocess.run(
        [sys.executable, "-m", "tne.cli", "run", "--device", "sim", str(program)],
        capture_output=True,
        env=tne_environment(),
        cwd=tmp_path,
        timeout=120,
    )
    output = (done.stdout + done.stderr).decode("utf-8", "replace")
    assert_nothing_leaked(attack, output)
    if attack.ends == "ok":
        assert done.returncode == 0, output
    elif attack.ends != "any":
        assert done.returncode != 0, output
    if attack.ends == "stop":
        assert "Ton programme a affiché plus de 1 Mo" in output
    elif attack.ends not in ("ok", "any", "error") and not attack.ends.startswith("stop-or-"):
        assert f"{attack.ends}:" in output
    if attack.shows is not None:
        assert attack.shows.strip() in done.stdout.decode()
    after = HostSnapshot.take(watched)
    assert not target.exists()
    assert before.new_files(after) == set()
    assert set(os.listdir(tmp_path)) == {"watched", "programme.py"}
    assert before.new_processes(after) == set()  # the child went with the command


@pytest.fixture(scope="module")
def attack_kernel(request: pytest.FixtureRequest, secret_session: None, tmp_path_factory):
    """A simulated-board kernel started from the teacher's session (the secret is in its
    environment, as it would be in a teacher's Jupyter server)."""
    from tests.helpers.kernel import KernelSession
    from tests.kernel.conftest import kernel_env

    request.getfixturevalue("kernelspecs")
    env = kernel_env(None)
    env[SECRET_NAME] = SECRET
    folder = tmp_path_factory.mktemp("attack-kernel")
    session = KernelSession("tne-microbit-sim", env, folder)
    yield session, folder
    session.close()


@pytest.mark.parametrize("attack", params([BY_NAME[name] for name in FRONT_END_SUBSET]))
def test_attack_through_the_simulated_kernel_reaches_nothing(
    attack: Attack, attack_kernel, tmp_path: Path
) -> None:
    session, folder = attack_kernel
    watched = tmp_path / "watched"
    watched.mkdir()
    target = watched / "pwned"
    before = HostSnapshot.take(watched, folder)
    kernel_pid = session.manager.provisioner.pid  # type: ignore[union-attr]

    run = session.run(attack.source(target), timeout=60)

    output = run.stream("stdout") + run.stream("stderr") + run.traceback
    assert_nothing_leaked(attack, output)
    if attack.ends == "ok":
        assert run.status == "ok", output
    elif attack.ends != "any":
        assert run.status == "error", output
    if attack.ends == "stop":
        assert "Ton programme a affiché plus de 1 Mo" in output
    elif attack.ends not in ("ok", "any", "error") and not attack.ends.startswith("stop-or-"):
        assert attack.ends in output
    after_run = session.run("print(6 * 7)")
    assert after_run.stream("stdout").strip() == "42"  # the board lives on
    after = HostSnapshot.take(watched, folder)
    assert not target.exists()
    assert before.new_files(after) == set()
    if PROC_READABLE:
        children = descendants(kernel_pid)
        for pid in children:
            assert SECRET_NAME not in environment_of(pid)
        assert len(children) == 1  # the simulated board's child, which started nothing


# -- the clean child (item 7) and the watch itself ------------------------------------------------


def test_the_child_receives_only_the_listed_variables(secret_session: None) -> None:
    if not PROC_READABLE:
        pytest.skip("reads the child's environment from /proc")
    transport = SimTransport()
    transport.open()
    try:
        process = transport._process
        assert process is not None
        received = environment_of(process.pid)
    finally:
        transport.close()
    assert SECRET_NAME not in received
    assert set(received) <= set(CHILD_VARIABLES) | {"PYTHONIOENCODING"}
    assert received["TNE_LANG"] == "fr"  # listed: the child speaks the parent's language
    assert received["PYTHONPATH"].split(os.pathsep)[0] == str(PACKAGE_ROOT)


def test_the_child_environment_keeps_what_windows_and_python_need() -> None:
    parent = {
        "SYSTEMROOT": "C:\\Windows",
        "PYTHONPATH": "/elsewhere",
        "LOCALAPPDATA": "C:\\Users\\prof\\AppData\\Local",
        SECRET_NAME: SECRET,
        "PATH": "/usr/bin",
        "JUPYTER_TOKEN": "abc",
    }
    env = child_environment(parent)
    assert env["SYSTEMROOT"] == "C:\\Windows"
    assert env["LOCALAPPDATA"] == parent["LOCALAPPDATA"]
    assert env["PYTHONPATH"] == os.pathsep.join([str(PACKAGE_ROOT), "/elsewhere"])
    assert SECRET_NAME not in env and "PATH" not in env and "JUPYTER_TOKEN" not in env


def test_the_watch_sees_a_file_a_process_and_a_variable(tmp_path: Path) -> None:
    # The checks above can fail: a file written, a process left, a variable passed are seen.
    before = HostSnapshot.take(tmp_path)
    (tmp_path / "pwned").write_text("x")
    with subprocess.Popen(
        [sys.executable, "-c", "import time; time.sleep(30)"],
        env={**os.environ, SECRET_NAME: SECRET},
    ) as sleeper:
        try:
            after = HostSnapshot.take(tmp_path)
            assert before.new_files(after) == {tmp_path / "pwned"}
            if PROC_READABLE:
                assert before.new_processes(after) == {sleeper.pid}
                assert environment_of(sleeper.pid)[SECRET_NAME] == SECRET
        finally:
            sleeper.kill()
