"""Session start, triage of what is not a complaint, status lookup, human handover, fallback."""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, EventType, FollowupAction, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict

from actions.common import channel_of, fr_date, say_handover
from actions.wiring import services
from bot.domain.admissibility import describe_route
from bot.domain.interrupts import detect_interrupt
from bot.domain.language import foreign_language_reply, is_foreign
from bot.domain.letter import (
    asks_about_earlier_complaint,
    insults_the_organisation,
    reads_as_complaint,
    says_not_a_complaint,
)
from bot.domain.policy import of_organisation
from bot.domain.validation import FieldError, find_email, is_none_answer, validate_phone
from bot.services import filing, notifications, status
from bot.services.intake import Intake
from bot.services.labels import CITIZEN_STATUS_LABELS, label
from bot.services.procedure import other_ways_lines, procedure_answer

TRIAGE_BY_INTENT = {
    "ask_information": "information_request",
    "request_service": "service_request",
    "request_advice": "advice_request",
    "make_suggestion": "suggestion",
}
_NO_REFERENCE = re.compile(r"(?i)\b(?:pas|plus|aucune?|perdu|sais pas|connais pas)\b[^.?!]{0,20}\br[ée]f(?:[ée]rence)?\b|"
                           r"\bje (?:ne )?(?:l['’]ai|la connais|la retrouve|sais) (?:pas|plus)\b")
REFERENCE_RE = re.compile(r"\b([A-Z]{2,5})\s*-\s*(\d{4})\s*-\s*(\d{1,8})\b", re.I)


class ActionSessionStart(Action):
    def name(self) -> str:
        return "action_session_start"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        policy = services().policy
        events: list[EventType] = [SessionStarted()]
        events += [SlotSet("organisation_name", policy.organisation.name), SlotSet("policy_id", policy.id),
                   SlotSet("organisation_of", of_organisation(policy.organisation.name)),
                   SlotSet("reference_example", f"{policy.reference_prefix}-{services().now().year}-000123"),
                   SlotSet("channel", channel_of(tracker))]
        if tracker.get_slot("intake_id"):
            # within the session (24 h) the intake goes on; past it, say plainly that it expired
            dispatcher.utter_message(response="utter_session_expired")
        events.append(ActionExecuted("action_listen"))
        return events


def answered_in_other_language(dispatcher: CollectingDispatcher, tracker: Tracker, min_words: int = 3) -> bool:
    """A message clearly in another language gets, in that language, the organisation's contacts."""
    lang = is_foreign(tracker.latest_message.get("text"), min_words=min_words)
    if lang is None:
        return False
    policy = services().policy
    c = policy.other_ways_to_file
    contacts = {"email": c.email, "phone": c.phone, "postal_address": c.postal_address,
                "online_form": c.online_form, "website": c.website}
    dispatcher.utter_message(text=foreign_language_reply(lang, policy.organisation.name, contacts))
    return True


def letter_starts_intake(dispatcher: CollectingDispatcher, tracker: Tracker, intake: Intake) -> list[EventType] | None:
    """A message that reads as a whole complaint starts the intake, whatever its intent."""
    from actions.intake import start_events

    text = tracker.latest_message.get("text") or ""
    if not (reads_as_complaint(text, intake.read(text)) or insults_the_organisation(text)):
        return None
    return [*start_events(dispatcher, tracker, intake), FollowupAction("complaint_form")]


def say_no_reference(dispatcher: CollectingDispatcher) -> None:
    """Without the reference nothing can be looked up here: where it is, and how else to ask."""
    dispatcher.utter_message(text=(
        "Sans la référence, je ne peux pas retrouver votre réclamation ici : elle figure dans l'accusé de "
        "réception. Si vous ne l'avez pas encore reçu, ou pour toute question, vous pouvez interroger "
        "directement le service :\n" + other_ways_lines(services().policy)))


def not_a_new_complaint(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType] | None:
    """"J'ai envoyé une plainte par courrier, l'avez-vous reçue ?" goes to the status lookup; "c'est
    pas une plainte, je cherche juste une info" gets the preset's answer to information requests.
    None: neither, whatever the classifier said."""
    said = tracker.latest_message.get("text") or ""
    if asks_about_earlier_complaint(said):
        if _NO_REFERENCE.search(said) and not REFERENCE_RE.search(said):  # "… je n'ai pas de référence"
            say_no_reference(dispatcher)
            return [FollowupAction("action_listen")]
        dispatcher.utter_message(response="utter_not_a_new_complaint")
        return [FollowupAction("status_form")]
    if says_not_a_complaint(said):
        triage_reply(dispatcher, "information_request")
        return [FollowupAction("action_listen")]
    return None


