"""Triage: decide what a mention is, how urgent and where it goes, from rules, lexicons and the model's opinion."""
