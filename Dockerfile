# newsalerts: one image for every process (run, scheduler, worker, web).
# Build:  docker build -t newsalerts .      Run them all:  docker compose up
# Every step here is a plain command that the test suite also runs
# (tests/test_ops.py: the same COPY sources, the same package build, the same
# layout, commands and health check), so the file cannot rot unseen.

FROM python:3.11-slim AS build
WORKDIR /src
# setup.py ships templates/, examples/ and the active model of models/ inside the package.
COPY pyproject.toml setup.py MANIFEST.in README.md ./
COPY service ./service
COPY templates ./templates
COPY examples ./examples
COPY models ./models
RUN python -m venv /opt/venv \
 && /opt/venv/bin/pip install --no-cache-dir --disable-pip-version-check '.[postgres]'

FROM python:3.11-slim
RUN useradd --create-home --uid 10001 newsalerts
COPY --from=build /opt/venv /opt/venv
WORKDIR /app
COPY models ./models
COPY templates ./templates
COPY examples ./examples
# Model versions the scheduler trains, and the label files it trains on, live on the
# volume: shared by every container, kept across upgrades, writable by the service
# (/app/models is the image's, read-only to it).  Until a version is trained there,
# the model shipped in the package tags.
RUN mkdir -p var/models var/labels && chown -R newsalerts:newsalerts var
USER newsalerts
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    NEWSALERTS_TEMPLATES=/app/templates \
    NEWSALERTS_WEB__LISTEN=0.0.0.0:8080 \
    NEWSALERTS_MODELS__DIR=/app/var/models \
    NEWSALERTS_MODELS__LABELS_PATHS="/app/var/labels/*.jsonl, models/extra_labels.jsonl"
VOLUME ["/app/var"]
EXPOSE 8080
# The web app's probe; compose.yaml gives scheduler and workers their own (metrics port).
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s \
  CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8080/healthz', timeout=4)"
STOPSIGNAL SIGTERM
CMD ["newsalerts", "run"]
