# The app's image: bin/start-web migrates the database, then gunicorn serves the app on
# port 8000. The same image runs the report worker (`flask worker`, docker-compose.yml).
# Settings come from the environment: docs/operations.md lists them.
ARG PYTHON_IMAGE=python:3.11-slim-bookworm
FROM ${PYTHON_IMAGE}

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    FLASK_APP=app \
    APP_ENV=production \
    PORT=8000 \
    ASSESSMENT_UPLOAD_DIR=/data/uploads \
    ASSESSMENT_BATCH_DIR=/data/batches

# Pango for WeasyPrint; Noto Sans CJK for Chinese and HarfBuzz to subset it (without it a
# report takes seconds); PostgreSQL's client programs for bin/backup-postgres.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        fonts-noto-cjk libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0 libcairo2 postgresql-client \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.txt ./
RUN pip install -r requirements.txt

COPY . .
RUN pybabel compile --statistics -d assessment/translations \
    && useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin app \
    && mkdir -p instance /data/uploads /data/batches \
    && chown app:app instance /data/uploads /data/batches

USER app
EXPOSE 8000
ENTRYPOINT ["bin/start-web"]
