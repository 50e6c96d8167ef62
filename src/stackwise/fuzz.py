"""The smoke run's API fuzzing step: schemathesis against the service's own /openapi.json.

It fails on a server error, a status the document does not list, a response whose
Content-Type, headers or body break the document, invalid data accepted or valid data
refused, a deleted item still served, and a 405 whose Allow header is wrong. Bounded by
examples per operation and by a wall-clock limit (schemathesis's own --max-time keeps
fuzzing until the budget is spent, so it is not used).

    python -m stackwise.fuzz http://127.0.0.1:8000 --report /tmp/fuzz.json
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer

MAX_EXAMPLES = 50
"""Generated cases per operation and phase."""
TIME_LIMIT_SECONDS = 240
CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
    "negative_data_rejection",
    "positive_data_acceptance",
    "use_after_free",
    "ensure_resource_availability",
    "unsupported_method",
    "allow_header_conformance",
)


@dataclass(frozen=True)
class Summary:
    cases: int
    failures: int
    errors: int

    @property
    def ok(self) -> bool:
        return self.failures == 0 and self.errors == 0

    def __str__(self) -> str:
        return f"{self.cases} cases generated, {self.failures} failures, {self.errors} errors"


def command(base_url: str, report: Path | None = None) -> list[str]:
    """The smoke step: this module run by the current interpreter."""
    args = [sys.executable, "-m", "stackwise.fuzz", base_url]
    return [*args, "--report", str(report)] if report else args


def schemathesis_command(base_url: str, report: Path, max_examples: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "schemathesis.cli",
        "run",
        f"{base_url.rstrip('/')}/openapi.json",
        "--checks",
        ",".join(CHECKS),
        "--max-examples",
        str(max_examples),
        "--workers",
        "1",  # the smoke machines are small, and one worker keeps the pool check honest
        "--request-timeout",
        "10",
        "--wait-for-schema",
        "15",
        "--no-color",
        "--report",
        "json",
        "--report-json-path",
        str(report),
    ]


def summarise(report: Path) -> Summary:
    """Counts from schemathesis's JSON run report."""
    data = json.loads(report.read_text())
    return Summary(
        cases=int(data["test_cases"]["generated"]),
        failures=sum(int(f["count"]) for f in data["failures"]),
        errors=sum(int(e["count"]) for e in data["errors"]),
    )


def fuzz(base_url: str, report: Path, *, max_examples: int = MAX_EXAMPLES) -> tuple[Summary, str]:
    """Run schemathesis; return the counts and its console output."""
    report = report.resolve()
    report.unlink(missing_ok=True)
    try:
        with tempfile.TemporaryDirectory(prefix="stackwise-fuzz-") as scratch:
            proc = subprocess.run(
                schemathesis_command(base_url, report, max_examples),
                cwd=scratch,  # schemathesis keeps a cache in .schemathesis/ there
                capture_output=True,
                text=True,
                timeout=TIME_LIMIT_SECONDS,
                check=False,
            )
    except subprocess.TimeoutExpired as error:
        output = error.stdout if isinstance(error.stdout, str) else ""
        return Summary(0, 0, 1), f"{output}\nschemathesis ran over {TIME_LIMIT_SECONDS} s"
    output = proc.stdout + proc.stderr
    if not report.exists():  # the document could not be loaded, or a bad option
        return Summary(0, 0, 1), output
    summary = summarise(report)
    if proc.returncode != 0 and summary.ok:  # a failure the report does not count
        summary = Summary(summary.cases, summary.failures, 1)
    return summary, output


def main(
    base_url: Annotated[
        str, typer.Argument(help="The running service, e.g. http://127.0.0.1:8000")
    ],
    report: Annotated[
        Path | None, typer.Option(help="Where to keep schemathesis's JSON report")
    ] = None,
    max_examples: Annotated[int, typer.Option(help="Cases per operation and phase")] = MAX_EXAMPLES,
) -> None:
    with tempfile.TemporaryDirectory(prefix="stackwise-fuzz-") as scratch:
        summary, output = fuzz(
            base_url, report or Path(scratch) / "report.json", max_examples=max_examples
        )
    if not summary.ok:
        print(output)
    print(f"fuzz: {summary}")
    raise typer.Exit(0 if summary.ok else 1)


if __name__ == "__main__":
    typer.run(main)
