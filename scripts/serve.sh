#!/usr/bin/env bash
# The main job on a fresh machine: install, load the seed dataset into the embedded
# engine, and serve the API with GraphiQL and charts on http://127.0.0.1:8000/graphql.
# Extra arguments go to `orggraph serve` (e.g. --port 8080).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup.sh
exec orggraph serve --load data/seeds "$@"
