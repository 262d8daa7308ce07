"""A local stand-in for the démarches-simplifiées GraphQL API, for the dossier import tests.

A fake, because the real platform cannot be reached from the tests; it follows the platform's
protocol for the one query the importer sends: `POST /api/v2/graphql` with a JSON body
`{"query", "variables"}` and `Authorization: Bearer TOKEN`; HTTP 401 with a GraphQL `errors`
body for a missing or wrong token; `demarche(number)` answering `null` for an unknown démarche;
`dossiers(first, after)` paged by an opaque cursor (`first` at most 100, as on the platform),
with `pageInfo { hasNextPage endCursor }`; dossiers with `number`, `state` (the API's codes such
as `en_instruction`), ISO 8601 `dateDepot`/`dateTraitement`, and `champs { label stringValue }`.
A field the platform's schema does not have is refused with a GraphQL error, as the platform
does, so that a typo in the importer's query fails here as it would there. It does not parse
GraphQL in general: it reads the variables and the `first:` argument.
"""

from __future__ import annotations

import base64
import json
import re
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PATH = "/api/v2/graphql"
MAX_FIRST = 100

#: Names the platform's schema has, for the part of it this server answers.
SCHEMA_NAMES = {
    "query",
    "demarche",
    "number",
    "title",
    "id",
    "dossiers",
    "first",
    "after",
    "pageInfo",
    "hasNextPage",
    "endCursor",
    "nodes",
    "state",
    "dateDepot",
    "dateTraitement",
    "dateDerniereModification",
    "champs",
    "label",
    "stringValue",
    "Int",
    "String",
}


@dataclass
class DemarcheServer:
    """Serves `dossiers` (plain dicts as the API returns them) for démarche `number`."""

    token: str
    number: int
    title: str
    dossiers: list[dict]
    requests: list[dict] = field(default_factory=list)
    #: Answer HTTP 502 from this many pages on (as a proxy in front of the platform can).
    fail_from_page: int | None = None

    def __post_init__(self) -> None:
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}{PATH}"

    def __enter__(self) -> DemarcheServer:
        self._thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)

    def answer(self, body: dict, authorization: str | None) -> tuple[int, dict]:
        self.requests.append(body)
        if self.fail_from_page is not None and len(self.requests) >= self.fail_from_page:
            return 502, {"errors": [{"message": "Bad Gateway"}]}
        if authorization != f"Bearer {self.token}":
            return 401, {
                "errors": [{"message": "Without a token, only persisted queries are allowed"}]
            }
        query = body.get("query", "")
        unknown = sorted(
            set(re.findall(r"(?<![$\w])([A-Za-z_]\w*)", re.sub(r'"[^"]*"', "", query)))
            - SCHEMA_NAMES
            - {"dossiersOfDemarche"}
        )
        if unknown:
            return 200, {"errors": [{"message": f"Field '{unknown[0]}' doesn't exist"}]}
        variables = body.get("variables") or {}
        if variables.get("number") != self.number:
            return 200, {"data": {"demarche": None}}
        first = int(re.search(r"first:\s*(\d+)", query).group(1))
        if first > MAX_FIRST:
            return 200, {"errors": [{"message": f"first must be at most {MAX_FIRST}"}]}
        start = _position(variables.get("after"))
        page = self.dossiers[start : start + first]
        end = start + len(page)
        return 200, {
            "data": {
                "demarche": {
                    "number": self.number,
                    "title": self.title,
                    "dossiers": {
                        "pageInfo": {
                            "hasNextPage": end < len(self.dossiers),
                            "endCursor": _cursor(end) if page else None,
                        },
                        "nodes": page,
                    },
                }
            }
        }

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - the name http.server calls
                if self.path != PATH:
                    self._send(404, {"errors": [{"message": "Not found"}]})
                    return
                length = int(self.headers.get("Content-Length", "0"))
                try:
                    body = json.loads(self.rfile.read(length))
                except ValueError:
                    self._send(400, {"errors": [{"message": "Invalid JSON"}]})
                    return
                self._send(*server.answer(body, self.headers.get("Authorization")))

            def _send(self, status: int, payload: dict) -> None:
                data = json.dumps(payload).encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *_args) -> None:
                pass

        return Handler


def _cursor(position: int) -> str:
    return base64.b64encode(f"cursor:{position}".encode()).decode()


def _position(cursor: str | None) -> int:
    if not cursor:
        return 0
    return int(base64.b64decode(cursor).decode().split(":")[1])


def dossier(number: int, state: str = "accepte", **champs: str) -> dict:
    """One dossier node as the API gives it; `champs` by label."""
    return {
        "number": number,
        "state": state,
        "dateDepot": "2023-03-15T10:42:00+01:00",
        "dateTraitement": "2023-04-02T09:00:00+02:00" if state in ("accepte", "refuse") else None,
        "champs": [{"label": label, "stringValue": value} for label, value in champs.items()],
    }
