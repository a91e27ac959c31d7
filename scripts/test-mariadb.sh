#!/usr/bin/env bash
# A private, throw-away MariaDB for tests: its own data directory, socket, pid file and port. It
# never touches the system instance (/var/lib/mysql, /run/mysqld, port 3306) and needs no systemd.
#   eval "$(bash scripts/test-mariadb.sh start)"   bootstrap on first use, start, print the
#                                                  TERN_TEST_MYSQL_* variables the tests read
#   bash scripts/test-mariadb.sh stop              stop this instance (its own pid file only)
#   bash scripts/test-mariadb.sh wipe              stop, then delete its directory
set -euo pipefail
DIR=${TERN_DB_DIR:-${TMPDIR:-/tmp}/tern-test-mariadb}
PORT=${TERN_DB_PORT:-13306}
SOCK=$DIR/mysqld.sock  # unix socket paths max out at 107 bytes: keep DIR short
PID=$DIR/mysqld.pid
DB=${TERN_DB_NAME:-tern_test}
DB_USER=${TERN_DB_USER:-tern}
DB_PASS=${TERN_DB_PASS:-tern-test-pw}
RUN_AS=$(id -un)  # mariadbd refuses to run as root unless told --user=root

print_env() {
  cat <<ENV
export TERN_TEST_MYSQL_HOST=127.0.0.1 TERN_TEST_MYSQL_PORT=$PORT TERN_TEST_MYSQL_SOCKET=$SOCK
export TERN_TEST_MYSQL_DB=$DB TERN_TEST_MYSQL_USER=$DB_USER TERN_TEST_MYSQL_PASSWORD=$DB_PASS
ENV
}
alive() { [[ -f $PID ]] && kill -0 "$(cat "$PID")" 2>/dev/null; }
admin() { mariadb-admin --no-defaults --socket="$SOCK" -uroot "$@"; }

start() {
  if alive && admin ping >/dev/null 2>&1; then print_env; return; fi
  mkdir -p "$DIR"
  if [[ ! -d $DIR/data/mysql ]]; then
    # root@localhost authenticates by unix socket only; no test database, no DNS.
    mariadb-install-db --no-defaults --user="$RUN_AS" --datadir="$DIR/data" \
      --auth-root-authentication-method=socket --skip-test-db --skip-name-resolve \
      >"$DIR/install.log" 2>&1 || { cat "$DIR/install.log" >&2; exit 1; }
  fi
  # --no-defaults must come first: /etc/mysql/*.cnf describe the system instance. Output goes to
  # files: an inherited pipe would keep a CI log reader waiting for ever.
  mariadbd --no-defaults --user="$RUN_AS" --datadir="$DIR/data" \
    --socket="$SOCK" --pid-file="$PID" --port="$PORT" --bind-address=127.0.0.1 \
    --log-error="$DIR/error.log" --skip-name-resolve --skip-log-bin \
    --character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci \
    --innodb-buffer-pool-size=64M --innodb-log-file-size=16M --innodb-flush-log-at-trx-commit=2 \
    --max-connections=200 --open-files-limit=4096 \
    </dev/null >>"$DIR/stderr.log" 2>&1 &
  local server=$!
  for _ in $(seq 300); do  # up to 30 s
    admin ping >/dev/null 2>&1 && break
    kill -0 "$server" 2>/dev/null || { echo "mariadbd exited:" >&2; tail -20 "$DIR/error.log" >&2; exit 1; }
    sleep 0.1
  done
  admin ping >/dev/null 2>&1 || { echo "mariadbd did not answer in 30 s" >&2; exit 1; }
  mariadb --no-defaults --socket="$SOCK" -uroot <<SQL
CREATE DATABASE IF NOT EXISTS \`$DB\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;
CREATE USER IF NOT EXISTS '$DB_USER'@'127.0.0.1' IDENTIFIED BY '$DB_PASS';
CREATE USER IF NOT EXISTS '$DB_USER'@'localhost' IDENTIFIED BY '$DB_PASS';
-- $DB itself and the per-test databases ${DB}_* that parallel tests create and drop.
GRANT ALL PRIVILEGES ON \`${DB//_/\\_}%\`.* TO '$DB_USER'@'127.0.0.1';
GRANT ALL PRIVILEGES ON \`${DB//_/\\_}%\`.* TO '$DB_USER'@'localhost';
SQL
  print_env
}

stop() {
  alive || return 0
  local pid
  pid=$(cat "$PID")
  admin shutdown 2>/dev/null || kill "$pid" 2>/dev/null || true
  for _ in $(seq 300); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  echo "mariadbd $pid did not stop in 30 s" >&2
  return 1
}

case ${1:-} in
  start) start ;;
  stop) stop ;;
  wipe) stop; rm -rf "$DIR" ;;
  *) echo "usage: $0 start|stop|wipe" >&2; exit 2 ;;
esac
