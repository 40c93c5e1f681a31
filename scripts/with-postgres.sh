#!/usr/bin/env bash
# Runs a command with a throwaway PostgreSQL 15 server on loopback, for the PostgreSQL store's tests:
#
#   scripts/with-postgres.sh swift test
#
# The server lives in a temporary folder owned by the `postgres` user (initdb refuses root), listens
# on 127.0.0.1 at a free port with trust authentication and no fsync, and is stopped and removed
# when the command ends, however it ends. The command sees ROSTERSYNC_TEST_POSTGRES_URL, a URL of
# the server's `postgres` database as the `postgres` user; tests create their own databases in it.
# The server also has the role `rostersync_pw`, which may create databases and must give its
# password over TCP (scram-sha-256): ROSTERSYNC_TEST_POSTGRES_PASSWORD_URL is a URL of the
# `postgres` database as that role (without the password), ROSTERSYNC_TEST_POSTGRES_PASSWORD its
# password, made anew for every server.
# Needs Debian's `postgresql` package (apt-get install postgresql).
set -euo pipefail

if [ "$#" -eq 0 ]; then
    echo "usage: scripts/with-postgres.sh COMMAND [ARGUMENTS...]" >&2
    exit 2
fi

bin="${POSTGRES_BIN:-/usr/lib/postgresql/15/bin}"
if [ ! -x "$bin/initdb" ]; then
    echo "with-postgres: no PostgreSQL 15 at $bin; install Debian's postgresql package (apt-get install postgresql) or set POSTGRES_BIN" >&2
    exit 2
fi

as_postgres() {
    if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

dir="$(mktemp -d /tmp/rostersync-postgres.XXXXXX)"
if [ "$(id -u)" -eq 0 ]; then chown postgres: "$dir"; fi
chmod 700 "$dir"

stop() {
    as_postgres "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
    rm -rf "$dir"
}
trap stop EXIT
trap 'exit 130' INT TERM

as_postgres "$bin/initdb" -D "$dir/data" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 || {
    cat "$dir/initdb.log" >&2
    exit 1
}
# A port nobody holds: try a few random ones (the server refuses to start on a taken port).
started=""
for _ in 1 2 3 4 5 6 7 8; do
    port=$((20000 + RANDOM % 40000))
    if as_postgres "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" \
        -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
        -w start >/dev/null 2>&1; then
        started=yes
        break
    fi
done
if [ -z "$started" ]; then
    cat "$dir/server.log" >&2
    echo "with-postgres: the server did not start" >&2
    exit 1
fi

# A role that must authenticate with its password: its pg_hba.conf line goes before initdb's trust
# lines (the first matching line wins), then the server reloads the file.
password="$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
as_postgres "$bin/psql" -h "$dir" -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 -q \
    -c "CREATE ROLE rostersync_pw LOGIN CREATEDB PASSWORD '$password'" >/dev/null
hba="$dir/data/pg_hba.conf"
{ echo "host all rostersync_pw 127.0.0.1/32 scram-sha-256"; cat "$hba"; } >"$dir/pg_hba.conf.new"
cat "$dir/pg_hba.conf.new" >"$hba"
as_postgres "$bin/pg_ctl" -D "$dir/data" reload >/dev/null

export ROSTERSYNC_TEST_POSTGRES_URL="postgres://postgres@127.0.0.1:$port/postgres?sslmode=disable"
export ROSTERSYNC_TEST_POSTGRES_PASSWORD_URL="postgres://rostersync_pw@127.0.0.1:$port/postgres?sslmode=disable"
export ROSTERSYNC_TEST_POSTGRES_PASSWORD="$password"
echo "with-postgres: PostgreSQL on 127.0.0.1:$port (stopped when the command ends)" >&2
status=0
"$@" || status=$?
exit "$status"
