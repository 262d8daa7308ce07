"""The Jupyter kernel(s) that run notebook cells on a board (coming with the kernel issue)."""
