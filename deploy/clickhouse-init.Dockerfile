# syntax=docker/dockerfile:1
# The clickhouse-init one-shot: bash and curl, nothing else. It runs `scripts/clickhouse.sh migrate`
# against the compose ClickHouse over HTTP, from the scripts/ and clickhouse/ folders compose mounts
# (docker-compose.yml), so a changed migration needs no rebuild. Built from the repository root.
ARG DEBIAN_SLIM_IMAGE=debian:bookworm-slim

FROM ${DEBIAN_SLIM_IMAGE}
WORKDIR /opt/pipeline
COPY scripts/install-deps.sh scripts/install-deps.sh
RUN scripts/install-deps.sh sql-client && rm -rf /var/lib/apt/lists/*
RUN useradd --system --uid 10001 --no-create-home --shell /usr/sbin/nologin pipeline
USER pipeline
ENTRYPOINT ["/bin/bash", "/opt/pipeline/scripts/clickhouse.sh", "migrate"]
