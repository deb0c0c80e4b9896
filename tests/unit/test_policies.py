"""The five presets say what their seed says, no more and no less; the loader reports problems."""

from __future__ import annotations

import os
import re
import unicodedata
from pathlib import Path

import pytest

from bot.domain.complaint import REFUSAL_CODES, TRIAGE_CODES
from bot.domain.policy import DeadlineUnit, Policy
from bot.policies import (
    PolicyError,
    _durations,
    check_policy_file,
    list_policy_ids,
    load_policy,
    load_policy_file,
    policies_dir,
)

PRESETS = ("igretec", "solidaris-brabant", "spf-securite-sociale", "notice-reclamation", "plan-gestion")
SEED_NUMBER = {
    "igretec": "000", "solidaris-brabant": "001", "spf-securite-sociale": "002",
    "notice-reclamation": "003", "plan-gestion": "004",
}
# contract section 2 and seed-rules.md
EXPECTED = {
    # id: (prefix, country, tz, (ack amount, unit), (answer amount, unit))
    "igretec": ("IGR", "BE", "Europe/Brussels", (10, "jours_ouvrables"), (45, "jours_ouvrables")),
    "solidaris-brabant": ("SOL", "BE", "Europe/Brussels", (None, "asap"), (45, "calendar_days")),
    "spf-securite-sociale": ("SPF", "BE", "Europe/Brussels", (5, "jours_ouvrables"), (30, "calendar_days")),
    "notice-reclamation": ("NOT", "FR", "Europe/Paris", (14, "jours_ouvres"), (30, "jours_ouvres")),
    "plan-gestion": ("PLA", "FR", "Europe/Paris", (10, "calendar_days"), (2, "months")),
}
EXCLUSION_CODES = {
    "igretec": {"co_contractor", "anonymous", "grouped", "discriminatory", "too_vague", "unrelated",
                "suggestion", "too_old", "duplicate"},
    "solidaris-brabant": {"unrelated", "anonymous", "too_old"},
    "spf-securite-sociale": {"appeal_procedure", "judicial_dispute", "other_service"},
    "notice-reclamation": {"service_request", "information_request", "advice_request"},
    "plan-gestion": set(),
}
ASSISTANT_DECIDES = {"anonymous", "grouped", "too_old", "co_contractor", "appeal_procedure",
                     "judicial_dispute", "other_service"}
FIELD_ORDER = (
    "consent", "acting_for", "prior_contact", "last_name", "first_name", "address", "email", "phone",
    "file_reference", "facts_description", "facts_date", "facts_place", "persons_contacted", "attachments",
    "objective", "subject", "service_concerned", "other_parties", "persons_targeted",
)


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFC", text).replace("’", "'").replace("\u00a0", " ")
    return re.sub(r"\s+", " ", text).strip()


def _seeds_dir() -> Path | None:
    for candidate in (os.environ.get("COMPLAINT_SEEDS_DIR"), "/work/shared/seeds"):
        if candidate and Path(candidate).is_dir():
            return Path(candidate)
    return None


def seed_text(policy_id: str) -> str:
    folder = _seeds_dir()
    if folder is None:
        pytest.skip("seed texts not available (set COMPLAINT_SEEDS_DIR)")
    files = sorted(folder.glob(f"{SEED_NUMBER[policy_id]}_*.txt"))
    if not files:
        pytest.skip(f"seed {SEED_NUMBER[policy_id]} not found")
    return _norm(files[0].read_text(encoding="utf-8"))


@pytest.fixture(params=PRESETS)
def policy(request: pytest.FixtureRequest) -> Policy:
    return load_policy(request.param)


# ------------------------------------------------------------------------------ loading


def test_the_five_presets_are_shipped() -> None:
    assert set(PRESETS) <= set(list_policy_ids())
    assert policies_dir().name == "policies"


@pytest.mark.parametrize("policy_id", PRESETS)
def test_every_preset_loads_and_checks_clean(policy_id: str) -> None:
    p = load_policy(policy_id)
    assert p.id == policy_id
    errors, _warnings = check_policy_file(policies_dir() / f"{policy_id}.yml")
    assert errors == []
    assert load_policy(policy_id) is p  # cached


