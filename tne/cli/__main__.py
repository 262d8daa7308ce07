"""`python -m tne.cli` and the `tne` command (pyproject.toml's entry point)."""

import sys


def main() -> None:
    """`tne run --device sim...` starts its simulated board first, so that it boots while the
    command line's modules are imported (tne/cli/sim_launch.py); then the command itself."""
    from .sim_launch import launch

    launch(sys.argv[1:])
    from .app import main as run_command

    run_command()


if __name__ == "__main__":
    main()
