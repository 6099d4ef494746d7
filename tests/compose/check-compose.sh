#!/usr/bin/env bash
# Static checks of the compose stack; needs no Docker engine, only Debian's `docker-compose`
# (1.29.2) to parse and validate the file. One line per check, "ok" or "FAIL"; exit 0 when all pass.
#
#   tests/compose/check-compose.sh
#
# The checks: docker-compose.yml validates (with .env and with its built-in defaults alone); the
# services match the table between <!-- compose-services --> markers in deploy/README.md (and in
# README.md when it has one); published ports match contract section 2 and the table, bound to
# 127.0.0.1 by default; images pinned (no `latest`, no untagged); the Flink image matches
# flink-job/pom.xml; the Dockerfiles build with scripts/install-deps.sh and scripts/build.sh and
# carry no package lists of their own; one-shots and health checks are wired; credentials come
# from the environment (contract defaults only as fallbacks).
set -uo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
COMPOSE_FILE="$ROOT/docker-compose.yml"
ENV_FILE="$ROOT/.env"
cd "$ROOT" || exit 1

failures=0
ok()   { printf 'ok   %s\n' "$1"; }
fail() { printf 'FAIL %s\n' "$1"; shift; for l in "$@"; do printf '       %s\n' "$l"; done; failures=$((failures + 1)); }
check() { local name=$1; shift; if "$@"; then ok "$name"; else fail "$name"; fi; }

