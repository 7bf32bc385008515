# barback's image: the runtime lock only (no test tools), run as a user without privileges.
#   docker build -t barback .
#   docker run -p 8080:8080 -e DATABASE_URL=... -e BARBACK_SECRET_KEY=... barback
# compose.yaml runs the same image as release (migrations), web and worker (the Procfile's).

FROM python:3.11-slim-bookworm AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
RUN python -m venv /opt/barback
WORKDIR /src
# Dependencies first, in their own layer: a code change does not reinstall them. Every file is
# checked against the lock's hashes, and only wheels are taken (nothing compiles here).
COPY requirements/run.txt requirements/run.txt
RUN /opt/barback/bin/pip install --require-hashes --only-binary :all: -r requirements/run.txt
COPY pyproject.toml README.md LICENSE ./
COPY engine engine
COPY storage storage
COPY integrations integrations
COPY bot bot
COPY app app
RUN /opt/barback/bin/pip install --no-deps --no-build-isolation . \
    && /opt/barback/bin/pip uninstall --yes pip setuptools

FROM python:3.11-slim-bookworm
RUN useradd --system --uid 10001 --user-group --home-dir /data --create-home barback
COPY --from=build /opt/barback /opt/barback
# /data holds the generated secret key (when BARBACK_SECRET_KEY is unset) and the socket the
# terminal's commands use (`docker compose exec web barback --venue demo stock`).
ENV PATH=/opt/barback/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    BARBACK_DATA_DIR=/data \
    LOG_FORMAT=json \
    PORT=8080
USER barback
WORKDIR /data
EXPOSE 8080
# /livez on METRICS_PORT when set (where `barback worker` answers), else on PORT.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request as u; p = os.environ.get('METRICS_PORT') or os.environ['PORT']; u.urlopen(f'http://127.0.0.1:{p}/livez', timeout=4)"]
CMD ["barback", "serve"]
