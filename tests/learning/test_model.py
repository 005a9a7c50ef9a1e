"""The learned triage model: reproducible training, a faithful artefact, clear errors, and sane opinions."""

from __future__ import annotations

import gzip
import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest

from bot.core.models import Author, Category, Mention, ReferencedTweet
from bot.learning import artefact
from bot.learning.examples import Example, read_examples
from bot.learning.model import SklearnTriageModel, load_model
from bot.learning.training import train
from tests.conftest import REPO

TRAIN = REPO / "data" / "mentions" / "train"


def _mention(text: str, reply: bool = False) -> Mention:
    return Mention(
        id="1",
        text=text,
        author=Author(id="9", username="pat"),
        created_at=datetime(2026, 11, 29, 12, tzinfo=UTC),
        referenced=(ReferencedTweet(type="replied_to", id="2"),) if reply else (),
        lang="en",
    )


@pytest.fixture(scope="module")
def subset() -> list[Example]:
    """Every fourth training example: enough to train in seconds, varied enough to exercise every class."""
    return read_examples(TRAIN)[::4]


@pytest.fixture(scope="module")
def small_artefact(subset: list[Example], tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("model") / "small.json.gz"
    artefact.write(train(subset, folds=3, repeats=1), path)
    return path


def test_training_twice_gives_the_same_bytes(subset: list[Example], small_artefact: Path, tmp_path: Path) -> None:
    again = tmp_path / "again.json.gz"
    artefact.write(train(subset, folds=3, repeats=1), again)
    assert hashlib.sha256(again.read_bytes()).digest() == hashlib.sha256(small_artefact.read_bytes()).digest()


def test_artefact_records_its_data_band_and_figures(subset: list[Example], small_artefact: Path) -> None:
    body = artefact.read(small_artefact)
    assert body["training"]["examples"] == len(subset)
    assert len(body["training"]["sha256"]) == 64
    assert set(body["libraries"]) == {"python", "scikit-learn", "numpy", "scipy"}
    assert 0 < body["band"]["lower"] <= body["band"]["upper"] <= 1
    assert body["cross_validation"]["figures"]["band_recall"]["mean"] >= 0.9


def test_opinions_survive_a_save_and_load(subset: list[Example], small_artefact: Path, tmp_path: Path) -> None:
    model = load_model(small_artefact)
    copy = tmp_path / "copy.json.gz"
    artefact.write(model.body, copy)
    mentions = [m for m, _ in subset[:20]]
    assert load_model(copy).opinions(mentions) == model.opinions(mentions)
    assert copy.read_bytes() == small_artefact.read_bytes()


def test_a_missing_artefact_names_the_command_that_builds_it(tmp_path: Path) -> None:
    with pytest.raises(artefact.ModelArtefactError, match="not found: run `commsdesk model train`"):
        load_model(tmp_path / "absent.json.gz")


@pytest.mark.parametrize("damage", [b"not gzip at all", gzip.compress(b'{"sha256": "0", "body": ')])
def test_an_unreadable_artefact_names_the_command(tmp_path: Path, damage: bytes) -> None:
    path = tmp_path / "broken.json.gz"
    path.write_bytes(damage)
    with pytest.raises(artefact.ModelArtefactError, match="unreadable .*commsdesk model train"):
        load_model(path)


def _rewrite(source: Path, target: Path, change: str) -> None:
    document = json.loads(gzip.decompress(source.read_bytes()))
    if change == "tamper":
        document["body"]["band"]["lower"] = 0.99
    else:
        document["body"]["feature_version"] = "ngram-v0"
        document["sha256"] = hashlib.sha256(
            json.dumps(document["body"], ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
        ).hexdigest()
    target.write_bytes(gzip.compress(json.dumps(document).encode()))


def test_a_tampered_artefact_fails_its_hash(small_artefact: Path, tmp_path: Path) -> None:
    path = tmp_path / "tampered.json.gz"
    _rewrite(small_artefact, path, "tamper")
    with pytest.raises(artefact.ModelArtefactError, match="corrupt .*commsdesk model train"):
        load_model(path)


def test_an_artefact_for_other_features_is_refused(small_artefact: Path, tmp_path: Path) -> None:
    path = tmp_path / "old.json.gz"
    _rewrite(small_artefact, path, "version")
    with pytest.raises(artefact.ModelArtefactError, match="features 'ngram-v0'.*commsdesk model train"):
        load_model(path)


HOSTILE = [
    "",
    " ",
    "\u0000\u202e\ufeff" * 50,
    "<!channel> <@U123> <https://evil.example|click>",
    "@" * 25_000,
    "a" * 25_000,
    ("help " * 5_000)[:25_000],
    "🚨" * 25_000,
    "x\u0301" * 12_500,
]


def test_hostile_and_long_texts_get_an_opinion(small_artefact: Path) -> None:
    model = load_model(small_artefact)
    opinions = model.opinions([_mention(text) for text in HOSTILE])
    assert len(opinions) == len(HOSTILE)
    for opinion in opinions:
        assert sum(opinion.categories.values()) == pytest.approx(1.0)
        assert 0.0 <= opinion.urgency <= 1.0
        assert len(opinion.neighbours) == 3


def test_no_mentions_no_opinions(small_artefact: Path) -> None:
    assert load_model(small_artefact).opinions([]) == []


@pytest.fixture(scope="module")
def packaged() -> SklearnTriageModel:
    return load_model()


def test_the_packaged_model_was_trained_on_every_training_folder(packaged: SklearnTriageModel) -> None:
    from bot.learning.examples import digest, training_folders

    examples = [example for folder in training_folders(TRAIN.parent) for example in read_examples(folder)]
    assert packaged.training_sha256 == digest(examples)
    assert packaged.band.lower < 0.5 <= packaged.band.upper
    assert {"en", "pl", "cy", "ur"} <= packaged.languages


@pytest.mark.parametrize(
    ("text", "category", "urgent"),
    [
        (
            "@MidshirePolice there's a man with a knife chasing someone down the high street right now, help",
            "emergency",
            True,
        ),
        ("@MPNorthtown my shed was broken into overnight and the mower's gone. Crime ref?", "crime_report", False),
        ("@MidshirePolice what time does the front counter at Northtown station open on Saturdays?", "question", False),
        ("@MidshirePolice huge thanks to the officers who found my dad last night, you're all stars", "praise", False),
        ("@MidshirePolice useless clowns the lot of you", "abuse", False),
    ],
)
def test_obvious_mentions_get_sane_opinions(
    packaged: SklearnTriageModel, text: str, category: str, urgent: bool
) -> None:
    opinion = packaged.opinions([_mention(text)])[0]
    assert opinion.category == Category(category)
    assert (opinion.urgency >= packaged.band.lower) is urgent
    assert opinion.neighbours[0].similarity >= opinion.neighbours[-1].similarity


def test_nb_weights_folded_into_the_model_give_the_scaled_features_probabilities(subset: list[Example]) -> None:
    from scipy import sparse
    from sklearn.linear_model import LogisticRegression

    from bot.learning.features import FeatureSpace, Recipe
    from bot.learning.pipeline import MAX_ITER, fit, log_count_ratio, targets

    recipe = Recipe()
    mentions = [m for m, _ in subset]
    _, urgent = targets(subset)
    features = FeatureSpace.fit(mentions, recipe).transform(mentions)
    ratio = log_count_ratio(features, urgent, recipe.nb_alpha)
    scaled = sparse.csr_matrix(features.multiply(ratio))
    plain = LogisticRegression(C=recipe.nb_c, max_iter=MAX_ITER, random_state=1, class_weight="balanced")
    expected = plain.fit(scaled, urgent).predict_proba(scaled)[:, 1]
    nb = next(m for m in fit(subset, recipe, seed=1).members if m.kind == "nb")
    folded = nb.urgency.predict_proba(features)[:, 1]
    assert folded == pytest.approx(expected, abs=1e-9)
    assert set(np.unique(features.data)) == {1.0}


def test_tfidf_rows_derived_from_counts_are_scikit_learns(subset: list[Example]) -> None:
    from scipy import sparse
    from sklearn.feature_extraction.text import TfidfVectorizer

    from bot.learning.features import FeatureSpace, Recipe, normalise

    recipe = Recipe()
    mentions = [m for m, _ in subset]
    space = FeatureSpace.fit(mentions, recipe)
    texts = [normalise(m.text) for m in mentions]
    expected = sparse.hstack(
        [
            TfidfVectorizer(
                analyzer=analyzer,
                ngram_range=ngrams,
                min_df=recipe.min_df,
                lowercase=False,
                token_pattern=pattern,
                sublinear_tf=True,
            ).fit_transform(texts)
            for analyzer, ngrams, pattern in (
                ("char_wb", recipe.char_range, None),
                ("word", recipe.word_range, r"(?u)\b\w+\b"),
            )
        ],
        format="csr",
    )
    derived = space.tfidf(space.count(mentions))
    assert derived.shape == expected.shape
    assert abs(derived - expected).max() < 1e-12
