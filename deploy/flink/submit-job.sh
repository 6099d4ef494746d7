#!/usr/bin/env bash
# flink-job-submit (one-shot): submits the analytics job to the compose Flink cluster with
# `flink run -d`, unless a job of that name is already running. After `docker compose down` (the
# cluster is gone, the flink-checkpoints volume is not) it resumes from the newest retained
# checkpoint, so counts continue instead of restarting from zero.
#
# Env: FLINK_JOBMANAGER (flink-jobmanager:8081), FLINK_JOB_JAR, FLINK_JOB_NAME
# (user-behaviour-analytics, the name the job gives itself), CHECKPOINT_DIR (file:///flink-checkpoints),
# RESTORE_FROM (latest | none | a checkpoint path), plus the job's own settings (KAFKA_BOOTSTRAP, ...;
# flink-job/README.md), which its main() reads here, at submission.
set -euo pipefail

jm="${FLINK_JOBMANAGER:-flink-jobmanager:8081}"
jar="${FLINK_JOB_JAR:-/opt/flink/usrlib/flink-job.jar}"
name="${FLINK_JOB_NAME:-user-behaviour-analytics}"
export CHECKPOINT_DIR="${CHECKPOINT_DIR:-file:///flink-checkpoints}"
restore="${RESTORE_FROM:-latest}"
host="${jm%:*}"
port="${jm##*:}"
log() { echo "[flink-job-submit] $*" >&2; }
rest() { wget -q -O - "http://$jm$1"; }

log "waiting for a task manager slot at $jm"
for _ in $(seq 1 180); do
    if rest /overview 2>/dev/null | grep -q '"slots-available":[1-9]'; then break; fi
    sleep 1
done
rest /overview | grep -q '"slots-available":[1-9]' || { log "no free task slot after 180 s"; exit 1; }

# One job object per line: split the jobs array at each job id.
if rest /jobs/overview | sed 's/{"jid"/\n{"jid"/g' | grep -F "\"name\":\"$name\"" \
        | grep -qE '"state":"(INITIALIZING|CREATED|RUNNING|RESTARTING|RECONCILING)"'; then
    log "job $name is already running; nothing to do"
    exit 0
fi

from=()
case "$restore" in
    none) ;;
    latest)
        root="${CHECKPOINT_DIR#file://}"
        # <dir>/<job id>/chk-<n>/_metadata, newest first
        latest=$(find "$root" -mindepth 3 -maxdepth 3 -path '*/chk-*/_metadata' -printf '%T@ %h\n' 2>/dev/null \
                 | sort -n | tail -n 1 | cut -d' ' -f2-)
        if [[ -n $latest ]]; then
            log "resuming from retained checkpoint $latest"
            from=(-s "file://$latest")
        else
            log "no retained checkpoint under $root: starting fresh"
        fi
        ;;
    *) from=(-s "$restore") ;;
esac

# Point the CLI at the JobManager: written into the client's conf/config.yaml with the image's own
# config tool (what its entrypoint uses for FLINK_PROPERTIES), else the classic -m option.
flink_home="${FLINK_HOME:-/opt/flink}"
target=()
if [[ -f $flink_home/bin/config-parser-utils.sh ]]; then
    bash "$flink_home/bin/config-parser-utils.sh" "$flink_home/conf" "$flink_home/bin" "$flink_home/lib" \
        "-Drest.address=$host" "-Drest.port=$port" >/dev/null
else
    target=(-m "$jm")
fi

log "submitting $jar to $jm"
exec flink run -d "${target[@]}" "${from[@]}" "$jar" --cluster
