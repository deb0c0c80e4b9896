"""Rasa SDK actions: read slots, call bot.services, return events. No business rule lives here."""

from actions.asks import AskComplaintConfirm, AskConsent, AskExclusionCheck, AskPriorContact
from actions.conversation import (
    ActionDefaultFallback,
    ActionRequestHuman,
    ActionSessionStart,
    ActionStatusLookup,
    ActionTriage,
    ValidateStatusForm,
)
from actions.form import ValidateComplaintForm
from actions.intake import (
    ActionCancelComplaint,
    ActionRestartIntake,
    ActionStartIntake,
    ActionSubmitComplaint,
)

__all__ = [
    "AskComplaintConfirm", "AskConsent", "AskExclusionCheck", "AskPriorContact", "ActionDefaultFallback",
    "ActionRequestHuman", "ActionSessionStart", "ActionStatusLookup", "ActionTriage", "ValidateStatusForm",
    "ValidateComplaintForm", "ActionCancelComplaint", "ActionRestartIntake", "ActionStartIntake",
    "ActionSubmitComplaint",
]
