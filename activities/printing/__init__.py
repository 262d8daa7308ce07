"""Printing an activity: `tne activities print ID` makes the PDFs a class needs on paper.

- `sheets`: the pupil sheet and the teacher sheet (their Markdown, A4, French typography);
- `memo`: one A4 page of the micro:bit (and robot) functions pupils use;
- `mat`: the robot's world at 1:1 scale, tiled on A4 or A3 with cut marks and an assembly plan;
- `build`: all of them for one activity, written together or not at all;
- `pdf` (WeasyPrint, as the registry's report), `typography`, `source` (the activity's
  metadata, until activities/catalogue/metadata.py replaces it), `errors`.
"""

from .build import Printed, print_activity
from .errors import PrintingError

__all__ = ["Printed", "PrintingError", "print_activity"]
