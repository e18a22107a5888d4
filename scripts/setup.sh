#!/usr/bin/env bash
# Install what orggraph needs on a fresh Debian machine: Graphviz and fonts with æøå
# (charts), Chromium only with --test (the GraphiQL browser test), and the Python
# packages (`pip install -e .`, with the test extras under --test, at the versions in
# constraints.txt). Safe to repeat.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

want_test=false
[ "${1:-}" = "--test" ] && want_test=true

missing=()
wanted=(graphviz fonts-dejavu-core)
$want_test && wanted+=(chromium)
for package in "${wanted[@]}"; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if ((${#missing[@]})); then
  if [ "$(id -u)" = 0 ]; then
    echo "setup.sh: installing ${missing[*]} from Debian"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "setup.sh: please install ${missing[*]} (Debian packages); charts need Graphviz" >&2
  fi
fi

# The versions tested together (constraints.txt); ORGGRAPH_UNPINNED=1 takes the newest that
# pyproject.toml allows, to refresh that file.
pin=(-c constraints.txt)
[ -n "${ORGGRAPH_UNPINNED:-}" ] && pin=()
if $want_test; then
  python3 -m pip install -q --disable-pip-version-check "${pin[@]}" -e ".[test]"
  # The graphql-http audit suite, pinned by scripts/audit/package-lock.json.
  if command -v npm >/dev/null 2>&1; then
    npm ci --prefix scripts/audit --no-audit --no-fund --silent
  fi
else
  python3 -m pip install -q --disable-pip-version-check "${pin[@]}" -e .
fi
