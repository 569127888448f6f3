#!/usr/bin/env bash
# Install PostgreSQL from the system's packages and start a throwaway cluster on loopback, for the
# tests that run the services and reports on a server as well as on SQLite.
#
# Run as root on Debian/Ubuntu (CI does):   eval "$(bash .ci/install_postgres.sh)"
# or as any user who has the postgresql package already: the cluster then runs as that user.
# The last lines printed are the exports the tests read:
#     export BILLING_DESK_TEST_PG=postgresql://billing@127.0.0.1:PORT/billing
#     export PGPASSFILE=...        (the password of the role "billing", never in the URL)
# Stop it with: pg_ctl -D "$BILLING_DESK_PG_DATA" stop   (as the user it runs as)
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

log() { echo "install_postgres: $*" >&2; }

PG_PORT="${BILLING_DESK_PG_PORT:-55432}"
if [ -z "${BILLING_DESK_PG_PORT:-}" ]; then
    # A port another cluster already listens on (an earlier run's, on a developer's machine) is
    # skipped: the next free one is taken.
    while (echo >"/dev/tcp/127.0.0.1/$PG_PORT") 2>/dev/null; do
        PG_PORT=$((PG_PORT + 1))
    done
fi
RUN_AS="${BILLING_DESK_PG_USER:-postgres}"

install_packages() {
    if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
        log "postgresql already installed"
        return
    fi
    if [ "$(id -u)" -ne 0 ]; then
        log "postgresql is not installed and this is not root: apt-get install postgresql"; exit 1
    fi
    log "installing postgresql"
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends postgresql >/dev/null
}

bin_dir() {
    # The newest installed server version's programs (Debian keeps them out of PATH).
    ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1
}

as_owner() {
    # The server refuses to run as root: run it (and initdb) as an ordinary user.
    if [ "$(id -u)" -eq 0 ]; then
        if ! getent passwd "$RUN_AS" >/dev/null; then
            useradd --system --no-create-home --shell /usr/sbin/nologin "$RUN_AS"
        fi
        runuser -u "$RUN_AS" -- "$@"
    else
        "$@"
    fi
}

install_packages
BIN="$(bin_dir)"
if [ -z "$BIN" ]; then
    log "no PostgreSQL server programs found under /usr/lib/postgresql"; exit 1
fi

BASE="$(mktemp -d /tmp/billing-desk-pg.XXXXXX)"
DATA="$BASE/data"
PASSWORD="$(head -c 18 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 20)"
printf '%s\n' "$PASSWORD" > "$BASE/password"
if [ "$(id -u)" -eq 0 ]; then
    chown -R "$RUN_AS" "$BASE"
fi
chmod 700 "$BASE"

log "initdb in $DATA"
as_owner "$BIN/initdb" -D "$DATA" -U billing --pwfile="$BASE/password" --auth=scram-sha-256 \
    -E UTF8 --locale=C.UTF-8 >/dev/null
# A throwaway cluster: speed over durability (never settings for an office's server).
cat >>"$DATA/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$BASE'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 200
EOF
as_owner "$BIN/pg_ctl" -D "$DATA" -l "$BASE/server.log" -w -t 60 start >/dev/null
log "server running on 127.0.0.1:$PG_PORT (log $BASE/server.log)"

# The password file the program and the tests read (PGPASSFILE), readable by the caller only.
PASSFILE="$BASE/pgpass"
printf '127.0.0.1:%s:*:billing:%s\n' "$PG_PORT" "$PASSWORD" > "$PASSFILE"
chmod 600 "$PASSFILE"
if [ "$(id -u)" -eq 0 ]; then chown root "$PASSFILE"; fi
rm -f "$BASE/password"

PGPASSFILE="$PASSFILE" "$BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U billing -d postgres -qAt \
    -c "CREATE DATABASE billing" >/dev/null

echo "export BILLING_DESK_PG_DATA=$DATA"
echo "export BILLING_DESK_PG_BIN=$BIN"
echo "export PGPASSFILE=$PASSFILE"
echo "export BILLING_DESK_TEST_PG=postgresql://billing@127.0.0.1:$PG_PORT/billing"