def before_triage(dispatcher: CollectingDispatcher, tracker: Tracker, *, letters: bool = True) -> list[EventType] | None:
    """What any message outside the form gets first, whatever its intent: an answer in its own
    language, the intake when it reads as a whole complaint, or the procedure's answer to a question
    about it. None: handle the intent."""
    if answered_in_other_language(dispatcher, tracker):
        return []
    if contact_left_for_a_person(dispatcher, tracker):
        return []
    told = not_a_new_complaint(dispatcher, tracker)
    if told is not None:
        return told
    svc = services()
    intake = Intake(svc.policy, svc.now())  # reads the message once for both checks
    started = letter_starts_intake(dispatcher, tracker, intake) if letters else None
    if started is not None:
        return started
    return [] if answered_about_procedure(dispatcher, tracker, intake) else None


def contact_left_for_a_person(dispatcher: CollectingDispatcher, tracker: Tracker) -> bool:
    """"06 55 44 33 22", "vous pouvez me rappeler au …" right after a hand-over without any contact:
    the number or e-mail is put on the request for staff, and said back."""
    last = next((e for e in reversed(tracker.events) if e.get("event") == "bot"), None)
    if not last or (last.get("metadata") or {}).get("utter_action") != "utter_human_handover_no_contact":
        return False
    svc = services()
    reading = Intake(svc.policy, svc.now()).read(tracker.latest_message.get("text") or "")
    contact = reading.fields.get("phone") or reading.fields.get("email")
    if not contact or len((tracker.latest_message.get("text") or "").split()) > 30:
        return False
    if not notifications.leave_handover_contact(svc.registry, conversation=tracker.sender_id, contact=str(contact)):
        return False
    dispatcher.utter_message(text=(
        f"Merci : j'ai ajouté {contact} à votre demande. Un membre du personnel vous recontactera dès que possible ; "
        "je ne peux pas vous promettre de délai. Si vous voulez aussi déposer une réclamation, dites-le moi."))
    return True


def answered_about_procedure(dispatcher: CollectingDispatcher, tracker: Tracker, intake: Intake) -> bool:
    """"Je peux porter plainte si j'habite en France ?", "combien de temps pour une réponse ?": the
    preset answers, and the citizen is offered to file."""
    asked_back = intake.procedure_question(tracker.latest_message.get("text") or "")
    if asked_back is None:
        return False
    dispatcher.utter_message(text=procedure_answer(intake.policy, asked_back))
    dispatcher.utter_message(response="utter_procedure_offer")
    return True


def keep_for_later(tracker: Tracker) -> list[EventType]:
    """Remember a long message answered by the menu: if the citizen then files, it is their account."""
    text = tracker.latest_message.get("text") or ""
    return [SlotSet("pending_letter", text)] if len(text.split()) >= 12 else []


# what an intent that is not a request says, when the message is not a whole complaint
PLAIN_ANSWERS = {
    "greet": "utter_greet", "out_of_scope": "utter_out_of_scope", "affirm": "utter_how_can_i_help",
    "deny": "utter_how_can_i_help", "correct_field": "utter_how_can_i_help", "goodbye": "utter_goodbye",
    "thank": "utter_thank",
}


class ActionOtherMessage(Action):
    """Greetings, yes/no, thanks, goodbyes and off-topic messages outside the form."""

    def name(self) -> str:
        return "action_other_message"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        first = before_triage(dispatcher, tracker)
        if first is not None:
            return first
        intent = str((tracker.latest_message.get("intent") or {}).get("name"))
        text = tracker.latest_message.get("text") or ""
        if intent == "goodbye" and not re.search(r"[^\W\d_]{2,}", text):
            # "😡😡😡", "?", "…": a prompt, never a goodbye
            dispatcher.utter_message(response="utter_how_can_i_help")
            return []
        if intent == "thank" and _FAREWELL.search(text):  # "merci, au revoir": a goodbye, not "puis-je encore…"
            intent = "goodbye"
        dispatcher.utter_message(response=PLAIN_ANSWERS.get(intent, "utter_how_can_i_help"))
        return keep_for_later(tracker) if intent == "out_of_scope" else []


_FAREWELL = re.compile(r"(?i)\b(?:au revoir|bonne (?:journ[ée]e|soir[ée]e|fin de journ[ée]e|nuit)|[àa] bient[ôo]t|bye|ciao"
                       r"|salut)\b")


