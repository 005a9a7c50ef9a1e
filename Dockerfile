# Comms Desk: one image for both process types (`commsdesk web`, `commsdesk worker`). See docs/operations.md.
FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/venv
WORKDIR /src
# Dependencies first, exactly as locked and hash-checked, so a code change does not reinstall them.
COPY requirements.lock ./
RUN /opt/venv/bin/pip install --require-hashes -r requirements.lock
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY handlers ./handlers
COPY config ./config
RUN /opt/venv/bin/pip install --no-deps .

FROM python:3.11-slim
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    MPLCONFIGDIR=/tmp/matplotlib \
    LOG_FORMAT=json \
    COMMSDESK_CONFIG=/etc/commsdesk/desk.toml
RUN groupadd --system --gid 10001 commsdesk \
    && useradd --system --uid 10001 --gid 10001 --no-create-home --home-dir /nonexistent \
       --shell /usr/sbin/nologin commsdesk
COPY --from=build /opt/venv /opt/venv
WORKDIR /app
# Numeric, so Kubernetes' runAsNonRoot can verify it; the process writes only to /tmp.
USER 10001:10001
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:3000/healthz', timeout=4)"]
CMD ["commsdesk", "web"]
