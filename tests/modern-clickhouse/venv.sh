#!/usr/bin/env bash
# Makes sure the Python environment of the modern-ClickHouse test exists (requirements.txt, pinned
# by hash) and prints its python. The environment depends only on requirements.txt, so it lives
# outside the checkout, shared by every checkout and CI run on the machine, in a folder named after
# the file's hash: CHDB_VENV overrides it. A lock keeps two checkouts from building it at once.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
req="$HERE/requirements.txt"
key=$(sha256sum "$req" | cut -c1-12)
venv="${CHDB_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/behaviour-analytics/chdb-$key}"
mkdir -p "$(dirname "$venv")"

exec 9>"$venv.lock"
flock 9
if [[ ! -f $venv/.complete ]]; then
    echo "[pipeline] installing chDB into $venv (requirements.txt; ~180 MB download once)" >&2
    rm -rf "$venv"
    python3 -m venv "$venv" >&2
    "$venv/bin/pip" install --quiet --disable-pip-version-check --no-deps --require-hashes -r "$req" >&2
    "$venv/bin/python" -c 'import chdb' >&2
    touch "$venv/.complete"
fi
echo "$venv/bin/python"