# contract section 2: service -> published container ports and default host ports.
declare -A SPEC_PORTS=(
    [gateway]="8080:8080"
    [jobmanager]="8081:8081"
    [kafka]="9092:9092"
    [clickhouse]="8123:8123 9000:9000"
    [grafana]="3000:3000"
    [redpanda-console]="8088:8080"
)
# The one-shot services (run once, must exit 0).
ONE_SHOTS=(kafka-init clickhouse-init flink-checkpoints-init)
# Long-running services others wait for: each needs a health check.
HEALTHY=(kafka clickhouse jobmanager gateway grafana)

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
    # The ports column agrees with contract section 2 (and says "-" for the others).
    bad=()
    while IFS=$'\t' read -r svc ports; do
        want=""
        for m in ${SPEC_PORTS[$svc]:-}; do want+="${m%%:*} "; done
        [[ "$(echo $ports)" == "$(echo $want)" ]] || bad+=("$svc: table says '${ports:--}', contract section 2 says '${want:--}'")
    done < <(readme_ports "$table")
    if ((${#bad[@]} == 0)); then ok "host ports in the $rel table match contract section 2"; else fail "host ports in the $rel table match contract section 2" "${bad[@]}"; fi
done

# 3. Published ports: exactly contract section 2, bound to 127.0.0.1 by default, overridable.
bad=()
for svc in $services; do
    have=$(awk -F'\t' -v s="$svc" '$1 == s && $2 == "port" { print $3 }' "$tmp/flat-defaults" | sort | tr '\n' ' ')
    want=""
    for m in ${SPEC_PORTS[$svc]:-}; do want+="127.0.0.1:${m%%:*}:${m##*:}/tcp "; done
    want=$(tr ' ' '\n' <<<"$want" | grep . | sort | tr '\n' ' ')
    [[ $have == "$want" ]] || bad+=("$svc publishes '${have:-nothing}', expected '${want:-nothing}'")
done
if ((${#bad[@]} == 0)); then ok "published ports are contract section 2's (8080 8081 9092 8123 9000 3000 8088), on 127.0.0.1"
else fail "published ports are contract section 2's, on 127.0.0.1" "${bad[@]}"; fi
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
    grep -qE '^RUN .*scripts/install-deps\.sh (build|jdk|runtime|sql-client|test|all)\b' "$f" || bad+=("$rel does not install with scripts/install-deps.sh")
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
for svc in gateway emulator jobmanager taskmanager clickhouse-init; do
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
for pair in "kafka-init:kafka" "clickhouse-init:clickhouse" "gateway:kafka-init" "emulator:gateway" \
            "grafana:clickhouse-init" "jobmanager:kafka-init" "jobmanager:clickhouse-init" "taskmanager:jobmanager"; do
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
         grafana/dashboards/behaviour-analytics.json deploy/flink/run-job.sh deploy/clickhouse/users.d/reader.xml; do
    [[ -e $ROOT/$p ]] || bad+=("missing $p")
done
grep -q 'path: /etc/grafana/dashboards' "$ROOT/grafana/provisioning/dashboards/dashboards.yaml" || bad+=("dashboards.yaml does not read /etc/grafana/dashboards, where compose mounts grafana/dashboards")
grep -q 'GF_PLUGINS_PREINSTALL_SYNC: grafana-clickhouse-datasource@\${GRAFANA_CLICKHOUSE_PLUGIN_VERSION' "$COMPOSE_FILE" \
    && grep -qE '^GRAFANA_CLICKHOUSE_PLUGIN_VERSION=[0-9]+\.[0-9]+\.[0-9]+$' "$ENV_FILE" || bad+=("the ClickHouse plugin is not installed by a pinned version")
if ((${#bad[@]} == 0)); then ok "mounted files exist; Grafana provisions the committed dashboard and a pinned ClickHouse plugin"
else fail "mounted files exist and Grafana provisioning is wired" "${bad[@]}"; fi

# 9. Credentials come from the environment: rendered with other values, no contract default is left
#    anywhere (ClickHouse server, its clients, Grafana), and the given ones reach every service
#    that needs them. The contract's defaults stay only as the fallbacks for local use.
bad=()
cat >"$tmp/secrets.env" <<'ENV'
CLICKHOUSE_USER=ch_user_from_env
CLICKHOUSE_PASSWORD=ch_password_from_env
CLICKHOUSE_READER_PASSWORD=ch_reader_password_from_env
GRAFANA_ADMIN_USER=gf_user_from_env
GRAFANA_ADMIN_PASSWORD=gf_password_from_env
ENV
if dc --env-file "$tmp/secrets.env" config >"$tmp/config-secrets.yml" 2>"$tmp/config.err"; then
    grep -n -E 'admin123|reader123|(USER|PASSWORD): admin$' "$tmp/config-secrets.yml" | sed 's/^/default left: /' >"$tmp/left.txt"
    while IFS= read -r l; do bad+=("$l"); done <"$tmp/left.txt"
    for svc_var in clickhouse:CLICKHOUSE_PASSWORD:ch_password_from_env clickhouse:CLICKHOUSE_USER:ch_user_from_env \
                   clickhouse:CLICKHOUSE_READER_PASSWORD:ch_reader_password_from_env \
                   grafana:GF_SECURITY_ADMIN_PASSWORD:gf_password_from_env grafana:CLICKHOUSE_READER_PASSWORD:ch_reader_password_from_env \
                   clickhouse-init:CLICKHOUSE_PASSWORD:ch_password_from_env; do
        IFS=: read -r svc var want <<<"$svc_var"
        awk -v s="  $svc:" -v v="      $var: $want" '$0 == s {in_s = 1; next} /^  [^ ]/ {in_s = 0} in_s && $0 == v {found = 1} END {exit !found}' \
            "$tmp/config-secrets.yml" || bad+=("$svc does not get $var from the environment")
    done
else
    bad+=("docker-compose config with other credentials: $(cat "$tmp/config.err")")
fi
if ((${#bad[@]} == 0)); then ok "credentials come from the environment (ClickHouse, its reader, its clients, Grafana); defaults only as fallbacks"
else fail "credentials come from the environment" "${bad[@]}"; fi

# 10. The Flink checkpoint volume is writable by the Flink images' user. They run as user flink
#     (uid 9999) with no step down from root, so nothing in them can chown a volume that Docker
#     creates owned by root: a root one-shot does, and every service that mounts the volume waits
#     for it. A service that runs chown without being root would fail at start-up, and with it the job.
bad=()
ckpt_services=$(awk '/^  [a-z0-9-]+:$/ { svc = $1; sub(/:$/, "", svc) } /^    - flink-checkpoints:/ { print svc }' "$tmp/config.yml" | sort -u)
init=flink-checkpoints-init
user_of() { sed -n "/^  $1:\$/,/^  [a-z]/p" "$tmp/config.yml" | sed -n 's/^    user: *"\{0,1\}\([^"]*\)"\{0,1\}$/\1/p'; }
block_of() { sed -n "/^  $1:\$/,/^  [a-z]/p" "$tmp/config.yml"; }
if ! grep -qx "$init" <<<"$ckpt_services"; then
    bad+=("no one-shot $init mounts the flink-checkpoints volume")
else
    [[ $(user_of "$init") =~ ^(root|0)$ ]] || bad+=("$init does not run as root (user: '$(user_of "$init")')")
    block_of "$init" | grep -qE '^    - (chown|.*chown)' && block_of "$init" | grep -qE '^    - flink:flink$|^    - 9999:9999$' \
        || bad+=("$init does not chown the volume to flink (9999)")
    [[ $(awk -F'\t' -v s="$init" '$1 == s && $2 == "restart" { print $3 }' "$tmp/flat") == no ]] || bad+=("$init must have restart: \"no\"")
fi
for svc in $ckpt_services; do
    [[ $svc == "$init" ]] && continue
    awk -F'\t' -v s="$svc" -v d="$init:service_completed_successfully" '$1 == s && $2 == "depends" && $3 == d' "$tmp/flat" | grep -q . \
        || bad+=("$svc mounts flink-checkpoints but does not wait for $init to complete")
done
for svc in $services; do
    [[ $(user_of "$svc") =~ ^(root|0)$ ]] && continue
    if block_of "$svc" | awk '/^    [a-z_]+:/ { key = $1 } key == "entrypoint:" || key == "command:"' | grep -q 'chown'; then
        bad+=("$svc runs chown but not as root: the Flink images (and others) start as an unprivileged user")
    fi
done
if ((${#bad[@]} == 0)); then ok "the checkpoint volume is handed to uid 9999 by root one-shot $init before $(grep -vx "$init" <<<"$ckpt_services" | tr '\n' ' ')start; no service runs chown unprivileged"
else fail "the checkpoint volume is writable by the Flink user (issue 19)" "${bad[@]}"; fi

# 11. Flink in application mode: the JobManager runs the job (deploy/flink/run-job.sh) and resumes
#     from the newest checkpoint on every start; web submission is off; task managers can be scaled
#     (no fixed name, hostname or host port) and share the checkpoint volume with the JobManager.
bad=()
for svc in jobmanager taskmanager; do
    block_of "$svc" | grep -q '^        web.submit.enable: false$' || bad+=("$svc: FLINK_PROPERTIES lacks web.submit.enable: false")
    block_of "$svc" | grep -q '^        execution.checkpointing.dir: file:///flink-checkpoints$' || bad+=("$svc: checkpoints not on file:///flink-checkpoints")
    block_of "$svc" | grep -q '^    - flink-checkpoints:/flink-checkpoints' || bad+=("$svc does not mount the flink-checkpoints volume")
    block_of "$svc" | grep -q '^      target: job$' || bad+=("$svc does not run the job image (target job): application mode needs the jar on every process")
done
block_of jobmanager | grep -q '^    - /opt/pipeline/run-job.sh$' || bad+=("jobmanager's entrypoint is not run-job.sh")
grep -q '^COPY deploy/flink/run-job.sh /opt/pipeline/run-job.sh$' "$ROOT/deploy/flink-job.Dockerfile" || bad+=("the job image lacks run-job.sh")
for key in container_name hostname ports; do
    block_of taskmanager | grep -q "^    $key:" && bad+=("taskmanager has $key, so docker compose up --scale taskmanager=N cannot start more than one")
done
if ((${#bad[@]} == 0)); then ok "Flink: application mode (jobmanager runs run-job.sh), web submission off, scalable taskmanager, one shared checkpoint volume"
else fail "Flink services are wired for application mode and scaling" "${bad[@]}"; fi

# 12. run-job.sh itself, with a stand-in for the image's entrypoint: it resumes from the newest
#     complete checkpoint (chk-* with _metadata), deletes the folders of earlier runs, honours
#     RESTORE_FROM=none and a given path, and starts fresh on an empty volume.
bad=()
ck="$tmp/ckpt"
mkdir -p "$ck/aaaa/chk-7" "$ck/aaaa/shared" "$ck/bbbb/chk-3" "$ck/bbbb/chk-4" "$ck/bbbb/shared"
touch -d '2026-01-01 10:00' "$ck/aaaa/chk-7/_metadata"
touch -d '2026-01-01 11:00' "$ck/bbbb/chk-3/_metadata"     # chk-4 has no _metadata: incomplete
printf '#!/bin/sh\necho "$@" "FLINK_MODE=$FLINK_MODE"\n' >"$tmp/entrypoint" && chmod +x "$tmp/entrypoint"
run_job() { env -i PATH="$PATH" CHECKPOINT_DIR="file://$ck" FLINK_ENTRYPOINT="$tmp/entrypoint" "$@" bash "$ROOT/deploy/flink/run-job.sh" 2>/dev/null; }
out=$(run_job RESTORE_FROM=none)
[[ $out == "standalone-job --job-classname io.github.pipeline.analytics.AnalyticsJobMain FLINK_MODE=cluster" && -d $ck/aaaa ]] \
    || bad+=("RESTORE_FROM=none: got '$out'")
out=$(run_job RESTORE_FROM=file:///elsewhere/sp-1)
[[ $out == *" --fromSavepoint file:///elsewhere/sp-1 FLINK_MODE=cluster" ]] || bad+=("RESTORE_FROM=<path>: got '$out'")
out=$(run_job)
[[ $out == *" --fromSavepoint file://$ck/bbbb/chk-3 FLINK_MODE=cluster" ]] || bad+=("latest: expected the newest complete checkpoint bbbb/chk-3, got '$out'")
[[ ! -e $ck/aaaa && -d $ck/bbbb/chk-3 ]] || bad+=("latest: the earlier run's folder should be gone and the resumed one kept")
rm -rf "$ck" && mkdir -p "$ck"
out=$(run_job)
[[ $out == "standalone-job --job-classname io.github.pipeline.analytics.AnalyticsJobMain FLINK_MODE=cluster" ]] || bad+=("empty volume: got '$out'")
if ((${#bad[@]} == 0)); then ok "run-job.sh resumes from the newest complete checkpoint, drops earlier runs' folders, honours RESTORE_FROM"
else fail "run-job.sh restores the job after a JobManager restart" "${bad[@]}"; fi

# 13. Every Dockerfile's COPY sources exist and are in its build context: its .dockerignore (Docker's
#     rules: patterns in order, the last match wins, "!" re-includes, a pattern also covers what is
#     below a matched folder) excludes no tracked file under a COPY source.
bad=()
glob_regex() {   # dockerignore pattern -> anchored ERE on a path relative to the context
    local p=${1#/} re="" i c
    p=${p%/}
    for ((i = 0; i < ${#p}; i++)); do
        c=${p:i:1}
        if [[ ${p:i:3} == '**/' ]]; then re+='(.*/)?'; i=$((i + 2))
        elif [[ ${p:i:2} == '**' ]]; then re+='.*'; i=$((i + 1))
        elif [[ $c == '*' ]]; then re+='[^/]*'
        elif [[ $c == '?' ]]; then re+='[^/]'
        elif [[ $c == [.+\(\)\|\^\$\{\}\[\]\\] ]]; then re+="\\$c"
        else re+=$c; fi
    done
    echo "^$re(/.*)?\$"
}
in_context() {   # ignore-file path -> 0 when path is sent to the builder
    local file=$1 path=$2 line neg included=0 matched=1
    [[ -f $file ]] || return 0
    included=1
    while IFS= read -r line || [[ -n $line ]]; do
        line=${line%%#*}
        line=${line#"${line%%[![:space:]]*}"}; line=${line%"${line##*[![:space:]]}"}
        [[ -z $line ]] && continue
        neg=0; [[ $line == '!'* ]] && { neg=1; line=${line#!}; }
        if [[ $path =~ $(glob_regex "$line") ]]; then
            if ((neg)); then included=1; else included=0; fi
        fi
    done <"$file"
    ((included))
}
for f in "$ROOT"/deploy/*.Dockerfile; do
    rel=${f#"$ROOT"/}
    ignore="$f.dockerignore"
    [[ -f $ignore ]] || bad+=("$rel has no $rel.dockerignore: the whole repository would be its build context")
    while read -r -a words; do
        srcs=("${words[@]:1:${#words[@]}-2}")
        for src in "${srcs[@]}"; do
            [[ $src == --* ]] && continue
            src=${src%/}
            [[ -e $ROOT/$src ]] || { bad+=("$rel: COPY $src: no such path"); continue; }
            files=$(git -C "$ROOT" ls-files -- "$src")
            [[ -n $files ]] || files=$src
            while IFS= read -r path; do
                in_context "$ignore" "$path" || { bad+=("$rel: COPY $src, but $path is excluded by ${ignore#"$ROOT"/}"); break; }
            done <<<"$files"
        done
    done < <(grep -E '^COPY ' "$f" | grep -v -- '--from=')
done
# What the C++ image's build stage has is enough to configure its build: its COPY sources, as the
# builder gets them, in a scratch folder, configured with the preset it builds (nothing compiled).
ctx="$tmp/cpp-context"
mkdir -p "$ctx"
while read -r -a words; do
    for src in "${words[@]:1:${#words[@]}-2}"; do
        src=${src%/}
        while IFS= read -r path; do
            [[ -n $path ]] && in_context "$ROOT/deploy/cpp.Dockerfile.dockerignore" "$path" || continue
            mkdir -p "$ctx/$(dirname "$path")" && cp "$ROOT/$path" "$ctx/$path"
        done < <(git -C "$ROOT" ls-files -- "$src")
    done
done < <(sed -n '/^FROM .* AS build/,/^FROM /p' "$ROOT/deploy/cpp.Dockerfile" | grep -E '^COPY ' | grep -v -- '--from=')
if ! out=$(cd "$ctx" && cmake --preset release 2>&1); then
    bad+=("deploy/cpp.Dockerfile: its build context does not configure (cmake --preset release): $(grep -m3 -i 'error' <<<"$out" | tr '\n' ' ')")
fi
# The checker itself must tell in from out, or every Dockerfile would pass.
in_context "$ROOT/deploy/flink-job.Dockerfile.dockerignore" flink-job/target/flink-job.jar && bad+=("self-check: flink-job/target is sent to the builder")
in_context "$ROOT/deploy/flink-job.Dockerfile.dockerignore" flink-job/src/main/java/x.java || bad+=("self-check: flink-job/src is not sent to the builder")
if ((${#bad[@]} == 0)); then ok "every Dockerfile's COPY sources exist and are in its build context (.dockerignore); the C++ image's context configures its build"
else fail "Dockerfile COPY sources against .dockerignore" "${bad[@]}"; fi

# 14. Grafana reads ClickHouse as the read-only account: readonly=2 (reads only; settings may change,
#     which the plugin does on every query), the same users.d file both stacks load.
bad=()
reader="$ROOT/deploy/clickhouse/users.d/reader.xml"
grep -q '<readonly>2</readonly>' "$reader" || bad+=("reader.xml: the reader profile is not readonly=2")
grep -q '<password from_env="CLICKHOUSE_READER_PASSWORD"/>' "$reader" || bad+=("reader.xml: the password does not come from CLICKHOUSE_READER_PASSWORD")
block_of clickhouse | grep -q 'users.d/reader.xml:/etc/clickhouse-server/users.d/reader.xml' || bad+=("the clickhouse service does not load reader.xml")
grep -q 'username: ${CLICKHOUSE_READER_USER}' "$ROOT/grafana/provisioning/datasources/clickhouse.yaml" \
    && grep -q 'password: ${CLICKHOUSE_READER_PASSWORD}' "$ROOT/grafana/provisioning/datasources/clickhouse.yaml" \
    || bad+=("Grafana's data source does not use the reader account")
block_of grafana | grep -q '^      CLICKHOUSE_READER_USER: reader$' || bad+=("grafana is not given CLICKHOUSE_READER_USER=reader")
block_of grafana | grep -qE '^      CLICKHOUSE_(USER|PASSWORD):' && bad+=("grafana still gets the read-write account")
grep -q 'deploy/clickhouse/users.d/reader.xml' "$ROOT/scripts/clickhouse.sh" || bad+=("./pipeline's ClickHouse does not load the same reader.xml")
if ((${#bad[@]} == 0)); then ok "Grafana's data source is the read-only account (readonly=2), one users.d file for both stacks"
else fail "Grafana uses a read-only ClickHouse account" "${bad[@]}"; fi

# 15. Durable Kafka override (deploy/compose.kafka-3.yml): validates with the main file; three
#     brokers of one cluster with distinct node ids, all of them voters; three copies and
#     min.insync.replicas=2 for the topics and Kafka's own; every client lists all brokers.
bad=()
durable="$ROOT/deploy/compose.kafka-3.yml"
if out=$(dc -f "$durable" --env-file "$ENV_FILE" config 2>&1 >"$tmp/durable.yml"); then
    dblock() { sed -n "/^  $1:\$/,/^  [a-z]/p" "$tmp/durable.yml"; }
    voters=1@kafka:9093,2@kafka-2:9093,3@kafka-3:9093
    ids=""
    for b in kafka kafka-2 kafka-3; do
        env_of=$(dblock "$b")
        [[ -n $env_of ]] || { bad+=("no broker $b"); continue; }
        ids+="$(sed -n 's/^      KAFKA_NODE_ID: *"\{0,1\}\([0-9]*\)"\{0,1\}$/\1/p' <<<"$env_of") "
        grep -q "^      KAFKA_CONTROLLER_QUORUM_VOTERS: $voters\$" <<<"$env_of" || bad+=("$b: voters are not $voters")
        grep -q "^      CLUSTER_ID: $(sed -n 's/^KAFKA_CLUSTER_ID=//p' "$ENV_FILE")\$" <<<"$env_of" || bad+=("$b: not the cluster id of .env")
        for kv in KAFKA_DEFAULT_REPLICATION_FACTOR=3 KAFKA_MIN_INSYNC_REPLICAS=2 KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR=3 \
                  KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR=3 KAFKA_TRANSACTION_STATE_LOG_MIN_ISR=2; do
            grep -qE "^      ${kv%%=*}: [\"']?${kv#*=}[\"']?\$" <<<"$env_of" || bad+=("$b: ${kv%%=*} is not ${kv#*=}")
        done
    done
    [[ $(tr ' ' '\n' <<<"$ids" | grep . | sort -u | tr '\n' ' ') == "1 2 3 " ]] || bad+=("node ids are '$ids', not 1 2 3")
    dblock kafka-init | grep -qE "^      REPLICATION_FACTOR: '?3'?$" && dblock kafka-init | grep -qE "^      MIN_INSYNC_REPLICAS: '?2'?$" \
        || bad+=("kafka-init does not create topics with 3 copies and min.insync.replicas 2")
    for client in kafka-init:KAFKA_BOOTSTRAP clickhouse-init:KAFKA_BOOTSTRAP jobmanager:KAFKA_BOOTSTRAP gateway:KAFKA_BOOTSTRAP redpanda-console:KAFKA_BROKERS; do
        dblock "${client%%:*}" | grep -q "^      ${client#*:}: kafka:29092,kafka-2:29092,kafka-3:29092$" || bad+=("${client%%:*} does not list all three brokers")
    done
    grep -q 'REPLICATION_FACTOR' "$ROOT/scripts/create-topics.sh" && grep -q 'MIN_INSYNC_REPLICAS' "$ROOT/scripts/create-topics.sh" \
        || bad+=("scripts/create-topics.sh ignores REPLICATION_FACTOR / MIN_INSYNC_REPLICAS")
else
    bad+=("docker-compose -f docker-compose.yml -f deploy/compose.kafka-3.yml config: $out")
fi
if ((${#bad[@]} == 0)); then ok "durable Kafka override: 3 brokers and voters, replication factor 3, min.insync.replicas 2, clients list all brokers"
else fail "durable Kafka override (deploy/compose.kafka-3.yml)" "${bad[@]}"; fi

if ((failures == 0)); then echo "all compose checks passed"; exit 0; fi
echo "$failures compose check(s) failed"
exit 1
