"""Deployments install from requirements.lock: every dependency pinned, hash-checked and past known advisories."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[1]
PIN = re.compile(r"^([A-Za-z0-9._-]+)==(\S+) \\$")
ADVISORY_FLOORS = {"gunicorn": "23.0", "requests": "2.32.4"}  # request smuggling; .netrc credential leak


def declared() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return [Requirement(r) for r in [*project["dependencies"], *project["optional-dependencies"]["dev"]]]


def locked() -> dict[str, tuple[Version, int]]:
    """Return each pinned package's version and how many hashes it carries."""
    pins: dict[str, tuple[Version, int]] = {}
    name = ""
    for line in (ROOT / "requirements.lock").read_text(encoding="utf-8").splitlines():
        if pin := PIN.match(line):
            name = canonicalize_name(pin.group(1))
            pins[name] = (Version(pin.group(2)), 0)
        elif line.strip().startswith("--hash=sha256:") and name:
            version, hashes = pins[name]
            pins[name] = (version, hashes + 1)
    return pins


def test_every_locked_package_carries_hashes() -> None:
    pins = locked()
    assert pins and all(hashes for _, hashes in pins.values())


@pytest.mark.parametrize("requirement", declared(), ids=str)
def test_every_declared_dependency_is_locked_within_its_range(requirement: Requirement) -> None:
    version, _ = locked()[canonicalize_name(requirement.name)]
    assert requirement.specifier.contains(version), "run `make lock` after changing pyproject.toml"


@pytest.mark.parametrize(("name", "floor"), ADVISORY_FLOORS.items())
def test_floors_are_past_known_advisories(name: str, floor: str) -> None:
    [requirement] = [r for r in declared() if canonicalize_name(r.name) == name]
    lower = [Version(s.version) for s in requirement.specifier if s.operator in (">=", "==", "~=")]
    assert lower and max(lower) >= Version(floor)
    assert locked()[name][0] >= Version(floor)
