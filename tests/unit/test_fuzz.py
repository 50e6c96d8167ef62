"""The fuzz step: the command smoke runs, and the counts read from schemathesis' report."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from stackwise import fuzz


def test_command_runs_this_module_with_the_current_interpreter() -> None:
    assert fuzz.command("http://127.0.0.1:8000") == [
        sys.executable,
        "-m",
        "stackwise.fuzz",
        "http://127.0.0.1:8000",
    ]


def test_schemathesis_command_is_bounded_and_checks_what_the_contract_asks() -> None:
    command = fuzz.schemathesis_command("http://h:1/", Path("r.json"), max_examples=7)
    assert command[command.index("run") + 1] == "http://h:1/openapi.json"
    assert command[command.index("--max-examples") + 1] == "7"
    checks = set(command[command.index("--checks") + 1].split(","))
    wanted = {"not_a_server_error", "status_code_conformance", "response_schema_conformance"}
    assert wanted <= checks
    assert "--max-time" not in command  # it would fuzz until the budget is spent


def test_summary_counts_cases_failures_and_errors(tmp_path: Path) -> None:
    report = tmp_path / "report.json"
    report.write_text(
        json.dumps(
            {
                "test_cases": {"generated": 412},
                "failures": [{"code": "ST103", "count": 2}, {"code": "ST100", "count": 1}],
                "errors": [],
            }
        )
    )
    summary = fuzz.summarise(report)
    assert (summary.cases, summary.failures, summary.errors) == (412, 3, 0)
    assert not summary.ok
    assert str(summary) == "412 cases generated, 3 failures, 0 errors"
