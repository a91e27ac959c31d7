#!/usr/bin/env bash
# Installs what the comparison benchmarks need besides Tern's own build (scripts/setup-deps.sh):
# Prosody and ejabberd from Debian 12, with their system services kept from starting (they would
# take port 5222 and a system data directory; bench/servers/ runs private instances instead).
# As root; idempotent: does nothing when everything is already there.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
LOCK=(-o DPkg::Lock::Timeout=600)

# lua-unbound only keeps Prosody from warning at start-up about its old DNS resolver; valgrind is
# for instructions.py.
PACKAGES=(prosody lua-unbound ejabberd openssl util-linux python3 python3-slixmpp valgrind)
SERVICES=(prosody ejabberd)

all_installed() {
  local status
  status=$(dpkg-query -W -f='${db:Status-Status}\n' "$@" 2>/dev/null) || return 1
  ! grep -qvx installed <<<"$status"
}

# Installing ejabberd (or stopping it with its init script) starts Erlang's port mapper daemon,
# which the benchmark's ejabberd does not use (it runs without distribution): one started here is
# stopped again at the end, if no Erlang node has registered with it.
epmd_was_running=$(pgrep -x epmd || true)

if ! all_installed "${PACKAGES[@]}"; then
  # policy-rc.d answering 101 tells the maintainer scripts not to start any service.
  created_policy=
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d && created_policy=1
  fi
  trap '[[ -z $created_policy ]] || rm -f /usr/sbin/policy-rc.d' EXIT
  apt-get "${LOCK[@]}" update -qq
  apt-get "${LOCK[@]}" install -y -qq --no-install-recommends "${PACKAGES[@]}"
fi

# Should a system instance run anyway (installed earlier without policy-rc.d), stop it; and keep
# both from starting at boot. System instances run as the packages' users, the benchmark's as root.
running() {  # SERVICE: whether its system instance runs
  case $1 in
    prosody) pgrep -u prosody -x lua5.4 >/dev/null ;;
    ejabberd) pgrep -u ejabberd -x beam.smp >/dev/null ;;
  esac
}
for service in "${SERVICES[@]}"; do
  if command -v systemctl >/dev/null && [[ -d /run/systemd/system ]]; then
    systemctl disable --quiet "$service" 2>/dev/null || true
    if running "$service"; then systemctl stop "$service" || true; fi
  else
    update-rc.d "$service" disable >/dev/null 2>&1 || true
    if running "$service"; then service "$service" stop || true; fi
  fi
done

if [[ -z $epmd_was_running ]] && pgrep -x epmd >/dev/null && ! epmd -names 2>/dev/null | grep -q '^name '; then
  epmd -kill >/dev/null 2>&1 || true
fi
