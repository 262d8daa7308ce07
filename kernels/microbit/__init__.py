"""The micro:bit Jupyter kernel: notebook cells run on a board through `device_bridge.Board`.

`kernel.py` is the ipykernel subclass; `link.py` owns the board on one worker thread (so the
kernel stays responsive while the board runs or hangs); `cell.py` splits a cell into magics and
board code; `errors.py` turns board tracebacks into Jupyter errors with French hints; `magics.py`,
`completion.py` (with `api_help.py`), `output.py`, `live.py` (the widgets hook) and `install.py`
(kernelspecs) do one job each.
"""
