#!/usr/bin/env bash
# Run the whole test suite on a fresh Debian machine: install what the tests need
# (Graphviz and fonts with æøå, the Python packages, Neo4j 5.26 through Maven),
# start Neo4j on loopback unless NEO4J_URI points at one, run pytest, stop Neo4j.
# Arguments are passed to pytest, e.g. `bash scripts/test.sh -k chain -x`.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# Graphviz and fonts with æøå for the charts; Chromium for the GraphiQL browser test.
if ! command -v dot >/dev/null 2>&1 || ! command -v chromium >/dev/null 2>&1 \
    || ! fc-list 2>/dev/null | grep -qi dejavu; then
  if [ "$(id -u)" = 0 ]; then
    echo "test.sh: installing Graphviz, fonts and Chromium from Debian"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq graphviz fonts-dejavu-core chromium >/dev/null
  else
    echo "test.sh: install graphviz, fonts-dejavu-core and chromium (Debian) first" >&2
  fi
fi

python3 -m pip install -q --disable-pip-version-check -e ".[test]"

# The graphql-http audit suite, pinned by scripts/audit/package-lock.json.
if command -v npm >/dev/null 2>&1; then
  npm ci --prefix scripts/audit --no-audit --no-fund --silent
fi

if [ -z "${NEO4J_URI:-}" ]; then
  bash scripts/neo4j.sh start --fresh
  trap 'bash scripts/neo4j.sh stop' EXIT
  export NEO4J_URI="bolt://127.0.0.1:${ORGGRAPH_NEO4J_PORT:-7687}"
fi

python3 -m pytest -q -ra "$@"
