# shellcheck shell=bash
# scripts/lib.sh — shared functions for scripts/start, scripts/test, scripts/pg-ctl-test
# and bench/run. Source it; do not run it.
#
#   source "$(dirname "$0")/lib.sh"
#
# What is here:
#   log / die                          messages on stderr
#   $ORGPLANE_ROOT                     absolute path of the repository
#   pg_start DIR PORT [test]           create (first time) and start a private PostgreSQL 15
#                                      cluster in DIR (data in DIR/data, socket in DIR/run;
#                                      TCP too on $PG_LISTEN when set), then make sure
#                                      database `orgplane` exists
#   pg_hba                             that cluster's pg_hba.conf (lease roles: scram only)
#   pg_stop DIR [mode]                 stop it (mode: fast (default) | immediate | smart)
#   pg_is_running DIR                  0 if the cluster in DIR is up
#   pg_url ROLE DIR PORT               libpq URI for ROLE over the unix socket in DIR/run
#   pgbouncer_start DIR PORT PG_DIR PG_PORT   a private PgBouncer 1.18 (transaction mode,
#                                      pool size 4) in front of the cluster in PG_DIR: config,
#                                      userlist and log generated into DIR, socket in DIR/run
#   pgbouncer_run DIR                  start it again from that config (after pgbouncer_stop)
#   pgbouncer_stop DIR                 stop it (no-op when not running)
#   pgbouncer_url DIR PORT             libpq URI of orgplane_service through it
#   nginx_render PREFIX KEY=VALUE...   render nginx/ templates into PREFIX/conf
#   nginx_start PREFIX / nginx_stop PREFIX
#   nginx_add PREFIX server.d|http.d TEMPLATE   render one more template into an include dir
#   wait_for_socket PATH TIMEOUT_S     wait until a unix socket exists
#   wait_for_url URL TIMEOUT_S [CODE]  wait until URL answers (with CODE, default 200)
#   wait_for_port HOST PORT TIMEOUT_S / port_free HOST PORT
#   user_can_enter USER DIR            can postgres / www-data reach DIR?
#   fallback_dir NAME                  a /tmp dir for throwaway stacks when they cannot
#   random_secret FILE                 create FILE (0600) with 48 random bytes, base64, once
#   checkout_lock FILE                 hold an exclusive lock on FILE (fd 9) while this shell lives
#   pool_start BIN LOG                 `BIN serve` in the background, output to stdout and LOG
#                                      (sets POOL_PID); neither it nor its tee holds the lock
#   SWIFT_BUILD_ARGS                   extra swift build args (ORGPLANE_SCRATCH_PATH)
#
# Everything here is idempotent: starting a running cluster or nginx is a no-op, stopping a
# stopped one too.

# ---------------------------------------------------------------------------------------
# basics

ORGPLANE_ROOT="${ORGPLANE_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)}"
export ORGPLANE_ROOT

