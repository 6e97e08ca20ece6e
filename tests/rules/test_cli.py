"""`segment analyze` through the installed console script."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

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
    assert "not a YYYY-MM-DD date" in result.stderr


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
