#!/usr/bin/env bash
# Start Debian's PostgreSQL cluster and create the role and database the registry tests use
# (TNE_TEST_PG_URL, by default postgresql+psycopg://tne:tne@127.0.0.1/tne_test). Idempotent:
# run it again after a reboot. `scripts/setup.sh --tests` runs it when CI=true.
set -euo pipefail
cd /  # psql runs as postgres, which may not enter the caller's folder

as_postgres() {
    if [ "$(id -u)" = "0" ]; then runuser -u postgres -- "$@"; else sudo -u postgres "$@"; fi
}
SUDO=""
if [ "$(id -u)" != "0" ]; then
    SUDO="sudo"
fi

version="$(ls /usr/lib/postgresql | sort -V | tail -n 1)"
if [ -z "$version" ]; then
    echo "PostgreSQL n'est pas installé (paquet Debian postgresql)." >&2
    exit 1
fi
if ! pg_lsclusters -h | grep -q "^$version main"; then
    $SUDO pg_createcluster "$version" main >/dev/null
fi
if ! pg_lsclusters -h | grep -q "^$version main .* online"; then
    echo "Démarrage de PostgreSQL $version…" >&2
    $SUDO pg_ctlcluster "$version" main start
fi

as_postgres psql -q -v ON_ERROR_STOP=1 <<'SQL'
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'tne') THEN
        CREATE ROLE tne LOGIN PASSWORD 'tne';
    END IF;
END
$$;
SQL
if ! as_postgres psql -tAc "SELECT 1 FROM pg_database WHERE datname = 'tne_test'" | grep -q 1; then
    as_postgres createdb -O tne tne_test
fi
echo "PostgreSQL $version prêt : postgresql+psycopg://tne:tne@127.0.0.1/tne_test" >&2
