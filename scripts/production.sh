#!/usr/bin/env bash
# The production commands: the README gives these, and CI (.ci/run) runs them.
#
#   scripts/production.sh setup    migrate, collect the static files, then `check --deploy`
#                                  (stops on any warning); run at each deployment
#   scripts/production.sh web      gunicorn with gunicorn.conf.py, in the foreground
#   scripts/production.sh worker   the background task worker (django-tasks-db), in the foreground
#
# Configuration comes from the environment (README, Configuration): at least
# DEBUG=0, SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL. Run `web` and `worker`
# under a service manager (systemd, supervisord), one service each.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python

case "${1:-}" in
setup)
    $PY manage.py migrate --no-input
    $PY manage.py collectstatic --no-input --verbosity 0
    $PY manage.py check --deploy --fail-level WARNING
    ;;
web)
    exec .venv/bin/gunicorn --config gunicorn.conf.py config.wsgi
    ;;
worker)
    # --no-reload: a code change means a new deployment, and a restart.
    exec $PY manage.py db_worker --no-reload --queue-name '*'
    ;;
*)
    sed -n '2,11p' "$0" >&2
    exit 2
    ;;
esac
