#!/usr/bin/env bash
# Static checks of the compose stack; needs no Docker engine, only Debian's `docker-compose`
# (1.29.2) to parse and validate the file. One line per check, "ok" or "FAIL"; exit 0 when all pass.
#
#   tests/compose/check-compose.sh
#
# The checks: docker-compose.yml validates (with .env and with its built-in defaults alone); the
# services match the table between <!-- compose-services --> markers in deploy/README.md (and in
# README.md when it has one); published ports match SPEC section 2 and the table, bound to
# 127.0.0.1 by default; images pinned (no `latest`, no untagged); the Flink image matches
# flink-job/pom.xml; the Dockerfiles build with scripts/install-deps.sh and scripts/build.sh and
# carry no package lists of their own; one-shots and health checks are wired; credentials come
# from the environment (SPEC defaults only as fallbacks).
set -uo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
COMPOSE_FILE="$ROOT/docker-compose.yml"
ENV_FILE="$ROOT/.env"
cd "$ROOT" || exit 1

failures=0
ok()   { printf 'ok   %s\n' "$1"; }
fail() { printf 'FAIL %s\n' "$1"; shift; for l in "$@"; do printf '       %s\n' "$l"; done; failures=$((failures + 1)); }
check() { local name=$1; shift; if "$@"; then ok "$name"; else fail "$name"; fi; }

# SPEC section 2: service -> published container ports and default host ports.
declare -A SPEC_PORTS=(
    [gateway]="8080:8080"
    [flink-jobmanager]="8081:8081"
    [kafka]="9092:9092"
    [clickhouse]="8123:8123 9000:9000"
    [grafana]="3000:3000"
    [redpanda-console]="8088:8080"
)
# The one-shot services (run once, must exit 0).
ONE_SHOTS=(kafka-init clickhouse-init flink-job-submit)
# Long-running services others wait for: each needs a health check.
HEALTHY=(kafka clickhouse flink-jobmanager gateway grafana)

if ! command -v docker-compose >/dev/null; then
    fail "docker-compose is installed" "install Debian's package: apt-get install docker-compose"
    echo "1 check failed (nothing else can be checked)"
    exit 1
fi

