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
# AgentCore observability (ADOT) installs with the wheel in one resolve: it pins OpenTelemetry, and the
# resolver must see both sets of bounds at once.
RUN pip install --no-cache-dir "$(echo /wheels/customer_segment_agent-*.whl)[agent]" "aws-opentelemetry-distro>=0.10.1" \
    && rm -rf /wheels \
    && useradd --create-home --uid 10001 --shell /usr/sbin/nologin segment

# Traces and spans go to CloudWatch through AgentCore observability, as AWS documents for AgentCore Runtime;
# the agent's own metrics go to CloudWatch with PutMetricData (the role needs cloudwatch:PutMetricData).
# Spans land in CloudWatch Logs (aws/spans): Strands redacts the model's messages and tool inputs and results in
# them (the runtime sets the same when the variable lacks the token; list attributes after `=` to keep them).
ENV AGENT_OBSERVABILITY_ENABLED=true \
    OTEL_PYTHON_DISTRO=aws_distro \
    OTEL_PYTHON_CONFIGURATOR=aws_configurator \
    OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf \
    OTEL_TRACES_EXPORTER=otlp \
    OTEL_SERVICE_NAME=customer_segment_agent \
    OTEL_SEMCONV_STABILITY_OPT_IN=gen_ai_unredacted_attributes= \
    SEGMENT_METRICS=cloudwatch

USER segment
WORKDIR /home/segment
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import os, sys, urllib.request; port = os.environ.get('SEGMENT_PORT', '8080'); sys.exit(0 if urllib.request.urlopen(f'http://127.0.0.1:{port}/ping', timeout=3).status == 200 else 1)"]
CMD ["opentelemetry-instrument", "python", "-m", "agent"]
