# Sourced by scripts/test and .ci/run: starts a throwaway PostgreSQL cluster on loopback for
# the tests and exports ADAM_TEST_PG_URL. Installs Debian's postgresql package when missing
# and we are root. The cluster lives in a temporary directory and is removed on exit.

pg_bin() {
    ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
}

free_port() {
    local port=${1:-55432}
    while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
        port=$((port + 1))
    done
    echo "$port"
}

start_test_postgres() {
    local bin
    bin=$(pg_bin)
    if [ -z "$bin" ]; then
        if [ "$(id -u)" = 0 ]; then
            echo "Installing PostgreSQL from Debian's packages…" >&2
            apt-get update -qq >/dev/null
            DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
            bin=$(pg_bin)
        else
            echo "PostgreSQL is not installed: run 'sudo apt-get install postgresql' (the tests need its server binaries)" >&2
            return 1
        fi
    fi
    ADAM_PG_DIR=$(mktemp -d /tmp/adam-pg.XXXXXX)
    local port
    port=$(free_port 55432)
    local as=()
    if [ "$(id -u)" = 0 ]; then
        chown postgres "$ADAM_PG_DIR"
        as=(runuser -u postgres --)
    fi
    "${as[@]}" "$bin/initdb" -D "$ADAM_PG_DIR/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >"$ADAM_PG_DIR/initdb.log" 2>&1 \
        || { cat "$ADAM_PG_DIR/initdb.log" >&2; return 1; }
    "${as[@]}" "$bin/pg_ctl" -D "$ADAM_PG_DIR/data" -l "$ADAM_PG_DIR/server.log" -w \
        -o "-p $port -k $ADAM_PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" \
        start >/dev/null || { cat "$ADAM_PG_DIR/server.log" >&2; return 1; }
    ADAM_PG_STOP="${as[*]} $bin/pg_ctl -D $ADAM_PG_DIR/data -m immediate stop"
    export ADAM_TEST_PG_URL="postgres://postgres@127.0.0.1:$port/postgres"
    echo "PostgreSQL for the tests: $ADAM_TEST_PG_URL" >&2
}

stop_test_postgres() {
    if [ -n "${ADAM_PG_STOP:-}" ]; then
        $ADAM_PG_STOP >/dev/null 2>&1 || true
        rm -rf "$ADAM_PG_DIR"
        ADAM_PG_STOP=
    fi
}
