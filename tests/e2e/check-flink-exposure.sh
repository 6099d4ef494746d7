#!/usr/bin/env bash
# The local Flink runtime (`./pipeline up`: `java -jar flink-job.jar --local`) must not let anyone
# else on the network run code: every server of its JVM listens on loopback, and its web UI takes
# no jar. Run against a running stack (PIPELINE_HOME, FLINK_REST_PORT); ./pipeline test runs it in
# the e2e stage. Prints "ok ..." or "FAIL ..." per check; exits 1 on any failure.
#
# Flink's web.submit.enable=false removes jar upload and run from the REST API, but not
# `POST /jobs`, which submits a job graph whose jars are already on the BLOB server: the bind
# addresses are the protection, the jar check only shows the web UI is closed too.
set -euo pipefail
source "$(dirname "$0")/../../scripts/lib.sh"

failures=0
ok() { echo "ok   $*"; }
fail() { echo "FAIL $*"; failures=$((failures + 1)); }

pid=$(running_pid flink) || { fail "the Flink job is not running (PIPELINE_HOME=$PIPELINE_HOME)"; exit 1; }

# 1. Every listening TCP socket of the JVM, from the kernel's table (ss), is on a loopback address.
listeners=$(ss -Hltnp | grep "pid=$pid," | awk '{print $4}' || true)
[[ -n $listeners ]] || fail "no listening socket found for pid $pid (ss -ltnp)"
exposed=0
while read -r local_address; do
    [[ -n $local_address ]] || continue
    host=${local_address%:*}
    host=${host#[}; host=${host%]}
    case "$host" in
        127.*|::1|::ffff:127.*) ;;
        *) fail "pid $pid listens on $local_address, not on loopback"; exposed=1 ;;
    esac
done <<<"$listeners"
((exposed)) || [[ -z $listeners ]] || ok "every listening socket of the Flink JVM is on loopback: $(tr '\n' ' ' <<<"$listeners")"

# 2. The REST port answers on loopback and not on this machine's other addresses.
if curl -fs -o /dev/null --max-time 3 "http://127.0.0.1:$FLINK_REST_PORT/config"; then
    ok "the REST API answers on http://127.0.0.1:$FLINK_REST_PORT"
else
    fail "the REST API does not answer on http://127.0.0.1:$FLINK_REST_PORT"
fi
others=$(hostname -I 2>/dev/null | tr ' ' '\n' | grep -v -e '^127\.' -e '^::1$' -e '^$' || true)
if [[ -z $others ]]; then
    ok "this machine has no non-loopback address to try the REST port on"
fi
for address in $others; do
    [[ $address == *:* ]] && url="http://[$address]:$FLINK_REST_PORT/config" || url="http://$address:$FLINK_REST_PORT/config"
    if curl -s -o /dev/null --max-time 3 "$url"; then
        fail "the REST API answers on $url"
    else
        ok "the REST API does not answer on $url"
    fi
done

# 3. A real (empty) jar is refused by the web UI's upload.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
printf 'Manifest-Version: 1.0\n' >"$work/MANIFEST.MF"
jar cfm "$work/probe.jar" "$work/MANIFEST.MF"
: >"$work/upload.out"
status=$(curl -s -o "$work/upload.out" -w '%{http_code}' --max-time 10 -X POST \
    -F "jarfile=@$work/probe.jar;type=application/x-java-archive" \
    "http://127.0.0.1:$FLINK_REST_PORT/jars/upload" || true)
if [[ $status == 000 || -z $status ]]; then
    fail "no answer from http://127.0.0.1:$FLINK_REST_PORT/jars/upload"
elif [[ $status == 200 ]] || grep -q '"success"' "$work/upload.out"; then
    fail "jar upload accepted (HTTP $status: $(head -c 200 "$work/upload.out"))"
else
    ok "jar upload refused (HTTP $status: $(head -c 200 "$work/upload.out"))"
fi

((failures == 0))
