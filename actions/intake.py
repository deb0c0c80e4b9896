"""Starting, filing, cancelling and restarting an intake."""

from __future__ import annotations

import uuid

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import channel_of, emit, fr_date, reset_intake
from actions.wiring import services
from bot.domain.admissibility import decision_notice_for
from bot.domain.dates import format_date_fr
from bot.services import filing
from bot.services.intake import Intake, in_person_text, other_ways_lines


def start_events(dispatcher: CollectingDispatcher, tracker: Tracker, intake: Intake | None = None) -> list[EventType]:
    """Open an intake with what the citizen already wrote: this message, or the account they
    gave before choosing to file (a letter first answered by the triage menu is not lost).
    `intake`: the one that already read the message, if any."""
    if intake is None:
        svc = services()
        intake = Intake(svc.policy, svc.now())
    text = tracker.latest_message.get("text") or ""
    pending = tracker.get_slot("pending_letter")
    if pending and not Intake.is_account(text):
        text = pending
    step = intake.start(text, intake_id=uuid.uuid4().hex)
    return reset_intake(tracker) + emit(dispatcher, step)


class ActionStartIntake(Action):
    def name(self) -> str:
        return "action_start_intake"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        from actions.conversation import answered_in_other_language

        if answered_in_other_language(dispatcher, tracker):
            return [FollowupAction("action_listen")]  # the form does not start in a language it cannot follow
        return start_events(dispatcher, tracker)


class ActionSubmitComplaint(Action):
    def name(self) -> str:
        return "action_submit_complaint"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        svc = services()
        policy, now = svc.policy, svc.now()
        intake = Intake(policy, now)
        state = dict(tracker.slots)
        data = intake.filing_data(state)
        key = f"{tracker.sender_id}:{state.get('intake_id')}"
        refusal = state.get("refusal")
        if refusal and refusal.get("kind") == "cancelled":
            dispatcher.utter_message(response="utter_cancelled")
            return reset_intake(tracker)
        if refusal and refusal.get("kind") == "start_over":
            dispatcher.utter_message(response="utter_restarted")
            return [*reset_intake(tracker), SlotSet("intake_id", uuid.uuid4().hex), FollowupAction("complaint_form")]
        if refusal and refusal.get("kind") == "other_organisation":
            dispatcher.utter_message(response="utter_other_organisation", other=refusal.get("other") or "",
                                     other_ways=other_ways_lines(policy))
            return reset_intake(tracker)
        if refusal and refusal.get("kind") == "no_consent":
            dispatcher.utter_message(response="utter_consent_refused",
                                     other_ways=other_ways_lines(policy))
            return reset_intake(tracker)
        if refusal:
            filing.record_refusal(svc.registry, policy, data, refusal["reason_code"], refusal.get("route"),
                                  channel=channel_of(tracker), intake_key=key, now=now)
            parts = [refusal.get("explanation"), refusal.get("route")]
            dispatcher.utter_message(text="\n\n".join(p for p in parts if p))
            dispatcher.utter_message(response="utter_after_refusal")
            return reset_intake(tracker)
        result = filing.file_complaint(svc.registry, policy, data, channel=channel_of(tracker),
                                       intake_key=key, now=now)
        reference = result["reference"]
        if result["status"] == "prepared":
            dispatcher.utter_message(response="utter_prepared", reference=reference,
                                     in_person=in_person_text(policy))
        else:
            received = format_date_fr(intake.today)
            common = {"reference": reference, "received_on": received, "after_filing": policy.after_filing,
                      "answer_due": fr_date(result.get("answer_due"))}
            if result.get("ack_due"):
                dispatcher.utter_message(response="utter_filed", ack_due=fr_date(result["ack_due"]), **common)
            else:
                dispatcher.utter_message(response="utter_filed_ack_asap", **common)
        notice = decision_notice_for(intake.complaint_from(state), policy)
        if notice:
            dispatcher.utter_message(text=notice)
        if state.get("suggested_reason_code") or result.get("suggested_reason_code"):
            dispatcher.utter_message(response="utter_flagged_for_staff")
        dispatcher.utter_message(response="utter_keep_reference")
        return reset_intake(tracker) + [SlotSet("reference", reference)]


class ActionCancelComplaint(Action):
    def name(self) -> str:
        return "action_cancel_complaint"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        if not tracker.active_loop_name and not tracker.get_slot("intake_id"):
            dispatcher.utter_message(response="utter_nothing_to_cancel")
            return []
        dispatcher.utter_message(response="utter_cancelled")
        return [ActiveLoop(None), SlotSet("requested_slot", None), *reset_intake(tracker)]


class ActionRestartIntake(Action):
    def name(self) -> str:
        return "action_restart_intake"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        dispatcher.utter_message(response="utter_restarted")
        dispatcher.utter_message(response="utter_how_can_i_help")
        return reset_intake(tracker) + [SlotSet("requested_slot", None)]

