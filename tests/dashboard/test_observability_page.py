"""AppTest of the Observability page: with metrics in a local CloudWatch, without any AWS settings, and when
CloudWatch is down."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from agent.telemetry import CloudWatchRecorder, InvocationRecord
from agent.telemetry.record import ExplanationSource, Mode, Outcome
from dashboard.observability import view
from dashboard.observability.reader import cloudwatch_client
from tests.agent.telemetry.moto_cloudwatch import closed_port_url, cloudwatch, local_cloudwatch, without_aws

if TYPE_CHECKING:
    from mypy_boto3_cloudwatch.type_defs import DimensionTypeDef

PAGE = "../../dashboard/app_pages/observability.py"
ENTRY = "../../dashboard/streamlit_app.py"
ARN = "arn:aws:bedrock-agentcore:us-east-1:123456789012:runtime/segment_agent-AbC123xyz"


@pytest.fixture
def cloudwatch_endpoint(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.delenv("SEGMENT_AGENT_RUNTIME_ARN", raising=False)
    yield from local_cloudwatch(monkeypatch)


def run_page() -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=30)
    at.run()
    assert not at.exception, at.exception
    return at


def plotly_array(value: Any) -> list[Any]:
    """A Plotly JSON array, decoding the base64 form Plotly ≥ 6 uses for numbers."""
    if isinstance(value, dict) and "bdata" in value:
        return list(np.frombuffer(base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"])).tolist())
    return list(value)


def charts(at: AppTest) -> dict[str, dict[str, Any]]:
    """The page's Plotly figures by title."""
    figures = [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]
    return {figure["layout"]["title"]["text"]: figure for figure in figures}


def publish_invocations() -> None:
    recorder = CloudWatchRecorder(flush_seconds=3600)
    segments = {"churnSegment": {"Aktif": 3, "Riskli": 1}, "loyaltyTier": {"Altın": 4}}
    for index in range(8):
        mode: Mode = "cohort" if index < 2 else "customer"
        outcome: Outcome = "internal_error" if index == 7 else "ok"
        source: ExplanationSource = "model" if index % 2 else "template"
        recorder.record(InvocationRecord(mode, outcome, 10.0 * (index + 1), source, segments))
    recorder.close()


def test_the_page_charts_the_runtime_metrics(cloudwatch_endpoint: str) -> None:
    publish_invocations()

    at = run_page()

    assert at.title[0].value == "Observability"
    assert [(m.label, m.value) for m in at.metric] == [
        ("Invocations", "8"),
        ("Error rate", "12.5%"),
        ("Average latency", "45.0 ms"),
        ("Maximum latency", "80.0 ms"),
        ("Records dropped", "0"),
    ]
    figures = charts(at)
    assert sorted(figures) == [
        "Errors and error rate",
        "Explanation source",
        "Latency (ms)",
        "Segments assigned: Churn",
        "Traffic: invocations by mode",
    ]
    traffic = {
        trace["name"]: sum(plotly_array(trace["y"])) for trace in figures["Traffic: invocations by mode"]["data"]
    }
    assert traffic == {"customer": 6, "cohort": 2}
    segments = figures["Segments assigned: Churn"]["data"]
    assert [(t["name"], t["marker"]["color"], plotly_array(t["y"])) for t in segments] == [
        ("Aktif — active", "#16a34a", [24.0]),
        ("Riskli — at risk", "#dc2626", [8.0]),
    ]
    sources = {t["name"]: sum(plotly_array(t["y"])) for t in figures["Explanation source"]["data"]}
    assert sources == {"model": 4, "template": 4}
    assert "endpoint `http://127.0.0.1:" in at.caption[0].value
    assert [s.label for s in at.selectbox] == ["Time range", "Period", "Auto-refresh", "Segment dimension"]


def test_switching_the_segment_dimension(cloudwatch_endpoint: str) -> None:
    publish_invocations()
    at = run_page()

    at.selectbox(key="observability_dimension").set_value("loyaltyTier").run()

    assert not at.exception
    segments = charts(at)["Segments assigned: Loyalty"]["data"]
    assert [(t["name"], plotly_array(t["y"])) for t in segments] == [("Altın — gold", [32.0])]


def test_agentcore_metrics_appear_with_a_runtime_arn(monkeypatch: pytest.MonkeyPatch, cloudwatch_endpoint: str) -> None:
    monkeypatch.setenv("SEGMENT_AGENT_RUNTIME_ARN", ARN)
    dims: list[DimensionTypeDef] = [
        {"Name": "Operation", "Value": "InvokeAgentRuntime"},
        {"Name": "Name", "Value": "segment_agent::DEFAULT"},
        {"Name": "Resource", "Value": ARN},
    ]
    minute = datetime.now(UTC).replace(second=0, microsecond=0)
    cloudwatch().put_metric_data(
        Namespace="AWS/Bedrock-AgentCore",
        MetricData=[
            {"MetricName": metric, "Dimensions": dims, "Timestamp": minute, "Value": value}
            for metric, value in [("Invocations", 9.0), ("UserErrors", 1.0), ("Throttles", 0.0), ("Latency", 250.0)]
        ],
    )
    publish_invocations()

    at = run_page()

    assert at.subheader[0].value == "AgentCore runtime"
    figures = charts(at)
    counts = {
        t["name"]: plotly_array(t["y"])
        for t in figures["AgentCore runtime: invocations, sessions, errors, throttles"]["data"]
    }
    assert counts == {"Invocations": [9.0], "Throttles": [0.0], "UserErrors": [1.0]}
    latency = {t["name"]: plotly_array(t["y"]) for t in figures["AgentCore runtime: latency (ms)"]["data"]}
    assert latency == {"Average": [250.0], "Maximum": [250.0]}
    assert "segment_agent::DEFAULT" in at.caption[0].value


