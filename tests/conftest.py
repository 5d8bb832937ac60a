"""Shared fixtures: where ../shared lives, and the bundled model loaded once."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED = REPO_ROOT.parent / "shared"
SEEDS = SHARED / "seeds"
POLNEAR_DEV = SHARED / "data" / "polnear" / "dev"


def need_shared(path: Path) -> Path:
    """Skip (with the reason) where the shared data is absent, e.g. on a user's clone."""
    if not path.exists():
        pytest.skip(f"../shared not found: {path} is absent (data is kept outside the repo)")
    return path


def seed_gold_records() -> list:  # type: ignore[type-arg]
    """The seeds' hand-made gold records (skips where ../shared is absent)."""
    import json

    from sourcetrace.model import Document

    need_shared(SEEDS)
    return [Document.from_dict(json.loads(p.read_text(encoding="utf-8"))) for p in sorted(SEEDS.glob("[0-9]*.gold.json"))]


@pytest.fixture(scope="session")
def nlp():  # type: ignore[no-untyped-def]
    from sourcetrace.nlp import load_model

    return load_model()


@pytest.fixture(scope="session")
def analyze_text():  # type: ignore[no-untyped-def]
    """Run the whole per-document pipeline on a string."""
    from sourcetrace.model import Document
    from sourcetrace.pipeline import analyze

    def run(text: str, doc_id: str = "t"):  # type: ignore[no-untyped-def]
        return analyze(Document(doc_id=doc_id, text=text))

    return run
