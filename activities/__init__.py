"""The activity catalogue, classroom distribution (nbgrader), the TNE registry and reports
(coming with their issues)."""
