"""Where bot.learning and bench/triage_cv.py import triage scoring from: it lives in bot.core.triage.evaluation."""

from bot.core.triage.evaluation import Labels as Labels
from bot.core.triage.evaluation import evaluate as evaluate
from bot.core.triage.evaluation import format_report as format_report
from bot.core.triage.evaluation import read_labels as read_labels
