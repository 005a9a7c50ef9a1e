"""Where bot.learning and bench/triage_cv.py still import the model's port from: it lives in bot.core.triage.model."""

from bot.core.triage.model import ModelOpinion as ModelOpinion
from bot.core.triage.model import Neighbour as Neighbour
from bot.core.triage.model import SafetyBand as SafetyBand
from bot.core.triage.model import TriageModel as TriageModel
from bot.core.triage.model import Urgency as Urgency
