#!/usr/bin/env bash
# Runs every test of mptcp4j. As root it also runs the interop tests against the kernel's MPTCP in network
# namespaces it creates and removes; without root those are skipped (and CI=true turns a skip into a failure).
set -euo pipefail
cd "$(dirname "$0")"
if [ "$(id -u)" = 0 ]; then
  scripts/install-deps
else
  echo "test.sh: not root: the namespace interop tests will be skipped (run with sudo to include them)" >&2
fi
exec ./mvnw -B verify "$@"
