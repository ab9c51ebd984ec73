"""gunicorn's settings for the web process: ``gunicorn -c deploy/gunicorn.conf.py``.

gunicorn has no body-size limit of its own: nginx in front (deploy/nginx.conf, or the ingress's
annotations in deploy/README.md) refuses requests over settings.UPLOAD_REQUEST_MAX_BYTES and reads each
request whole before passing it on, and core.upload_handlers stops reading a file at its council's limit.
deploy/entrypoint.sh runs it (``web``) in the image.
"""

import os

wsgi_app = "config.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
worker_class = "sync"
# Scanning a 100 MB upload and rendering a PDF take seconds, not minutes; nginx's proxy_read_timeout
# is longer than this, so the worker is the one that gives up.
timeout = 120
graceful_timeout = 30
keepalive = 5
# Request line and headers: gunicorn's defaults, written down.
limit_request_line = 4094
limit_request_fields = 100
limit_request_field_size = 8190
# The proxy sets X-Forwarded-Proto; production settings trust it (SECURE_PROXY_SSL_HEADER).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = "-"
# Paths only, never query strings (they can carry a search for a child's name); the response's
# X-Request-ID joins each line to the request's JSON log lines (config/logs.py).
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms %({x-request-id}o)s'


def child_exit(server, worker):
    """A worker that stops leaves its metrics' files; prometheus_client is told, so its gauges go."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess  # noqa: PLC0415 (only with multiprocess metrics)

        multiprocess.mark_process_dead(worker.pid)
