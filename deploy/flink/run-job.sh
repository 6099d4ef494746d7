#!/usr/bin/env bash
# The jobmanager service's entrypoint (compose): a Flink JobManager in application mode that runs
# the analytics job from /opt/flink/usrlib. Every start resumes from the newest retained checkpoint
# under CHECKPOINT_DIR, so whatever restarts the container (a crash, `docker compose restart`, a
# rebuilt image, the host) the job continues with its state, and no counts restart from zero.
#
# Env: CHECKPOINT_DIR (file:///flink-checkpoints, the volume every task manager shares),
# RESTORE_FROM (latest | none | a checkpoint or savepoint path), FLINK_JOB_CLASS, FLINK_ENTRYPOINT (the
# image's /docker-entrypoint.sh; tests/compose/check-compose.sh passes a stand-in), plus the job's own
# settings (KAFKA_BOOTSTRAP, PARALLELISM, ...; flink-job/README.md): its main() runs in this process.
set -euo pipefail

root="${CHECKPOINT_DIR:-file:///flink-checkpoints}"
root="${root#file://}"
restore="${RESTORE_FROM:-latest}"
job_class="${FLINK_JOB_CLASS:-io.github.pipeline.analytics.AnalyticsJobMain}"
log() { echo "[run-job] $*" >&2; }

# <root>/<job id>/chk-<n> of the newest complete checkpoint (it has _metadata), by write time.
newest_checkpoint() {
    find "$root" -mindepth 3 -maxdepth 3 -path '*/chk-*/_metadata' -printf '%T@ %h\n' 2>/dev/null \
        | sort -n | tail -n 1 | cut -d' ' -f2-
}

from=()
case "$restore" in
    none) log "RESTORE_FROM=none: starting without state" ;;
    latest)
        latest=$(newest_checkpoint)
        if [[ -n $latest ]]; then
            log "resuming from the newest retained checkpoint $latest"
            from=(--fromSavepoint "file://$latest")
            # Each start is a new job id with a folder of its own; the folders of earlier runs hold
            # only older checkpoints. Delete them: the volume keeps the resumed run's and this one's.
            keep=$(dirname "$latest")
            for dir in "$root"/*/; do
                dir=${dir%/}
                if [[ $dir != "$keep" && -d $dir/shared ]]; then
                    log "removing the superseded checkpoints of $dir"
                    rm -rf "$dir"
                fi
            done
        else
            log "no retained checkpoint under $root: starting without state"
        fi
        ;;
    *) log "resuming from $restore"; from=(--fromSavepoint "$restore") ;;
esac

# FLINK_MODE=cluster: the job takes the environment of this cluster instead of starting a local one.
export FLINK_MODE=cluster
exec "${FLINK_ENTRYPOINT:-/docker-entrypoint.sh}" standalone-job --job-classname "$job_class" "${from[@]}"
