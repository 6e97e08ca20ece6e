"""`segment analyze` through the installed console script."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from rules.cli import build_parser
from rules.models.dates import as_of_day
from tests.conftest import SEED


def segment(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    exe = shutil.which("segment", path=str(Path(sys.executable).parent))
    assert exe, "the console script is installed with the project"
    return subprocess.run([exe, *args], capture_output=True, text=True, input=stdin, timeout=60, check=False)


def test_analyze_prints_the_seed_response_shape() -> None:
    result = segment("analyze", str(SEED / "examples" / "example-request.json"), "--as-of", "2026-02-12")

    assert result.returncode == 0, result.stderr
    response = json.loads(result.stdout)
    assert set(response) == {"analysis", "timestamp"}
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}", response["timestamp"])  # the seed's form, no offset
    assert response["analysis"]["customerId"] == "C-1001"
    assert response["analysis"]["lastPurchaseDaysAgo"] == 11


def test_invalid_input_exits_2_with_the_error_list(tmp_path: Path) -> None:
    request = json.loads((SEED / "examples" / "example-request.json").read_text(encoding="utf-8"))
    request["customerData"]["customer"]["age"] = 150
    request["customerData"]["customer"]["productHistory"][1]["totalSpent"] = -1
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(request), encoding="utf-8")

    result = segment("analyze", str(path), "--as-of", "2026-02-12")

    assert result.returncode == 2
    assert "customerData.customer.age" in result.stderr
    assert "customerData.customer.productHistory[1].totalSpent" in result.stderr
    assert result.stdout == ""


def test_unreadable_json_exits_2() -> None:
    result = segment("analyze", "-", stdin="{not json")

    assert result.returncode == 2
    assert "cannot read -" in result.stderr


def test_bad_as_of_is_a_usage_error() -> None:
    result = segment("analyze", "-", "--as-of", "12.02.2026", stdin="{}")

    assert result.returncode == 2
    assert result.stderr.endswith("argument --as-of: expected an ISO date (YYYY-MM-DD) or datetime "
                                  "(YYYY-MM-DDTHH:MM:SS): '12.02.2026'\n")


def test_a_long_error_list_is_cut_with_a_count_of_the_rest(tmp_path: Path) -> None:
    request = json.loads((SEED / "examples" / "example-request.json").read_text(encoding="utf-8"))
    line = request["customerData"]["customer"]["productHistory"][0]
    request["customerData"]["customer"]["productHistory"] = [
        {**line, "productId": f"P-{i}", "totalSpent": -1} for i in range(30)]
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(request), encoding="utf-8")

    result = segment("analyze", str(path), "--as-of", "2026-02-12")

    lines = result.stderr.splitlines()
    assert result.returncode == 2
    assert lines[0] == "error: 30 problems in the input:"
    assert lines[1:21] == [f"- customerData.customer.productHistory[{i}].totalSpent: " + lines[1].split(": ", 1)[1]
                           for i in range(20)]
    assert lines[21:] == ["- … 10 more lines not shown"]


@pytest.mark.parametrize("command", [["analyze", "request.json"], ["cohort", "orders.csv"],
                                     ["generate", "--customers", "5", "--out", "data"]])
@pytest.mark.parametrize(("text", "day"), [("2026-02-12", date(2026, 2, 12)), ("20260212", date(2026, 2, 12)),
                                           ("2026-02-12T23:30:00-05:00", date(2026, 2, 13)),
                                           ("2026-02-12 10:30", date(2026, 2, 12))])
def test_every_as_of_option_takes_the_days_the_api_takes(command: list[str], text: str, day: date) -> None:
    parser, _ = build_parser()

    assert as_of_day(text) == day
    assert parser.parse_args([*command, "--as-of", text]).as_of == day


def test_an_as_of_that_is_no_day_says_why_and_the_help_names_the_forms(capsys: pytest.CaptureFixture[str]) -> None:
    parser, _ = build_parser()

    with pytest.raises(SystemExit):
        parser.parse_args(["analyze", "request.json", "--as-of", "2026-02-30"])
    said = capsys.readouterr().err
    with pytest.raises(SystemExit):
        parser.parse_args(["cohort", "--help"])
    helped = " ".join(capsys.readouterr().out.split())

    assert said.endswith("argument --as-of: 2026-02-30 is no day: February 2026 has 28 days: '2026-02-30'\n")
    assert "--as-of YYYY-MM-DD the day to analyse for, as the API reads asOf: YYYY- MM-DD, also 20260212" in helped
