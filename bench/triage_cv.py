"""Compare triage model candidates by repeated stratified k-fold CV on the training set, then test the chosen one.

Run from the repo root: `.venv/bin/python -m bench.triage_cv` (the embedding candidates need the `[research]`
extra: `pip install -e ".[research]"`; without it they are skipped). The dev set is only scored at the end,
with the committed artefact: it is a test set, and nothing here is chosen by it.
"""

from __future__ import annotations

import hashlib
import os
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
from scipy import sparse
from sklearn.linear_model import LogisticRegression

from bench.dev_set import dev_labels, dev_mentions
from bot.core.models import Mention
from bot.core.triage_eval import Labels, evaluate, format_report
from bot.learning.crossval import REPLY, FitPredict, out_of_fold, summarise
from bot.learning.examples import Example, read_examples
from bot.learning.features import FeatureSpace, Recipe
from bot.learning.model import load_model
from bot.learning.pipeline import CATEGORIES, MAX_ITER, targets
from bot.learning.training import FOLDS, REPEATS, SEED, ngram_fit_predict

REPO = Path(__file__).resolve().parents[1]
COLUMNS = (
    ("category_accuracy", "cat acc"),
    ("macro_f1", "macro-F1"),
    ("needs_reply_f1", "reply F1"),
    ("urgent_recall", "urg rec@.5"),
    ("urgent_precision", "urg prec@.5"),
    ("band_recall", "rec band"),
    ("band_precision", "prec band"),
    ("cards_per_1000", "cards/1k"),
    ("false_cards_per_1000_not_urgent", "false/1k non-urg"),
)


def wordllama_embed() -> Callable[[Sequence[Mention]], np.ndarray] | None:
    """Return a WordLlama embedder loaded from the installed wheel only (no network), or None if absent."""
    os.environ["HF_HUB_OFFLINE"] = "1"
    try:
        import wordllama
        from wordllama import WordLlama
    except ImportError:
        return None
    folder = Path(wordllama.__file__).parent
    weights = folder / "weights" / "l2_supercat_256.safetensors"
    print(f"wordllama {weights.name} sha256 {hashlib.sha256(weights.read_bytes()).hexdigest()}")
    model = WordLlama.load(cache_dir=folder, disable_download=True)

    def embed(mentions: Sequence[Mention]) -> np.ndarray:
        return np.asarray(model.embed([m.text for m in mentions], norm=True), dtype=np.float64)

    return embed


def dense_fit_predict(features: Callable[[Sequence[Example], Sequence[Mention]], tuple[object, object]]) -> FitPredict:
    """Return a CV trainer: both classifiers (C=10, balanced urgency) over the given feature builder."""

    def fit_predict(train: Sequence[Example], test: Sequence[Mention]) -> tuple[np.ndarray, np.ndarray]:
        x_train, x_test = features(train, test)
        categories, urgent = targets(train)
        category = LogisticRegression(C=10.0, max_iter=MAX_ITER).fit(x_train, categories)
        urgency = LogisticRegression(C=10.0, max_iter=MAX_ITER, class_weight="balanced").fit(x_train, urgent)
        probs = np.zeros((len(test), len(CATEGORIES)))
        probs[:, category.classes_] = category.predict_proba(x_test)
        return probs, urgency.predict_proba(x_test)[:, 1]

    return fit_predict


