"""A simulated board's child with short limits, as a server would start it, for the tests of
the limits and of hostile code (tests/sim/test_attacks.py, test_engine_limits.py)."""

from __future__ import annotations

from device_bridge.transports.sim import SimTransport

#: CPU and wall seconds per run on the attack board: short, so that a burner ends quickly.
CPU_LIMIT_S = 1.0
WALL_LIMIT_S = 3.0
#: Bytes a run may print (the engine's default).
OUTPUT_CAP = 1024 * 1024


class LimitedTransport(SimTransport):
    """`SimTransport` whose child gets extra limit options (`--cpu-limit 1 --wall-limit 3`)."""

    def __init__(self, *limits: str, **options: object) -> None:
        super().__init__(**options)  # type: ignore[arg-type]
        self.limits = list(limits) or [
            "--cpu-limit",
            str(CPU_LIMIT_S),
            "--wall-limit",
            str(WALL_LIMIT_S),
        ]

    def command(self, channel_port: int = 0) -> list[str]:
        return super().command(channel_port) + self.limits
