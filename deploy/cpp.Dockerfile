# syntax=docker/dockerfile:1
# The C++ programs: one build stage (Debian 12, the project's own install and build scripts, the same
# ones ./pipeline runs), then two small runtime images, `gateway` and `emulator` (build targets).
# Built from the repository root: docker compose builds it with context "." (docker-compose.yml).
ARG DEBIAN_IMAGE=debian:bookworm
ARG DEBIAN_SLIM_IMAGE=debian:bookworm-slim

FROM ${DEBIAN_IMAGE} AS build
WORKDIR /src
# Dependencies first, so editing the sources does not re-install them.
COPY scripts/ scripts/
RUN scripts/install-deps.sh build && rm -rf /var/lib/apt/lists/*
COPY CMakeLists.txt CMakePresets.json .clang-format ./
COPY common/ common/
COPY kafka/topics.properties kafka/topics.properties
COPY gateway/ gateway/
COPY emulator/ emulator/
COPY tests/ tests/
RUN scripts/build.sh cpp release
# The shared libraries the two programs load (Boost, librdkafka and its codecs, simdjson, fmt,
# spdlog, ...), minus the C and C++ runtimes the slim image has already: copied, not listed again.
# Each goes under its SONAME into its canonical folder (/lib is a symlink to /usr/lib in Debian 12).
RUN set -eu; \
    for bin in build/release/gateway/gateway build/release/emulator/emulator; do ldd "$bin"; done \
      | awk '$2 == "=>" && $3 ~ /^\// { print $3 }' \
      | grep -Ev '/(ld-linux[^/]*|libc|libm|libdl|libpthread|librt|libgcc_s|libstdc\+\+)\.so' \
      | sort -u | while read -r lib; do \
          dir="/runtime$(readlink -f "$(dirname "$lib")")"; \
          mkdir -p "$dir" && cp -L "$lib" "$dir/$(basename "$lib")"; \
        done; \
    find /runtime -type f | sort

FROM ${DEBIAN_SLIM_IMAGE} AS runtime
COPY --from=build /runtime/ /
RUN ldconfig && useradd --system --uid 10001 --no-create-home --shell /usr/sbin/nologin pipeline
USER pipeline

FROM runtime AS gateway
COPY --from=build /src/build/release/gateway/gateway /usr/local/bin/gateway
ENV GATEWAY_HOST=0.0.0.0 GATEWAY_PORT=8080
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/gateway"]

FROM runtime AS emulator
COPY --from=build /src/build/release/emulator/emulator /usr/local/bin/emulator
ENTRYPOINT ["/usr/local/bin/emulator"]
CMD ["simulate"]
