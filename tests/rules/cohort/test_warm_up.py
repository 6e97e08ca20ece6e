"""The warm-up compiles every kernel that reading and segmenting a real-sized export calls."""

from __future__ import annotations

import json
import subprocess
import sys

# Run in a fresh process: prints the numba kernels of rules.cohort that have been compiled (or loaded from the
# cache) by what ran before.
_COMPILED = """
import importlib, json, pkgutil
from numba.core.registry import CPUDispatcher
import rules.cohort
names = []
for info in pkgutil.iter_modules(rules.cohort.__path__):
    module = importlib.import_module("rules.cohort." + info.name)
    for name, value in vars(module).items():
        if isinstance(value, CPUDispatcher) and value.py_func.__module__ == module.__name__ and value.signatures:
            names.append(module.__name__ + "." + name)
print(json.dumps(sorted(names)))
"""

_WARM_UP = "from rules.cohort.warm_up import warm_up\nwarm_up()\n"
_REAL_USE = """
import tempfile
from pathlib import Path
from rules.cohort.generate import DEFAULT_AS_OF, generate, write
from rules.cohort.read import read_cohort
from rules.cohort.segment import segment_cohort
with tempfile.TemporaryDirectory() as folder:
    order_lines, customers = write(generate(5000, seed=5), Path(folder))
    segment_cohort(read_cohort(order_lines, customers=customers), DEFAULT_AS_OF)
    segment_cohort(read_cohort(order_lines), DEFAULT_AS_OF)
"""


def _compiled_after(code: str) -> set[str]:
    done = subprocess.run([sys.executable, "-c", code + _COMPILED], capture_output=True, text=True, timeout=300,
                          check=True)
    return set(json.loads(done.stdout.strip().splitlines()[-1]))


def test_the_warm_up_compiles_what_a_real_export_uses() -> None:
    warmed = _compiled_after(_WARM_UP)
    used = _compiled_after(_REAL_USE)

    assert "rules.cohort.orderline_kernels._place" in used
    assert "rules.cohort.columnar_render._write_rows" in used
    assert used <= warmed, f"compiled on first real use, not by the warm-up: {sorted(used - warmed)}"


def test_the_warm_up_runs_as_a_module() -> None:
    done = subprocess.run([sys.executable, "-m", "rules.cohort.warm_up"], capture_output=True, text=True,
                          timeout=300, check=False)

    assert done.returncode == 0, done.stderr
    assert "cohort kernels compiled and cached in" in done.stderr