@pytest.mark.parametrize("policy_id", PRESETS)
def test_deadlines_prefix_country_per_contract(policy_id: str) -> None:
    p = load_policy(policy_id)
    prefix, country, tz, (ack_n, ack_unit), (ans_n, ans_unit) = EXPECTED[policy_id]
    assert (p.reference_prefix, p.country, p.timezone) == (prefix, country, tz)
    assert (p.acknowledgement.amount, p.acknowledgement.unit) == (ack_n, DeadlineUnit(ack_unit))
    assert (p.answer.amount, p.answer.unit) == (ans_n, DeadlineUnit(ans_unit))


def test_unknown_preset_is_an_error() -> None:
    with pytest.raises(PolicyError):
        load_policy("inconnu")
    with pytest.raises(PolicyError):
        load_policy("../etc/passwd")


# ------------------------------------------------------------------------------ fields


def test_ask_fields_follow_the_form_order(policy: Policy) -> None:
    positions = [FIELD_ORDER.index(f) for f in policy.ask_fields]
    assert positions == sorted(positions)
    assert policy.ask_fields[0] == "consent"
    assert set(policy.required_fields) <= set(policy.ask_fields)
    assert {"last_name", "first_name", "facts_description", "objective"} <= set(policy.required_fields)


def test_igretec_requires_the_full_identity() -> None:
    """« L'identité complète du réclamant (nom, prénom, domicile, adresse e-mail et téléphone) »"""
    p = load_policy("igretec")
    assert set(p.required_fields) == {"last_name", "first_name", "address", "email", "phone",
                                      "facts_description", "facts_date", "objective"}
    for f in ("file_reference", "facts_place", "persons_contacted", "attachments"):
        assert f in p.ask_fields and f not in p.required_fields


def test_spf_requires_name_phone_email_but_not_address() -> None:
    """« Veuillez mentionner systématiquement : Vos nom et prénom, Votre numéro de téléphone,
    Votre adresse e-mail »"""
    p = load_policy("spf-securite-sociale")
    assert set(p.required_fields) == {"last_name", "first_name", "phone", "email", "facts_description",
                                      "objective"}
    assert "address" in p.ask_fields and "address" not in p.required_fields


def test_only_solidaris_asks_about_prior_contact() -> None:
    for pid in PRESETS:
        p = load_policy(pid)
        assert p.prior_contact.ask is (pid == "solidaris-brabant")
        assert ("prior_contact" in p.ask_fields) is (pid == "solidaris-brabant")


def test_plan_gestion_asks_the_register_fields() -> None:
    """« le nom du client, ... l'objet de la réclamation, le contrat, produit ou service visé par la
    réclamation, les intervenants autres que le professionnel, les personnes visées »"""
    p = load_policy("plan-gestion")
    assert p.ask_fields[-4:] == ["subject", "service_concerned", "other_parties", "persons_targeted"]
    for pid in PRESETS[:-1]:
        assert "subject" not in load_policy(pid).ask_fields


# ------------------------------------------------------------------------------ exclusions


@pytest.mark.parametrize("policy_id", PRESETS)
def test_each_preset_has_exactly_its_own_exclusions(policy_id: str) -> None:
    p = load_policy(policy_id)
    assert {e.code for e in p.exclusions} == EXCLUSION_CODES[policy_id]


@pytest.mark.parametrize("code", ["grouped", "too_vague", "discriminatory", "duplicate", "co_contractor",
                                  "suggestion"])
def test_only_igretec_has(code: str) -> None:
    assert [pid for pid in PRESETS if load_policy(pid).excludes(code)] == ["igretec"]


def test_unrelated_only_where_the_seed_says_it() -> None:
    """IGRETEC: « Elle n'a aucun lien avec une décision rendue par IGRETEC... »; Solidaris: « une
    plainte qui ne concerne pas les services de Solidaris Brabant »."""
    assert [pid for pid in PRESETS if load_policy(pid).excludes("unrelated")] == ["igretec", "solidaris-brabant"]


