"""The Jupyter kernel that runs notebook cells on a board (`kernels.microbit`), and its widgets
(`kernels.widgets`)."""
