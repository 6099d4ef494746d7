#!/usr/bin/env bash
# Prints the statements of a .sql file NUL-separated, for running one at a time over HTTP.
# Statements end with ';' at the end of a line; '--' comment lines are dropped.
set -euo pipefail
awk '
    /^[[:space:]]*--/ { next }
    { buf = buf $0 "\n" }
    /;[[:space:]]*$/ { sub(/;[[:space:]]*\n$/, "", buf); printf "%s%c", buf, 0; buf = "" }
    END { if (buf ~ /[^[:space:]]/) printf "%s%c", buf, 0 }
' "$1"