@pytest.mark.parametrize("code", ["appeal_procedure", "judicial_dispute", "other_service"])
def test_only_spf_redirects(code: str) -> None:
    assert [pid for pid in PRESETS if load_policy(pid).excludes(code)] == ["spf-securite-sociale"]


def test_one_year_rules_only_igretec_and_solidaris_and_they_differ() -> None:
    igr, sol = load_policy("igretec"), load_policy("solidaris-brabant")
    assert igr.too_old is not None and igr.too_old.max_age_months == 12
    assert igr.too_old.unless_initiative_taken is False
    assert sol.too_old is not None and sol.too_old.max_age_months == 12
    assert sol.too_old.unless_initiative_taken is True and sol.too_old.initiative_question
    for pid in ("spf-securite-sociale", "notice-reclamation", "plan-gestion"):
        assert load_policy(pid).too_old is None
        assert not load_policy(pid).excludes("too_old")


@pytest.mark.parametrize("policy_id", PRESETS)
def test_no_prior_contact_refusal_anywhere(policy_id: str) -> None:
    assert not load_policy(policy_id).excludes("no_prior_contact")
    assert "no_prior_contact" not in (policies_dir() / f"{policy_id}.yml").read_text(encoding="utf-8")


def test_exclusions_are_well_formed(policy: Policy) -> None:
    for ex in policy.exclusions:
        assert ex.code in REFUSAL_CODES or ex.code in TRIAGE_CODES
        expected = "assistant" if ex.code in ASSISTANT_DECIDES else "staff"
        assert ex.decided_by == expected, ex.code
        assert ex.explanation.strip()
        assert all(c == c.lower() and c.strip() for c in ex.cues)
        if ex.decided_by == "assistant" and ex.cues:
            assert ex.question and ex.question.rstrip().endswith("?")
        if ex.decided_by == "staff":
            # the chat's "oui" to a question refuses: staff grounds are flagged on cues alone
            assert ex.question is None


def test_exclusion_seed_texts_quote_the_seed(policy: Policy) -> None:
    seed = seed_text(policy.id)
    for ex in policy.exclusions:
        assert _norm(ex.seed_text).rstrip(" .;") in seed, ex.code


def test_exclusion_routes() -> None:
    igr = load_policy("igretec").exclusion("co_contractor")
    assert igr is not None and igr.route is not None and igr.route.kind == "agreement"
    assert "convention" in (igr.route.description or "")
    spf = load_policy("spf-securite-sociale")
    kinds = {e.code: e.route.kind for e in spf.exclusions if e.route is not None}
    assert kinds == {"appeal_procedure": "appeal_procedure", "judicial_dispute": "dispute",
                     "other_service": "other_service"}
    dg = spf.exclusion("other_service")
    assert dg is not None and dg.route is not None
    assert "Personnes handicapées" in (dg.route.name or "")
    assert dg.route.contacts.model_dump(exclude={"other"}) == dict.fromkeys(
        ("email", "phone", "urgent_phone", "fax", "postal_address", "website", "online_form"))
    for ex in load_policy("igretec").exclusions:
        if ex.code != "co_contractor":
            assert ex.route is None  # the mediator


def test_cue_examples_of_the_brief() -> None:
    igr = load_policy("igretec").exclusion("co_contractor")
    assert igr is not None
    assert {"co-contractant", "cocontractant", "convention", "gestionnaire de projet"} <= set(igr.cues)
    spf = load_policy("spf-securite-sociale")
    assert {"décision", "recours"} <= set(spf.exclusion("appeal_procedure").cues)  # type: ignore[union-attr]
    assert {"tribunal", "avocat", "litige", "procès"} <= set(spf.exclusion("judicial_dispute").cues)  # type: ignore[union-attr]
    assert {"handicap", "personnes handicapées", "dg personnes handicapées", "allocation d'intégration"} <= set(
        spf.exclusion("other_service").cues)  # type: ignore[union-attr]


# ------------------------------------------------------------------------------ routes and texts