PG_BIN="${PG_BIN:-/usr/lib/postgresql/15/bin}"
NGINX_BIN="${NGINX_BIN:-/usr/sbin/nginx}"

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# A unix socket path must fit in sockaddr_un.sun_path (108 bytes incl. NUL). PostgreSQL
# appends "/.s.PGSQL.NNNNN" to its socket directory. Fail early with a clear message
# instead of a cryptic bind error.
check_socket_path() {
    local path="$1"
    if (( ${#path} > 100 )); then
        die "unix socket path too long (${#path} > 100 bytes): $path
       Move the checkout to a shorter path (e.g. /srv/orgplane)."
    fi
}

# ---------------------------------------------------------------------------------------
# PostgreSQL
#
# PostgreSQL refuses to run as root. When we are root, every server-side command runs as
# the `postgres` system user (created by the Debian `postgresql` package) through
# runuser; the cluster directory is chowned to it. When we are not root, the cluster
# simply belongs to the current user.

pg_as_owner() {
    if (( EUID == 0 )); then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

# The postgres user must be able to traverse every parent of the cluster directory
# (x bit for "others" — root-owned 755 dirs such as /work/main are fine). Say clearly
# which one is the problem instead of letting initdb fail with "Permission denied".
pg_check_traversal() {
    local dir="$1" p="" part
    (( EUID == 0 )) || return 0
    # From / downwards, so the first failing directory is the culprit.
    local IFS=/
    for part in $dir; do
        [[ -n "$part" ]] || continue
        p="$p/$part"
        [[ -d "$p" ]] || break
        if ! runuser -u postgres -- test -x "$p"; then
            die "the postgres user cannot enter '$p' (it needs o+x: 'chmod o+x $p'),
       so PostgreSQL cannot use a cluster under '$dir'.
       Either run 'chmod o+x $p' or put the checkout under a world-traversable directory."
        fi
    done
}

# user_can_enter USER DIR — 0 if USER may traverse into DIR (an existing directory). One
# test is enough: access() needs the x bit on every ancestor too. Always 0 when not root.
user_can_enter() {
    (( EUID == 0 )) || return 0
    runuser -u "$1" -- test -x "$2" 2>/dev/null
}

# fallback_dir NAME — a directory outside the checkout, unique per checkout, for when the
# checkout is not reachable by the postgres / www-data users (e.g. a clone inside a 0700
# mktemp directory). Only used for throwaway stacks (scripts/test, bench/run).
fallback_dir() {
    local d
    d="/tmp/orgplane-$1-$(printf '%s' "$ORGPLANE_ROOT" | sha1sum | cut -c1-10)"
    mkdir -p "$d" && chmod 755 "$d"
    printf '%s\n' "$d"
}

pg_is_running() {
    local dir="$1"
    [[ -f "$dir/data/postmaster.pid" ]] || return 1
    pg_as_owner "$PG_BIN/pg_ctl" -D "$dir/data" status >/dev/null 2>&1
}

# pg_start DIR PORT [test]
#   DIR/data  the cluster (initdb on first use; reused afterwards)
#   DIR/run   the unix socket directory (no TCP port at all, unless PG_LISTEN=127.0.0.1 e.g.)
#   DIR/data/pg_hba.conf  written by pg_hba (below) on every start
#   DIR/log   postgresql.log
#   "test" as third argument adds settings that trade durability for speed
#   (fsync=off etc.): only ever for a throwaway cluster.
pg_start() {
    local dir="$1" port="$2" mode="${3:-}"
    [[ -x "$PG_BIN/initdb" ]] || die "PostgreSQL 15 not found in $PG_BIN (run scripts/install-deps)"
    if (( EUID == 0 )) && ! id postgres >/dev/null 2>&1; then
        die "system user 'postgres' missing (the Debian 'postgresql' package creates it)"
    fi
    mkdir -p "$dir/data" "$dir/run" "$dir/log"
    dir="$(cd "$dir" && pwd -P)"
    check_socket_path "$dir/run/.s.PGSQL.$port"
    pg_check_traversal "$dir"
    if (( EUID == 0 )); then
        chown postgres:postgres "$dir" "$dir/run" "$dir/log"
        chown -R postgres:postgres "$dir/data"
        chmod 700 "$dir/data"
    fi

    if pg_is_running "$dir"; then
        log "PostgreSQL already running in $dir"
    else
        if [[ ! -f "$dir/data/PG_VERSION" ]]; then
            log "initdb $dir/data"
            pg_as_owner "$PG_BIN/initdb" -D "$dir/data" -U postgres \
                --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/log/initdb.log" 2>&1 \
                || { cat "$dir/log/initdb.log" >&2; die "initdb failed"; }
            echo "include_if_exists = 'orgplane.conf'" >>"$dir/data/postgresql.conf"
        fi
        # Our settings, rewritten on every start (so a changed port applies).
        # Unix socket only unless PG_LISTEN names addresses (listen_addresses = '' means
        # no TCP at all); scripts/test listens on 127.0.0.1 too, for leases over TCP.
        {
            echo "# written by scripts/lib.sh pg_start — rewritten on every start"
            echo "listen_addresses = '${PG_LISTEN:-}'"
            echo "port = $port"
            echo "unix_socket_directories = '$dir/run'"
            echo "unix_socket_permissions = 0777"
            echo "max_connections = 200"
            echo "shared_buffers = 128MB"
            echo "log_min_messages = warning"
            echo "log_line_prefix = '%m [%p] %q%u@%d '"
            if [[ "$mode" == test ]]; then
                echo "# throwaway test cluster: durability off"
                echo "fsync = off"
                echo "synchronous_commit = off"
                echo "full_page_writes = off"
            fi
        } >"$dir/data/orgplane.conf"
        pg_hba >"$dir/data/pg_hba.conf"
        (( EUID == 0 )) && chown postgres:postgres "$dir/data/orgplane.conf" "$dir/data/pg_hba.conf"
        log "starting PostgreSQL ($dir, socket $dir/run, port $port)"
        pg_as_owner "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/log/postgresql.log" \
            -w -t 60 start >/dev/null \
            || { tail -n 30 "$dir/log/postgresql.log" >&2 || true; die "PostgreSQL did not start"; }
    fi

    # Database `orgplane` (idempotent).
    if [[ "$(pg_psql "$dir" "$port" postgres -tAc \
            "SELECT 1 FROM pg_database WHERE datname = 'orgplane'")" != 1 ]]; then
        log "creating database orgplane"
        pg_psql "$dir" "$port" postgres -qc "CREATE DATABASE orgplane" >/dev/null
    fi
}

# pg_hba — the cluster's client authentication, first match wins. Lease roles (members of
# orgplane_lease, directly or not; docs/TENANCY.md "Leases") prove their password with
# SCRAM-SHA-256 wherever they come from: trust would let an expired or revoked lease in
# (VALID UNTIL is checked only at password login). Everyone else keeps the local trust the
# scripts rely on (the superuser, the service role, the migrator), over the socket and
# loopback only. Rewritten on every start, like orgplane.conf.
pg_hba() {
    cat <<'HBA'
# written by scripts/lib.sh pg_start — rewritten on every start
# TYPE  DATABASE     USER              ADDRESS         METHOD
local   all          +orgplane_lease                   scram-sha-256
host    all          +orgplane_lease   all             scram-sha-256
local   all          all                               trust
host    all          all               127.0.0.1/32    trust
host    all          all               ::1/128         trust
local   replication  all                               trust
host    replication  all               127.0.0.1/32    trust
host    replication  all               ::1/128         trust
HBA
}

# pg_stop DIR [fast|immediate|smart] — no-op when not running.
pg_stop() {
    local dir="$1" mode="${2:-fast}"
    [[ -d "$dir/data" ]] || return 0
    if pg_is_running "$dir"; then
        log "stopping PostgreSQL ($dir)"
        pg_as_owner "$PG_BIN/pg_ctl" -D "$dir/data" -m "$mode" -w -t 60 stop >/dev/null || true
    fi
}

# pg_psql DIR PORT DBNAME [psql args...] — superuser psql over the cluster's socket.
pg_psql() {
    local dir="$1" port="$2" db="$3"; shift 3
    PGCONNECT_TIMEOUT=5 psql -X -v ON_ERROR_STOP=1 -h "$dir/run" -p "$port" -U postgres -d "$db" "$@"
}

# pg_url ROLE DIR PORT [DB] — URI over the unix socket (trust auth: no password).
pg_url() {
    local role="$1" dir="$2" port="$3" db="${4:-orgplane}"
    dir="$(cd "$dir" && pwd -P)"
    printf 'postgresql://%s@/%s?host=%s/run&port=%s\n' "$role" "$db" "$dir" "$port"
}

# ---------------------------------------------------------------------------------------
# PgBouncer (scripts/test's second e2e run: the topology docs/INTERFACES.md describes)
#
# Debian's PgBouncer 1.18 in transaction mode, pool size 4, unix socket only (no
# listen_addr: no TCP), as the postgres user when we are root (it refuses to run as root).
# Clients log in as orgplane_service (or orgplane_authenticator, same password) with
# SCRAM-SHA-256 against DIR/userlist.txt (a random password, plain in that 0600 file:
# PgBouncer derives the SCRAM exchange from it);
# PgBouncer reaches PostgreSQL over the cluster's socket with its trust auth. `options` and
# other unknown startup parameters are refused (ignore_startup_parameters is not set).
# While PostgreSQL is away a query waits query_wait_timeout for a server (default 120 s:
# here 3, so the pool answers 503 within seconds); after a failed connect PgBouncer fails
# every client at once until it has connected again, and it retries only after
# server_login_retry (default 15 s: here 1), on a client's arrival (that client is failed
# too) or, with min_pool_size = 1, from its own maintenance loop — so it reconnects by
# itself about a second after PostgreSQL is back.

pgbouncer_is_running() {
    local dir="$1"
    [[ -s "$dir/run/pgbouncer.pid" ]] && kill -0 "$(cat "$dir/run/pgbouncer.pid")" 2>/dev/null
}

pgbouncer_start() {
    local dir="$1" port="$2" pg_dir="$3" pg_port="$4"
    command -v pgbouncer >/dev/null || die "pgbouncer not found (run scripts/install-deps)"
    mkdir -p "$dir/run" "$dir/log"
    dir="$(cd "$dir" && pwd -P)"; pg_dir="$(cd "$pg_dir" && pwd -P)"
    check_socket_path "$dir/run/.s.PGSQL.$port"
    if pgbouncer_is_running "$dir"; then log "PgBouncer already running in $dir"; return 0; fi
    [[ -s "$dir/password" ]] || ( umask 077; head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$dir/password" )
    # orgplane_authenticator (PostgREST's role, docs/TENANCY.md) with the same password: the
    # tenancy tests run the PostgREST-equivalent harness through PgBouncer too.
    ( umask 077; printf '"%s" "%s"\n' orgplane_service "$(cat "$dir/password")" \
        orgplane_authenticator "$(cat "$dir/password")" >"$dir/userlist.txt" )
    {
        echo "; written by scripts/lib.sh pgbouncer_start — rewritten on every start"
        echo "[databases]"
        echo "orgplane = host=$pg_dir/run port=$pg_port dbname=orgplane"
        echo "[pgbouncer]"
        echo "unix_socket_dir = $dir/run"
        echo "listen_port = $port"
        echo "pidfile = $dir/run/pgbouncer.pid"
        echo "logfile = $dir/log/pgbouncer.log"
        echo "auth_type = scram-sha-256"
        echo "auth_file = $dir/userlist.txt"
        echo "pool_mode = transaction"
        echo "default_pool_size = 4"
        echo "max_client_conn = 400"
        echo "min_pool_size = 1"
        echo "server_login_retry = 1"
        echo "query_wait_timeout = 3"
    } >"$dir/pgbouncer.ini"
    echo "$port" >"$dir/port"
    (( EUID == 0 )) && chown -R postgres:postgres "$dir"
    pgbouncer_run "$dir"
}

# pgbouncer_run DIR — start it again with the config pgbouncer_start wrote (a restart).
pgbouncer_run() {
    local dir="$1" port _
    pgbouncer_is_running "$dir" && return 0
    port="$(cat "$dir/port")"
    log "starting PgBouncer ($dir/run, port $port)"
    pg_as_owner pgbouncer -d -q "$dir/pgbouncer.ini" \
        || { tail -n 20 "$dir/log/pgbouncer.log" >&2 || true; die "PgBouncer did not start"; }
    for _ in $(seq 1 100); do [[ -S "$dir/run/.s.PGSQL.$port" ]] && return 0; sleep 0.05; done
    tail -n 20 "$dir/log/pgbouncer.log" >&2 || true
    die "PgBouncer did not open $dir/run/.s.PGSQL.$port"
}

pgbouncer_stop() {
    local dir="$1" pid _
    pgbouncer_is_running "$dir" || return 0
    pid="$(cat "$dir/run/pgbouncer.pid")"
    log "stopping PgBouncer ($dir)"
    kill -INT "$pid" 2>/dev/null || true   # SIGINT: immediate shutdown
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.05; done
    kill -KILL "$pid" 2>/dev/null || true
}

pgbouncer_url() {
    local dir="$1" port="$2"
    dir="$(cd "$dir" && pwd -P)"
    printf 'postgresql://orgplane_service:%s@/orgplane?host=%s/run&port=%s\n' \
        "$(cat "$dir/password")" "$dir" "$port"
}

# ---------------------------------------------------------------------------------------
# nginx
#
# Templates live in nginx/ with @PLACEHOLDERS@. nginx_render copies the tree into
# PREFIX/conf with every placeholder replaced, creates PREFIX/{logs,tmp,run}, and lets the
# caller add extra files:
#   PREFIX/conf/server.d/*.conf  included inside the orgplane server block
#   PREFIX/conf/http.d/*.conf    included at http level (extra servers)
# Placeholders (all required):
#   @PREFIX@           PREFIX (absolute)         @CONF_DIR@  PREFIX/conf
#   @LISTEN@           e.g. 127.0.0.1:8080       @PUBLIC_DIR@ static root (public/)
#   @FCGI_SOCKET@      the pool's unix socket    @LOG_DIR@ error.log/access.log (PREFIX/logs)
#   @ACCESS_LOG@       "PATH orgplane_json" (default LOG_DIR/access.log) or "off"
#   @NGINX_USER@       user of the worker processes (www-data)
# Optional (used by examples/test files): @PROTECTED_UPSTREAM@ and anything else given.
#
# usage: nginx_render PREFIX LISTEN=127.0.0.1:8080 FCGI_SOCKET=/abs/sock [KEY=VALUE...]
#        then nginx_add PREFIX server.d|http.d TEMPLATE [NAME]
NGINX_TEMPLATE_DIR="$ORGPLANE_ROOT/nginx"

nginx_check_modules() {
    [[ -x "$NGINX_BIN" ]] || die "nginx not found at $NGINX_BIN (run scripts/install-deps)"
    "$NGINX_BIN" -V 2>&1 | grep -q -- '--with-http_auth_request_module' \
        || die "this nginx has no auth_request module (install Debian's nginx-light or nginx)"
}

# The sed script for the current render lives in PREFIX/conf/.render.sed.
nginx_render() {
    local prefix="$1"; shift
    mkdir -p "$prefix"
    prefix="$(cd "$prefix" && pwd -P)"
    local conf="$prefix/conf"
    rm -rf "$conf"
    mkdir -p "$conf/snippets" "$conf/server.d" "$conf/http.d" \
             "$prefix/logs" "$prefix/tmp" "$prefix/run"
    # nginx workers run as www-data: they write temp files and must reach the sockets.
    if (( EUID == 0 )) && id www-data >/dev/null 2>&1; then
        chown www-data "$prefix/tmp"
    fi

    declare -A kv=(
        [PREFIX]="$prefix"
        [CONF_DIR]="$conf"
        [PUBLIC_DIR]="$ORGPLANE_ROOT/public"
        [LOG_DIR]="$prefix/logs"
        [LISTEN]="127.0.0.1:8080"
        [FCGI_SOCKET]="$ORGPLANE_ROOT/var/run/orgplane.sock"
        [PROTECTED_UPSTREAM]="http://127.0.0.1:18090"
        [NGINX_USER]="www-data"
    )
    local a
    for a in "$@"; do kv["${a%%=*}"]="${a#*=}"; done
    mkdir -p "${kv[LOG_DIR]}"
    [[ -n "${kv[ACCESS_LOG]:-}" ]] || kv[ACCESS_LOG]="${kv[LOG_DIR]}/access.log orgplane_json"
    check_socket_path "${kv[FCGI_SOCKET]}"
    # The pool upstream's servers: the one unix socket unless several pools are given.
    [[ -n "${kv[FCGI_SERVERS]:-}" ]] || kv[FCGI_SERVERS]="server unix:${kv[FCGI_SOCKET]};"

    local sed_script="$conf/.render.sed" k v
    : >"$sed_script"
    for k in "${!kv[@]}"; do
        v="${kv[$k]}"
        v="${v//\\/\\\\}"; v="${v//|/\\|}"; v="${v//&/\\&}"
        printf 's|@%s@|%s|g\n' "$k" "$v" >>"$sed_script"
    done

    # The deployment itself: nginx.conf, orgplane.conf and the snippets. Examples and the
    # test/bench extras are added explicitly with nginx_add.
    local f
    for f in "$NGINX_TEMPLATE_DIR"/*.conf "$NGINX_TEMPLATE_DIR"/snippets/*.conf; do
        sed -f "$sed_script" "$f" >"$conf/${f#"$NGINX_TEMPLATE_DIR"/}"
    done
}

# nginx_add PREFIX server.d|http.d TEMPLATE_RELATIVE_TO_nginx/ — render one more template
# (e.g. examples/protected-upstream.conf) into an include directory.
nginx_add() {
    local prefix="$1" where="$2" tmpl="$3"
    local conf="$prefix/conf"
    sed -f "$conf/.render.sed" "$NGINX_TEMPLATE_DIR/$tmpl" >"$conf/$where/$(basename "$tmpl")"
}

# Check that no placeholder was left unrendered, then `nginx -t`.
nginx_check() {
    local prefix="$1"
    local conf="$prefix/conf"
    if grep -rnE '^[^#]*@[A-Z_]+@' "$conf" --include='*.conf' >&2; then
        die "unrendered @PLACEHOLDER@ in $conf (see above)"
    fi
    "$NGINX_BIN" -t -q -p "$prefix/" -c "$conf/nginx.conf" \
        || die "nginx -t failed for $conf/nginx.conf"
}

nginx_pid() {
    local prefix="$1" pid
    [[ -f "$prefix/run/nginx.pid" ]] || return 1
    pid="$(cat "$prefix/run/nginx.pid" 2>/dev/null)" || return 1
    [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null && printf '%s\n' "$pid"
}

# nginx_start PREFIX — validate and start (daemonized master, pid in PREFIX/run/nginx.pid).
# If one is already running from this prefix it is reloaded with the new config.
nginx_start() {
    local prefix="$1" pid
    nginx_check_modules
    nginx_check "$prefix"
    if pid="$(nginx_pid "$prefix")"; then
        log "nginx already running ($pid), reloading"
        "$NGINX_BIN" -p "$prefix/" -c "$prefix/conf/nginx.conf" -s reload
        return 0
    fi
    "$NGINX_BIN" -p "$prefix/" -c "$prefix/conf/nginx.conf" \
        || die "nginx did not start (see the error log named in $prefix/conf/nginx.conf)"
}

# nginx_stop PREFIX — graceful quit, then TERM after 10 s. No-op when not running.
nginx_stop() {
    local prefix="$1" pid
    pid="$(nginx_pid "$prefix")" || return 0
    log "stopping nginx ($pid)"
    kill -QUIT "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do
        kill -0 "$pid" 2>/dev/null || return 0
        sleep 0.1
    done
    kill -TERM "$pid" 2>/dev/null || true
}

# ---------------------------------------------------------------------------------------
# waiting

# wait_for_socket PATH TIMEOUT_S [PID] — until PATH is a socket; fails early if PID dies.
wait_for_socket() {
    local path="$1" timeout="$2" pid="${3:-}" deadline=$((SECONDS + $2))
    while [[ ! -S "$path" ]]; do
        if [[ -n "$pid" ]] && ! kill -0 "$pid" 2>/dev/null; then
            log "process $pid exited before creating $path"
            return 1
        fi
        (( SECONDS < deadline )) || { log "timeout (${timeout}s) waiting for socket $path"; return 1; }
        sleep 0.1
    done
}

# wait_for_url URL TIMEOUT_S [CODE] — until GET URL answers with CODE (default 200).
wait_for_url() {
    local url="$1" timeout="$2" want="${3:-200}" deadline=$((SECONDS + $2)) code
    while :; do
        code="$(curl -s -o /dev/null -m 2 -w '%{http_code}' "$url" 2>/dev/null || true)"
        [[ "$code" == "$want" ]] && return 0
        (( SECONDS < deadline )) || { log "timeout (${timeout}s) waiting for $url (last status: ${code:-none})"; return 1; }
        sleep 0.2
    done
}

# wait_for_port HOST PORT TIMEOUT_S — until a TCP connect succeeds.
wait_for_port() {
    local host="$1" port="$2" timeout="$3" deadline=$((SECONDS + $3))
    until (exec 3<>"/dev/tcp/$host/$port") 2>/dev/null; do
        (( SECONDS < deadline )) || { log "timeout (${timeout}s) waiting for $host:$port"; return 1; }
        sleep 0.1
    done
}

# port_free HOST PORT — 0 if nothing listens there.
port_free() { ! (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

# ---------------------------------------------------------------------------------------
# secrets

# random_secret FILE — 48 random bytes, base64 (64 chars), created once, mode 0600.
random_secret() {
    local file="$1"
    if [[ ! -s "$file" ]]; then
        mkdir -p "$(dirname "$file")"
        chmod 700 "$(dirname "$file")"
        ( umask 077; head -c 48 /dev/urandom | base64 -w0 >"$file"; echo >>"$file" )
    fi
    chmod 600 "$file"
}

# ---------------------------------------------------------------------------------------
# the lock and the pool

# checkout_lock FILE — take an exclusive lock on FILE on fd 9, held until this shell ends;
# fails (status 1) when another shell holds it. bash cannot mark fd 9 close-on-exec, so a
# child that may outlive the shell (the pool, nginx, PostgreSQL) is started with `9>&-`:
# otherwise it would keep the lock after a hard kill of the shell, and the next run would
# refuse to start.
checkout_lock() {
    exec 9>"$1"
    flock -n 9
}

# pool_start BIN LOG — `BIN serve` in the background with its stdout and stderr copied to
# this shell's stdout and appended to LOG (tee ignores INT/TERM so that the pool's last
# lines while stopping are still written); sets POOL_PID. Neither the pool nor the tee
# inherits fd 9 (checkout_lock).
pool_start() {
    local bin="$1" logfile="$2"
    "$bin" serve 9>&- > >(exec 9>&-; trap '' INT TERM; exec tee -a "$logfile") 2>&1 &
    POOL_PID=$!
}

# ---------------------------------------------------------------------------------------
# building

# The Swift toolchain: /opt/swift is where this project's machines have it.
if ! command -v swift >/dev/null 2>&1 && [[ -x /opt/swift/usr/bin/swift ]]; then
    PATH="$PATH:/opt/swift/usr/bin"
fi

# SWIFT_BUILD_ARGS: extra arguments for every `swift build`/`swift test` of the scripts.
# ORGPLANE_SCRATCH_PATH replaces SwiftPM's .build (e.g. .build-infra, to keep a second
# build apart from someone else's).
SWIFT_BUILD_ARGS=()
if [[ -n "${ORGPLANE_SCRATCH_PATH:-}" ]]; then
    SWIFT_BUILD_ARGS+=(--scratch-path "$ORGPLANE_SCRATCH_PATH")
fi
