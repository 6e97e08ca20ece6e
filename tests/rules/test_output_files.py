"""Output files written all or nothing: staged beside their targets, moved into place together, named on failure."""

from __future__ import annotations

import os
import stat
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from rules.output_files import OutputFiles, WriteError, unwritable


def test_the_files_are_replaced_together_only_when_all_are_written(tmp_path: Path) -> None:
    results, report = tmp_path / "results.csv", tmp_path / "report.json"
    results.write_text("old results", encoding="utf-8")
    report.write_text("old report", encoding="utf-8")

    with OutputFiles() as files:
        files.write(results, lambda out: out.write(b"new results"))
        files.write(report, lambda out: out.write(b"new report"))
        assert (results.read_text(encoding="utf-8"), report.read_text(encoding="utf-8")) == ("old results",
                                                                                              "old report")
        files.commit()

    assert (results.read_text(encoding="utf-8"), report.read_text(encoding="utf-8")) == ("new results", "new report")
    assert sorted(path.name for path in tmp_path.iterdir()) == ["report.json", "results.csv"]


def test_a_failure_leaves_the_old_files_and_no_temporary_file(tmp_path: Path) -> None:
    results = tmp_path / "results.csv"
    results.write_text("old results", encoding="utf-8")
    (tmp_path / "full.json").symlink_to("/dev/full")

    with OutputFiles() as files:
        files.write(results, lambda out: out.write(b"new results"))
        with pytest.raises(WriteError) as failed:
            files.write(tmp_path / "full.json", lambda out: out.write(b"{}" * 10_000))

    assert str(failed.value) == f"cannot write {tmp_path / 'full.json'}: No space left on device"
    assert results.read_text(encoding="utf-8") == "old results"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["full.json", "results.csv"]


def test_a_failing_writer_is_named_and_cleaned_up(tmp_path: Path) -> None:
    def broken(out: object) -> None:
        raise OSError(28, "No space left on device")

    with pytest.raises(WriteError) as failed, OutputFiles() as files:
        files.write(tmp_path / "a.csv", broken)

    assert (failed.value.label, str(failed.value)) == (str(tmp_path / "a.csv"),
                                                       f"cannot write {tmp_path / 'a.csv'}: No space left on device")
    assert list(tmp_path.iterdir()) == []


def test_a_link_is_written_through_and_a_replaced_file_keeps_its_permissions(tmp_path: Path) -> None:
    (tmp_path / "elsewhere").mkdir()
    target = tmp_path / "elsewhere" / "results.csv"
    target.write_text("old", encoding="utf-8")
    target.chmod(0o640)
    (tmp_path / "link.csv").symlink_to(target)
    umask = os.umask(0o027)
    try:
        with OutputFiles() as files:
            files.write(tmp_path / "link.csv", lambda out: out.write(b"new"))
            files.write(tmp_path / "fresh.csv", lambda out: out.write(b"fresh"))
            files.commit()
    finally:
        os.umask(umask)

    assert (tmp_path / "link.csv").is_symlink()
    assert target.read_text(encoding="utf-8") == "new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert stat.S_IMODE((tmp_path / "fresh.csv").stat().st_mode) == 0o640  # 0666 less the umask, not mkstemp's 0600


def test_a_pipe_is_written_directly_not_replaced(tmp_path: Path) -> None:
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    with ThreadPoolExecutor(1) as pool:
        received = pool.submit(pipe.read_bytes)
        with OutputFiles() as files:
            files.write(pipe, lambda out: out.write(b"streamed"))
            files.commit()

        assert received.result(timeout=10) == b"streamed"
    assert stat.S_ISFIFO(pipe.stat().st_mode)
    assert [path.name for path in tmp_path.iterdir()] == ["pipe"]


@pytest.mark.usefixtures("read_only_folder")
def test_unwritable_paths_are_told_before_the_work() -> None:
    assert unwritable(Path("ro/report.json"), "--report") == \
        "--report 'ro/report.json': no permission to create files in the directory 'ro'"
    assert unwritable(Path("ro"), "--out") == "--out 'ro' is a directory; give a file name"
    assert unwritable(Path("no/r.csv"), "--out") == "--out 'no/r.csv': the directory 'no' does not exist"
    assert unwritable(Path("r.csv"), "--out") is None
    assert unwritable(Path(os.devnull), "--out") is None


def test_a_file_where_a_folder_should_be_is_named_as_a_file(tmp_path: Path) -> None:
    (tmp_path / "taken.csv").write_text("a file", encoding="utf-8")

    assert unwritable(tmp_path / "taken.csv" / "results.csv", "--out") == \
        f"--out {str(tmp_path / 'taken.csv' / 'results.csv')!r}: {str(tmp_path / 'taken.csv')!r} is a file, not a " \
        "directory"
    assert unwritable(tmp_path / "taken.csv" / "deeper" / "report.json", "--report") == \
        f"--report {str(tmp_path / 'taken.csv' / 'deeper' / 'report.json')!r}: {str(tmp_path / 'taken.csv')!r} is " \
        "a file, not a directory"
    assert unwritable(tmp_path / "missing" / "deeper" / "r.csv", "--out") == \
        f"--out {str(tmp_path / 'missing' / 'deeper' / 'r.csv')!r}: the directory " \
        f"{str(tmp_path / 'missing' / 'deeper')!r} does not exist"