def test_an_empty_window_says_how_to_get_data(cloudwatch_endpoint: str) -> None:
    at = run_page()

    assert at.metric[0].value == "0"
    assert at.info[0].value.startswith("No invocations in this window yet.")
    assert not at.get("plotly_chart")


def test_without_credentials_or_endpoint_the_page_says_what_to_configure(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> None:
    without_aws(monkeypatch, tmp_path_factory)

    at = run_page()

    assert at.warning[0].value.startswith("CloudWatch is not configured")
    assert at.markdown[0].value == (
        "- No AWS region: set AWS_REGION (or AWS_DEFAULT_REGION).\n"
        "- No AWS credentials: set AWS_PROFILE or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY "
        "(dummy values such as `testing` for a local endpoint)."
    )
    assert "`make run` starts a local CloudWatch endpoint" in at.info[0].value
    assert not at.error
    assert not at.get("plotly_chart")
    assert not at.selectbox


def test_cloudwatch_down_is_an_error_message_not_an_exception(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_ENDPOINT_URL_CLOUDWATCH", closed_port_url())

    at = run_page()

    assert at.error[0].value.startswith("Could not read the metrics: ")
    assert "did not answer" in at.error[0].value
    assert not at.get("plotly_chart")


def test_a_bad_runtime_arn_is_named_on_the_page(monkeypatch: pytest.MonkeyPatch, cloudwatch_endpoint: str) -> None:
    monkeypatch.setenv("SEGMENT_AGENT_RUNTIME_ARN", "my-agent")

    at = run_page()

    assert "SEGMENT_AGENT_RUNTIME_ARN must look like" in at.error[0].value
    assert "'my-agent'" in at.error[0].value


def test_inside_the_app_a_missing_cloudwatch_leaves_the_other_pages_working(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> None:
    without_aws(monkeypatch, tmp_path_factory)
    for name in ("SEGMENT_BACKEND", "SEGMENT_RUNTIME_URL"):
        monkeypatch.delenv(name, raising=False)
    at = AppTest.from_file(ENTRY, default_timeout=120)
    at.run()
    assert not at.exception, at.exception

    at.switch_page("app_pages/observability.py").run()
    assert not at.exception, at.exception
    assert at.title[0].value == "Observability"
    assert at.warning[0].value.startswith("CloudWatch is not configured")
    assert at.sidebar.markdown, "the app's sidebar is still drawn"

    at.switch_page("app_pages/about.py").run()
    assert not at.exception, at.exception
    assert not any(w.value.startswith("CloudWatch is not configured") for w in at.warning)


RESTART = "Restart the dashboard after changing an environment variable."


@pytest.mark.parametrize(("setting", "value", "says"), [
    ("AWS_ENDPOINT_URL_CLOUDWATCH", "127.0.0.1:5000",
     "AWS_ENDPOINT_URL_CLOUDWATCH must be a URL with its scheme, such as http://127.0.0.1:5000, got '127.0.0.1:5000'. "
     + RESTART),
    ("AWS_ENDPOINT_URL", "127.0.0.1:5000",
     f"AWS_ENDPOINT_URL must be a URL with its scheme, such as http://127.0.0.1:5000, got '127.0.0.1:5000'. {RESTART}"),
    ("AWS_PROFILE", "analytics",
     "AWS_PROFILE names the profile 'analytics', which is in neither the AWS config nor the credentials file: "
     f"create it (`aws configure --profile analytics`), set AWS_PROFILE to one that exists, or unset AWS_PROFILE. "
     f"{RESTART}"),
    ("AWS_REGION", "eu central 1",
     "'eu central 1' is not an AWS region name: set AWS_REGION (or AWS_DEFAULT_REGION) to one such as eu-central-1. "
     + RESTART),
], ids=["endpoint without scheme", "generic endpoint without scheme", "missing profile", "malformed region"])
def test_a_wrong_aws_setting_says_what_to_set(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory, setting: str, value: str, says: str,
) -> None:
    without_aws(monkeypatch, tmp_path_factory)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv(setting, value)

    at = run_page()

    assert [e.value for e in at.error] == [f"The observability settings are invalid: {says}"]
    assert not at.get("plotly_chart")


def test_a_malformed_aws_config_file_is_named_instead_of_a_traceback(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory,
) -> None:
    without_aws(monkeypatch, tmp_path_factory)
    config = tmp_path_factory.mktemp("aws") / "config"
    config.write_text("[default\nregion = eu-central-1\n", encoding="utf-8")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))

    at = run_page()

    assert [e.value for e in at.error] == [
        f"The observability settings are invalid: The AWS configuration file {config} cannot be parsed: fix its "
        "syntax (sections such as [default] or [profile name], then lines such as region = eu-central-1), or point "
        f"AWS_CONFIG_FILE or AWS_SHARED_CREDENTIALS_FILE at another file. {RESTART}"]


def test_reruns_share_one_cloudwatch_client(monkeypatch: pytest.MonkeyPatch, cloudwatch_endpoint: str) -> None:
    built: list[object] = []

    def counted(config: Any) -> Any:
        built.append(config)
        return cloudwatch_client(config)

    monkeypatch.setattr(view, "cloudwatch_client", counted)
    at = run_page()
    at.run()
    at.run()

    assert len(built) == 1
    assert at.metric[0].value == "0"

