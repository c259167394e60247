# Yishitang bot: slim Python, non-root, `yishitang run` (long polling).
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY facilitation facilitation
COPY transcripts transcripts
COPY storage storage
COPY bot bot
COPY portal portal
COPY yishitang yishitang
RUN pip wheel --no-cache-dir --wheel-dir /wheels .

FROM python:3.11-slim
RUN useradd --create-home --uid 10001 yishitang
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir /wheels/*.whl && rm -rf /wheels
USER yishitang
WORKDIR /home/yishitang
ENV YISHITANG_DATA_DIR=/home/yishitang/data \
    PYTHONUNBUFFERED=1
VOLUME ["/home/yishitang/data"]
ENTRYPOINT ["yishitang"]
CMD ["run"]
