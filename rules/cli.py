"""The `segment` command line: the rule engine's subcommands.

- ``segment analyze REQUEST.json``: one customer (the seed's request), printed as the seed's response;
- ``segment cohort INPUT``: a file of customers (or standard input, ``-``) read, segmented and written out (CSV
  or Parquet), with the ingest report and the rejected rows, all or none of them;
- ``segment generate --customers N --out DIR``: realistic order-line exports for demos and benchmarks.

The agent package adds its own subcommands (`serve`) through `main(extend=...)`, so this module never
imports it. Invalid input or an unreadable file exits with 2 and says why on standard error.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from rules.analyze import analyze_request
from rules.errors import InvalidInput, Problem
from rules.models.dates import parse_day, response_timestamp, today_utc
from rules.output_files import OutputFiles, WriteError, unwritable
from rules.text import counted

if TYPE_CHECKING:
    import pandas as pd

    from rules.cohort.model import Cohort, CustomersFileReport, IngestReport

EXIT_OK, EXIT_INVALID = 0, 2
SHOWN_PROBLEMS = 20  # a wrong as-of day or mapping breaks thousands of rows: the first ones tell the story
SHOWN_REASONS = 3  # in the summary line; the report has them all
STDIN = "-"
# `--out` names of standard output: the results then go there as without `--out` (no byte order mark, no staging).
STANDARD_OUTPUT_NAMES = ("-", "/dev/stdout", "/dev/fd/1", "/proc/self/fd/1")
FORMATS = {".csv": "csv", ".parquet": "parquet"}  # the results' format by --out's suffix
_ISO_FORMS = ", as the API reads asOf: YYYY-MM-DD, also 20260212 or an ISO datetime's day"

Subparsers = Any  # argparse's _SubParsersAction is private


def _iso_day(text: str) -> date:
    """A day given on the command line, read as the API reads an as-of text (`parse_day`): YYYY-MM-DD, also ISO's
    basic 20260212 or an ISO datetime (its day), so that a script gets the same answer either way."""
    try:
        return parse_day(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"{error}: {text!r}") from None


def _cohort_day(text: str) -> date:
    """`segment cohort`'s as-of day: one of the days the reader takes in a file."""
    from rules.cohort.dates import EARLIEST, LATEST

    return _within(_iso_day(text), EARLIEST, LATEST, "the days the reader takes in a file")


def _export_day(text: str) -> date:
    """`segment generate`'s export day: all of the generated dates, back to the earliest signup, must be days the
    reader takes, which are none after tomorrow (UTC) when the files are read."""
    from rules.cohort.generate import EARLIEST_AS_OF

    return _within(_iso_day(text), EARLIEST_AS_OF, today_utc() + timedelta(days=1),
                   "the files go back 5 years, and the reader takes no day after tomorrow (UTC)")


def _within(day: date, earliest: date, latest: date, why: str) -> date:
    if not earliest <= day <= latest:
        raise argparse.ArgumentTypeError(f"must be from {earliest} to {latest}, {why}: {day.isoformat()!r}")
    return day


def _read_json(path: str) -> Any:
    text = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8-sig")
    return json.loads(text)


def seed_response(analysis_json: dict[str, Any]) -> dict[str, Any]:
    """The seed's response envelope around an analysis."""
    return {"analysis": analysis_json, "timestamp": response_timestamp()}


def _cmd_analyze(args: argparse.Namespace) -> int:
    try:
        payload = _read_json(args.request)
    except (OSError, json.JSONDecodeError) as error:
        _say(f"cannot read {args.request}: {error}")
        return EXIT_INVALID
    try:
        analysis = analyze_request(payload, args.as_of)
    except InvalidInput as error:
        _say(error)
        return EXIT_INVALID
    response = seed_response(analysis.model_dump(mode="json", by_alias=True))
    print(json.dumps(response, ensure_ascii=False, indent=2))
    return EXIT_OK


def _say(error: InvalidInput | str) -> None:
    """An error on standard error, its problem list cut to the first `SHOWN_PROBLEMS`."""
    lines = str(error).splitlines()
    if len(lines) > SHOWN_PROBLEMS + 2:
        lines = [*lines[:SHOWN_PROBLEMS + 1], f"- … {len(lines) - SHOWN_PROBLEMS - 1} more lines not shown"]
    print("error: " + "\n".join(lines), file=sys.stderr)


