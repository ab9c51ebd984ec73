"""The layer order of docs/ARCHITECTURE.md holds: import-linter's contracts in pyproject.toml pass on the
code, and the same contracts fail on a copy of the code with one upward import added."""

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("config", "demo", "hub", "ehc", "tenants", "core")
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(where: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT_IMPORTS), str(ROOT / "pyproject.toml"), "--no-cache", "--no-logo"],
        cwd=where,
        env={"PYTHONPATH": str(where), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_apps_import_only_downward_and_views_only_from_urls():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 2 kept, 0 broken." in result.stdout


def copy_of_the_code(tmp_path: Path) -> Path:
    for package in PACKAGES:
        shutil.copytree(
            ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("templates*", "static", "*.pyc")
        )
    return tmp_path


def test_an_upward_import_breaks_the_layers(tmp_path):
    code = copy_of_the_code(tmp_path)
    roles = code / "core" / "roles.py"
    roles.write_text(roles.read_text() + "\nfrom ehc.workflow import Stage  # an upward import\n")
    result = lint_imports(code)
    assert result.returncode == 1
    assert "Contracts: 1 kept, 1 broken." in result.stdout
    assert "core.roles -> ehc.workflow" in result.stdout


def test_a_views_module_imported_from_elsewhere_breaks_the_views_contract(tmp_path):
    code = copy_of_the_code(tmp_path)
    workflow = code / "ehc" / "workflow.py"
    workflow.write_text(
        workflow.read_text() + "\nimport ehc.cases.views  # a view imported outside the URLs\n"
    )
    result = lint_imports(code)
    assert result.returncode == 1
    assert "ehc.workflow -> ehc.cases.views" in result.stdout
