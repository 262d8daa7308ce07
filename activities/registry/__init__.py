"""The registry of TNE projects: schools, funding records (dossiers), classroom projects, their
groups and sessions, and usage events, without personal data about pupils.

`service` is what front ends call; `models` is the schema, `migrations` its Alembic history,
`database` opens a SQLite file or a PostgreSQL server from one URL.
"""
