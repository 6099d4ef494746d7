# syntax=docker/dockerfile:1
# The Flink job: built with the project's own scripts (install-deps.sh runtime brings the JDK, curl
# and unzip the Maven wrapper needs; build.sh flink runs Maven), then put into the official Flink
# image of the same version as flink-job/pom.xml, from where flink-job-submit runs `flink run -d`.
#   target tools   the JDK + bash + curl image; the clickhouse-init one-shot runs in it too
#   target submit  flink:<version>-java17 + flink-job.jar + deploy/flink/submit-job.sh
ARG DEBIAN_IMAGE=debian:bookworm
ARG FLINK_IMAGE=flink:2.2.1-java17

FROM ${DEBIAN_IMAGE} AS tools
WORKDIR /src
COPY scripts/ scripts/
RUN scripts/install-deps.sh runtime && rm -rf /var/lib/apt/lists/*

FROM tools AS build
COPY mvnw ./
COPY .mvn/ .mvn/
COPY flink-job/pom.xml flink-job/pom.xml
COPY flink-job/src/ flink-job/src/
COPY common/event-rules/ common/event-rules/
RUN scripts/build.sh flink

FROM ${FLINK_IMAGE} AS submit
COPY --from=build /src/flink-job/target/flink-job.jar /opt/flink/usrlib/flink-job.jar
COPY deploy/flink/submit-job.sh /opt/pipeline/submit-job.sh
ENTRYPOINT ["/bin/bash", "/opt/pipeline/submit-job.sh"]