def triage_reply(dispatcher: CollectingDispatcher, code: str) -> None:
    """Not a complaint (`code`: information request, service request…): the preset's answer, the
    offer to file all the same, and the count for the statistics."""
    svc = services()
    said = getattr(svc.policy.triage, code)
    if "mécontentement" in said:  # the preset's text already offers to file: only the button is added
        dispatcher.utter_message(text=said, buttons=[{"title": "Déposer une réclamation",
                                                      "payload": "Je veux déposer une réclamation"}])
    else:
        dispatcher.utter_message(text=said)
        dispatcher.utter_message(response="utter_not_a_complaint_offer")
    filing.count_triage(svc.registry, svc.policy.id, code, svc.now())


class ActionTriage(Action):
    def name(self) -> str:
        return "action_triage"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        svc = services()
        policy = svc.policy
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        first = before_triage(dispatcher, tracker, letters=intent != "data_protection")
        if first is not None:
            return first
        if intent == "data_protection":
            if policy.data_protection:
                dispatcher.utter_message(text=describe_route(policy.data_protection))
            else:
                dispatcher.utter_message(response="utter_data_protection_generic", privacy_notice=policy.privacy_notice)
            filing.count_triage(svc.registry, policy.id, "data_protection", svc.now())
            return []
        triage_reply(dispatcher, TRIAGE_BY_INTENT.get(str(intent), "information_request"))
        return keep_for_later(tracker)


class ActionStatusStart(Action):
    """A status question starts the lookup, unless it is a whole complaint with no reference in it
    ("… commandée le 15/10 est jamais arrivée, j'ai déjà appelé 2 fois, je veux la recevoir…")."""

    def name(self) -> str:
        return "action_status_start"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        said = tracker.latest_message.get("text") or ""
        if contact_left_for_a_person(dispatcher, tracker):
            return [FollowupAction("action_listen")]
        if not REFERENCE_RE.search(said):
            svc = services()
            intake = Intake(svc.policy, svc.now())
            started = letter_starts_intake(dispatcher, tracker, intake)
            if started is not None:
                return started
            asked = intake.procedure_question(said)  # "et quand est-ce que j'aurai la réponse ?" after a status
            if asked is not None:
                dispatcher.utter_message(text=procedure_answer(intake.policy, asked))
                return [FollowupAction("action_listen")]
        return []  # the rule goes on to the status form


def _status_lookup_stopped() -> list[EventType]:
    """The status lookup stops: nothing kept, the form ends."""
    return [SlotSet("status_reference", None), SlotSet("status_contact", None), SlotSet("requested_slot", None)]


class ValidateStatusForm(FormValidationAction):
    def name(self) -> str:
        return "validate_status_form"

    async def required_slots(self, domain_slots: list[str], dispatcher: CollectingDispatcher, tracker: Tracker,
                             domain: DomainDict) -> list[str]:
        return ["status_reference", "status_contact"]

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        said = tracker.latest_message.get("text") or ""
        to_validate = tracker.slots_to_validate()
        if "status_reference" in to_validate and (is_none_answer(said) or _NO_REFERENCE.search(said)):
            # "j'ai pas de référence": said where to find it and how else to ask, not "référence pas valide"
            say_no_reference(dispatcher)
            return _status_lookup_stopped()
        interrupt = detect_interrupt(said) if to_validate else None
        if interrupt in ("cancel", "request_human"):
            if interrupt == "request_human":  # the way out the assistant itself offers
                await ActionRequestHuman().run(dispatcher, tracker, domain)
            else:
                dispatcher.utter_message(response="utter_status_cancelled")
            return _status_lookup_stopped()
        if "status_reference" in to_validate and not re.search(r"\d", said):
            # "une facture", "je veux me plaindre de la facture": no reference can be in it; never a loop
            dispatcher.utter_message(text=(
                "Je ne vois pas de référence de réclamation dans votre message. Pour suivre une réclamation, "
                f"donnez sa référence (par exemple {services().policy.reference_prefix}-2026-000123) ; pour en "
                "déposer une, dites-le moi."), buttons=[{"title": "Déposer une réclamation",
                                                         "payload": "Je veux déposer une réclamation"}])
            return _status_lookup_stopped()
        return await super().run(dispatcher, tracker, domain)

    async def extract_status_reference(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                       domain: DomainDict) -> dict[str, Any]:
        if tracker.get_slot("status_reference"):
            return {}
        m = REFERENCE_RE.search(tracker.latest_message.get("text") or "")
        return {"status_reference": _norm_ref(m)} if m else {}

    def validate_status_reference(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                  domain: DomainDict) -> dict[str, Any]:
        m = REFERENCE_RE.search(str(value or ""))
        if not m:
            dispatcher.utter_message(response="utter_invalid_reference")
            return {"status_reference": None}
        return {"status_reference": _norm_ref(m)}

    async def extract_status_contact(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                     domain: DomainDict) -> dict[str, Any]:
        """"C'est NOT-2026-000001, mon mail claire.moreau@orange.fr": the contact given with the reference."""
        if tracker.get_slot("status_contact") or tracker.get_slot("requested_slot") == "status_contact":
            return {}
        said = tracker.latest_message.get("text") or ""
        if not REFERENCE_RE.search(said):
            return {}
        rest = REFERENCE_RE.sub(" ", said)
        email = find_email(rest)
        if email:
            return {"status_contact": email}
        try:
            return {"status_contact": validate_phone(rest, services().policy.country)}
        except FieldError:
            return {}

    def validate_status_contact(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                domain: DomainDict) -> dict[str, Any]:
        text = str(value or "").strip()
        return {"status_contact": text} if text else {"status_contact": None}


