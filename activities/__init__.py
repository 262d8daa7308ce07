"""The activity catalogue, classroom distribution (nbgrader), the TNE registry (`registry/`)
and usage reports; the catalogue, distribution and reports come with their issues."""
