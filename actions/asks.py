"""Questions whose text comes from the preset (privacy notice, prior contact, exclusions, summary)."""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import yes_no_buttons
from actions.wiring import services
from bot.services.intake import Intake


class AskConsent(Action):
    def name(self) -> str:
        return "action_ask_consent"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        policy = services().policy
        dispatcher.utter_message(response="utter_ask_consent", privacy_notice=policy.privacy_notice,
                                 buttons=yes_no_buttons("J'accepte", "Je refuse"))
        return []


class AskPriorContact(Action):
    def name(self) -> str:
        return "action_ask_prior_contact"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        question = services().policy.prior_contact.question
        if question:
            dispatcher.utter_message(text=question, buttons=yes_no_buttons())
        else:
            dispatcher.utter_message(response="utter_ask_prior_contact", buttons=yes_no_buttons())
        return []


class AskExclusionCheck(Action):
    def name(self) -> str:
        return "action_ask_exclusion_check"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        pending = tracker.get_slot("pending_exclusion") or {}
        question = pending.get("question")
        if question:
            dispatcher.utter_message(text=question, buttons=yes_no_buttons())
        else:
            dispatcher.utter_message(response="utter_ask_exclusion_check", buttons=yes_no_buttons())
        return []


class AskComplaintConfirm(Action):
    def name(self) -> str:
        return "action_ask_complaint_confirm"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        svc = services()
        intake = Intake(svc.policy, svc.now())
        if tracker.get_slot("correction_asked"):  # "Corriger un élément": which one, without the summary again
            buttons = [{"title": label, "payload": f"Corriger : {label}"}
                       for _, label in intake.correctable_fields(dict(tracker.slots))]
            dispatcher.utter_message(response="utter_correct_which",
                                     buttons=[*buttons, {"title": "Rien, tout est correct",
                                                         "payload": "oui, c'est correct"}])
            return []
        summary = intake.summary(dict(tracker.slots))
        dispatcher.utter_message(response="utter_ask_complaint_confirm", summary=summary,
                                 buttons=[{"title": "Oui, c'est correct", "payload": "oui, c'est correct"},
                                          {"title": "Corriger un élément", "payload": "je veux corriger"}])
        return []
