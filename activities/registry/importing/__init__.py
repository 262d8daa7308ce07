"""Importing dossiers from a démarches-simplifiées-style export (CSV, XLSX) or its GraphQL API.

One module per job: `reading` (bytes to rows), `columns` (headers to fields, mapping files),
`equipment` (equipment lines), `rows` (one row judged), `store` (bulk upserts), `graphql` (the
API client), `importer` (the whole import). Numbers, dates and states as French exports write
them are read by `activities/registry/french.py`, which the registry's own inputs share.
"""

from .importer import ImportReport, import_file, import_graphql, import_table
from .reading import UnreadableFile

__all__ = ["ImportReport", "UnreadableFile", "import_file", "import_graphql", "import_table"]