# docker-compose with a clean environment, so a variable exported in the caller's shell (e.g.
# CLICKHOUSE_HTTP_PORT of a test stack) cannot change what is checked.
dc() { env -i PATH="$PATH" HOME="${HOME:-/tmp}" docker-compose --project-directory "$ROOT" -f "$COMPOSE_FILE" "$@"; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
: >"$tmp/empty.env"

# 1. The file parses and validates, with .env and with the defaults written into it.
if out=$(dc --env-file "$ENV_FILE" config -q 2>&1); then ok "docker-compose.yml validates with .env (docker-compose $(docker-compose version --short 2>/dev/null))"
else fail "docker-compose.yml validates with .env" "$out"; fi
if out=$(dc --env-file "$tmp/empty.env" config -q 2>&1); then ok "docker-compose.yml validates with its built-in defaults (no .env)"
else fail "docker-compose.yml validates with its built-in defaults (no .env)" "$out"; fi
if ! dc --env-file "$ENV_FILE" config >"$tmp/config.yml" 2>"$tmp/config.err"; then
    fail "docker-compose config renders" "$(cat "$tmp/config.err")"
    echo "$failures check(s) failed"
    exit 1
fi
dc --env-file "$tmp/empty.env" config >"$tmp/config-defaults.yml" 2>/dev/null

# The rendered config (normalised by docker-compose) as "service<TAB>key<TAB>value" lines for the
# keys checked below: image, build, port, healthcheck, restart, depends (dependency:condition).
flatten() {
    awk '
        /^[^ ]/ { top = $1; svc = ""; next }
        top == "services:" && /^  [^ ]/ { svc = $1; sub(/:$/, "", svc); key = ""; next }
        svc == "" { next }
        key == "ports" && /^    - / { print svc "\tport\t" $2; next }
        /^    [^ -]/ { key = $1; sub(/:$/, "", key)
                      if (key == "image") print svc "\timage\t" $2
                      if (key == "build" || key == "healthcheck") print svc "\t" key "\t1"
                      if (key == "restart") { v = $2; gsub(/"/, "", v); print svc "\trestart\t" v }
                      next }
        key == "depends_on" && /^      [^ ]/ { dep = $1; sub(/:$/, "", dep); next }
        key == "depends_on" && /^        condition:/ { print svc "\tdepends\t" dep ":" $2; next }
    ' "$1"
}
flatten "$tmp/config.yml" >"$tmp/flat"
flatten "$tmp/config-defaults.yml" >"$tmp/flat-defaults"
services=$(dc --env-file "$ENV_FILE" config --services | sort)

# 2. The services the README names are the services in the file (both ways).
readme_services() {
    sed -n '/<!-- compose-services -->/,/<!-- \/compose-services -->/p' "$1" \
        | grep -E '^\| *`[a-z0-9-]+`' | sed -E 's/^\| *`([a-z0-9-]+)`.*/\1/' | sort
}
readme_ports() {   # service -> host ports column, normalised to "p1 p2"
    sed -n '/<!-- compose-services -->/,/<!-- \/compose-services -->/p' "$1" \
        | grep -E '^\| *`[a-z0-9-]+`' \
        | awk -F'|' '{ s = $2; gsub(/[ `]/, "", s); p = $(NF-1); gsub(/[^0-9,]/, "", p); gsub(/,/, " ", p); print s "\t" p }'
}
tables=("$ROOT/deploy/README.md")
if grep -q '<!-- compose-services -->' "$ROOT/README.md" 2>/dev/null; then tables+=("$ROOT/README.md"); fi
for table in "${tables[@]}"; do
    rel=${table#"$ROOT"/}
    named=$(readme_services "$table")
    if [[ -z $named ]]; then
        fail "$rel has a services table between <!-- compose-services --> markers"
        continue
    fi
    missing=$(comm -23 <(echo "$named") <(echo "$services"))
    unlisted=$(comm -13 <(echo "$named") <(echo "$services"))
    if [[ -z $missing && -z $unlisted ]]; then ok "every service $rel names is in docker-compose.yml, and no other ($(wc -w <<<"$services") services)"
    else fail "services of $rel match docker-compose.yml" ${missing:+"in $rel, not in compose: $(echo $missing)"} ${unlisted:+"in compose, not in $rel: $(echo $unlisted)"}; fi
    # The ports column agrees with SPEC section 2 (and says "-" for the others).
    bad=()
    while IFS=$'\t' read -r svc ports; do
        want=""
        for m in ${SPEC_PORTS[$svc]:-}; do want+="${m%%:*} "; done
        [[ "$(echo $ports)" == "$(echo $want)" ]] || bad+=("$svc: table says '${ports:--}', SPEC section 2 says '${want:--}'")
    done < <(readme_ports "$table")
    if ((${#bad[@]} == 0)); then ok "host ports in the $rel table match SPEC section 2"; else fail "host ports in the $rel table match SPEC section 2" "${bad[@]}"; fi
done

# 3. Published ports: exactly SPEC section 2, bound to 127.0.0.1 by default, overridable.
bad=()
for svc in $services; do
    have=$(awk -F'\t' -v s="$svc" '$1 == s && $2 == "port" { print $3 }' "$tmp/flat-defaults" | sort | tr '\n' ' ')
    want=""
    for m in ${SPEC_PORTS[$svc]:-}; do want+="127.0.0.1:${m%%:*}:${m##*:}/tcp "; done
    want=$(tr ' ' '\n' <<<"$want" | grep . | sort | tr '\n' ' ')
    [[ $have == "$want" ]] || bad+=("$svc publishes '${have:-nothing}', expected '${want:-nothing}'")
done
if ((${#bad[@]} == 0)); then ok "published ports are SPEC section 2's (8080 8081 9092 8123 9000 3000 8088), on 127.0.0.1"
else fail "published ports are SPEC section 2's, on 127.0.0.1" "${bad[@]}"; fi
if grep -qx 'BIND_ADDRESS=127.0.0.1' "$ENV_FILE" && ! grep -E '^\s+- "?[0-9]+:[0-9]+' "$COMPOSE_FILE" >/dev/null \
        && [[ $(grep -cE '^\s+- "\$\{BIND_ADDRESS:-127\.0\.0\.1\}:\$\{[A-Z_]+_PORT:-[0-9]+\}:[0-9]+"' "$COMPOSE_FILE") -eq 7 ]]; then
    ok "every published port is \${BIND_ADDRESS:-127.0.0.1}:\${..._PORT:-default}, BIND_ADDRESS=127.0.0.1 in .env"
else
    fail "every published port is \${BIND_ADDRESS:-127.0.0.1}:\${..._PORT:-default}, BIND_ADDRESS=127.0.0.1 in .env"
fi

# 4. Images pinned: a tag on every image, never latest; images we build are local names.
bad=()
while IFS=$'\t' read -r svc _ image; do
    built=$(awk -F'\t' -v s="$svc" '$1 == s && $2 == "build"' "$tmp/flat")
    tag=${image##*:}
    if [[ -n $built ]]; then
        [[ $image == behaviour-analytics/*:local ]] || bad+=("$svc builds but tags its image '$image' (expected behaviour-analytics/<name>:local)")
    elif [[ $image != *:* || $tag == "$image" || $tag == latest || $image == *"/"*":"*"/"* ]]; then
        bad+=("$svc: image '$image' is not pinned to a tag")
    fi
done < <(awk -F'\t' '$2 == "image"' "$tmp/flat")
while IFS='=' read -r var value; do
    [[ $value == *:* && ${value##*:} != latest && -n ${value##*:} ]] || bad+=(".env $var=$value is not pinned")
done < <(grep -E '^[A-Z_]+_IMAGE=' "$ENV_FILE")
while read -r line; do
    bad+=("Dockerfile default not pinned: $line")
done < <(grep -hE '^ARG [A-Z_]+_IMAGE=' "$ROOT"/deploy/*.Dockerfile | grep -E '=[^:]+$|:latest$')
for f in "$ROOT"/deploy/*.Dockerfile; do
    # FROM <earlier stage> and FROM ${ARG} (default checked above) are fine; a literal image needs a tag.
    stages=$(sed -nE 's/^FROM .* AS ([A-Za-z0-9_-]+).*/\1/p' "$f")
    while read -r _ image _; do
        [[ -z $image || $image == '${'* ]] && continue
        grep -qx -- "$image" <<<"$stages" && continue
        [[ $image == *:* && ${image##*:} != latest ]] || bad+=("${f#"$ROOT"/}: FROM $image is not pinned")
    done < <(grep -E '^FROM ' "$f")
done
if ((${#bad[@]} == 0)); then ok "image tags are pinned (compose, .env, Dockerfile defaults), none is latest"
else fail "image tags are pinned" "${bad[@]}"; fi

# 5. The Flink image is the job's Flink version.
pom_version=$(sed -n 's:.*<flink.version>\([^<]*\)</flink.version>.*:\1:p' "$ROOT/flink-job/pom.xml" 2>/dev/null | head -n 1)
flink_image=$(sed -n 's/^FLINK_IMAGE=//p' "$ENV_FILE")
flink_default=$(sed -n 's/^ARG FLINK_IMAGE=//p' "$ROOT/deploy/flink-job.Dockerfile")
if [[ -z $pom_version ]]; then
    fail "Flink image matches flink-job/pom.xml" "no <flink.version> in flink-job/pom.xml"
elif [[ $flink_image == "flink:$pom_version-java17" && $flink_default == "$flink_image" ]] \
        && grep -q "FLINK_IMAGE:-flink:$pom_version-java17" "$COMPOSE_FILE"; then
    ok "Flink image flink:$pom_version-java17 matches flink.version $pom_version of flink-job/pom.xml"
else
    fail "Flink image matches flink-job/pom.xml ($pom_version)" ".env FLINK_IMAGE=$flink_image, Dockerfile default $flink_default"
fi

# 6. Dockerfiles: built services use the shared scripts, and no package list of their own.
bad=()
for f in "$ROOT"/deploy/*.Dockerfile; do
    rel=${f#"$ROOT"/}
    grep -qE '^RUN .*scripts/install-deps\.sh (build|runtime|test|all)\b' "$f" || bad+=("$rel does not install with scripts/install-deps.sh")
    if grep -nE 'apt-get +install|apt +install|apk +add|yum +install|dnf +install|pip3? +install|dpkg +-i' "$f" >/dev/null; then
        bad+=("$rel installs packages itself: $(grep -nE 'apt-get +install|apt +install|apk +add|yum +install|dnf +install|pip3? +install|dpkg +-i' "$f" | tr '\n' ' ')")
    fi
    if grep -qE '(cmake|mvn|mvnw|g\+\+|ninja) ' <(grep -E '^RUN ' "$f"); then
        bad+=("$rel runs a compiler or build tool directly instead of scripts/build.sh")
    fi
done
grep -qE '^RUN scripts/build\.sh cpp release' "$ROOT/deploy/cpp.Dockerfile" || bad+=("deploy/cpp.Dockerfile does not build with scripts/build.sh cpp release")
grep -qE '^RUN scripts/build\.sh flink' "$ROOT/deploy/flink-job.Dockerfile" || bad+=("deploy/flink-job.Dockerfile does not build with scripts/build.sh flink")
grep -qE '^FROM \$\{DEBIAN_IMAGE\} AS build' "$ROOT/deploy/cpp.Dockerfile" && grep -q '^ARG DEBIAN_IMAGE=debian:bookworm$' "$ROOT/deploy/cpp.Dockerfile" \
    || bad+=("deploy/cpp.Dockerfile: build stage is not debian:bookworm")
grep -q '^ARG DEBIAN_SLIM_IMAGE=debian:bookworm-slim$' "$ROOT/deploy/cpp.Dockerfile" || bad+=("deploy/cpp.Dockerfile: runtime stage is not debian:bookworm-slim")
for svc in gateway emulator flink-job-submit clickhouse-init; do
    awk -F'\t' -v s="$svc" '$1 == s && $2 == "build"' "$tmp/flat" | grep -q . || bad+=("$svc is not built from deploy/")
done
if ((${#bad[@]} == 0)); then ok "Dockerfiles build with scripts/install-deps.sh and scripts/build.sh (cpp release, flink), no package lists of their own"
else fail "Dockerfiles use the shared install and build scripts" "${bad[@]}"; fi

# 7. Wiring: one-shots never restart and are awaited with service_completed_successfully; the
#    services others wait on have health checks and are awaited with service_healthy.
bad=()
for svc in "${ONE_SHOTS[@]}"; do
    [[ $(awk -F'\t' -v s="$svc" '$1 == s && $2 == "restart" { print $3 }' "$tmp/flat") == no ]] || bad+=("one-shot $svc must have restart: \"no\"")
done
for svc in "${HEALTHY[@]}"; do
    awk -F'\t' -v s="$svc" '$1 == s && $2 == "healthcheck"' "$tmp/flat" | grep -q . || bad+=("$svc has no health check")
done
while IFS=$'\t' read -r svc _ dep; do
    name=${dep%%:*} cond=${dep#*:}
    if printf '%s\n' "${ONE_SHOTS[@]}" | grep -qx "$name"; then
        [[ $cond == service_completed_successfully ]] || bad+=("$svc waits for one-shot $name with $cond")
    elif awk -F'\t' -v s="$name" '$1 == s && $2 == "healthcheck"' "$tmp/flat" | grep -q .; then
        [[ $cond == service_healthy ]] || bad+=("$svc waits for $name with $cond, not service_healthy")
    fi
done < <(awk -F'\t' '$2 == "depends"' "$tmp/flat")
for pair in "kafka-init:kafka" "clickhouse-init:clickhouse" "flink-job-submit:flink-jobmanager" "gateway:kafka-init" \
            "emulator:gateway" "grafana:clickhouse-init" "flink-job-submit:clickhouse-init"; do
    awk -F'\t' -v s="${pair%%:*}" -v d="${pair#*:}" '$1 == s && $2 == "depends" && index($3, d ":") == 1' "$tmp/flat" | grep -q . \
        || bad+=("${pair%%:*} does not wait for ${pair#*:}")
done
grep -q 'scripts/create-topics.sh' <(sed -n '/^  kafka-init:/,/^  [a-z]/p' "$COMPOSE_FILE") || bad+=("kafka-init does not run scripts/create-topics.sh")
grep -q 'scripts/clickhouse.sh", "migrate"' <(sed -n '/^  clickhouse-init:/,/^  [a-z]/p' "$COMPOSE_FILE") || bad+=("clickhouse-init does not run scripts/clickhouse.sh migrate")
if ((${#bad[@]} == 0)); then ok "one-shots (${ONE_SHOTS[*]}) and health checks (${HEALTHY[*]}) are wired with service_completed_successfully / service_healthy"
else fail "one-shots and health checks are wired" "${bad[@]}"; fi

# 8. What the containers mount from the repository exists.
bad=()
for p in scripts/create-topics.sh scripts/clickhouse.sh clickhouse/migrations deploy/clickhouse/users.d/pipeline.xml \
         grafana/provisioning/datasources/clickhouse.yaml grafana/provisioning/dashboards/dashboards.yaml \
         grafana/dashboards/behaviour-analytics.json deploy/flink/submit-job.sh; do
    [[ -e $ROOT/$p ]] || bad+=("missing $p")
done
grep -q 'path: /etc/grafana/dashboards' "$ROOT/grafana/provisioning/dashboards/dashboards.yaml" || bad+=("dashboards.yaml does not read /etc/grafana/dashboards, where compose mounts grafana/dashboards")
grep -q 'GF_PLUGINS_PREINSTALL_SYNC: grafana-clickhouse-datasource@\${GRAFANA_CLICKHOUSE_PLUGIN_VERSION' "$COMPOSE_FILE" \
    && grep -qE '^GRAFANA_CLICKHOUSE_PLUGIN_VERSION=[0-9]+\.[0-9]+\.[0-9]+$' "$ENV_FILE" || bad+=("the ClickHouse plugin is not installed by a pinned version")
if ((${#bad[@]} == 0)); then ok "mounted files exist; Grafana provisions the committed dashboard and a pinned ClickHouse plugin"
else fail "mounted files exist and Grafana provisioning is wired" "${bad[@]}"; fi

# 9. Credentials come from the environment: rendered with other values, no SPEC default is left
#    anywhere (ClickHouse server, its clients, Grafana), and the given ones reach every service
#    that needs them. The SPEC's defaults stay only as the fallbacks for local use.
bad=()
cat >"$tmp/secrets.env" <<'ENV'
CLICKHOUSE_USER=ch_user_from_env
CLICKHOUSE_PASSWORD=ch_password_from_env
GRAFANA_ADMIN_USER=gf_user_from_env
GRAFANA_ADMIN_PASSWORD=gf_password_from_env
ENV
if dc --env-file "$tmp/secrets.env" config >"$tmp/config-secrets.yml" 2>"$tmp/config.err"; then
    grep -n -E 'admin123|(USER|PASSWORD): admin$' "$tmp/config-secrets.yml" | sed 's/^/SPEC default left: /' >"$tmp/left.txt"
    while IFS= read -r l; do bad+=("$l"); done <"$tmp/left.txt"
    for svc_var in clickhouse:CLICKHOUSE_PASSWORD:ch_password_from_env clickhouse:CLICKHOUSE_USER:ch_user_from_env \
                   grafana:GF_SECURITY_ADMIN_PASSWORD:gf_password_from_env grafana:CLICKHOUSE_PASSWORD:ch_password_from_env \
                   clickhouse-init:CLICKHOUSE_PASSWORD:ch_password_from_env; do
        IFS=: read -r svc var want <<<"$svc_var"
        awk -v s="  $svc:" -v v="      $var: $want" '$0 == s {in_s = 1; next} /^  [^ ]/ {in_s = 0} in_s && $0 == v {found = 1} END {exit !found}' \
            "$tmp/config-secrets.yml" || bad+=("$svc does not get $var from the environment")
    done
else
    bad+=("docker-compose config with other credentials: $(cat "$tmp/config.err")")
fi
if ((${#bad[@]} == 0)); then ok "credentials come from the environment (ClickHouse, its clients, Grafana); SPEC defaults only as fallbacks"
else fail "credentials come from the environment" "${bad[@]}"; fi

if ((failures == 0)); then echo "all compose checks passed"; exit 0; fi
echo "$failures compose check(s) failed"
exit 1
