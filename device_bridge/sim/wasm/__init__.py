"""The sealed engine: pupils' code runs in MicroPython compiled to WebAssembly (WASI), under
wasmtime, inside the simulator's child process.

- `artifact.py`: where the MicroPython `.wasm` comes from, and its compiled form cached on disk.
- `memory.py`: reading and writing the guest's linear memory, bounds checked.
- `wasi.py`: the few WASI calls the guest gets (its standard output, its arguments, the
  simulated clock); every other one is refused.
- `door.py`: the named host calls through which the guest reaches the simulated hardware.
- `vm.py`: one running guest (a boot of the board): execute, interrupt, limits.
- `guest/`: the MicroPython side (the REPL loop, `microbit` and the other modules), read by the
  guest through the door.

The security boundary is WebAssembly's: the guest owns nothing but its linear memory, and calls
out only through the imports defined here. See docs/simulator.md ("The engine").
"""
