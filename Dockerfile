# syntax=docker/dockerfile:1
# The Customer Segment Agent's AgentCore Runtime image: linux/arm64 (AgentCore Runtime runs ARM64),
# the agent runtime only (rules/ + agent/ with the `agent` extra; no dashboard, no test tools).
#
#   docker buildx build --platform linux/arm64 -t customer-segment-agent:latest --load .
#
# The command below is exactly the one tests/agent/test_serve.py starts and sends requests to; only
# SEGMENT_HOST and SEGMENT_PORT differ there (127.0.0.1 and a free port).

# --- build: a wheel of the project -----------------------------------------------------------------------
FROM --platform=linux/arm64 python:3.11.14-slim-bookworm AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY rules ./rules
COPY agent ./agent
RUN pip wheel --no-cache-dir --no-deps --wheel-dir /wheels .

# --- runtime ---------------------------------------------------------------------------------------------
FROM --platform=linux/arm64 python:3.11.14-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    SEGMENT_HOST=0.0.0.0 \
    SEGMENT_PORT=8080

COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir "$(echo /wheels/customer_segment_agent-*.whl)[agent]" \
    && rm -rf /wheels \
    && useradd --create-home --uid 10001 --shell /usr/sbin/nologin segment

# AgentCore observability: the observability issue adds aws-opentelemetry-distro here (RUN pip install
# ...) and may prefix the command with "opentelemetry-instrument"; keep tests/agent/test_serve.py's
# RUNTIME_COMMAND equal to the CMD when doing so.

USER segment
WORKDIR /home/segment
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import os, sys, urllib.request; port = os.environ.get('SEGMENT_PORT', '8080'); sys.exit(0 if urllib.request.urlopen(f'http://127.0.0.1:{port}/ping', timeout=3).status == 200 else 1)"]
CMD ["python", "-m", "agent"]