def _norm_ref(m: re.Match[str]) -> str:
    return f"{m.group(1).upper()}-{m.group(2)}-{int(m.group(3)):06d}"


class ActionStatusLookup(Action):
    def name(self) -> str:
        return "action_status_lookup"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        svc = services()
        ref, contact = tracker.get_slot("status_reference"), tracker.get_slot("status_contact")
        if not ref or not contact:
            return []  # the lookup was cancelled
        client = (tracker.latest_message.get("metadata") or {}).get("client")  # the widget's caller, hashed
        answer = status.lookup_status(svc.registry, ref, contact, key=tracker.sender_id, now=svc.now(),
                                      also=(f"address:{client}",) if client else ())
        reset = [SlotSet("status_reference", None), SlotSet("status_contact", None)]
        if answer.get("result") == "too_many_attempts":
            dispatcher.utter_message(response="utter_status_throttled", wait_minutes=answer.get("retry_after_minutes", 15))
            return reset
        if answer.get("result") != "found":
            dispatcher.utter_message(response="utter_status_not_found")
            return reset
        deadlines = []
        if answer.get("ack_due") and answer.get("status") in ("received",):
            deadlines.append(f" Accusé de réception au plus tard le {fr_date(answer['ack_due'])}.")
        if answer.get("answer_due") and answer.get("status") in ("received", "acknowledged", "in_progress"):
            deadlines.append(f" Réponse au plus tard le {fr_date(answer['answer_due'])}.")
        policy = services().policy
        rule = policy.exclusion(str(answer.get("decision"))) if answer.get("status") == "inadmissible" \
            and answer.get("policy") == policy.id else None
        if rule is not None and rule.explanation:  # why it was refused, in the preset's own words
            deadlines.append(f" Motif : {' '.join(rule.explanation.split())}")
        dispatcher.utter_message(response="utter_status", reference=answer["reference"],
                                 status_label=label(CITIZEN_STATUS_LABELS, answer["status"]),
                                 deadlines="".join(deadlines))
        if answer.get("mediator"):
            dispatcher.utter_message(text=answer["mediator"])
        return reset


class ActionRequestHuman(Action):
    def name(self) -> str:
        return "action_request_human"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        if contact_left_for_a_person(dispatcher, tracker):  # "vous pouvez me rappeler au 06 55 44 33 22 ?"
            return []
        svc = services()
        notifications.request_handover(svc.registry, svc.policy, conversation=tracker.sender_id,
                                       channel=channel_of(tracker), staff_email=svc.settings.staff_notify_email,
                                       now=svc.now())
        say_handover(dispatcher, dict(tracker.slots), svc.policy)
        return []


class ActionDefaultFallback(Action):
    """Two stages: first ask to rephrase, then offer a human."""

    def name(self) -> str:
        return "action_default_fallback"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        first = before_triage(dispatcher, tracker)
        if first is not None:
            return first if _goes_on(first) else [*first, LISTEN]
        previous = [e.get("name") for e in tracker.events if e.get("event") == "action"
                    and e.get("name") not in ("action_listen", None)]
        count = 2 if previous and previous[-1] == "action_default_fallback" else 1
        dispatcher.utter_message(response="utter_default" if count == 1 else "utter_default_human")
        # The fallback ends the turn: predicted because no rule fits the conversation's state (a
        # state a fault can leave), it would be predicted again after itself until Rasa's
        # circuit breaker, uttering each time.
        return [SlotSet("fallback_count", count), *keep_for_later(tracker), LISTEN]


LISTEN = FollowupAction("action_listen")


def _goes_on(events: list[EventType]) -> bool:
    """The events start something (the intake) that must run next."""
    return any(e.get("event") in ("followup", "active_loop") for e in events)
