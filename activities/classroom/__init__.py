"""Classroom distribution with nbgrader (`tne class ...`), with or without a JupyterHub.

One module per step: `course` (the course folder and its nbgrader configuration), `students`
(class lists), `distribute` (add and release an activity), `collect` (what came back through the
ENT), `grading` (parallel autograding on the grading kernel), `feedback`, `export`, `purge`.
Every step takes the course folder explicitly, so that nothing depends on the current directory.
"""
