#!/usr/bin/env bash
# Installs the Debian packages the project builds and runs with, only those that are missing.
# Shared by ./pipeline and the Dockerfiles, so both build from the same list.
#   scripts/install-deps.sh [build|jdk|runtime|sql-client|test|all]   (default: all)
set -euo pipefail

# What compiling the C++ programs needs.
build_pkgs=(g++ cmake ninja-build pkg-config libboost1.74-dev librdkafka-dev libsimdjson-dev
            libfmt-dev libspdlog-dev libcli11-dev libgtest-dev libbenchmark-dev)
# A JDK for Kafka, Flink and the Maven wrapper (which fetches Maven with curl and unzip).
jdk_pkgs=(openjdk-17-jdk-headless curl unzip ca-certificates)
# What running the local stack needs: the JDK and the ClickHouse server (18.16 in Debian 12).
# The C++ programs' libraries come with the build list.
runtime_pkgs=("${jdk_pkgs[@]}" clickhouse-server)
# What applying the ClickHouse migrations over HTTP needs (scripts/clickhouse.sh migrate), and no
# more: compose's clickhouse-init image is this on debian:bookworm-slim, which has bash already.
sql_client_pkgs=(curl ca-certificates)
# What the tests and benchmarks need on top: clang with libFuzzer's runtime; docker-compose to
# validate the compose file (no Docker engine needed for that); jq for the benchmarks' JSON lines;
# python3-venv for the modern-ClickHouse stage's chDB environment (tests/modern-clickhouse);
# Chromium for the browser tests (driven by playwright-core from npm, which downloads no browser).
test_pkgs=(clang libclang-rt-14-dev docker-compose jq python3-venv chromium)
# Node.js and npm build the browser tracker (./pipeline up serves it) and run its tests; a
# machine that has them already (from another packager) keeps its own.
node_pkgs=()
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then node_pkgs=(nodejs npm); fi

case "${1:-all}" in
    build) wanted=("${build_pkgs[@]}") ;;
    jdk) wanted=("${jdk_pkgs[@]}") ;;
    runtime) wanted=("${runtime_pkgs[@]}") ;;
    sql-client) wanted=("${sql_client_pkgs[@]}") ;;
    test) wanted=("${build_pkgs[@]}" "${test_pkgs[@]}" ${node_pkgs[@]+"${node_pkgs[@]}"}) ;;
    all) wanted=("${build_pkgs[@]}" "${runtime_pkgs[@]}" "${test_pkgs[@]}" ${node_pkgs[@]+"${node_pkgs[@]}"}) ;;
    *) echo "usage: $0 [build|jdk|runtime|sql-client|test|all]" >&2; exit 2 ;;
esac

missing=()
for pkg in "${wanted[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ((${#missing[@]} == 0)); then
    exit 0
fi

echo "[pipeline] installing Debian packages: ${missing[*]}" >&2
sudo=()
if ((EUID != 0)); then
    command -v sudo >/dev/null || { echo "[pipeline] error: need root or sudo to install ${missing[*]}" >&2; exit 1; }
    sudo=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
# Wait for another apt run (a second checkout installing at the same time) instead of failing.
lock_wait=(-o DPkg::Lock::Timeout=600)
"${sudo[@]}" apt-get "${lock_wait[@]}" update -qq
"${sudo[@]}" apt-get "${lock_wait[@]}" install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
