"""`segment cohort` and `segment generate`: files in, results, report and rejected rows out; exit 2 on bad input."""

from __future__ import annotations

import codecs
import errno
import io
import json
import os
import shlex
import shutil
import signal
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import BinaryIO

import pandas as pd
import pyarrow.parquet as pq
import pytest

from rules.cli import main
from rules.cohort import generate as generate_module
from rules.cohort.generate import generate, write
from rules.cohort.read import read_cohort
from rules.cohort.segment import segment_cohort

AS_OF = "2026-02-12"


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return write(generate(120, seed=21), tmp_path_factory.mktemp("cohort"))


def _console_script() -> str:
    exe = shutil.which("segment", path=str(Path(sys.executable).parent))
    assert exe, "the console script is installed with the project"
    return exe


def segment(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([_console_script(), *args], capture_output=True, text=True, timeout=120, check=False)


def test_generate_then_segment_through_the_console_script(tmp_path: Path) -> None:
    made = segment("generate", "--customers", "60", "--out", str(tmp_path / "data"), "--seed", "3")
    again = segment("generate", "--customers", "60", "--out", str(tmp_path / "again"), "--seed", "3")
    result = segment("cohort", str(tmp_path / "data" / "order_lines.csv"), "--customers",
                     str(tmp_path / "data" / "customers.csv"), "--as-of", AS_OF, "--out", str(tmp_path / "r.csv"))

    assert made.returncode == again.returncode == 0, made.stderr
    assert (tmp_path / "data" / "order_lines.csv").read_bytes() == (tmp_path / "again" / "order_lines.csv").read_bytes()
    assert result.returncode == 0, result.stderr
    assert "60 customers segmented" in result.stderr
    assert len(pd.read_csv(tmp_path / "r.csv")) == 60


def test_csv_results_report_and_rejected_rows(files: tuple[Path, Path], tmp_path: Path) -> None:
    order_lines, customers = files
    out, report, rejected = tmp_path / "results.csv", tmp_path / "report.json", tmp_path / "rejected.csv"

    code = main(["cohort", str(order_lines), "--customers", str(customers), "--as-of", AS_OF, "--out", str(out),
                 "--report", str(report), "--rejected", str(rejected)])

    assert code == 0
    expected = segment_cohort(read_cohort(order_lines, customers=customers), date(2026, 2, 12))
    results = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert results["customerId"].tolist() == expected["customerId"].tolist()
    assert results["churnSegmentReason"].tolist() == expected["churnSegmentReason"].tolist()
    top_ids = ["" if lists is pd.NA else "|".join(p["productId"] for p in lists) for lists in expected["topProducts"]]
    assert results["topProducts"].tolist() == top_ids
    written = json.loads(report.read_text(encoding="utf-8"))
    assert {"rowsRead", "rowsAccepted", "rowsRejected", "rejectedByReason", "customers", "format", "encoding",
            "delimiter", "dateOrder", "columnMapping", "warnings"} <= set(written)
    assert written["rowsRead"] == written["rowsAccepted"] + written["rowsRejected"]
    assert written["format"] == "order_lines"
    assert len(pd.read_csv(rejected)) == written["rowsRejected"] > 0


def test_parquet_keeps_the_lists(files: tuple[Path, Path], tmp_path: Path) -> None:
    order_lines, _ = files
    out = tmp_path / "results.parquet"

    assert main(["cohort", str(order_lines), "--as-of", AS_OF, "--out", str(out)]) == 0

    back = pd.read_parquet(out, dtype_backend="pyarrow")
    expected = segment_cohort(read_cohort(order_lines), date(2026, 2, 12))
    assert back["topProducts"].tolist() == expected["topProducts"].tolist()
    assert back["missingRegulars"].tolist() == expected["missingRegulars"].tolist()
    assert back["warnings"].tolist() == expected["warnings"].tolist()


def test_csv_cells_that_look_like_formulas_are_neutralised(tmp_path: Path) -> None:
    history = tmp_path / "history.csv"
    history.write_text(
        "customer_id,product_id,category,total_quantity,total_spent,order_count,last_purchase\n"
        "C-1,P-1,=HYPERLINK(\"http://x\"),1,10.00,1,2026-02-01\n",
        encoding="utf-8")
    attributes = tmp_path / "customers.csv"
    attributes.write_text("customer_id,city,region\nC-1,@SUM(A1),+Bölge\n", encoding="utf-8")
    out = tmp_path / "results.csv"

    assert main(["cohort", str(history), "--customers", str(attributes), "--as-of", AS_OF, "--out", str(out)]) == 0

    row = pd.read_csv(out, dtype=str, keep_default_na=False).iloc[0]
    assert row["city"] == "'@SUM(A1)"
    assert row["region"] == "'+Bölge"
    assert row["affinityCategory"] == "'=HYPERLINK(\"http://x\")"
    assert row["totalSpent"] == "10.0"


def test_results_go_to_standard_output_without_out(files: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
                                                   ) -> None:
    order_lines, _ = files

    assert main(["cohort", str(order_lines), "--as-of", AS_OF]) == 0

    printed = capsys.readouterr()
    assert printed.out.splitlines()[0].startswith("customerId,mode,city,region,")
    assert "customers segmented" in printed.err


def test_an_unreadable_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["cohort", str(tmp_path / "missing.csv")]) == 2
    assert "cannot read" in capsys.readouterr().err


