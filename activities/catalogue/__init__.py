"""The activity catalogue: one folder per activity (metadata, nbgrader source notebook, teacher
and pupil sheets), its metadata (`metadata.py`), the `%%check` mechanism that grades the
notebooks on the simulator (`checks/`), and the validation behind `tne activities check`
(`validation.py`). The format is described in docs/activities.md."""

from pathlib import Path

#: The folder holding one sub-folder per activity.
CATALOGUE_DIR = Path(__file__).resolve().parent
