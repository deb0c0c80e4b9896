"""French labels of the registry's codes (statuses, channels, outcomes, reasons), shared by
the e-mails, the exports and the staff dashboard: one place for the words staff and citizens read."""

from __future__ import annotations

STATUS_LABELS = {
    "prepared": "préparée (à confirmer au guichet)",
    "received": "reçue",
    "acknowledged": "accusé de réception envoyé",
    "in_progress": "en traitement",
    "answered": "répondue",
    "closed": "clôturée",
    "inadmissible": "irrecevable",
    "withdrawn": "retirée",
}

# the same statuses as the complainant reads them (status lookup in the chat)
CITIZEN_STATUS_LABELS = {
    "prepared": "préparée, en attente de votre passage au bureau",
    "received": "reçue, en attente d'accusé de réception",
    "acknowledged": "reçue et accusée de réception",
    "in_progress": "en cours de traitement",
    "answered": "une réponse vous a été envoyée",
    "closed": "clôturée",
    "inadmissible": "déclarée non recevable",
    "withdrawn": "retirée à votre demande",
}

CHANNEL_LABELS = {
    "telegram": "Telegram",
    "whatsapp": "WhatsApp",
    "webchat": "assistant en ligne",
    "rest": "API",
    "email": "e-mail",
    "post": "courrier",
    "counter": "guichet",
    "phone": "téléphone",
}

OUTCOME_LABELS = {
    "upheld": "fondée",
    "partially_upheld": "partiellement fondée",
    "rejected": "non fondée",
}

REASON_LABELS = {
    "admissible": "recevable",
    "anonymous": "plainte anonyme",
    "grouped": "plaintes groupées",
    "discriminatory": "motifs discriminatoires",
    "too_vague": "formulation trop vague",
    "unrelated": "sans lien avec l'organisation",
    "suggestion": "suggestion",
    "too_old": "faits trop anciens",
    "duplicate": "même objet qu'une réclamation déjà traitée",
    "co_contractor": "cocontractant (convention propre)",
    "appeal_procedure": "procédure de recours spécifique",
    "judicial_dispute": "litige administratif ou judiciaire",
    "other_service": "autre service compétent",
    "information_request": "demande d'information",
    "service_request": "demande de prestation",
    "advice_request": "demande de conseil",
    "status_question": "question sur un dossier",
}

# in the chat's summary, said to the complainant
CITIZEN_ACTING_FOR_LABELS = {"self": "vous-même", "organisation": "une organisation", "group": "un groupe de personnes"}
ACTING_FOR_LABELS = {"self": "en son nom", "organisation": "pour une organisation", "group": "pour un groupe"}

ACTION_LABELS = {
    "filed": "déposée",
    "registered": "enregistrée par le personnel",
    "refused": "refusée",
    "status": "changement de statut",
    "update": "modification",
    "progress_update": "message de suivi",
    "assigned": "attribution",
    "internal_note": "note interne",
    "email_queued": "e-mail préparé",
    "staff_notified": "personnel prévenu",
    "deadline_notice": "rappel d'échéance",
    "attachments_linked": "pièces jointes liées",
    "anonymised": "anonymisation",
    "legal_hold": "conservation légale",
    "access_request": "demande d'accès",
    "erasure_request": "demande d'effacement",
}


def label(mapping: dict[str, str], code: str | None) -> str:
    """The label of `code`, the code itself when unknown, "—" when empty."""
    if not code:
        return "—"
    return mapping.get(code, code)
