"""Ctrl-C for code that never calls the host: `while True: pass`.

MicroPython raises a pending exception at the next jump of its bytecode loop: the unix port's
SIGINT handler stores the `KeyboardInterrupt` in `MP_STATE_THREAD(mp_pending_exception)` and
marks the scheduler pending (`MP_STATE_VM(sched_state)`), which the loop checks at every
backward jump. The guest has no signals, but the host can do what the handler does: write both
words into the guest's linear memory, from the thread that received the Ctrl-C, while the guest
runs (the memory never moves, and the loop reads the words afresh at each jump).

Where those two words live depends on how the artifact was built, so the guest shows them to
the host at boot (`_door._probe`), and the host checks the result before relying on it:

- `mp_pending_exception` sits four words after `dict_globals` in the thread state: while code
  runs under `exec(..., d)`, the static data holds `id(d)` twice in a row (`dict_locals`,
  `dict_globals`), and nowhere else;
- `sched_state` is the 16-bit word that `micropython.schedule` turns from idle (1) to pending
  (0), found by comparing the static data before and after one call;
- then a real interrupt is delivered to a loop in the guest, which reports whether it caught the
  very exception object written.

If any step fails, `Slots` is None and a Ctrl-C that the program does not see through a host
call ends the guest instead: the board restarts and says so (vm.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from .memory import GuestMemory

#: Bytes of static data searched (the interpreter's state lies well within; the heap is after).
STATIC_BYTES = 512 * 1024
#: Words from `dict_globals` to `mp_pending_exception` (nlr_top, nlr_jump_callback_top between).
PENDING_AFTER_GLOBALS = 3 * 4
#: Bytes after `mp_pending_exception` where `sched_state` is looked for (the VM state follows
#: the thread state in `mp_state_ctx`).
SCHED_WINDOW = 8 * 1024
#: `MP_SCHED_IDLE`, `MP_SCHED_PENDING`.
SCHED_IDLE, SCHED_PENDING = 1, 0


@dataclass(frozen=True)
class Slots:
    pending: int  # address of mp_pending_exception (a 32-bit object pointer)
    sched_state: int  # address of sched_state (16 bits)


class Finder:
    """Collects what the guest shows at boot (`_door._probe`)."""

    def __init__(self, memory: GuestMemory) -> None:
        self._memory = memory
        self._pending: int | None = None
        self._snapshots: list[bytes] = []
        self.slots: Slots | None = None
        self._candidate: Slots | None = None
        self._done = False  # the probe is over: its ops answer nothing more (a program's call)

    def _static(self) -> bytes:
        return self._memory.read(0, min(STATIC_BYTES, self._memory.size()))

    def globals_at(self, payload: str) -> str:
        """`id(d)` while the guest runs `exec(..., d)`. Only a match that has the shape of the
        thread state counts: in static data, on the other side of the stack whose top it
        records (above it when the linker puts the stack first, as our build's does: below it
        otherwise), with no exception pending. A wrong guess would have the host write into the
        guest's heap."""
        if self._done or not payload.isdigit():
            return "n"
        dictionary = int(payload)
        pattern = (dictionary.to_bytes(4, "little")) * 2
        static = self._static()[: max(0, dictionary)]  # the dict itself is in the heap, above
        at = static.find(pattern)
        while at >= 0:
            pending = at + 4 + PENDING_AFTER_GLOBALS
            stack_top = int.from_bytes(static[at - 12 : at - 8], "little") if at >= 12 else 0
            if (
                at % 4 == 0
                and (stack_top > pending or 0 < stack_top < at)
                and pending + 4 <= len(static)
                and static[pending : pending + 4] == bytes(4)
            ):
                self._pending = pending
                return "n"
            at = static.find(pattern, at + 4)
        return "n"

    def snapshot(self, _payload: str) -> str:
        if self._done:
            return "n"
        self._snapshots.append(self._static())
        if len(self._snapshots) == 2 and self._pending is not None:
            before, after = self._snapshots
            idle = SCHED_IDLE.to_bytes(2, "little")
            pending = SCHED_PENDING.to_bytes(2, "little")
            start = self._pending
            hits = [
                at
                for at in range(start, min(start + SCHED_WINDOW, len(before)) - 1, 2)
                if before[at : at + 2] == idle and after[at : at + 2] == pending
            ]
            if len(hits) == 1:
                self._candidate = Slots(self._pending, hits[0])
        return "n"

    def stop(self, payload: str) -> str:
        if self._done or not payload.isdigit():
            return "n"
        if self._candidate is not None and idle(self._memory, self._candidate):
            deliver(self._memory, self._candidate, int(payload))
        return "n"

    def result(self, payload: str) -> str:
        if self._done:
            return "n"
        self.slots = self._candidate if payload == "T" else None
        self._snapshots.clear()
        self._done = True
        return "n"


def idle(memory: GuestMemory, slots: Slots) -> bool:
    """Whether both words still read as a thread with nothing pending."""
    return memory.u32(slots.pending) == 0 and memory.read(
        slots.sched_state, 2
    ) == SCHED_IDLE.to_bytes(2, "little")


def deliver(memory: GuestMemory, slots: Slots, exception: int) -> None:
    """What the unix port's SIGINT handler does (`mp_sched_exception`)."""
    memory.put_u32(slots.pending, exception)
    memory.write(slots.sched_state, SCHED_PENDING.to_bytes(2, "little"))


def clear(memory: GuestMemory, slots: Slots) -> None:
    """Forget an interrupt that came after the program's last jump (the run ended first)."""
    memory.put_u32(slots.pending, 0)
    memory.write(slots.sched_state, SCHED_IDLE.to_bytes(2, "little"))
