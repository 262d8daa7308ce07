"""The simulated micro:bit: a child process that speaks the MicroPython raw REPL on its stdin and
stdout, so that the bridge's protocol, `Board` and every front end run unchanged on it.

`python -m device_bridge.sim --firmware v2` starts one board; `transports/sim.py` is the parent
side. Modules, one job each: `repl` (the REPL state machine and its bytes), `runner` (running
pupil code, tracebacks, interrupts), `sandbox` (the modules and builtins pupil code sees),
`microbit` (the simulated `microbit` module), `vfs` (the board's flash file system), `clock`
(simulated time).

The sandbox keeps ordinary pupil code, mistakes included, away from the host (no real `os`,
`open`, `subprocess`, `socket`); it is not a security boundary against a determined attacker,
since CPython cannot be sandboxed from inside itself.
"""
