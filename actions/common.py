"""Helpers shared by the actions: turning use-case steps into dispatcher messages and slot events."""

from __future__ import annotations

from datetime import date
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.domain.complaint import CITIZEN_FIELDS
from bot.domain.dates import format_date_fr
from bot.services.intake import FIELD_LABELS, Say, Step
from bot.services.procedure import other_ways_lines

# Slots of one intake, reset when an intake ends, is cancelled or restarted.
INTAKE_SLOTS = (
    *CITIZEN_FIELDS, "exclusion_check", "complaint_confirm", "facts_date_precision", "intake_id", "decision",
    "suggested_reason_code", "pending_exclusion", "exclusion_answers", "precision_asked", "field_failures",
    "refusal", "initiative_needed", "vague_description", "uploaded_attachments", "last_invalid",
    "facts_date_detail", "represented_person", "represented_name", "pending_letter", "declined_fields", "missing_required",
    "doubtful_fields", "volunteered", "correction_asked",
    "intake_end", "organisation_named",
)
FORM_FIELDS = frozenset(FIELD_LABELS) | {"consent", "prior_contact", "initiative_taken", "exclusion_check",
                                          "complaint_confirm", "represented_person", "represented_name"}


def say(dispatcher: CollectingDispatcher, messages: list[Say]) -> None:
    for m in messages:
        if m.response:
            dispatcher.utter_message(response=m.response, **m.kwargs)
        elif m.text:
            dispatcher.utter_message(text=m.text)


def emit(dispatcher: CollectingDispatcher, step: Step, current: dict[str, Any] | None = None) -> list[EventType]:
    """The step's messages, and a SlotSet for each slot it sets, except those already holding that
    value in `current` (the tracker's slots): every event is stored and replayed at every turn."""
    say(dispatcher, step.say)
    current = current or {}
    return [SlotSet(k, v) for k, v in step.slots.items() if k not in current or current[k] != v]


def reset_intake(tracker: Tracker | None = None) -> list[EventType]:
    """SlotSet(None) for the intake's slots (only those set, when the tracker is given: every event
    stays in the tracker and is replayed at each prediction)."""
    return [SlotSet(s, None) for s in INTAKE_SLOTS if tracker is None or tracker.get_slot(s) is not None]


def channel_of(tracker: Tracker) -> str:
    meta = tracker.latest_message.get("metadata") or {}
    return str(meta.get("channel") or tracker.get_slot("channel") or "rest")


def yes_no_buttons(yes: str = "Oui", no: str = "Non") -> list[dict[str, Any]]:
    return [{"title": yes, "payload": "oui"}, {"title": no, "payload": "non"}]


def fr_date(iso: str | None) -> str:
    """An ISO date (or datetime) of a service answer as a French date: "31 décembre 2026"."""
    return format_date_fr(date.fromisoformat(str(iso)[:10])) if iso else ""


def say_handover(dispatcher: CollectingDispatcher, slots: dict[str, Any], policy: Any) -> None:
    """Staff were notified: say honestly how they will reach the citizen, or that they cannot yet."""
    ways = [w for w, key in (("e-mail", "email"), ("téléphone", "phone")) if slots.get(key)]
    if ways:
        dispatcher.utter_message(response="utter_human_handover", contact_way=" ou ".join(ways))
    else:
        dispatcher.utter_message(response="utter_human_handover_no_contact", other_ways=other_ways_lines(policy))
