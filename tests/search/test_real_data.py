"""French queries on the real défi data find what a person expects."""

import pytest

from app.defis.seed import seed_defis
from app.search import services
from tests.factories import make_member


@pytest.fixture
def viewer(app):
    seed_defis()
    return make_member(password=None)


def titles(viewer, text: str, kind: str = "defi") -> list[str]:
    page = services.search(viewer, text, kind=kind, per_page=50)
    return [hit.title for hit in page.hits]


def test_accents_are_folded(viewer):
    assert "Réfugiés.info" in titles(viewer, "refugies")
    assert "Réfugiés.info" in titles(viewer, "REFUGIÉS")
    assert "PrédiSauvetage" in titles(viewer, "predisauvetage")


def test_french_stems_match(viewer):
    assert titles(viewer, "orgue")[0] == "MCC - Inventaire des orgues"
    found = titles(viewer, "pseudonymiser")
    assert {"Open Justice", "DataJust"} <= set(found)


def test_elision_is_ignored(viewer):
    assert "Vers l'école pour tous" in titles(viewer, "l'école")
    assert "Vers l'école pour tous" in titles(viewer, "ecole")


def test_a_typo_is_forgiven(viewer):
    assert "Open Justice" in titles(viewer, "pseudonimisation")
    assert "MCC - Inventaire des orgues" in titles(viewer, "inventaire des orgeus")


def test_the_word_being_typed_is_completed(viewer):
    assert "MCC - Inventaire des orgues" in titles(viewer, "inventai")
    suggestions = [hit.title for hit in services.suggest(viewer, "Open Jus")]
    assert "Open Justice" in suggestions


def test_title_matches_rank_first(viewer):
    assert titles(viewer, "justice")[0] in {"Open Justice", "DataJust"}
