"""Starting, filing, cancelling and restarting an intake."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import channel_of, emit, fr_date, reset_intake
from actions.wiring import services
from bot.domain.admissibility import decision_notice_for
from bot.domain.dates import format_date_fr
from bot.domain.policy import Policy
from bot.services import filing
from bot.services.intake import Ending, Intake
from bot.services.procedure import in_person_text, other_ways_lines


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


def forget(dispatcher: CollectingDispatcher) -> None:
    """Ask the web service to erase this conversation from the engine's store once answered
    ("annuler" really forgets: bot.channels.relay, bot.services.privacy.forget_conversation)."""
    dispatcher.utter_message(json_message={"forget_conversation": True})


class ActionStartIntake(Action):
    def name(self) -> str:
        return "action_start_intake"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        from actions.conversation import (
            answered_about_procedure,
            answered_in_other_language,
            contact_left_for_a_person,
            not_a_new_complaint,
        )

        if answered_in_other_language(dispatcher, tracker):
            return [FollowupAction("action_listen")]  # the form does not start in a language it cannot follow
        if contact_left_for_a_person(dispatcher, tracker):
            return [FollowupAction("action_listen")]  # the number left for a person is not a new complaint
        svc = services()
        intake = Intake(svc.policy, svc.now())
        if answered_about_procedure(dispatcher, tracker, intake):
            return [FollowupAction("action_listen")]  # a question about filing is answered before anything is asked
        told = not_a_new_complaint(dispatcher, tracker)  # a status question, or only a question after all
        if told is not None:
            return told
        return start_events(dispatcher, tracker, intake)


@dataclass
class _Ending:
    """What the submit step needs to end an intake one way or another."""

    dispatcher: CollectingDispatcher
    tracker: Tracker
    intake: Intake
    state: dict[str, Any]

    @property
    def policy(self) -> Policy:
        return self.intake.policy

    @property
    def key(self) -> str:
        return f"{self.tracker.sender_id}:{self.state.get('intake_id')}"


def _cancelled(e: _Ending) -> list[EventType]:
    e.dispatcher.utter_message(response="utter_cancelled")
    forget(e.dispatcher)
    return reset_intake(e.tracker)


def _start_over(e: _Ending) -> list[EventType]:
    e.dispatcher.utter_message(response="utter_restarted")
    return [*reset_intake(e.tracker), SlotSet("intake_id", uuid.uuid4().hex), FollowupAction("complaint_form")]


def _other_organisation(e: _Ending) -> list[EventType]:
    if e.state.get("organisation_named"):
        e.dispatcher.utter_message(response="utter_other_organisation", other=e.state["organisation_named"],
                                   other_ways=other_ways_lines(e.policy))
    else:  # "ça n'a rien à voir avec vous": no other body named
        e.dispatcher.utter_message(text=(
            "D'accord. Je ne peux enregistrer ici que les réclamations qui nous concernent : pour le reste, "
            "adressez-vous à la personne ou à l'organisation concernée. Rien n'a été enregistré."))
    return reset_intake(e.tracker)


def _no_consent(e: _Ending) -> list[EventType]:
    e.dispatcher.utter_message(response="utter_consent_refused", other_ways=other_ways_lines(e.policy))
    forget(e.dispatcher)
    return reset_intake(e.tracker)


def _status_question(e: _Ending) -> list[EventType]:
    """Not a new complaint: the one already sent is looked up (the status form asks its reference)."""
    e.dispatcher.utter_message(response="utter_not_a_new_complaint")
    return [*reset_intake(e.tracker), FollowupAction("status_form")]


def _not_a_complaint(e: _Ending) -> list[EventType]:
    """Only a question after all: the preset's answer to an information request; nothing is kept."""
    from actions.conversation import triage_reply

    triage_reply(e.dispatcher, "information_request")
    forget(e.dispatcher)
    return reset_intake(e.tracker)