def test_igretec_mediator() -> None:
    m = load_policy("igretec").mediator
    assert m is not None and m.kind == "mediator"
    assert m.name == "Médiateur de la Wallonie et de la Fédération Wallonie-Bruxelles"
    assert m.contacts.email == "courrier@le-mediateur.be"
    assert m.contacts.fax == "081/32 19 00"
    assert "Rue Lucien Namèche 54" in (m.contacts.postal_address or "")
    assert m.contacts.online_form is None  # "[formulaire en ligne](#)": no address in the seed
    assert len(m.conditions) == 2
    assert "gratuite, confidentielle et impartiale" in (m.description or "")


def test_spf_mediator() -> None:
    m = load_policy("spf-securite-sociale").mediator
    assert m is not None and m.name == "Médiateur fédéral"
    assert m.contacts.postal_address == "Rue Ducale 43, 1000 Bruxelles"
    assert m.contacts.website == "www.federaalombudsman.be"
    assert m.contacts.phone == "0800 99 962"
    assert "gratuit" in (m.description or "")


def test_notice_mediator_without_contacts_and_archive() -> None:
    p = load_policy("notice-reclamation")
    assert p.mediator is not None and "Tribunal de Grenoble" in (p.mediator.name or "")
    assert p.mediator.contacts.model_dump(exclude={"other"}) == dict.fromkeys(
        ("email", "phone", "urgent_phone", "fax", "postal_address", "website", "online_form"))
    assert p.staff_judges_admissibility is True
    assert (p.retention.years, p.retention.from_event) == (5, "closure")
    assert [p.staff_judges_admissibility for p in map(load_policy, PRESETS)].count(True) == 1


def test_solidaris_has_no_mediator_but_a_dpo_and_a_decision_notice() -> None:
    p = load_policy("solidaris-brabant")
    assert p.mediator is None
    assert p.data_protection is not None and p.data_protection.kind == "data_protection_officer"
    assert p.data_protection.contacts.email == "dataprotection.bra@solidaris.be"
    assert p.data_protection.contacts.online_form is None
    assert "ne suspend pas les délais de recours" in (p.decision_notice or "")
    c = p.prior_contact.contacts
    assert c.phone == "02 506 96 11" and "Rue du Midi 111, 1000 Bruxelles" in (c.postal_address or "")
    assert any("formulaire de contact" in o for o in c.other) and any("agence" in o for o in c.other)
    assert p.prior_contact.advice and p.prior_contact.question
    assert "acting_for" in p.ask_fields and not p.excludes("grouped")  # any person, organisation or group


def test_plan_gestion_in_person_with_values_to_fill() -> None:
    p = load_policy("plan-gestion")
    assert p.intake_mode == "in_person" and p.in_person is not None
    assert p.in_person.address is None and p.in_person.hours is None
    assert "référence" in p.in_person.text and "heures d'ouverture" in p.in_person.text
    assert p.mediator is None and p.answer_appeal_text is None
    assert p.exclusions == []
    assert all(load_policy(pid).intake_mode == "online" for pid in PRESETS[:-1])


def test_igretec_privacy_notice_from_its_data_paragraph() -> None:
    text = load_policy("igretec").privacy_notice
    assert "publicitaires" in text and "tiers" in text


def test_triage_texts_present(policy: Policy) -> None:
    for code in ("information_request", "service_request", "advice_request", "suggestion", "status_question"):
        text = getattr(policy.triage, code)
        assert text and text.strip()
    assert policy.after_filing.strip()


_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_URL = re.compile(r"https?://[^\s\"'<>)]+|(?<![/\w.])www\.[^\s\"'<>)]+")
_PHONE = re.compile(r"(?<![\w/.-])\+?\d[\d /.]{6,}\d(?![\w])")


