# The integration's image, built the way Ocean builds its integrations' images: a builder stage
# installs the runtime dependencies from poetry.lock (the dev group left out) into /app/.venv; the
# runner stage copies that virtualenv and the code, runs as the non-root user 1001 with /tmp/ocean
# writable, and starts `ocean sail`.
#   docker build -t aws-hosted-by-port .
# docs/deploy.md: running the image in Port's hosted runtime or on Kubernetes.
ARG PYTHON_IMAGE=python:3.12-slim-bookworm

FROM ${PYTHON_IMAGE} AS builder

ENV PIP_ROOT_USER_ACTION=ignore \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    POETRY_NO_INTERACTION=1 \
    POETRY_VIRTUALENVS_IN_PROJECT=true

# the Poetry that wrote poetry.lock
RUN pip install "poetry==2.5.1"

WORKDIR /app
COPY pyproject.toml poetry.lock poetry.toml ./
# fails when poetry.lock does not match pyproject.toml: the lock is used as committed
RUN poetry install --without dev --no-root --no-ansi --no-cache

FROM ${PYTHON_IMAGE} AS runner

ARG OCEAN_USER_ID=1001
ARG OCEAN_GROUP_ID=1001
ARG INTEGRATION_VERSION=dev

LABEL org.opencontainers.image.title="AWS Hosted by Port" \
      org.opencontainers.image.version=${INTEGRATION_VERSION} \
      org.opencontainers.image.licenses=Apache-2.0

ENV PYTHONUNBUFFERED=1 \
    PATH=/app/.venv/bin:${PATH} \
    HOME=/tmp/ocean \
    STREAMING_LOCATION=/tmp/ocean/streaming

# Ocean writes only under /tmp/ocean (an emptyDir on Kubernetes, as in Ocean's own images).
RUN groupadd --system --gid ${OCEAN_GROUP_ID} appgroup \
    && useradd --system --gid appgroup --uid ${OCEAN_USER_ID} --home-dir /tmp/ocean ocean \
    && mkdir -p /tmp/ocean/streaming /tmp/ocean/.config \
    && chown -R ${OCEAN_USER_ID}:${OCEAN_GROUP_ID} /tmp/ocean \
    && chmod -R u+rwX,g+rwX /tmp/ocean

WORKDIR /app
COPY --from=builder /app/.venv /app/.venv
COPY pyproject.toml main.py integration.py ./
COPY .port ./.port
COPY port_aws ./port_aws

USER ${OCEAN_USER_ID}:${OCEAN_GROUP_ID}

ENTRYPOINT ["ocean", "sail"]