def candidates() -> dict[str, FitPredict]:
    """Return every model compared in docs/triage.md, by name."""
    found: dict[str, FitPredict] = {
        "reference: char2-5+word, min_df 1, unweighted": ngram_fit_predict(
            Recipe(min_df=1, urgency_balanced=False, joint=False), SEED
        ),
        "ngram min_df 2, unweighted urgency": ngram_fit_predict(Recipe(urgency_balanced=False, joint=False), SEED),
        "ngram min_df 2, balanced urgency": ngram_fit_predict(Recipe(joint=False), SEED),
        "ngram min_df 2, balanced, C=30": ngram_fit_predict(Recipe(category_c=30.0, urgency_c=30.0, joint=False), SEED),
        "ngram char1-5, balanced": ngram_fit_predict(Recipe(char_range=(1, 5), joint=False), SEED),
        "ngram min_df 2, balanced + joint (chosen)": ngram_fit_predict(Recipe(), SEED),
    }
    embed = wordllama_embed()
    if embed is None:
        print("wordllama not installed: embedding candidates skipped (pip install -e '.[research]')")
        return found
    cache: dict[str, np.ndarray] = {}

    def vectors(mentions: Sequence[Mention]) -> np.ndarray:
        missing = [m for m in mentions if m.id not in cache]
        if missing:
            cache.update(zip([m.id for m in missing], embed(missing), strict=True))
        return np.stack([cache[m.id] for m in mentions])

    def embedding(train: Sequence[Example], test: Sequence[Mention]) -> tuple[object, object]:
        return vectors([m for m, _ in train]), vectors(test)

    def combined(train: Sequence[Example], test: Sequence[Mention]) -> tuple[object, object]:
        space = FeatureSpace.fit([m for m, _ in train], Recipe())
        x_train = sparse.hstack([space.transform([m for m, _ in train]), vectors([m for m, _ in train])], format="csr")
        return x_train, sparse.hstack([space.transform(test), vectors(test)], format="csr")

    found["wordllama 256-d embedding"] = dense_fit_predict(embedding)
    found["ngram + wordllama"] = dense_fit_predict(combined)
    return found


def cross_validation_table(examples: list[Example], only_chosen: bool) -> None:
    print(f"\n{FOLDS}-fold stratified CV x {REPEATS} repeats on {len(examples)} training mentions (mean ± sd)")
    print(f"{'candidate':<48}" + "".join(f"{label:>17}" for _, label in COLUMNS) + f"{'time':>8}")
    for name, fit_predict in candidates().items():
        if only_chosen and "chosen" not in name:
            continue
        started = time.perf_counter()
        runs = out_of_fold(examples, fit_predict, FOLDS, REPEATS, SEED)
        summary = summarise(runs, examples)
        cells = "".join(f"{summary[key]['mean']:>10.3f} ±{summary[key]['sd']:>5.3f}" for key, _ in COLUMNS)
        print(f"{name:<48}{cells}{time.perf_counter() - started:>7.0f}s", flush=True)
        if "chosen" in name:
            chosen = runs[0]
    gold = {m.id: labels for m, labels in examples}
    predicted = {
        m.id: Labels(CATEGORIES[int(row.argmax())].value, False, False, "")
        for (m, _), row in zip(examples, chosen.categories, strict=True)
    }
    print("\nchosen model, out-of-fold categories (first repeat):")
    report = format_report(evaluate(gold, predicted)).splitlines()[2:]
    print("\n".join(line for line in report if not line.startswith(("urgent", "needs_reply", "route"))))


def dev_report() -> None:
    """Score the committed artefact on the dev set: a test set, X mentions only."""
    model = load_model()
    mentions, gold = dev_mentions(), dev_labels()
    predicted = {}
    for mention, opinion in zip(mentions, model.opinions(mentions), strict=True):
        urgent = opinion.urgency >= model.band.lower
        needs_reply = bool(REPLY[CATEGORIES.index(opinion.category)]) or urgent
        predicted[mention.id] = Labels(opinion.category.value, urgent, needs_reply, gold[mention.id].route)
    sure = sum(o.urgency >= model.band.upper for o in model.opinions(mentions))
    print(
        f"\ndev set (test; model alone, no rules; band {model.band.lower}..{model.band.upper}; urgent counts the band)"
    )
    report = format_report(evaluate(gold, predicted))
    print("\n".join(line for line in report.splitlines() if not line.startswith("route accuracy")))
    print(f"above the band (sure urgent): {sure}   route: left to the rules, not scored here")


def main() -> None:
    examples = read_examples(REPO / "data" / "mentions" / "train")
    if "--dev-only" not in sys.argv:
        cross_validation_table(examples, only_chosen="--chosen" in sys.argv)
    dev_report()


if __name__ == "__main__":
    main()
