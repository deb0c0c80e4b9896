"""The complaint form: validation of each answer and the choice of the next question."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict

from actions.common import FORM_FIELDS, channel_of, emit, say_handover
from actions.conversation import answered_in_other_language
from actions.wiring import services
from bot.domain.interrupts import detect_interrupt
from bot.domain.letter import asks_about_earlier_complaint, says_not_a_complaint
from bot.services import notifications
from bot.services.attachments import FILE_ONLY_TEXT
from bot.services.intake import Ending, Intake


class ValidateComplaintForm(FormValidationAction):
    def name(self) -> str:
        return "validate_complaint_form"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        svc = services()
        intake = Intake(svc.policy, svc.now())
        state: dict[str, Any] = dict(tracker.slots)
        new_files = (tracker.latest_message.get("metadata") or {}).get("attachments") or []
        events = _take_files(dispatcher, tracker, state, new_files)
        to_validate = tracker.slots_to_validate()
        interrupted = _interrupted(dispatcher, tracker, intake, state, to_validate) if to_validate else None
        if interrupted is not None:
            return interrupted
        history = [str(e.get("text") or "") for e in tracker.events if e.get("event") == "user"][:-1]
        activating = _opened_this_turn(tracker)
        for slot, value in to_validate.items():
            if slot not in FORM_FIELDS or activating:
                continue  # set by action_start_intake from the citizen's letter, already read by the domain
            file_only = new_files and (str(value or "").strip() in ("", FILE_ONLY_TEXT))
            if new_files and (slot == "attachments" or file_only):
                # files arrived: keep asking ("terminé" ends the documents question); the
                # placeholder text of a file without caption answers no question
                state[slot] = None
                events.append(SlotSet(slot, None))
                continue
            step = intake.answer(slot, value, state, history=history)
            events += emit(dispatcher, step, current=state)  # before the step: only what it changes
            state.update(step.slots)
        events.append(SlotSet("requested_slot", intake.next_slot(state)))
        return events


def _take_files(dispatcher: CollectingDispatcher, tracker: Tracker, state: dict[str, Any],
                new_files: list[dict[str, Any]]) -> list[EventType]:
    """Documents sent with this message: added to the uploaded ones (once each) and acknowledged."""
    if not new_files:
        return []
    uploaded = list(state.get("uploaded_attachments") or [])
    known = {a.get("id") for a in uploaded}
    uploaded += [a for a in new_files if a.get("id") not in known]
    state["uploaded_attachments"] = uploaded
    names = ", ".join(a.get("filename", "document") for a in new_files)
    asking_files = tracker.get_slot("requested_slot") == "attachments"
    dispatcher.utter_message(response="utter_attachment_received" if asking_files
                             else "utter_attachment_kept_for_later", filenames=names)
    return [SlotSet("uploaded_attachments", uploaded)]


def _interrupted(dispatcher: CollectingDispatcher, tracker: Tracker, intake: Intake, state: dict[str, Any],
                 to_validate: dict[str, Any]) -> list[EventType] | None:
    """An answer that is not an answer: another language, "annuler", "recommencer", "parler à
    quelqu'un". Returns the events that replace validating it, or None."""
    unanswered = [*(SlotSet(k, None) for k in to_validate),
                  SlotSet("requested_slot", intake.next_slot({**state, **{k: None for k in to_validate}}))]
    if answered_in_other_language(dispatcher, tracker, min_words=4):
        return unanswered
    said = tracker.latest_message.get("text") or ""
    interrupt = detect_interrupt(said)
    if interrupt in ("cancel", "start_over"):
        ending = Ending.CANCELLED if interrupt == "cancel" else Ending.START_OVER
        return [SlotSet("intake_end", ending.value), SlotSet("requested_slot", None)]
    status = asks_about_earlier_complaint(said)
    if status or says_not_a_complaint(said):  # not a new complaint after all
        ending = Ending.STATUS_QUESTION if status else Ending.NOT_A_COMPLAINT
        return [SlotSet("intake_end", ending.value), SlotSet("requested_slot", None)]
    if interrupt == "pause":  # "je dois partir, je reviens ce soir": nothing taken from it, nothing lost
        dispatcher.utter_message(text=PAUSE_TEXT)
        return unanswered
    if interrupt == "bot_question":  # "je parle à un robot là ?": said plainly, then the same question
        dispatcher.utter_message(response="utter_bot_challenge")
        return unanswered
    if interrupt == "request_human":
        svc = services()
        notifications.request_handover(svc.registry, svc.policy, conversation=tracker.sender_id,
                                       channel=channel_of(tracker), staff_email=svc.settings.staff_notify_email,
                                       now=svc.now())
        say_handover(dispatcher, dict(tracker.slots), svc.policy)
        return unanswered
    return None


PAUSE_TEXT = ("Pas de souci : je garde ce que vous m'avez déjà dit. Revenez quand vous voulez dans les 24 heures "
              "et répondez simplement à la dernière question ; au-delà, rien n'est conservé.")

_OPENERS = ("action_start_intake", "action_triage", "action_other_message", "action_default_fallback")


def _opened_this_turn(tracker: Tracker) -> bool:
    """The form is being opened by one of our actions since the citizen's last message: the slots it
    set came from the domain's reading of the letter and are not answers to validate again."""
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            return False
        if event.get("event") == "action" and event.get("name") in _OPENERS:
            return True
    return False
