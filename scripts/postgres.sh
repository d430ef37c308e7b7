# Sourced by scripts/test and .ci/run: starts a throwaway PostgreSQL cluster on loopback for
# the tests and exports ADAM_TEST_PG_URL. Installs Debian's postgresql package when missing
# and we are root. The cluster lives in a temporary directory and is removed on exit.
#
# start_test_replica starts a second cluster, a streaming replica of the first made with
# PostgreSQL's own pg_basebackup, and exports ADAM_TEST_PG_REPLICA_URL. The failover drill
# (crates/adam-store/tests/integration/pg_failover.rs) calls it itself when it runs — a fresh
# replica for every run, made of what the primary holds then, so that it does not replay the
# WAL of the whole test suite beforehand — promotes it and removes it (stop_replica_dir).

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
        -o "-p $port -k $ADAM_PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300 -c wal_level=replica -c max_wal_senders=10 -c wal_keep_size=128MB" \
        start >/dev/null || { cat "$ADAM_PG_DIR/server.log" >&2; return 1; }
    # initdb's pg_hba.conf already lets loopback connections replicate ("host replication all
    # 127.0.0.1/32 trust"); wal_level, the WAL senders and the WAL kept for a replica that
    # falls behind are set explicitly above so that start_test_replica does not depend on
    # the defaults.
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

# Starts a streaming replica of the cluster at $1 (default: ADAM_TEST_PG_URL) on another
# loopback port, in the directory ADAM_PG_REPLICA_DIR, and exports ADAM_TEST_PG_REPLICA_URL.
# Replaces the replica this shell started before, if any (a drill promotes it).
start_test_replica() {
    local primary=${1:-${ADAM_TEST_PG_URL:-}}
    if [ -z "$primary" ]; then
        echo "start_test_replica: no primary: run start_test_postgres first or export ADAM_TEST_PG_URL" >&2
        return 1
    fi
    stop_test_replica
    local bin
    bin=$(pg_bin)
    if [ -z "$bin" ]; then
        echo "PostgreSQL is not installed: run 'sudo apt-get install postgresql' (the replica needs pg_basebackup)" >&2
        return 1
    fi
    # A hot standby needs at least the primary's values of these settings.
    local settings
    settings=$("$bin/psql" "$primary" -Atc "SELECT string_agg(format('-c %s=%s', name, setting), ' ')
        FROM pg_settings WHERE name IN ('max_connections', 'max_worker_processes', 'max_wal_senders',
        'max_prepared_transactions', 'max_locks_per_transaction')") || {
        echo "start_test_replica: cannot reach the primary at $primary" >&2
        return 1
    }
    ADAM_PG_REPLICA_DIR=$(mktemp -d /tmp/adam-pg-replica.XXXXXX)
    local port attempt started=
    local as=()
    if [ "$(id -u)" = 0 ]; then
        chown postgres "$ADAM_PG_REPLICA_DIR"
        as=(runuser -u postgres --)
    fi
    # -R writes standby.signal and primary_conninfo: the copy starts as a replica that streams
    # from the primary. -X stream copies the WAL written during the backup as well.
    "${as[@]}" "$bin/pg_basebackup" -d "$primary" -D "$ADAM_PG_REPLICA_DIR/data" -R -X stream -c fast \
        >"$ADAM_PG_REPLICA_DIR/basebackup.log" 2>&1 \
        || { cat "$ADAM_PG_REPLICA_DIR/basebackup.log" >&2; stop_replica_dir "$ADAM_PG_REPLICA_DIR"; return 1; }
    # The replica listens below the ephemeral range (32768-60999 on Linux), where the tests' own
    # outgoing connections take their local ports: a port found free there a moment ago can be
    # taken by one before the server binds it. Should the port be taken all the same, the next
    # free one is tried.
    for attempt in 1 2 3 4 5; do
        port=$(free_port $((25433 + (attempt - 1) * 10)))
        if "${as[@]}" "$bin/pg_ctl" -D "$ADAM_PG_REPLICA_DIR/data" -l "$ADAM_PG_REPLICA_DIR/server.log" -w \
            -o "-p $port -k $ADAM_PG_REPLICA_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c wal_level=replica -c hot_standby=on $settings" \
            start >/dev/null; then
            started=1
            break
        fi
        grep -q "could not bind\|could not create any TCP/IP sockets" "$ADAM_PG_REPLICA_DIR/server.log" || break
    done
    [ -n "$started" ] || { cat "$ADAM_PG_REPLICA_DIR/server.log" >&2; stop_replica_dir "$ADAM_PG_REPLICA_DIR"; return 1; }
    export ADAM_TEST_PG_REPLICA_URL="postgres://postgres@127.0.0.1:$port/postgres"
    echo "PostgreSQL replica for the failover drill: $ADAM_TEST_PG_REPLICA_URL" >&2
}

stop_test_replica() {
    if [ -n "${ADAM_PG_REPLICA_DIR:-}" ]; then
        stop_replica_dir "$ADAM_PG_REPLICA_DIR"
        ADAM_PG_REPLICA_DIR=
        unset ADAM_TEST_PG_REPLICA_URL
    fi
}

# Stops the cluster in directory $1 (made by start_test_replica) and removes the directory.
stop_replica_dir() {
    local dir=$1 as=()
    case "$dir" in
        /tmp/adam-pg-replica.*) ;;
        *) echo "stop_replica_dir: $dir is not a replica made by start_test_replica" >&2; return 1 ;;
    esac
    [ "$(id -u)" = 0 ] && as=(runuser -u postgres --)
    if [ -f "$dir/data/postmaster.pid" ]; then
        "${as[@]}" "$(pg_bin)/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
    fi
    rm -rf "$dir"
}
