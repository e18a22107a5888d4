#!/usr/bin/env bash
# Run the whole test suite on a fresh Debian machine: install what the tests need
# (scripts/setup.sh --test: Graphviz, fonts, Chromium, Python and npm packages), start
# Neo4j 5.26 on loopback through Maven unless NEO4J_URI points at one, run pytest,
# stop Neo4j. Arguments are passed to pytest, e.g. `bash scripts/test.sh -k chain -x`.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/setup.sh --test

if [ -z "${NEO4J_URI:-}" ]; then
  bash scripts/neo4j.sh start --fresh
  trap 'bash scripts/neo4j.sh stop' EXIT
  export NEO4J_URI="bolt://127.0.0.1:${ORGGRAPH_NEO4J_PORT:-7687}"
fi

python3 -m pytest -q -ra "$@"
