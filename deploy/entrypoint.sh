#!/bin/sh
# The image's entrypoint: one image, four processes. Each command replaces this shell (exec), so the
# process gets Kubernetes' signals itself. Extra arguments are passed on to the command.
#   web      gunicorn with deploy/gunicorn.conf.py (port 8000, GUNICORN_BIND)
#   worker   celery worker
#   beat     celery beat, holding the beat lock in Redis (config/beat.py)
#   migrate  every schema, public first, then the councils' in MIGRATION_PROCESSES processes
# Anything else is run as given (a shell, manage.py create_council ...).
set -eu
cd "$(dirname "$0")/.."

command="${1:-web}"
[ "$#" -gt 0 ] && shift

case "$command" in
  web)
    # Each gunicorn worker writes its metrics here and /metrics adds them up (config/metrics.py); the
    # directory is emptied at start, as prometheus_client requires, and lives under /tmp (writable).
    PROMETHEUS_MULTIPROC_DIR="${PROMETHEUS_MULTIPROC_DIR:-/tmp/prometheus}"
    rm -rf "$PROMETHEUS_MULTIPROC_DIR"
    mkdir -p "$PROMETHEUS_MULTIPROC_DIR"
    export PROMETHEUS_MULTIPROC_DIR
    exec gunicorn -c deploy/gunicorn.conf.py "$@"
    ;;
  worker)
    exec celery -A config worker "$@"
    ;;
  beat)
    exec celery -A config beat "$@"
    ;;
  migrate)
    # multiprocessing: a pool of MIGRATION_PROCESSES processes shares out the councils, each loading
    # Django once (the subprocess executor starts Python again for every council).
    exec python manage.py migrate_schemas --executor=multiprocessing --noinput "$@"
    ;;
  *)
    exec "$command" "$@"
    ;;
esac