@pytest.mark.parametrize("policy_id", PRESETS)
def test_no_invented_contact(policy_id: str) -> None:
    """Every e-mail address, URL and phone number of a preset is in its own seed."""
    seed = seed_text(policy_id)
    squeezed_seed = re.sub(r"\s+", "", seed)
    raw = _norm((policies_dir() / f"{policy_id}.yml").read_text(encoding="utf-8"))
    for found in _EMAIL.findall(raw) + [u.rstrip(".,;") for u in _URL.findall(raw)]:
        assert found in seed, found
    for found in _PHONE.findall(raw):
        if sum(ch.isdigit() for ch in found) >= 8:
            assert re.sub(r"\s+", "", found) in squeezed_seed, found


# ------------------------------------------------------------------------------ check_policy_file


def _copy_with(tmp_path: Path, policy_id: str, old: str, new: str) -> Path:
    text = (policies_dir() / f"{policy_id}.yml").read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / f"{policy_id}.yml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_check_reports_a_schema_error_with_its_place(tmp_path: Path) -> None:
    path = _copy_with(tmp_path, "igretec", "  unit: jours_ouvrables\n  text: \"dans les 10",
                      "  unit: jours_ouvrable\n  text: \"dans les 10")
    errors, _ = check_policy_file(path)
    assert len(errors) == 1
    assert errors[0].startswith("acknowledgement.unit: Input should be 'jours_ouvrables'")
    line = next(i for i, ln in enumerate(path.read_text().splitlines(), 1) if "jours_ouvrable\n" in ln + "\n")
    assert f"(ligne {line})" in errors[0]
    with pytest.raises(PolicyError) as info:
        load_policy_file(path)
    assert "acknowledgement.unit" in str(info.value)


def test_check_reports_unknown_keys_and_list_positions(tmp_path: Path) -> None:
    path = _copy_with(tmp_path, "spf-securite-sociale", "    decided_by: assistant\n",
                      "    decided_by: robot\n    colour: blue\n")
    errors, _ = check_policy_file(path)
    assert any(e.startswith("exclusions[0].decided_by:") for e in errors)
    assert any(e.startswith("exclusions[0].colour: Extra inputs are not permitted") for e in errors)


def test_check_reports_yaml_syntax_errors_with_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.yml"
    path.write_text("id: x\nreference_prefix: [IGR\nscope: y\n", encoding="utf-8")
    errors, warnings = check_policy_file(path)
    assert len(errors) == 1 and re.search(r"ligne \d+, colonne \d+", errors[0])
    assert warnings == []


def test_check_reports_rules_the_schema_cannot_say(tmp_path: Path) -> None:
    path = _copy_with(tmp_path, "igretec", "required_fields:\n  - last_name\n",
                      "required_fields:\n  - last_name\n  - shoe_size\n")
    errors, _ = check_policy_file(path)
    assert any(e.startswith("required_fields[1]:") and "shoe_size" in e for e in errors)


