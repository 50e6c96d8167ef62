"""Every flowchart path gives the same answers through plain Copier and the CLI."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import copier
import pytest
import yaml
from typer.testing import CliRunner

from stackwise.cli import app
from stackwise.questionnaire import FLOWCHART, Questionnaire
from tests.unit.test_questionnaire import DATABASE_PATHS, LANGUAGE_PATHS, QUEUE_PATHS

PATHS = (
    [flow for flow, *_ in LANGUAGE_PATHS]
    + [flow for flow, _ in DATABASE_PATHS]
    + [flow for flow, _ in QUEUE_PATHS]
)
STACK_KEYS = ("language", "framework", "database", "orm", "queue")


@pytest.fixture(scope="module")
def everything_template(tmp_path_factory: pytest.TempPathFactory, root: Path) -> Path:
    """copier.yml as it is, but with every variant implemented, no refusing rule, and
    trees that hold only the answers file.

    Plain Copier refuses stacks that are not implemented yet, so to compare what
    the flowchart recommends on every path, this copy offers them all.
    """
    q = Questionnaire.load()
    dest = tmp_path_factory.mktemp("everything")
    spec = yaml.safe_load((root / "copier.yml").read_text())
    catalog = spec["catalog"]["default"]
    catalog["unsupported"] = []
    for lang in catalog["languages"].values():
        variants = [lang, *lang["frameworks"].values(), *lang["orms"].values()]
        variants += [*lang["queues"].values(), *([lang["socketio"]] if "socketio" in lang else [])]
        for variant in variants:
            variant["status"] = "implemented"
    (dest / "copier.yml").write_text(yaml.safe_dump(spec, sort_keys=False))
    for language in q.catalog["languages"]:
        shutil.copytree(
            root / "template" / "python",
            dest / "template" / language,
            ignore=lambda d, names: [n for n in names if "answers_file" not in n],
        )
    return dest


@pytest.mark.parametrize("flow", PATHS, ids=lambda f: json.dumps(f, sort_keys=True))
def test_copier_and_cli_agree(
    flow: dict[str, bool], everything_template: Path, tmp_path: Path
) -> None:
    copier.run_copy(
        str(everything_template),
        str(tmp_path / "svc"),
        defaults=True,
        data=dict(flow),
        quiet=True,
        unsafe=False,
    )
    by_copier = yaml.safe_load((tmp_path / "svc" / ".copier-answers.yml").read_text())
    flags = [
        f"--{k.replace('_', '-')}" if v else f"--no-{k.replace('_', '-')}" for k, v in flow.items()
    ]
    result = CliRunner().invoke(app, ["recommend", "--json", *flags])
    assert result.exit_code == 0, result.output
    by_cli = json.loads(result.output)["stack"]
    assert {k: by_copier[k] for k in STACK_KEYS} == {k: by_cli[k] for k in STACK_KEYS}
    for key in FLOWCHART:
        if key in by_copier:
            assert by_copier[key] == flow.get(key, by_copier[key])
