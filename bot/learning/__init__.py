"""The learned triage model: features, training, cross-validation and the committed artefact (docs/triage.md).

An adapter in the architecture's sense: it wraps scikit-learn and numpy and hands the core a `TriageModel`, and
py3langid to name the language of comments that arrive without one (language.py).
"""
