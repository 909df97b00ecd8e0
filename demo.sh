#!/usr/bin/env bash
# The mptcp4j demo: builds a two-path network-namespace lab on this machine and shows mptcp4j speaking MPTCP
# with the Linux kernel. Needs root (raw sockets, namespaces). Everything it creates is removed at the end.
set -euo pipefail
cd "$(dirname "$0")"
if [ "$(id -u)" != 0 ]; then
  echo "demo.sh: needs root for raw sockets and network namespaces: run 'sudo ./demo.sh'" >&2
  exit 1
fi
scripts/install-deps
echo "Building mptcp4j (first run downloads Maven and the dependencies) ..."
./mvnw -B -q -DskipTests package
exec samples/bin/mptcp demo "$@"
