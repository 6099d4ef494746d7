# syntax=docker/dockerfile:1
# The Flink job: built with the project's own scripts (install-deps.sh jdk brings the JDK, curl and
# unzip the Maven wrapper needs; build.sh flink runs Maven), then put into the official Flink image
# of the same version as flink-job/pom.xml. The jobmanager and taskmanager services both run this
# image: in application mode the job's jar must be in usrlib on every process of the cluster.
ARG DEBIAN_IMAGE=debian:bookworm
ARG FLINK_IMAGE=flink:2.2.1-java17

FROM ${DEBIAN_IMAGE} AS build
WORKDIR /src
COPY scripts/ scripts/
RUN scripts/install-deps.sh jdk && rm -rf /var/lib/apt/lists/*
COPY mvnw ./
COPY .mvn/ .mvn/
COPY flink-job/pom.xml flink-job/pom.xml
COPY flink-job/src/ flink-job/src/
COPY common/event-rules/ common/event-rules/
RUN scripts/build.sh flink

FROM ${FLINK_IMAGE} AS job
COPY --from=build /src/flink-job/target/flink-job.jar /opt/flink/usrlib/flink-job.jar
COPY deploy/flink/run-job.sh /opt/pipeline/run-job.sh
