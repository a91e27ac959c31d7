#!/usr/bin/env bash
# Sets up and runs every test (the README's test command; CI runs this too). As root on Debian 12.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
start=$SECONDS
step() { echo "== $1 ($((SECONDS - start)) s)"; }

step "dependencies"
bash scripts/setup-deps.sh
# The Node.js 20 setup-deps fetched where the system's is older (Debian 12 has 18).
if [[ -x .deps/node/bin/node ]]; then export PATH=$PWD/.deps/node/bin:$PATH; fi

step "build (build/, RelWithDebInfo)"
cmake -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build build

step "private MariaDB for the MySQL backend's tests"
export TERN_DB_DIR=${TMPDIR:-/tmp}/tern-test-mariadb-$$
# A free port, so that a developer's own test instance (port 13306) can keep running.
TERN_DB_PORT=$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
export TERN_DB_PORT
trap 'bash scripts/test-mariadb.sh wipe || true' EXIT
eval "$(bash scripts/test-mariadb.sh start)"
export TERN_REQUIRE_MYSQL=1  # store tests fail instead of skipping MySQL

step "unit and integration tests"
ctest --test-dir build --output-on-failure --no-tests=error -j2

step "integration tests again, every server on MariaDB"
TERN_TEST_SERVER_BACKEND=mysql ctest --test-dir build --output-on-failure --no-tests=error -j2 -L integration

step "AddressSanitizer + UBSan build; unit and integration tests against it"
cmake --preset asan
cmake --build --preset asan
ctest --preset asan

step "fuzz the XML parser and the TLS 1.3 record layer (${TERN_FUZZ_SECONDS:=60} s each)"
cmake --preset fuzz
cmake --build --preset fuzz
for target in xml_parser tls13_records; do
  corpus=$(mktemp -d)
  "build-fuzz/${target}_fuzz" -max_total_time="$TERN_FUZZ_SECONDS" -print_final_stats=1 \
    "$corpus" "tests/fuzz/corpus/$target" 2>&1 | tail -n 5
  rm -rf "$corpus"
done

step "done"