def at_least(minimum: int) -> Callable[[str], int]:
    """An argparse type: a whole number of at least ``minimum``."""

    def whole_number(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be at least {minimum}: {text!r}")
        return value

    return whole_number


def _clashes(outputs: dict[str, Path | None], inputs: dict[str, str | None]) -> list[str]:
    """Outputs that would overwrite an input or each other: refused before anything is read or written."""
    problems: list[str] = []
    seen: dict[object, str] = {}
    named: list[tuple[str, str | Path | None]] = [*inputs.items(), *outputs.items()]
    for option, path in named:
        if path is None or str(path) == os.devnull:  # what is thrown away cannot be overwritten
            continue
        same = _identity(path)
        if same in seen and option in outputs:
            what = f"overwrite {seen[same]}" if seen[same] in inputs else f"write where {seen[same]} writes"
            problems.append(f"{option} {str(path)!r} would {what}; give another file name")
        seen.setdefault(same, option)
    return problems


def _identity(path: str | Path) -> object:
    """What tells two names of one file apart from two files: its device and inode when it exists (a hard link
    has its own path), else its absolute path; standard input is the file or pipe it reads from."""
    try:
        found = os.fstat(sys.stdin.fileno()) if path == STDIN else os.stat(path)
    except (OSError, ValueError):  # ValueError: standard input closed or replaced
        return Path(path).resolve()
    return found.st_dev, found.st_ino


def _is_standard_output(path: Path) -> bool:
    """Whether ``path`` names the file or pipe standard output writes to (/dev/stdout, or the file it is
    redirected to)."""
    try:
        written = os.fstat(sys.stdout.fileno())
        named = os.stat(path)
    except (OSError, ValueError, AttributeError):  # AttributeError: standard output closed (None)
        return False
    return (written.st_dev, written.st_ino) == (named.st_dev, named.st_ino)


def _mapping(text: str) -> tuple[str, str]:
    canonical, sep, column = text.partition("=")
    if not sep or not canonical.strip() or not column.strip():
        raise argparse.ArgumentTypeError(f"expected canonical=column, got {text!r}")
    return canonical.strip(), column.strip()


def _cmd_cohort(args: argparse.Namespace) -> int:
    # Imported here: `segment analyze` stays quick to start.
    from rules.cohort.read import read_cohort
    from rules.cohort.segment import segment_cohort

    if args.out is not None and str(args.out) in STANDARD_OUTPUT_NAMES:
        args.out = None
    problems = _cohort_argument_problems(args)
    if problems:
        _say("\n".join(problems))
        return EXIT_INVALID
    try:
        customers = None if args.customers is None else _source(args.customers)
        cohort = read_cohort(_source(args.input), name=_source_name(args.input), customers=customers,
                             customers_name=_source_name(args.customers), mapping=dict(args.map) or None,
                             customers_mapping=dict(args.customers_map) or None, sheet=args.sheet,
                             customers_sheet=args.customers_sheet, date_order=args.date_order)
        frame = segment_cohort(cohort, args.as_of)
    except OSError as error:
        _say(f"cannot read {error.filename or args.input}: {error.strerror or error}")
        return EXIT_INVALID
    except InvalidInput as error:
        _say(error)
        return EXIT_INVALID
    try:
        _write_files(frame, cohort, args)
    except WriteError as failed:
        _say(str(failed))
        return EXIT_INVALID
    if args.out is None:
        failed_code = _write_standard_output(frame, _results_format(args))
        if failed_code is not None:
            return failed_code
    print(_summary(len(frame), cohort.report, args.out, args.report), file=sys.stderr)
    if frame.empty and cohort.report.rows_rejected:
        # A script must not go on with empty results as if the file had been read; the outputs asked for are
        # written all the same: the report and the rejected rows say what is wrong with every row.
        source = "standard input" if args.input == STDIN else args.input
        _say(f"no customer to segment: every row of {source} was rejected (the reasons are above)")
        return EXIT_INVALID
    return EXIT_OK


def _source(path: str) -> str | BinaryIO:
    """What `read_cohort` reads for an input argument: standard input for ``-``, else the path."""
    return sys.stdin.buffer if path == STDIN else path


def _source_name(path: str | None) -> str | None:
    return "stdin" if path == STDIN else None


def _cohort_argument_problems(args: argparse.Namespace) -> list[str]:
    """Every problem of the arguments that can be seen before reading: output paths, mappings."""
    out: Path | None = args.out
    named = FORMATS.get(out.suffix.lower()) if out is not None else None
    if out is not None and named is None and args.format is None:
        return [f"--out {str(out)!r}: its name does not tell the format; end it in .csv or .parquet, or give "
                "--format csv|parquet (standard output: --out - or no --out)"]
    if named is not None and args.format not in (None, named):
        return [f"--format {args.format} does not match --out {str(out)!r}; give one or the other"]
    if out is None and _results_format(args) == "parquet" and _is_terminal(sys.stdout):
        return ["--format parquet: Parquet is binary, not for the terminal; redirect standard output "
                "(> results.parquet, | a program) or give --out FILE"]
    outputs = {"--out": out, "--report": args.report, "--rejected": args.rejected}
    problems = [f"{option} '-': name a file (standard output is {'/dev/stdout' if out else 'where the results go'})"
                for option, path in outputs.items() if str(path) == STDIN]
    if problems:
        return problems
    problems = [why for option, path in outputs.items() if path is not None and (why := unwritable(path, option))]
    if out is None:  # the results go to standard output: nothing else may
        problems += [f"{option} {str(path)!r} is standard output, where the results go; give --out FILE too"
                     for option, path in outputs.items() if path is not None and _is_standard_output(path)]
    inputs = {"INPUT": args.input, "--customers": args.customers}
    if args.customers is not None and _identity(args.input) == _identity(args.customers) == _identity(STDIN):
        # A pipe is read once: the second reader would find it empty and say so less clearly.
        problems.append(f"INPUT {args.input!r} and --customers {args.customers!r} both read standard input, which "
                        "can be read once; give one of them as a file")
    problems += _clashes(outputs, inputs)
    for option, pairs in (("--map", args.map), ("--customers-map", args.customers_map)):
        mapped = [canonical for canonical, _ in pairs]
        problems += [f"{option} {name}= is given {mapped.count(name)} times; give each field once"
                     for name in dict.fromkeys(mapped) if mapped.count(name) > 1]
    if args.customers_map and args.customers is None:
        problems.append("--customers-map maps the columns of the customers file; give the file with --customers")
    return problems


def _write_files(frame: pd.DataFrame, cohort: Cohort, args: argparse.Namespace) -> None:
    """The results, report and rejected rows asked for, all or none of them (see `rules.output_files`).

    Raises:
        WriteError: an output could not be written; it is named, and none of them was replaced.
    """
    from rules.cohort.export import write_rejected

    with OutputFiles() as files:
        if args.out is not None:
            files.write(args.out, lambda file: _write_results(frame, _results_format(args), file, bom=True))
        if args.report is not None:
            report = cohort.report.model_dump_json(by_alias=True, indent=2) + "\n"
            files.write(args.report, lambda file: file.write(report.encode("utf-8")))
        if args.rejected is not None:
            files.write(args.rejected, lambda file: write_rejected(cohort, file, bom=True))
        files.commit()


def _results_format(args: argparse.Namespace) -> str:
    """``csv`` or ``parquet``: --format, else --out's suffix, else CSV (on standard output)."""
    given: str | None = args.format
    return given or (FORMATS.get(args.out.suffix.lower()) if args.out is not None else None) or "csv"


def _is_terminal(stream: object) -> bool:
    isatty = getattr(stream, "isatty", None)
    return bool(isatty is not None and isatty())


def _write_results(frame: pd.DataFrame, results_format: str, file: BinaryIO, *, bom: bool) -> None:
    if results_format == "parquet":
        from rules.cohort.results_parquet import write_results_parquet

        write_results_parquet(frame, file)
    else:
        _write_csv(frame, file, bom=bom)


def _write_standard_output(frame: pd.DataFrame, results_format: str) -> int | None:
    """The results on standard output (CSV in UTF-8 whatever the console's encoding, as files are written, or
    Parquet); None when written, else the exit code.

    After the files, so that a reader that stops early (`| head`) cannot keep them from being written.
    """
    if sys.stdout is None:  # started with standard output closed (`>&-`): nowhere to write them
        _say("standard output is closed: give --out FILE for the results")
        return EXIT_INVALID
    try:
        sys.stdout.flush()
        _write_results(frame, results_format, sys.stdout.buffer, bom=False)
        sys.stdout.buffer.flush()
    except BrokenPipeError:
        _drop_standard_output()
        return 1  # the reader went away: nothing to say, as Unix tools do
    except OSError as error:
        _drop_standard_output()
        _say(f"cannot write standard output: {error.strerror or error}")
        return EXIT_INVALID
    return None


def _drop_standard_output() -> None:
    """Point standard output at the null device, so that what is left in its buffer cannot fail again on exit."""
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def _write_csv(frame: pd.DataFrame, target: BinaryIO, *, bom: bool) -> None:
    """CSV with list columns as readable text and formula-like cells neutralised."""
    from rules.cohort.columnar_export import flat_frame
    from rules.cohort.export import write_csv

    write_csv(flat_frame(frame), target, bom=bom)


def _summary(customers: int, report: IngestReport, out: Path | None, report_path: Path | None) -> str:
    """The last words on standard error: what was read, the main reasons rows were rejected for, how many
    warnings, and where the details are. Counts and reason names only: no customer's data."""
    extra = report.customers_file
    line = (f"{counted(customers, 'customer')} segmented; {_rows(report)}"
            + (f"; customers file: {_rows(extra)}" if extra is not None else "")
            + (f"; results in {out}" if out else ""))
    warnings = len(report.warnings) + (len(extra.warnings) if extra is not None else 0)
    rejected = report.rows_rejected + (extra.rows_rejected if extra is not None else 0)
    if not warnings and not rejected:
        return line
    said = f"{counted(warnings, 'warning')}; " if warnings else ""
    details = f"details in {report_path}" if report_path else "details with --report FILE"
    return f"{line}\n{said}{details}"


def _rows(report: IngestReport | CustomersFileReport) -> str:
    """Rows read, accepted and rejected, with the reasons most rows were rejected for."""
    text = f"rows read {report.rows_read:,}, accepted {report.rows_accepted:,}, rejected {report.rows_rejected:,}"
    # sorted() is stable: between equal counts, the reasons keep the report's order.
    reasons = sorted(report.rejected_by_reason.items(), key=lambda item: -item[1].count)
    if not reasons:
        return text
    shown = ", ".join(f"{reason} {rejection.count:,}" for reason, rejection in reasons[:SHOWN_REASONS])
    more = len(reasons) - SHOWN_REASONS
    return text + f" ({shown}" + (f", {more} more reason{'s' if more > 1 else ''}" if more > 0 else "") + ")"


def _cmd_generate(args: argparse.Namespace) -> int:
    from rules.cohort.generate import MAX_CUSTOMERS, generate, write

    if not 1 <= args.customers <= MAX_CUSTOMERS:
        raise InvalidInput([Problem("--customers", f"must be from 1 to {MAX_CUSTOMERS:,}", args.customers)])
    if args.out.exists() and not args.out.is_dir():
        _say(f"--out {str(args.out)!r} is a file; give a directory (it is created when missing)")
        return EXIT_INVALID
    try:
        order_lines, customers = write(generate(args.customers, seed=args.seed, as_of=args.as_of), args.out)
    except OSError as error:  # the folder could not be made
        _say(f"cannot write {error.filename or args.out}: {error.strerror or error}")
        return EXIT_INVALID
    except WriteError as failed:
        _say(str(failed))
        return EXIT_INVALID
    except MemoryError:
        _say(f"not enough memory to generate {args.customers:,} customers; ask for fewer")
        return EXIT_INVALID
    print(f"wrote {order_lines} and {customers}", file=sys.stderr)
    return EXIT_OK


def _add_cohort_commands(commands: Subparsers) -> None:
    cohort = commands.add_parser("cohort", help="segment every customer of a file (CSV, TSV, Excel, Parquet, JSON)")
    cohort.add_argument("input", metavar="INPUT", help="the cohort file, or - for standard input")
    cohort.add_argument("--customers", metavar="FILE", default=None,
                        help="customer attributes in a second file, or - for standard input (when INPUT is a file)")
    cohort.add_argument("--map", metavar="canonical=column", type=_mapping, action="append", default=[],
                        help="use this file column for a canonical field (repeatable), e.g. customer_id=Kod")
    cohort.add_argument("--customers-map", metavar="canonical=column", type=_mapping, action="append", default=[],
                        help="the same for the customers file (repeatable), e.g. customer_id=Kunde; by default the "
                             "--map entries naming one of its columns")
    cohort.add_argument("--as-of", type=_cohort_day, default=None, metavar="YYYY-MM-DD",
                        help=f"the day to analyse for{_ISO_FORMS} (default: today in UTC)")
    cohort.add_argument("--out", type=Path, default=None, metavar="results.csv|.parquet|-",
                        help="where the results go, in the format its suffix names; - for standard output "
                             "(default: standard output)")
    cohort.add_argument("--format", choices=("csv", "parquet"), type=str.lower, default=None,
                        help="the results' format (default: --out's suffix, else CSV); needed for an --out whose "
                             "name does not end in .csv or .parquet")
    cohort.add_argument("--sheet", default=None, metavar="NAME|INDEX",
                        help="the Excel sheet to read: its name, or its place counting from 0 (a sheet named like "
                             "the number wins; default: the first visible one)")
    cohort.add_argument("--customers-sheet", default=None, metavar="NAME|INDEX",
                        help="the same for the customers file (default: its first visible sheet)")
    cohort.add_argument("--date-order", choices=("DMY", "MDY"), type=str.upper, default=None,
                        help="read dates like 03/04/2025 day first (DMY) or month first (MDY), in both files "
                             "(default: decided from the data; ISO dates are always year first)")
    cohort.add_argument("--report", type=Path, default=None, metavar="report.json", help="write the ingest report")
    cohort.add_argument("--rejected", type=Path, default=None, metavar="rejected.csv",
                        help="write the rejected rows, each with its reason")
    cohort.set_defaults(handler=_cmd_cohort)

    generate = commands.add_parser("generate", help="write realistic order-line exports (seeded)")
    generate.add_argument("--customers", type=int, required=True, metavar="N",
                          help="how many customers (about 10 order lines each)")
    generate.add_argument("--out", type=Path, required=True, metavar="DIR",
                          help="the directory for order_lines.csv and customers.csv (created when missing)")
    generate.add_argument("--seed", type=at_least(0), default=0, metavar="S",
                          help="the random seed: the same seed writes the same files (default 0)")
    generate.add_argument("--as-of", type=_export_day, default=date(2026, 2, 12), metavar="YYYY-MM-DD",
                          help=f"the export day{_ISO_FORMS}: no purchase is later (default 2026-02-12, so files are "
                               "stable)")
    generate.set_defaults(handler=_cmd_generate)


def build_parser() -> tuple[argparse.ArgumentParser, Subparsers]:
    """The parser with the rule engine's subcommands; callers may add more to the returned subparsers."""
    parser = argparse.ArgumentParser(prog="segment", description="Customer segmentation from the command line.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    analyze = commands.add_parser("analyze", help="analyse one request (the seed's customerData JSON)")
    analyze.add_argument("request", metavar="REQUEST.json", help="request file, or - for standard input")
    analyze.add_argument("--as-of", type=_iso_day, default=None, metavar="YYYY-MM-DD",
                         help=f"the day to analyse for{_ISO_FORMS} (default: the request's asOf, else today in UTC)")
    analyze.set_defaults(handler=_cmd_analyze)
    _add_cohort_commands(commands)
    return parser, commands


def main(argv: Sequence[str] | None = None, extend: Callable[[Subparsers], None] | None = None) -> int:
    """Run the command line; returns the exit code (2 for invalid input)."""
    parser, commands = build_parser()
    if extend is not None:
        extend(commands)
    args = parser.parse_args(argv)
    handler: Callable[[argparse.Namespace], int] = args.handler
    # Stopped by `timeout`, `kill` or a closed terminal: ended like Ctrl-C, so that half-written files are removed.
    for stop in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(stop, _interrupted)
    try:
        return handler(args)
    except InvalidInput as error:
        _say(error)
        return EXIT_INVALID
    except BrokenPipeError:
        # The reader went away (`segment cohort x.csv | head`): nothing more to say, and nothing to flush.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except KeyboardInterrupt:  # Ctrl-C, or SIGTERM/SIGHUP (`_interrupted`): the files were cleaned up on the way
        _say("interrupted (no output file is left half-written)")
        return 130


def _interrupted(number: int, _frame: object) -> None:
    raise KeyboardInterrupt(f"signal {number}")


if __name__ == "__main__":
    raise SystemExit(main())
