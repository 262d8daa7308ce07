"""Files shipped with the classroom code (the French feedback template)."""

from __future__ import annotations

from pathlib import Path

TEMPLATES = Path(__file__).resolve().parent / "templates"


def feedback_template_dir() -> Path:
    """nbgrader's feedback page with its words in French (`templates/tne_feedback`); it
    extends nbconvert's classic template like nbgrader's own."""
    return TEMPLATES / "tne_feedback"


def nbgrader_templates() -> Path:
    """nbgrader's own template folder (its bootstrap CSS and base templates)."""
    import nbgrader

    return Path(nbgrader.__file__).parent / "server_extensions" / "formgrader" / "templates"
