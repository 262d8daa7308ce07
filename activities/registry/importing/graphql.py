"""Fetch a démarche's dossiers from a démarches-simplifiées-style GraphQL API
(`POST /api/v2/graphql`, bearer token), page by page, into the rows a file import reads.

Each dossier becomes a row under the headers of the platform's CSV export (`ID`,
`État du dossier`, `Déposé le`, `Traité le`) followed by one column per form field (`champs`,
by label), so that one mapping and one set of checks serve the file and the API. Every page is
fetched before anything is written: a failure on page 3 imports nothing.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass

from tne.i18n import _

from .reading import Row, Table, UnreadableFile

PAGE_SIZE = 100  # the most the platform gives in one page
TIMEOUT_SECONDS = 60

QUERY = """
query dossiersOfDemarche($number: Int!, $after: String) {
  demarche(number: $number) {
    number
    title
    dossiers(first: PAGE_SIZE, after: $after) {
      pageInfo { hasNextPage endCursor }
      nodes {
        number
        state
        dateDepot
        dateTraitement
        champs { label stringValue }
      }
    }
  }
}
""".replace("PAGE_SIZE", str(PAGE_SIZE))


@dataclass
class Fetched:
    title: str
    table: Table
    pages: int


def fetch_dossiers(
    url: str, demarche: int, token: str, progress: Callable[[int], None] | None = None
) -> Fetched:
    """Every dossier of the démarche `demarche`, as a table."""
    nodes: list[dict] = []
    after: str | None = None
    pages = 0
    title = str(demarche)
    while True:
        found = _post(url, token, {"number": demarche, "after": after})
        if found.get("demarche") is None:
            raise UnreadableFile(
                _(
                    "The server knows no démarche {number}, or the token gives no access to it."
                ).format(number=demarche)
            )
        title = found["demarche"].get("title") or title
        page = found["demarche"]["dossiers"]
        nodes += page["nodes"]
        pages += 1
        if progress is not None:
            progress(len(page["nodes"]))
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    return Fetched(title, _table(nodes), pages)


def _post(url: str, token: str, variables: dict) -> dict:
    body = json.dumps({"query": QUERY, "variables": variables}).encode("utf-8")
    request = urllib.request.Request(
        url,
        data=body,
        method="POST",
        headers={
            "Authorization": f"Bearer {token}",
            "Content-Type": "application/json",
            "Accept": "application/json",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as answer:
            payload = answer.read()
    except urllib.error.HTTPError as problem:
        if problem.code in (401, 403):
            raise UnreadableFile(
                _(
                    "The server refused the token (HTTP {code}). Check the token given in the "
                    "environment variable, and that it gives access to this démarche."
                ).format(code=problem.code)
            ) from None
        raise UnreadableFile(
            _("The server answered HTTP {code} ({reason}).").format(
                code=problem.code, reason=problem.reason
            )
        ) from None
    except (urllib.error.URLError, OSError) as problem:
        reason = getattr(problem, "reason", problem)
        raise UnreadableFile(
            _("Cannot reach {url}: {error}").format(url=url, error=reason)
        ) from None
    try:
        answer = json.loads(payload)
    except ValueError:
        raise UnreadableFile(
            _("The server at {url} did not answer in GraphQL JSON.").format(url=url)
        ) from None
    if answer.get("errors"):
        messages = "; ".join(str(e.get("message", e)) for e in answer["errors"])
        raise UnreadableFile(_("The server refused the query: {error}").format(error=messages))
    if not isinstance(answer.get("data"), dict):
        raise UnreadableFile(
            _("The server at {url} did not answer in GraphQL JSON.").format(url=url)
        )
    return answer["data"]


def _table(nodes: list[dict]) -> Table:
    headers = ["ID", "État du dossier", "Déposé le", "Traité le"]
    labels: dict[str, int] = {}
    for node in nodes:
        for champ in node.get("champs") or []:
            if champ["label"] not in labels:
                labels[champ["label"]] = len(headers) + len(labels)
    headers += list(labels)
    rows = []
    for position, node in enumerate(nodes, start=1):
        cells: list = [None] * len(headers)
        cells[:4] = [
            node["number"],
            node["state"],
            node.get("dateDepot"),
            node.get("dateTraitement"),
        ]
        seen: set[str] = set()
        for champ in node.get("champs") or []:
            if champ["label"] not in seen:  # a repeated block: its first occurrence
                seen.add(champ["label"])
                cells[labels[champ["label"]]] = champ.get("stringValue")
        rows.append(Row(position, cells))
    return Table(headers, rows)