def test_a_mapping_to_a_missing_column_exits_2(files: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    order_lines, _ = files

    assert main(["cohort", str(order_lines), "--map", "customer_id=Kod"]) == 2
    assert "Kod" in capsys.readouterr().err


def test_bad_arguments_are_usage_errors(files: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    order_lines, _ = files

    with pytest.raises(SystemExit) as exited:
        main(["cohort", str(order_lines), "--map", "customer_id"])
    assert exited.value.code == 2
    assert "expected canonical=column" in capsys.readouterr().err
    assert main(["cohort", str(order_lines), "--out", "results.txt"]) == 2
    assert capsys.readouterr().err == ("error: --out 'results.txt': its name does not tell the format; end it in .csv "
                                       "or .parquet, or give --format csv|parquet (standard output: --out - or no "
                                       "--out)\n")
    for customers in ("0", "10000001"):
        assert main(["generate", "--customers", customers, "--out", "x"]) == 2
        assert f"--customers: must be from 1 to 10,000,000 (got {customers})" in capsys.readouterr().err


def test_output_paths_are_checked_before_the_work(files: tuple[Path, Path], tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    order_lines, _ = files
    missing = tmp_path / "missing"
    (tmp_path / "taken.csv").mkdir()

    for option, target in [("--out", missing / "r.csv"), ("--out", missing / "r.parquet"),
                           ("--report", missing / "report.json"), ("--rejected", missing / "rejected.csv")]:
        extra = [] if option == "--out" else ["--out", str(tmp_path / "results.csv")]
        assert main(["cohort", str(order_lines), option, str(target), *extra]) == 2
        assert capsys.readouterr().err == f"error: {option} {str(target)!r}: the directory {str(missing)!r} does " \
                                          "not exist\n"
    assert main(["cohort", str(order_lines), "--out", str(tmp_path / "taken.csv")]) == 2
    assert "is a directory; give a file name" in capsys.readouterr().err
    assert [path.name for path in tmp_path.iterdir()] == ["taken.csv"]  # no report, no rejected rows written


def test_an_output_that_would_overwrite_an_input_or_another_output_is_refused(
        files: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    order_lines, customers = files
    export = tmp_path / "export.csv"
    export.write_bytes(order_lines.read_bytes())
    (tmp_path / "link.csv").symlink_to(customers)
    os.link(export, tmp_path / "hard.csv")

    assert main(["cohort", str(export), "--out", str(export)]) == 2
    assert capsys.readouterr().err == f"error: --out {str(export)!r} would overwrite INPUT; give another file name\n"
    assert main(["cohort", str(export), "--out", str(tmp_path / "hard.csv")]) == 2
    assert capsys.readouterr().err == (f"error: --out {str(tmp_path / 'hard.csv')!r} would overwrite INPUT; give "
                                       "another file name\n")
    assert main(["cohort", str(export), "--customers", str(customers), "--rejected", str(tmp_path / "link.csv")]) == 2
    assert capsys.readouterr().err == (f"error: --rejected {str(tmp_path / 'link.csv')!r} would overwrite "
                                       "--customers; give another file name\n")
    both = tmp_path / "both.csv"
    assert main(["cohort", str(export), "--out", str(both), "--report", str(both)]) == 2
    assert capsys.readouterr().err == f"error: --report {str(both)!r} would write where --out writes; give another " \
                                      "file name\n"
    assert export.read_bytes() == order_lines.read_bytes()
    assert (tmp_path / "hard.csv").read_bytes() == order_lines.read_bytes()
    assert sorted(path.name for path in tmp_path.iterdir()) == ["export.csv", "hard.csv", "link.csv"]


def test_input_from_a_pipe_and_a_sheet_of_a_workbook(files: tuple[Path, Path], tmp_path: Path) -> None:
    order_lines, _ = files
    workbook = tmp_path / "orders.xlsx"
    with pd.ExcelWriter(workbook) as writer:
        pd.DataFrame({"note": ["exported 2026-02-12"]}).to_excel(writer, sheet_name="About", index=False)
        pd.read_csv(order_lines, dtype=str).head(299).to_excel(writer, sheet_name="Orders", index=False)

    piped = subprocess.run(f"head -300 {shlex.quote(str(order_lines))} | {shlex.quote(_console_script())} cohort "
                           f"/dev/stdin --as-of {AS_OF}", shell=True, capture_output=True, text=True, timeout=120,
                           check=False)
    first = segment("cohort", str(workbook), "--as-of", AS_OF)
    chosen = segment("cohort", str(workbook), "--sheet", "Orders", "--as-of", AS_OF)
    by_place = segment("cohort", str(workbook), "--sheet", "1", "--as-of", AS_OF)

    assert piped.returncode == 0, piped.stderr
    assert piped.stderr.startswith(f"{len(pd.read_csv(io.StringIO(piped.stdout)))} customers segmented; rows read "
                                   "299")
    assert first.returncode == 2
    assert "; or choose another sheet with sheet= (on the command line: --sheet)\n" in first.stderr
    assert chosen.returncode == 0, chosen.stderr
    assert chosen.stdout == by_place.stdout == piped.stdout


def test_a_field_mapped_twice_is_refused(files: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    order_lines, _ = files

    assert main(["cohort", str(order_lines), "--map", "customer_id=order_id", "--map", "customer_id=customer_id"]) == 2
    assert capsys.readouterr().err == "error: --map customer_id= is given 2 times; give each field once\n"


def test_an_as_of_day_before_the_data_is_one_clear_error(files: tuple[Path, Path],
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    order_lines, _ = files

    assert main(["cohort", str(order_lines), "--as-of", "2020-01-01"]) == 2
    lines = capsys.readouterr().err.splitlines()
    assert lines[1].startswith("- as_of: is before ")
    assert "segment as of 2026-02-12 or later (got '2020-01-01')" in lines[1]
    assert len(lines) == 2  # one problem, not one per late row


def test_generate_writes_both_files_or_neither(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "data"
    assert main(["generate", "--customers", "20", "--out", str(out), "--seed", "1"]) == 0
    before = {path.name: path.read_bytes() for path in out.iterdir()}
    capsys.readouterr()
    write_csv = generate_module._write_csv

    def disk_full_on_the_customers_file(frame: pd.DataFrame, file: BinaryIO,
                                        money_columns: tuple[str, ...]) -> None:
        if not money_columns:  # the customers file, written second
            raise OSError(errno.ENOSPC, "No space left on device")
        write_csv(frame, file, money_columns)

    monkeypatch.setattr(generate_module, "_write_csv", disk_full_on_the_customers_file)

    assert main(["generate", "--customers", "30", "--out", str(out), "--seed", "2"]) == 2
    assert capsys.readouterr().err.strip() == f"error: cannot write {out / 'customers.csv'}: No space left on device"
    assert {path.name: path.read_bytes() for path in out.iterdir()} == before  # no new order lines, no leftovers


def test_generate_refuses_bad_seeds_and_a_file_as_the_directory(tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "file").write_text("x", encoding="utf-8")

    with pytest.raises(SystemExit) as exited:
        main(["generate", "--customers", "5", "--out", str(tmp_path / "g"), "--seed", "-1"])
    assert exited.value.code == 2
    assert "argument --seed: must be at least 0: '-1'" in capsys.readouterr().err
    assert main(["generate", "--customers", "5", "--out", str(tmp_path / "file")]) == 2
    assert "is a file; give a directory" in capsys.readouterr().err
    assert main(["generate", "--customers", "5", "--out", str(tmp_path / "file" / "sub")]) == 2
    assert "cannot write" in capsys.readouterr().err


def test_a_closed_pipe_ends_quietly_after_the_files_are_written(files: tuple[Path, Path], tmp_path: Path) -> None:
    order_lines, _ = files
    exe = shutil.which("segment", path=str(Path(sys.executable).parent))
    assert exe
    report, rejected = tmp_path / "report.json", tmp_path / "rejected.csv"

    command = (f"{shlex.quote(exe)} cohort {shlex.quote(str(order_lines))} --as-of {AS_OF} --report "
               f"{shlex.quote(str(report))} --rejected {shlex.quote(str(rejected))} | head -1")
    done = subprocess.run(["bash", "-c", command + '; echo "exit ${PIPESTATUS[0]}" >&2'], capture_output=True,
                          text=True, timeout=120, check=True)

    assert done.stdout.startswith("customerId,")
    assert done.stderr == "exit 1\n"  # nothing said; 1, as Python's own handling of a closed pipe
    assert len(pd.read_csv(rejected)) == json.loads(report.read_text(encoding="utf-8"))["rowsRejected"] > 0


def test_results_csv_keeps_a_row_whole_when_a_cell_holds_a_carriage_return(tmp_path: Path) -> None:
    source = tmp_path / "orders.csv"
    source.write_bytes(b'customer_id,order_date,product_id,amount,city\nC1,2026-01-05,P,10,"Ist\ranbul"\n'
                       b"C2,2026-01-06,P,20,Ankara\n")
    out = tmp_path / "results.csv"

    assert main(["cohort", str(source), "--as-of", AS_OF, "--out", str(out)]) == 0

    back = pd.read_csv(out, dtype=str)
    assert back["customerId"].tolist() == ["C1", "C2"]
    assert back["city"].tolist() == ["Ist\ranbul", "Ankara"]


def test_the_customers_workbooks_sheet_is_chosen_with_customers_sheet(files: tuple[Path, Path], tmp_path: Path,
                                                                       capsys: pytest.CaptureFixture[str]) -> None:
    order_lines, customers = files
    workbook = tmp_path / "crm.xlsx"
    with pd.ExcelWriter(workbook, engine="openpyxl") as writer:
        pd.DataFrame({"CRM export 2026": []}).to_excel(writer, sheet_name="Cover", index=False)
        pd.read_csv(customers, dtype=str).to_excel(writer, sheet_name="Müşteriler", index=False)
    args = ["cohort", str(order_lines), "--customers", str(workbook), "--as-of", AS_OF, "--out"]

    assert main([*args, str(tmp_path / "a.csv")]) == 2
    assert "or choose another sheet with customers_sheet= (on the command line: --customers-sheet)" in \
        capsys.readouterr().err
    assert main([*args, str(tmp_path / "b.csv"), "--customers-sheet", "Müşteriler"]) == 0
    assert main(["cohort", str(order_lines), "--customers", str(customers), "--as-of", AS_OF, "--out",
                 str(tmp_path / "c.csv")]) == 0
    assert (tmp_path / "b.csv").read_bytes() == (tmp_path / "c.csv").read_bytes()


def test_the_day_month_order_can_be_forced(tmp_path: Path) -> None:
    orders = tmp_path / "orders.csv"
    orders.write_text("customer_id,order_date,product_id,amount,signup\nC1,03/04/2025,P,5,02/01/2024\n",
                      encoding="utf-8")
    decided, forced = tmp_path / "decided.json", tmp_path / "forced.json"

    assert main(["cohort", str(orders), "--as-of", AS_OF, "--out", str(tmp_path / "a.csv"), "--report",
                 str(decided)]) == 0
    assert main(["cohort", str(orders), "--as-of", AS_OF, "--out", str(tmp_path / "b.csv"), "--report",
                 str(forced), "--date-order", "mdy"]) == 0

    assert json.loads(decided.read_text())["dateOrder"] == "DMY"
    assert json.loads(forced.read_text())["dateOrder"] == "MDY"
    assert pd.read_csv(tmp_path / "a.csv")["lastPurchaseDaysAgo"].tolist() == [(date(2026, 2, 12) -
                                                                                date(2025, 4, 3)).days]
    assert pd.read_csv(tmp_path / "b.csv")["membershipDays"].tolist() == [(date(2026, 2, 12) -
                                                                          date(2024, 2, 1)).days]


def test_the_customers_files_columns_are_mapped_with_customers_map(tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    orders, crm = tmp_path / "orders.csv", tmp_path / "crm.csv"
    orders.write_text("CustomerID,InvoiceNo,InvoiceDate,StockCode,Quantity,Amount\nC1,1,2026-01-05,P1,1,100\n",
                      encoding="utf-8")
    crm.write_text("Kunde,Jahre\nC1,34\nC2,40\n", encoding="utf-8")
    out = tmp_path / "r.csv"

    assert main(["cohort", str(orders), "--customers", str(crm), "--as-of", AS_OF]) == 2
    assert "(on the command line: --customers-map customer_id=<column>)" in capsys.readouterr().err
    assert main(["cohort", str(orders), "--customers", str(crm), "--customers-map", "customer_id=Kunde",
                 "--customers-map", "age=Jahre", "--as-of", AS_OF, "--out", str(out)]) == 0
    assert capsys.readouterr().err == ("2 customers segmented; rows read 1, accepted 1, rejected 0; customers file: "
                                       f"rows read 2, accepted 2, rejected 0; results in {out}\n"
                                       "1 warning; details with --report FILE\n")
    assert pd.read_csv(out)[["customerId", "age"]].to_dict("records") == [{"customerId": "C1", "age": 34},
                                                                          {"customerId": "C2", "age": 40}]
    assert main(["cohort", str(orders), "--customers-map", "customer_id=Kunde"]) == 2
    assert capsys.readouterr().err == ("error: --customers-map maps the columns of the customers file; give the file "
                                       "with --customers\n")


def test_a_failed_write_names_the_file_that_failed_and_replaces_none(files: tuple[Path, Path], tmp_path: Path,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    order_lines, _ = files
    (tmp_path / "full.json").symlink_to("/dev/full")
    (tmp_path / "full.csv").symlink_to("/dev/full")
    results, report = tmp_path / "results.csv", tmp_path / "report.json"
    results.write_text("old results\n", encoding="utf-8")
    report.write_text("{}\n", encoding="utf-8")
    full_json, full_csv = tmp_path / "full.json", tmp_path / "full.csv"

    for options, failed in [(["--report", str(full_json)], full_json),
                            (["--out", str(results), "--report", str(full_json)], full_json),
                            (["--out", str(results), "--report", str(report), "--rejected", str(full_csv)], full_csv),
                            (["--out", str(full_csv), "--report", str(report)], full_csv)]:
        assert main(["cohort", str(order_lines), "--as-of", AS_OF, *options]) == 2
        assert capsys.readouterr() == ("", f"error: cannot write {failed}: No space left on device\n")
    with Path("/dev/full").open("wb") as full:
        to_stdout = subprocess.run([_console_script(), "cohort", str(order_lines), "--as-of", AS_OF, "--report",
                                    str(report)], stdout=full, stderr=subprocess.PIPE, text=True, timeout=120,
                                   check=False)

    assert (to_stdout.returncode, to_stdout.stderr) == (2, "error: cannot write standard output: No space left on "
                                                           "device\n")
    assert json.loads(report.read_text(encoding="utf-8"))["rowsRead"] > 0  # files are written before the results
    assert results.read_text(encoding="utf-8") == "old results\n"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["full.csv", "full.json", "report.json",
                                                                "results.csv"]


def test_the_report_can_go_to_standard_output(files: tuple[Path, Path], tmp_path: Path) -> None:
    order_lines, _ = files

    done = segment("cohort", str(order_lines), "--as-of", AS_OF, "--out", str(tmp_path / "r.csv"), "--report",
                   "/dev/stdout")

    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["rowsRead"] > 0


def test_a_report_on_standard_output_redirected_to_a_file_is_written_into_that_file(files: tuple[Path, Path],
                                                                                    tmp_path: Path) -> None:
    order_lines, _ = files
    log = tmp_path / "log.txt"
    log.write_text("earlier\n", encoding="utf-8")
    command = [_console_script(), "cohort", str(order_lines), "--as-of", AS_OF, "--out", str(tmp_path / "r.csv"),
               "--report", "/dev/stdout"]

    with log.open("a", encoding="utf-8") as appended:  # as `>> log.txt` would
        done = subprocess.run(command, stdout=appended, stderr=subprocess.PIPE, text=True, timeout=120, check=False)
    alone = subprocess.run([*command[:5], "--report", "/dev/stdout"], stdout=log.open("a", encoding="utf-8"),
                           stderr=subprocess.PIPE, text=True, timeout=120, check=False)

    assert done.returncode == 0, done.stderr
    text = log.read_text(encoding="utf-8")
    assert text.startswith("earlier\n{")  # appended to, not replaced
    assert json.loads(text.removeprefix("earlier\n"))["rowsRead"] > 0
    assert (alone.returncode, alone.stderr) == (2, "error: --report '/dev/stdout' is standard output, where the "
                                                   "results go; give --out FILE too\n")


@pytest.mark.parametrize("option", ["--report", "--rejected"])
def test_a_dash_is_no_output_file(option: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["cohort", "not-read.csv", "--out", "r.csv", option, "-"]) == 2
    assert capsys.readouterr().err == f"error: {option} '-': name a file (standard output is /dev/stdout)\n"


def test_a_run_stopped_by_sigterm_leaves_no_half_written_files(tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert segment("generate", "--customers", "150000", "--out", str(data), "--seed", "1").returncode == 0
    (tmp_path / "r.csv").write_text("old results\n", encoding="utf-8")
    run = subprocess.Popen([_console_script(), "cohort", str(data / "order_lines.csv"), "--as-of", AS_OF,
                            "--out", str(tmp_path / "r.csv"), "--rejected", str(tmp_path / "rej.csv")],
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while not list(tmp_path.glob(".r.csv.*.partial")) and run.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)  # until the results are being written

    run.send_signal(signal.SIGTERM)
    run.wait(timeout=60)

    assert run.returncode != 0
    assert list(tmp_path.glob(".*.partial")) == []
    assert (tmp_path / "r.csv").read_text(encoding="utf-8") == "old results\n"
    assert not (tmp_path / "rej.csv").exists()


def test_closed_standard_output_is_said_not_a_traceback(files: tuple[Path, Path]) -> None:
    order_lines, _ = files

    done = subprocess.run(f"{_console_script()} cohort {order_lines} --as-of {AS_OF} >&-", shell=True,
                          capture_output=True, text=True, timeout=120, check=False)

    assert (done.returncode, done.stderr) == (2, "error: standard output is closed: give --out FILE for the "
                                                 "results\n")


@pytest.mark.usefixtures("read_only_folder")
def test_an_unwritable_folder_is_refused_before_reading(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["cohort", "not-read-yet.csv", "--out", "results.csv", "--report", "ro/report.json"]) == 2
    assert capsys.readouterr().err == ("error: --report 'ro/report.json': no permission to create files in the "
                                       "directory 'ro'\n")


def test_results_on_standard_output_are_utf8_whatever_the_console_encoding(files: tuple[Path, Path],
                                                                          tmp_path: Path) -> None:
    order_lines, customers = files
    out = tmp_path / "results.csv"
    command = ["cohort", str(order_lines), "--customers", str(customers), "--as-of", AS_OF]

    as_file = segment(*command, "--out", str(out))
    printed = subprocess.run([_console_script(), *command], capture_output=True, timeout=120, check=False,
                             env={**os.environ, "PYTHONIOENCODING": "cp1254"})

    assert as_file.returncode == printed.returncode == 0, printed.stderr
    assert "≤".encode() in printed.stdout
    assert printed.stdout == out.read_bytes().removeprefix(codecs.BOM_UTF8)


def test_csv_files_start_with_a_byte_order_mark_for_excel_and_standard_output_does_not(
        tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    orders = tmp_path / "orders.csv"
    orders.write_text("customer_id,order_date,product_id,amount,city\nC1,2026-01-05,P1,10,İstanbul\n"
                      "C2,someday,P1,10,Gümüşhane\n", encoding="utf-8")
    out, rejected = tmp_path / "results.csv", tmp_path / "rejected.csv"

    assert main(["cohort", str(orders), "--as-of", AS_OF, "--out", str(out), "--rejected", str(rejected)]) == 0
    assert main(["cohort", str(orders), "--as-of", AS_OF]) == 0

    printed = capsysbinary.readouterr().out
    assert out.read_bytes() == codecs.BOM_UTF8 + printed
    assert printed.startswith(b"customerId,mode,city,")
    assert "İstanbul".encode() in printed
    assert rejected.read_bytes().decode("utf-8-sig").splitlines() == ["file,row,reason,customer_id,order_date,"
                                                                      "product_id,amount,city",
                                                                      "orders.csv,2,bad_date,C2,someday,P1,10,Gümüşhane"]
    assert pd.read_csv(out)["city"].tolist() == ["İstanbul"]


def test_parquet_results_of_two_runs_have_one_schema_and_read_together(files: tuple[Path, Path],
                                                                       tmp_path: Path) -> None:
    order_lines, customers = files
    without, with_regions = tmp_path / "a.parquet", tmp_path / "b.parquet"

    assert main(["cohort", str(order_lines), "--as-of", AS_OF, "--out", str(without)]) == 0
    assert main(["cohort", str(order_lines), "--customers", str(customers), "--as-of", AS_OF, "--out",
                 str(with_regions)]) == 0

    assert pq.read_schema(without) == pq.read_schema(with_regions)
    alone = pq.read_table(with_regions).column("region").to_pylist()
    together = pq.read_table([str(without), str(with_regions)]).column("region").to_pylist()  # as pd.read_parquet
    assert together == [None] * pq.read_metadata(without).num_rows + alone
    assert None not in alone


def test_the_summary_writes_large_counts_with_thousands_separators(tmp_path: Path,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    orders = tmp_path / "orders.csv"
    lines = [f"C{n % 1100},2025-03-04,P1,{10 + n}" for n in range(1234)]
    lines += [f"C{n},2025-03-04,KARGO,5" for n in range(1001)]
    orders.write_text("customer_id,order_date,product_id,amount\n" + "\n".join(lines) + "\n", encoding="utf-8")

    assert main(["cohort", str(orders), "--as-of", AS_OF, "--out", str(tmp_path / "r.csv")]) == 0
    assert capsys.readouterr().err.splitlines()[0] == (
        "1,100 customers segmented; rows read 2,235, accepted 1,234, rejected 1,001 (non_product_line 1,001); "
        f"results in {tmp_path / 'r.csv'}")


def test_the_summary_names_the_main_reasons_and_the_warnings(tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    orders = tmp_path / "orders.csv"
    orders.write_text("customer_id,order_date,product_id,amount\nC1,03/04/2025,P1,10\n,03/04/2025,P1,10\n"
                      ",03/04/2025,P1,10\nC2,someday,P1,10\nC3,03/04/2025,,10\nC4,03/04/2025,P1,x\n"
                      "C5,03/04/2025,KARGO,10\n", encoding="utf-8")
    report = tmp_path / "report.json"

    assert main(["cohort", str(orders), "--as-of", AS_OF, "--out", str(tmp_path / "r.csv")]) == 0
    assert capsys.readouterr().err == (
        "1 customer segmented; rows read 7, accepted 1, rejected 6 (missing_customer_id 2, bad_date 1, "
        f"bad_amount 1, 2 more reasons); results in {tmp_path / 'r.csv'}\n"
        "2 warnings; details with --report FILE\n")
    assert main(["cohort", str(orders), "--as-of", AS_OF, "--out", str(tmp_path / "r.csv"), "--report",
                 str(report)]) == 0
    assert capsys.readouterr().err.splitlines()[1] == f"2 warnings; details in {report}"
    written = json.loads(report.read_text(encoding="utf-8"))
    assert len(written["warnings"]) == 2
    assert sum(reason["count"] for reason in written["rejectedByReason"].values()) == 6


def test_a_file_whose_every_row_is_rejected_exits_2_after_writing_the_report(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    orders = tmp_path / "orders.csv"
    orders.write_text("customer_id,order_date,amount\nC1,someday,10\nC2,2025-13-45,10\n", encoding="utf-8")
    header_only = tmp_path / "empty.csv"
    header_only.write_text("customer_id,order_date,amount\n", encoding="utf-8")
    outputs = {"--out": tmp_path / "r.csv", "--report": tmp_path / "report.json", "--rejected": tmp_path / "bad.csv"}

    assert main(["cohort", str(orders), "--as-of", AS_OF, *(f"{o}={p}" for o, p in outputs.items())]) == 2
    assert capsys.readouterr().err == (
        f"0 customers segmented; rows read 2, accepted 0, rejected 2 (bad_date 2); results in {outputs['--out']}\n"
        f"1 warning; details in {outputs['--report']}\n"
        f"error: no customer to segment: every row of {orders} was rejected (the reasons are above)\n")
    assert json.loads(outputs["--report"].read_text(encoding="utf-8"))["rejectedByReason"]["bad_date"]["count"] == 2
    assert len(pd.read_csv(outputs["--rejected"])) == 2
    assert main(["cohort", str(header_only), "--as-of", AS_OF, "--out", str(tmp_path / "none.csv")]) == 0
    piped = subprocess.run([_console_script(), "cohort", "-", "--as-of", AS_OF, "--out", str(tmp_path / "p.csv")],
                           input=orders.read_bytes(), capture_output=True, timeout=120, check=False)
    assert (piped.returncode, piped.stderr.decode("utf-8").splitlines()[-1]) == (
        2, "error: no customer to segment: every row of standard input was rejected (the reasons are above)")


def test_a_dash_reads_standard_input(files: tuple[Path, Path]) -> None:
    order_lines, _ = files

    from_file = segment("cohort", str(order_lines), "--as-of", AS_OF)
    piped = subprocess.run([_console_script(), "cohort", "-", "--as-of", AS_OF], input=order_lines.read_bytes(),
                           capture_output=True, timeout=120, check=False)

    assert piped.returncode == from_file.returncode == 0, piped.stderr
    assert piped.stdout.decode("utf-8") == from_file.stdout
    assert piped.stderr.decode("utf-8") == from_file.stderr


def test_an_output_that_is_the_file_standard_input_reads_is_refused(files: tuple[Path, Path], tmp_path: Path) -> None:
    order_lines, _ = files
    export = tmp_path / "export.csv"
    export.write_bytes(order_lines.read_bytes())

    with export.open("rb") as redirected:
        done = subprocess.run([_console_script(), "cohort", "-", "--out", str(export)], stdin=redirected,
                              capture_output=True, text=True, timeout=120, check=False)

    assert (done.returncode, done.stderr) == (2, f"error: --out {str(export)!r} would overwrite INPUT; give another "
                                                 "file name\n")
    assert export.read_bytes() == order_lines.read_bytes()


@pytest.mark.parametrize(("command", "day", "message"), [
    ("cohort", "9999-12-31", "must be from 1900-01-01 to 2100-12-31, the days the reader takes in a file: "
                             "'9999-12-31'"),
    ("cohort", "1899-12-31", "must be from 1900-01-01 to 2100-12-31, the days the reader takes in a file: "
                             "'1899-12-31'"),
    ("generate", "1900-01-01", "must be from 1904-12-31 to {tomorrow}, the files go back 5 years, and the reader "
                               "takes no day after tomorrow (UTC): '1900-01-01'"),
    ("generate", "{after_tomorrow}", "must be from 1904-12-31 to {tomorrow}, the files go back 5 years, and the "
                                     "reader takes no day after tomorrow (UTC): '{after_tomorrow}'"),
])
def test_an_as_of_day_the_reader_would_refuse_is_a_usage_error(
        command: str, day: str, message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    today = datetime.now(UTC).date()
    days = {"tomorrow": today + timedelta(days=1), "after_tomorrow": today + timedelta(days=2)}
    target = ["INPUT.csv"] if command == "cohort" else ["--customers", "5", "--out", str(tmp_path / "g")]

    with pytest.raises(SystemExit) as exited:
        main([command, *target, "--as-of", day.format(**days)])

    assert exited.value.code == 2
    assert capsys.readouterr().err.endswith(f"argument --as-of: {message.format(**days)}\n")
    assert list(tmp_path.iterdir()) == []


def test_generated_files_at_the_edges_of_the_export_days_read_without_a_bad_date(tmp_path: Path) -> None:
    tomorrow = datetime.now(UTC).date() + timedelta(days=1)

    for day in ("1904-12-31", tomorrow.isoformat()):
        assert main(["generate", "--customers", "200", "--out", str(tmp_path / day), "--as-of", day]) == 0
        cohort = read_cohort(tmp_path / day / "order_lines.csv", customers=tmp_path / day / "customers.csv")
        assert cohort.report.customers_file is not None
        assert cohort.report.rows_accepted > 0
        for report in (cohort.report, cohort.report.customers_file):
            assert {"bad_date", "future_date"} & set(report.rejected_by_reason) == set(), day


def test_outputs_thrown_away_are_no_clash(files: tuple[Path, Path], tmp_path: Path) -> None:
    order_lines, _ = files

    done = segment("cohort", str(order_lines), "--as-of", AS_OF, "--out", str(tmp_path / "r.csv"), "--report",
                   os.devnull, "--rejected", os.devnull)

    assert done.returncode == 0, done.stderr
    assert (tmp_path / "r.csv").stat().st_size > 0


def test_ctrl_c_is_one_line_not_a_traceback(tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert segment("generate", "--customers", "100000", "--out", str(data), "--seed", "2").returncode == 0
    run = subprocess.Popen([_console_script(), "cohort", str(data / "order_lines.csv"), "--as-of", AS_OF, "--out",
                            str(tmp_path / "r.csv")], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while not list(tmp_path.glob(".r.csv.*.partial")) and run.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)  # until the results are being written

    run.send_signal(signal.SIGINT)
    _, said = run.communicate(timeout=60)

    assert (run.returncode, said) == (130, "error: interrupted (no output file is left half-written)\n")


def test_the_customers_file_can_be_read_from_standard_input(files: tuple[Path, Path], tmp_path: Path) -> None:
    order_lines, customers = files

    from_file = segment("cohort", str(order_lines), "--customers", str(customers), "--as-of", AS_OF)
    piped = subprocess.run([_console_script(), "cohort", str(order_lines), "--customers", "-", "--as-of", AS_OF],
                           input=customers.read_bytes(), capture_output=True, timeout=120, check=False)

    assert piped.returncode == from_file.returncode == 0, piped.stderr
    assert piped.stdout.decode("utf-8") == from_file.stdout
    assert piped.stderr.decode("utf-8") == from_file.stderr


@pytest.mark.parametrize("main_input", ["-", "/dev/stdin"])
def test_standard_input_is_read_for_one_input_only(main_input: str, files: tuple[Path, Path]) -> None:
    _, customers = files

    done = subprocess.run([_console_script(), "cohort", main_input, "--customers", "-", "--as-of", AS_OF],
                          input=customers.read_bytes(), capture_output=True, timeout=120, check=False)

    assert (done.returncode, done.stderr.decode("utf-8")) == (
        2, f"error: INPUT {main_input!r} and --customers '-' both read standard input, which can be read once; give "
           "one of them as a file\n")


@pytest.mark.parametrize("out", ["-", "/dev/stdout"])
def test_out_dash_or_dev_stdout_writes_the_results_to_standard_output(out: str, files: tuple[Path, Path]) -> None:
    order_lines, _ = files

    without = segment("cohort", str(order_lines), "--as-of", AS_OF)
    named = segment("cohort", str(order_lines), "--as-of", AS_OF, "--out", out)

    assert named.returncode == without.returncode == 0, named.stderr
    assert named.stdout == without.stdout
    assert named.stdout.startswith("customerId,mode,")  # no byte order mark in a stream


def test_parquet_on_standard_output_is_the_parquet_file(files: tuple[Path, Path], tmp_path: Path) -> None:
    order_lines, _ = files
    segment("cohort", str(order_lines), "--as-of", AS_OF, "--out", str(tmp_path / "r.parquet"))

    piped = subprocess.run([_console_script(), "cohort", str(order_lines), "--as-of", AS_OF, "--out", "-",
                            "--format", "parquet"], capture_output=True, timeout=120, check=False)

    assert piped.returncode == 0, piped.stderr
    assert pq.read_table(io.BytesIO(piped.stdout)).equals(pq.read_table(tmp_path / "r.parquet"))


def test_the_format_option_names_the_format_of_any_out_and_must_match_its_suffix(
        files: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    order_lines, _ = files
    target = tmp_path / "results.txt"

    assert main(["cohort", str(order_lines), "--as-of", AS_OF, "--out", str(target), "--format", "csv"]) == 0
    assert main(["cohort", str(order_lines), "--as-of", AS_OF, "--out", str(tmp_path / "r.csv"), "--format",
                 "parquet"]) == 2

    assert capsys.readouterr().err.endswith(f"error: --format parquet does not match --out "
                                            f"{str(tmp_path / 'r.csv')!r}; give one or the other\n")
    assert target.read_text(encoding="utf-8-sig").startswith("customerId,mode,")
    assert sorted(path.name for path in tmp_path.iterdir()) == ["results.txt"]


def test_parquet_is_not_written_to_a_terminal(files: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    order_lines, _ = files
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)

    assert main(["cohort", str(order_lines), "--as-of", AS_OF, "--format", "parquet"]) == 2
    assert capsys.readouterr().err == ("error: --format parquet: Parquet is binary, not for the terminal; redirect "
                                       "standard output (> results.parquet, | a program) or give --out FILE\n")
