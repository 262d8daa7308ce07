"""The simulated micro:bit: a child process that speaks the MicroPython raw REPL on its stdin and
stdout, so that the bridge's protocol, `Board` and every front end run unchanged on it.

`python -m device_bridge.sim --firmware v2` starts one board; `transports/sim.py` is the parent
side. Modules, one job each: `repl` (the REPL state machine and its bytes), `wasm/` (the sealed
engine: pupils' code in MicroPython for WebAssembly, reaching the simulated hardware through a
short list of named host calls), `microbit` and the peripheral modules (the simulated hardware,
on the host), `vfs` (the board's flash file system), `clock` (simulated time), `state` (what
survives a soft reboot).

Pupils' code never runs in this process's CPython: the former CPython engine and its guard were
removed (CPython cannot be sandboxed from inside itself). benchmarks/bench_sim_engine.py takes
it from the project's history to measure the sealed engine against it.
"""
