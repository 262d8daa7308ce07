"""`tne registry import-dossiers --graphql URL --demarche N --token-env VAR` against a local
server that follows the démarches-simplifiées API (tests/helpers/ds_graphql.py): pages of 100
followed by cursor, bearer token from an environment variable, French errors with exit 2 and
nothing written when the API cannot be read."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator

import pytest

from activities.registry.importing.graphql import QUERY
from tests.helpers.ds_graphql import DemarcheServer, dossier
from tests.registry.import_files import uai
from tests.registry.test_cli import ok, tne
from tests.registry.test_import_cli import dossiers, schools

TOKEN = "jeton-secret-de-test"
NUMBER = 42


def nodes(count: int) -> list[dict]:
    return [
        dossier(
            5000 + i,
            ["accepte", "en_instruction", "refuse", "sans_suite", "en_construction"][i % 5],
            **{
                "UAI de l'établissement": uai(100 + i % 7),
                "Nom de l'établissement": f"Collège numéro {i % 7}",
                "Commune": "Vierzon",
                "Montant demandé": "2 500,00 €",
                "Montant accordé": "2\u202f000 €",
                "Matériel": "10 x micro:bit à 18,50 €",
                "Courriel du référent": "personne@example.org",
            },
        )
        for i in range(count)
    ]


@pytest.fixture
def db(db_url: str) -> str:
    ok("init", db=db_url)
    return db_url


@pytest.fixture
def server() -> Iterator[DemarcheServer]:
    with DemarcheServer(TOKEN, NUMBER, "Appel à projets TNE Cher 2023", nodes(250)) as running:
        yield running


def run(server_url: str, db: str, token: str | None = TOKEN, number: int = NUMBER, *extra: str):
    variables = {} if token is None else {"TNE_TEST_DS_TOKEN": token}
    return tne(
        "import-dossiers",
        "--graphql",
        server_url,
        "--demarche",
        str(number),
        "--token-env",
        "TNE_TEST_DS_TOKEN",
        *extra,
        db=db,
        **variables,
    )


def test_250_dossiers_come_in_3_pages_of_at_most_100(db: str, server: DemarcheServer) -> None:
    done = run(server.url, db, TOKEN, NUMBER, "--json")
    assert done.returncode == 0, done.stderr
    assert [r["variables"]["after"] is None for r in server.requests] == [True, False, False]
    assert len(server.requests) == 3
    summary = json.loads(done.stdout)
    assert (summary["created"], summary["rejected"]) == (250, [])
    found = dossiers(db)
    assert len(found) == 250
    first = found["5000"]
    assert first.demarche == "Appel à projets TNE Cher 2023"
    assert first.state == "accepte"
    assert str(first.deposited_on) == "2023-03-15"
    assert str(first.processed_on) == "2023-04-02"
    assert (first.requested_cents, first.granted_cents) == (250_000, 200_000)
    assert [(e.label, e.quantity, e.unit_cost_cents) for e in first.equipment_lines] == [
        ("micro:bit", 10, 1850)
    ]
    assert found["5003"].state == "sans_suite"
    assert len(schools(db)) == 7
    assert TOKEN not in done.stderr + done.stdout


def test_importing_the_api_again_updates_and_never_duplicates(
    db: str, server: DemarcheServer
) -> None:
    assert run(server.url, db).returncode == 0
    server.dossiers[0]["state"] = "refuse"
    done = run(server.url, db, TOKEN, NUMBER, "--json")
    assert done.returncode == 0, done.stderr
    assert (json.loads(done.stdout)["created"], json.loads(done.stdout)["updated"]) == (0, 250)
    found = dossiers(db)
    assert len(found) == 250
    assert found["5000"].state == "refuse"


def test_a_bad_dossier_from_the_api_is_refused_and_the_others_imported(db: str) -> None:
    served = nodes(3)
    served[1]["champs"][0]["stringValue"] = "0180005X"
    with DemarcheServer(TOKEN, NUMBER, "TNE", served) as server:
        done = run(server.url, db)
    assert done.returncode == 1
    assert "Ligne 2, dossier 5001 : L'UAI « 0180005X » n'est pas valide" in done.stderr
    assert sorted(dossiers(db)) == ["5000", "5002"]


def test_a_refused_token_exits_2_in_french_and_writes_nothing(
    db: str, server: DemarcheServer
) -> None:
    done = run(server.url, db, "mauvais-jeton")
    assert done.returncode == 2
    assert "Le serveur a refusé le jeton (HTTP 401)." in done.stderr
    assert "mauvais-jeton" not in done.stderr
    assert dossiers(db) == {}


def test_a_missing_token_variable_exits_2_before_asking_the_server(
    db: str, server: DemarcheServer
) -> None:
    done = run(server.url, db, None)
    assert done.returncode == 2
    assert (
        "La variable d'environnement TNE_TEST_DS_TOKEN ne contient pas de jeton d'API."
        in done.stderr
    )
    assert server.requests == []


def test_an_unknown_demarche_exits_2(db: str, server: DemarcheServer) -> None:
    done = run(server.url, db, TOKEN, 7)
    assert done.returncode == 2
    assert "Le serveur ne connaît pas de démarche 7, ou le jeton n'y donne pas accès." in (
        done.stderr
    )


def test_a_failure_on_a_later_page_imports_nothing(db: str) -> None:
    with DemarcheServer(TOKEN, NUMBER, "TNE", nodes(250), fail_from_page=3) as server:
        done = run(server.url, db)
    assert done.returncode == 2
    assert "Le serveur a répondu HTTP 502" in done.stderr
    assert dossiers(db) == {}


def test_a_server_that_cannot_be_reached_exits_2(db: str) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    done = run(f"http://127.0.0.1:{port}/api/v2/graphql", db)
    assert done.returncode == 2
    assert f"Impossible de joindre http://127.0.0.1:{port}/api/v2/graphql" in done.stderr


def test_the_query_asks_only_for_fields_of_the_platform_schema() -> None:
    server = DemarcheServer(TOKEN, NUMBER, "TNE", nodes(1))
    status, answer = server.answer(
        {"query": QUERY, "variables": {"number": NUMBER, "after": None}}, f"Bearer {TOKEN}"
    )
    assert status == 200 and "errors" not in answer
    status, answer = server.answer(
        {"query": QUERY.replace("title", "titre"), "variables": {"number": NUMBER}},
        f"Bearer {TOKEN}",
    )
    assert answer["errors"][0]["message"] == "Field 'titre' doesn't exist"


def test_giving_both_a_file_and_graphql_or_neither_exits_2(db: str, tmp_path) -> None:
    done = tne("import-dossiers", db=db)
    assert done.returncode == 2
    assert "Indiquer soit un fichier d'export, soit --graphql URL" in done.stderr
    done = tne("import-dossiers", "--graphql", "http://127.0.0.1:1/x", "--demarche", "x", db=db)
    assert done.returncode == 2
    assert "Avec --graphql, indiquer le numéro de la démarche : --demarche 12345." in done.stderr
