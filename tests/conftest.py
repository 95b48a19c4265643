"""Shared paths for the tests. ../shared is present on every developer machine and in CI."""

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
SEEDS = FIXTURES / "seeds"
SHARED = Path(os.environ.get("NIANBAO_SHARED", ROOT.parent / "shared"))


@pytest.fixture
def seed_paths():
    return sorted(SEEDS.glob("*.txt"))
