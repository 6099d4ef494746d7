#!/usr/bin/env bash
# Benchmark "connections": the release gateway's memory per idle WebSocket. Opens
# BENCH_IDLE_CONNECTIONS (10000) idle connections with bench/idle_connections (raw sockets, one
# fd each), and divides the growth of the gateway's VmRSS (/proc/PID/status) by their number.
# Repeated BENCH_ROUNDS times on a fresh gateway each; the median is reported. Goal: <= 20 KiB.
# The gateway is gateway-bench with the no-op sink (bench/gateway/bench_modes.hpp: no broker
# needed; the sink plays no part in an idle connection). Kernel socket buffers are not in VmRSS
# and are not counted.
#   Settings: BENCH_IDLE_CONNECTIONS (10000), BENCH_HOLD_S (how long the client holds them, 20)
set -euo pipefail
source "$(dirname "$0")/lib.sh"

N=${BENCH_IDLE_CONNECTIONS:-10000}
HOLD=${BENCH_HOLD_S:-20}
CLIENT_BIN="$ROOT_DIR/build/bench/bench/idle_connections"
GATEWAY_BIN=$GATEWAY_BENCH_BIN
NOTE="gateway VmRSS growth / connections; kernel socket memory not included; client on the same machine"

stop_gateway() { stop_bg gateway TERM 30 || true; }
rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$(cat "$RUN_DIR/gateway.pid")/status"; }
open_connections() { curl -fsS --max-time 2 "http://127.0.0.1:$GATEWAY_PORT/metrics" | awk '$1=="gateway_connections_open" {print $2}'; }

hard=$(ulimit -Hn)
((hard >= N + 100)) || die "open file hard limit $hard is below $N + 100 (the client and the gateway each need one fd per connection)"
require_free_ports "$GATEWAY_PORT"
trap stop_gateway EXIT
log "connections: $BENCH_ROUNDS rounds of $N idle WebSockets; $NOTE"
for ((r = 1; r <= BENCH_ROUNDS; r++)); do
    start_gateway GATEWAY_SINK=noop GATEWAY_MAX_CONNECTIONS=$((N + 100))
    sleep 1
    before=$(rss_kib)
    "$CLIENT_BIN" --port "$GATEWAY_PORT" --connections "$N" --hold-s "$HOLD" >"$LOG_DIR/idle_connections.out" 2>&1 &
    client=$!
    for ((i = 0; i < HOLD * 10; i++)); do
        [[ $(open_connections || echo 0) == "$N" ]] && break
        sleep 0.1
    done
    [[ $(open_connections || echo 0) == "$N" ]] || { kill "$client" 2>/dev/null; die "only $(open_connections) of $N connections open"; }
    sleep 2   # let the last handshakes' garbage settle
    after=$(rss_kib)
    wait "$client" || die "the client failed: $(cat "$LOG_DIR/idle_connections.out")"
    stop_gateway
    per=$(( (after - before) * 1024 / N ))
    bench_record connections gateway "$(jq -cn --argjson r "$r" --argjson n "$N" --argjson b "$before" --argjson a "$after" \
        --argjson per "$per" --argjson client "$(head -n 1 "$LOG_DIR/idle_connections.out")" \
        '{round:$r,connections:$n,rss_before_kib:$b,rss_after_kib:$a,bytes_per_connection:$per,client:$client}')"
    printf '  round %s  VmRSS %s KiB -> %s KiB with %s idle connections: %s bytes each\n' "$r" "$before" "$after" "$N" "$per" >&2
done

per=$(run_values connections gateway .bytes_per_connection | median)
bench_summary connections "gateway memory per idle WebSocket ($N open)" null "$per" "<=20480" bytes \
    "median of $BENCH_ROUNDS rounds; $NOTE"
