#!/usr/bin/env bash
# Builds what the stack runs: the C++ gateway and emulator (CMake preset, default release),
# the Flink job jar and the browser tracker (tracker/dist, served by the gateway). Shared by
# ./pipeline and the Dockerfiles.
#   scripts/build.sh [cpp|flink|tracker|all] [preset] [cmake target...]   (default: every target)
set -euo pipefail
source "$(dirname "$0")/lib.sh"

what="${1:-all}"
preset="${2:-${CMAKE_PRESET:-release}}"
targets=("${@:3}")

build_cpp() {
    log "building the C++ programs (preset $preset)"
    cd "$ROOT_DIR"   # cmake --preset reads CMakePresets.json from the working directory
    cmake --preset "$preset" >"$LOG_DIR/cmake-configure-$preset.log" \
        || { cat "$LOG_DIR/cmake-configure-$preset.log" >&2; die "cmake configure failed"; }
    cmake --build --preset "$preset" --parallel "${BUILD_JOBS:-$(nproc)}" \
        ${targets[@]:+--target "${targets[@]}"} -- ${VERBOSE:+-v} \
        | sed -u 's/^/  /' >&2
}

build_flink() {
    local jar="$ROOT_DIR/flink-job/target/flink-job.jar"
    # Skip Maven when the jar is newer than every source file of the job.
    if [[ -f $jar ]] && [[ -z $(find "$ROOT_DIR/flink-job/src" "$ROOT_DIR/flink-job/pom.xml" "$ROOT_DIR/common/event-rules" -newer "$jar" -print -quit) ]]; then
        log "Flink job jar is up to date"
        return 0
    fi
    log "building the Flink job jar (Maven, tests skipped here; ./pipeline test runs them)"
    mvnw -f "$ROOT_DIR/flink-job/pom.xml" package -DskipTests
}

# The tracker's pinned build tool (terser) comes from npm; the build itself downloads nothing.
build_tracker() {
    local dir="$ROOT_DIR/tracker"
    npm_install "$dir"
    log "building the browser tracker (tracker/dist)"
    (cd "$dir" && node build.mjs) | sed -u 's/^/  /' >&2
}

case "$what" in
    cpp) build_cpp ;;
    flink) build_flink ;;
    tracker) build_tracker ;;
    all) build_cpp; build_flink; build_tracker ;;
    *) die "usage: $0 [cpp|flink|tracker|all] [preset]" ;;
esac
