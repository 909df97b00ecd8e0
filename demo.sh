#!/usr/bin/env bash
# The mptcp4j demo: builds a two-path network-namespace lab on this machine (two hosts, two 50 Mbit/s paths), runs
# the kernel's MPTCP server in one host and mptcp4j's userspace MPTCP client in the other, and shows a 10-second
# transfer: every subflow's rate and RTT as it goes, then the aggregated goodput and the byte-for-byte check.
# Needs root (raw sockets, namespaces). The lab is removed at the end, also on failure or Ctrl-C.
#
#   sudo ./demo.sh [--seconds N] [--rate RATE] [--reverse]
set -euo pipefail
cd "$(dirname "$0")"
if [ "$(id -u)" != 0 ]; then
  echo "demo.sh: needs root for raw sockets and network namespaces: run 'sudo ./demo.sh'" >&2
  exit 1
fi
seconds=10 rate=50mbit reverse=()
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds="$2"; shift 2 ;;
    --rate) rate="$2"; shift 2 ;;
    --reverse) reverse=(--reverse); shift ;;
    *) echo "demo.sh: unknown option '$1' (known: --seconds N, --rate RATE, --reverse)" >&2; exit 2 ;;
  esac
done
scripts/install-deps
echo "Building mptcp4j (the first run downloads Maven and the dependencies) ..."
./mvnw -B -q -DskipTests package

server=""
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
  scripts/lab down >/dev/null 2>&1 || true
}
trap cleanup EXIT INT TERM
scripts/lab down >/dev/null 2>&1 || true
scripts/lab up --paths 2 --rate "$rate"
echo
echo "Server: the Linux kernel's MPTCP (10.0.0.2, 10.0.1.2). Client: mptcp4j, userspace MPTCP on raw sockets"
echo "(10.0.0.1 starts the connection, 10.0.1.1 joins it). ${seconds} s, each path shaped to ${rate}."
echo
scripts/lab exec server samples/bin/mptcp perf server --kernel --one-off >/dev/null 2>&1 &
server=$!
sleep 1
scripts/lab exec client samples/bin/mptcp perf client 10.0.0.2 --bind 10.0.0.1,10.0.1.1 --time "$seconds" \
  "${reverse[@]}"