# a deadline is stated three times (amount and unit, its text, after_filing): they must agree
@pytest.mark.parametrize(("policy_id", "old", "new", "place", "said"), [
    ("igretec", 'text: "dans les 10 jours ouvrables"', 'text: "dans les 15 jours ouvrables"',
     "acknowledgement.text", "devrait dire « 10 jours ouvrables », comme amount (10) et unit (jours_ouvrables)"),
    ("notice-reclamation", "jours ouvrés à compter de la réception", "jours ouvrables à compter de la réception",
     "acknowledgement.text", "devrait dire « 14 jours ouvrés »"),
    ("solidaris-brabant", 'text: "au plus tard dans les 45 jours calendrier"',
     'text: "au plus tard dans les 45 jours ouvrables"', "answer.text", "devrait dire « 45 jours », comme"),
    ("plan-gestion", 'text: "dans un délai de 2 mois', 'text: "dans un délai de 3 mois',
     "answer.text", "devrait dire « 2 mois », comme amount (2) et unit (months)"),
    ("solidaris-brabant", 'text: "dans les plus brefs délais"', 'text: "dans les 3 jours"',
     "acknowledgement.text", "devrait dire « dans les plus brefs délais » ou « dès que possible », comme unit (asap)"),
    ("spf-securite-sociale", 'text: "dans les 30 jours calendaires"',
     'text: "dans les 30 jours calendaires, accusé dans les 5 jours ouvrables"', "answer.text",
     "dit aussi « 5 jours ouvrables » : il ne doit dire que « 30 jours »"),
    ("igretec", "réception dans les 10 jours ouvrables", "réception dans les 12 jours ouvrables",
     "after_filing", "ne dit pas le délai d'accusé de réception « 10 jours ouvrables » (acknowledgement)"),
    ("igretec", "réception dans les 10 jours ouvrables", "réception dans les 12 jours ouvrables",
     "after_filing", "« 12 jours ouvrables » ne correspond à aucun délai (acknowledgement : « 10 jours ouvrables », "
                     "answer : « 45 jours ouvrables »)"),
    ("spf-securite-sociale", "une réponse motivée dans les 30 jours calendaires", "une réponse motivée rapidement",
     "after_filing", "ne dit pas le délai de réponse « 30 jours » (answer)"),
    ("solidaris-brabant", "accusé de réception dans les plus brefs délais", "accusé de réception",
     "after_filing", "ne dit pas le délai d'accusé de réception « dans les plus brefs délais »"),
])
def test_check_deadline_stated_otherwise_in_words_refused(tmp_path: Path, policy_id: str, old: str, new: str,
                                                           place: str, said: str) -> None:
    path = _copy_with(tmp_path, policy_id, old, new)
    errors, _ = check_policy_file(path)
    assert any(e.startswith(f"{place}: ") and said in e and "(ligne " in e for e in errors), errors
    with pytest.raises(PolicyError) as info:
        load_policy_file(path)
    assert any(e.startswith(f"{place}: ") and said in e for e in info.value.errors)


def test_check_deadline_unit_changed_alone_refused_in_each_text(tmp_path: Path) -> None:
    path = _copy_with(tmp_path, "plan-gestion", "  amount: 10\n  unit: calendar_days\n",
                      "  amount: 10\n  unit: jours_ouvres\n")
    errors, _ = check_policy_file(path)
    assert [e.split(":")[0] for e in errors] == ["acknowledgement.text", "after_filing", "after_filing"]
    assert "« 10 jours » ne correspond à aucun délai" in errors[2]


@pytest.mark.parametrize(("text", "durations"), [
    ("dans les 10 jours ouvrables", [(10, "jours_ouvrables")]),
    ("dans un délai maximum de 14 jours ouvrés", [(14, "jours_ouvres")]),
    ("1 jour ouvrable, puis 1 jour ouvré", [(1, "jours_ouvrables"), (1, "jours_ouvres")]),
    ("au plus tard dans les 45 jours calendrier ou 30\u00a0jours calendaires", [(45, "calendar_days"),
                                                                              (30, "calendar_days")]),
    ("dans les 10 jours, puis dans un délai de 2 mois", [(10, "calendar_days"), (2, "months")]),
    ("dans les plus brefs délais", []),
])
def test_durations_read_amount_and_unit_from_french(text: str, durations: list[tuple[int, str]]) -> None:
    assert [(n, u.value) for n, u in _durations(text)] == durations


def test_check_warns_on_each_empty_value() -> None:
    _, igr = check_policy_file(policies_dir() / "igretec.yml")
    assert "mediator.contacts.online_form: vide (à compléter par l'organisation)" in igr
    assert not any(w.startswith("mediator.contacts.email") for w in igr)
    _, sol = check_policy_file(policies_dir() / "solidaris-brabant.yml")
    assert "mediator: vide (à compléter par l'organisation)" in sol
    _, spf = check_policy_file(policies_dir() / "spf-securite-sociale.yml")
    assert "exclusions[2].route.contacts.email: vide (à compléter par l'organisation)" in spf
    assert "mediator.contacts.website: vide (à compléter par l'organisation)" not in spf
    _, plan = check_policy_file(policies_dir() / "plan-gestion.yml")
    for place in ("in_person.address", "in_person.hours", "mediator", "answer_appeal_text"):
        assert f"{place}: vide (à compléter par l'organisation)" in plan
    _, notice = check_policy_file(policies_dir() / "notice-reclamation.yml")
    assert "mediator.contacts.website: vide (à compléter par l'organisation)" in notice