def _refused(e: _Ending) -> list[EventType]:
    """A refusal under the preset's own rules: recorded (with the identity, when given), the reason
    and the route said."""
    refusal = e.state["refusal"]
    filing.record_refusal(services().registry, e.policy, e.intake.filing_data(e.state), refusal["reason_code"],
                          refusal.get("route"), channel=channel_of(e.tracker), intake_key=e.key, now=e.intake.now)
    parts = [refusal.get("explanation"), refusal.get("route")]
    e.dispatcher.utter_message(text="\n\n".join(p for p in parts if p))
    e.dispatcher.utter_message(response="utter_after_refusal")
    return reset_intake(e.tracker)


def _filed(e: _Ending) -> list[EventType]:
    """Filed in the registry: the reference, the deadlines (or, for the plan, how to come in person),
    the preset's notices."""
    result = filing.file_complaint(services().registry, e.policy, e.intake.filing_data(e.state),
                                   channel=channel_of(e.tracker), intake_key=e.key, now=e.intake.now)
    reference = result["reference"]
    if result["status"] == "prepared":  # how to come in person, then what happens once it is registered there
        in_person = "\n\n".join(t for t in (in_person_text(e.policy), " ".join(e.policy.after_filing.split())) if t)
        e.dispatcher.utter_message(response="utter_prepared", reference=reference, in_person=in_person)
    else:
        common = {"reference": reference, "received_on": format_date_fr(e.intake.today),
                  "after_filing": e.policy.after_filing, "answer_due": fr_date(result.get("answer_due"))}
        if result.get("ack_due"):
            e.dispatcher.utter_message(response="utter_filed", ack_due=fr_date(result["ack_due"]), **common)
        else:
            e.dispatcher.utter_message(response="utter_filed_ack_asap", **common)
    notice = decision_notice_for(e.intake.complaint_from(e.state), e.policy)
    if notice:
        e.dispatcher.utter_message(text=notice)
    if e.state.get("suggested_reason_code") or result.get("suggested_reason_code"):
        e.dispatcher.utter_message(response="utter_flagged_for_staff")
    if e.state.get("email") or e.state.get("phone"):
        e.dispatcher.utter_message(response="utter_keep_reference")
    else:  # the lookup here asks the e-mail or phone given at filing: no promise it cannot keep
        e.dispatcher.utter_message(text=KEEP_REFERENCE_WITHOUT_CONTACT)
    return reset_intake(e.tracker) + [SlotSet("reference", reference)]


# the status lookup asks the e-mail or phone given at filing: without either, the reference is for the service
KEEP_REFERENCE_WITHOUT_CONTACT = ("Gardez bien cette référence. Comme vous n'avez donné ni e-mail ni téléphone, "
                                  "elle ne permet pas de suivre votre réclamation dans cette conversation : "
                                  "rappelez-la quand vous nous contactez.")


_ENDINGS: dict[str, Callable[[_Ending], list[EventType]]] = {
    Ending.CANCELLED: _cancelled,
    Ending.START_OVER: _start_over,
    Ending.OTHER_ORGANISATION: _other_organisation,
    Ending.NO_CONSENT: _no_consent,
    Ending.STATUS_QUESTION: _status_question,
    Ending.NOT_A_COMPLAINT: _not_a_complaint,
    "refused": _refused,
    "filed": _filed,
}


class ActionSubmitComplaint(Action):
    """The end of the form: one of the endings above, chosen by the slots the form left."""

    def name(self) -> str:
        return "action_submit_complaint"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        svc = services()
        state = dict(tracker.slots)
        ending = state.get("intake_end") or ("refused" if state.get("refusal") else "filed")
        return _ENDINGS[ending](_Ending(dispatcher, tracker, Intake(svc.policy, svc.now()), state))


class ActionCancelComplaint(Action):
    def name(self) -> str:
        return "action_cancel_complaint"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        if not tracker.active_loop_name and not tracker.get_slot("intake_id"):
            dispatcher.utter_message(response="utter_nothing_to_cancel")
            return []
        dispatcher.utter_message(response="utter_cancelled")
        forget(dispatcher)
        return [ActiveLoop(None), SlotSet("requested_slot", None), *reset_intake(tracker)]


class ActionRestartIntake(Action):
    def name(self) -> str:
        return "action_restart_intake"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        dispatcher.utter_message(response="utter_restarted")
        dispatcher.utter_message(response="utter_how_can_i_help")
        return reset_intake(tracker) + [SlotSet("requested_slot", None)]

