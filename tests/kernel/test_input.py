"""`input()` in a notebook: the kernel shows an input box (Jupyter's stdin request) and the
program gets the line typed; Stop ends a program that waits; without an input box, `input()`
fails at once in French. On the simulated micro:bit and on the real firmware in QEMU."""

from __future__ import annotations

import time

import pytest

from tests.helpers.kernel import KernelSession

ASK = "print('question')\nnom = input('nom ? ')\nprint('bonjour', nom)"


@pytest.fixture(params=["sim_kernel", pytest.param("qemu_kernel", marks=pytest.mark.qemu)])
def kernel(request: pytest.FixtureRequest) -> KernelSession:
    return request.getfixturevalue(request.param)


def test_input_shows_an_input_box_and_the_program_gets_the_line(kernel: KernelSession) -> None:
    msg_id = kernel.send(ASK, allow_stdin=True)
    request = kernel.input_request()
    assert request["msg_type"] == "input_request"
    assert request["parent_header"]["msg_id"] == msg_id
    kernel.answer("Éloïse")

    run = kernel.collect(msg_id)

    assert run.status == "ok", run.traceback
    assert run.stream() == "question\nnom ? bonjour Éloïse\n"


def test_stop_while_input_waits_ends_the_cell_and_the_next_input_is_answered(
    kernel: KernelSession,
) -> None:
    msg_id = kernel.send(ASK, allow_stdin=True)
    kernel.input_request()
    started = time.monotonic()
    kernel.stop()
    run = kernel.collect(msg_id)

    assert run.reply["ename"] == "KeyboardInterrupt"
    assert time.monotonic() - started < 5
    # The box given up is never answered by mistake: the next one gets its own line.
    again = kernel.send("print(input())", allow_stdin=True)
    kernel.input_request()
    kernel.answer("suite")
    assert kernel.collect(again).stream() == "suite\n"


def test_without_an_input_box_input_fails_at_once_in_french(kernel: KernelSession) -> None:
    started = time.monotonic()
    run = kernel.run(ASK)

    assert time.monotonic() - started < 5
    assert run.status == "error"
    assert "case de saisie" in run.traceback
    assert run.stream() == "question\nnom ? "
