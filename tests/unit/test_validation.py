from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.domain.complaint import ActingFor, DomainError
from bot.domain.dates import ParsedDate
from bot.domain.validation import (
    EXAMPLES,
    FieldError,
    is_none_answer,
    parse_acting_for,
    parse_yes_no,
    split_full_name,
    validate_address,
    validate_description,
    validate_email,
    validate_field,
    validate_file_reference,
    validate_free_text,
    validate_name,
    validate_phone,
)

now = datetime(2026, 11, 24, 10, 0, tzinfo=ZoneInfo("Europe/Brussels"))

CONTRACT_TEXT_FIELDS = [
    "last_name", "first_name", "address", "email", "phone", "file_reference", "facts_description",
    "facts_date", "facts_place", "persons_contacted", "attachments", "objective", "acting_for", "subject",
    "service_concerned", "other_parties", "persons_targeted",
]


def test_examples_every_contract_field_has_an_example():
    for name in CONTRACT_TEXT_FIELDS:
        assert EXAMPLES[name].strip(), name


def test_field_error_constructed_keeps_code_message_example():
    err = FieldError("Message.", "invalid_name", "Dupont")
    assert isinstance(err, DomainError)
    assert (err.code, err.message, err.example) == ("invalid_name", "Message.", "Dupont")


# ---------------------------------------------------------------- names


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Dupont", "Dupont"),
        ("dupont", "Dupont"),
        ("DUPONT", "Dupont"),
        ("  Dupont  ", "Dupont"),
        ("Jean-Pierre", "Jean-Pierre"),
        ("jean-pierre", "Jean-Pierre"),
        ("jean - pierre", "Jean-Pierre"),
        ("d'alembert", "D'Alembert"),
        ("O’Neil", "O'Neil"),
        ("van Damme", "van Damme"),  # mixed case kept as typed
        ("VAN DER BERGHE", "Van Der Berghe"),
        ("Marie   Claire", "Marie Claire"),
        ("Müller", "Müller"),
        ("Hélène", "Hélène"),
        ("Nguyễn", "Nguyễn"),
        ("Je m'appelle Dupont", "Dupont"),
        ("mon nom est Lambert", "Lambert"),
        ("Lambert.", "Lambert"),
        ("Li", "Li"),
    ],
)
def test_validate_name_valid_name_is_normalised(text, expected):
    assert validate_name(text) == expected


@pytest.mark.parametrize(
    "text",
    ["Dupont2", "123", "je ne sais pas", "jsp", "aucun", "x", "X", "?", "A", "", "   ", "Dupont!!Marc",
     "dupont@mail.be", "non", "un nom qui est beaucoup trop long pour un nom"],
)
def test_validate_name_not_a_name_raises_invalid_name(text):
    with pytest.raises(FieldError) as err:
        validate_name(text)
    assert err.value.code == "invalid_name"
    assert err.value.example


@pytest.mark.parametrize(
    "text",
    ["anonyme", "Anonyme.", "je veux rester anonyme", "je ne veux pas le dire", "pas envie",
     "je ne veux pas donner mon nom", "je préfère ne pas le dire", "je refuse", "ça ne vous regarde pas",
     "non merci"],
)
def test_validate_name_refusal_raises_anonymous_refusal(text):
    with pytest.raises(FieldError) as err:
        validate_name(text)
    assert err.value.code == "anonymous_refusal"


def test_validate_name_first_name_message_says_prenom():
    with pytest.raises(FieldError) as err:
        validate_name("123", field="first_name")
    assert "prénom" in err.value.message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Je m'appelle Sophie Lambert", ("Sophie", "Lambert")),
        ("je m'appelle sophie lambert", ("Sophie", "Lambert")),
        ("Sophie Lambert", ("Sophie", "Lambert")),
        ("Sophie LAMBERT", ("Sophie", "Lambert")),
        ("LAMBERT Sophie", ("Sophie", "Lambert")),
        ("Sophie Van Damme", ("Sophie", "Van Damme")),
        ("Je suis Sophie Lambert, j'habite à Mons", ("Sophie", "Lambert")),
        ("Bonjour, je m'appelle Marc Dubois et j'ai un problème", ("Marc", "Dubois")),
        ("Je suis Madame Sophie Lambert", ("Sophie", "Lambert")),
        ("moi c'est Jean-Pierre Durand", ("Jean-Pierre", "Durand")),
    ],
)
def test_split_full_name_full_name_gives_first_and_last(text, expected):
    assert split_full_name(text) == expected


@pytest.mark.parametrize(
    "text", ["Sophie", "je suis très mécontent", "Je suis Madame Dupont", "je ne sais pas", "", "Dupont 12"]
)
def test_split_full_name_not_a_full_name_gives_none(text):
    assert split_full_name(text) is None


# ---------------------------------------------------------------- e-mail and phone


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("sophie.lambert@example.be", "sophie.lambert@example.be"),
        ("  sophie.lambert@example.be  ", "sophie.lambert@example.be"),
        ("mon mail c'est x@y.be", "x@y.be"),
        ("Sophie.Lambert@EXAMPLE.BE", "Sophie.Lambert@example.be"),
        ("c'est marc+plaintes@mail.example.fr.", "marc+plaintes@mail.example.fr"),
        ("sophie arobase example.com", "sophie@example.com"),
    ],
)
def test_validate_email_address_in_text_is_extracted_and_normalised(text, expected):
    assert validate_email(text) == expected


@pytest.mark.parametrize("text", ["pas de mail", "x@y", "sophie@", "@example.be", "sophie..l@example.be", ""])
def test_validate_email_invalid_raises_with_example(text):
    with pytest.raises(FieldError) as err:
        validate_email(text)
    assert err.value.code == "invalid_email"
    assert "@" in err.value.message


@pytest.mark.parametrize(
    ("text", "country", "expected"),
    [
        ("0475 98 76 54", "BE", "+32475987654"),
        ("+32 475 98 76 54", "BE", "+32475987654"),
        ("0032475987654", "BE", "+32475987654"),
        ("0475/98.76.54", "BE", "+32475987654"),
        ("02 506 96 11", "BE", "+3225069611"),
        ("07 81 22 33 44", "FR", "+33781223344"),
        ("06.12.34.56.78", "FR", "+33612345678"),
        ("+32 475 98 76 54", "FR", "+32475987654"),  # an international number from anywhere
        ("mon numéro est le 0475 98 76 54", "BE", "+32475987654"),
    ],
)
def test_validate_phone_valid_number_gives_e164(text, country, expected):
    assert validate_phone(text, country) == expected


@pytest.mark.parametrize(
    ("text", "country"),
    [("123", "BE"), ("pas de téléphone", "BE"), ("", "FR"), ("00 00 00 00 00", "FR")],
)
def test_validate_phone_invalid_number_raises(text, country):
    with pytest.raises(FieldError) as err:
        validate_phone(text, country)
    assert err.value.code == "invalid_phone"


# ---------------------------------------------------------------- address


@pytest.mark.parametrize(
    ("text", "country"),
    [
        ("Rue des Écoles 7, 7000 Mons", "BE"),
        ("8 avenue Jean Jaurès, 69007 Lyon", "FR"),
        ("12 rue Félix Poulat, 38000 Grenoble", "FR"),
        ("Rue de la Paix 7, Mons 7000", "BE"),
        ("8 avenue Jean Jaurès Lyon 69007", "FR"),
        ("Chaussée de Bruxelles 1234, 6000 Charleroi", "BE"),
        ("Rue Haute 12 bte 3\n1000 Bruxelles", "BE"),
        ("B-6000 Charleroi, rue du Pont 3", "BE"),
        ("Place Saint-Lambert 1, 4000 Liège", "BE"),
    ],
)
def test_validate_address_with_postcode_and_town_passes(text, country):
    result = validate_address(text, country)
    assert "\n" not in result
    assert result.replace(", ", " ").split()[-1] != ""


def test_validate_address_is_trimmed_and_spaces_normalised():
    assert validate_address("  Rue des Écoles   7 ,  7000   Mons ", "BE") == "Rue des Écoles 7, 7000 Mons"


@pytest.mark.parametrize(
    ("text", "country"),
    [("Rue des Écoles 7, Mons", "BE"), ("Rue des Écoles 7, Mons", "FR"), ("12 rue Félix Poulat, Grenoble", "FR"),
     ("", "BE")],
)
def test_validate_address_without_postcode_raises_missing_postcode(text, country):
    with pytest.raises(FieldError) as err:
        validate_address(text, country)
    assert err.value.code == "missing_postcode"
    assert err.value.message.startswith("Il manque le code postal")


@pytest.mark.parametrize(
    ("text", "country"),
    [("Rue des Écoles 7, 7000", "BE"), ("7000", "BE"), ("Rue de la Paix 12 7000", "BE"),
     ("12 rue Félix Poulat, 38000", "FR")],
)
def test_validate_address_without_town_raises_missing_town(text, country):
    with pytest.raises(FieldError) as err:
        validate_address(text, country)
    assert err.value.code == "missing_town"
    assert err.value.message.startswith("Il manque la commune")


# ---------------------------------------------------------------- file reference, none answers


@pytest.mark.parametrize(
    "text", ["aucune", "Aucun.", "non", "pas de dossier", "je n'en ai pas", "Je n’en ai pas", "/", "néant", "rien"]
)
def test_validate_file_reference_none_answer_gives_none(text):
    assert validate_file_reference(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [("2026/4471", "2026/4471"), ("  ABC-123 ", "ABC-123"), ("dossier n° 12345", "dossier n° 12345")],
)
def test_validate_file_reference_reference_gives_trimmed_text(text, expected):
    assert validate_file_reference(text) == expected


def test_validate_file_reference_too_long_raises():
    with pytest.raises(FieldError) as err:
        validate_file_reference("A" * 101)
    assert err.value.code == "too_long"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("aucun", True), ("Aucune", True), ("non", True), ("rien", True), ("pas de dossier", True),
        ("néant", True), ("personne", True), ("Personne.", True), ("je n'ai contacté personne", True),
        ("pas encore", True), ("/", True),
        ("Madame Martin", False), ("2026/4471", False), ("le service facturation", False), ("nonante", False),
    ],
)
def test_is_none_answer_recognises_none(text, expected):
    assert is_none_answer(text) is expected


# ---------------------------------------------------------------- free text


@pytest.mark.parametrize("field", ["persons_contacted", "other_parties", "persons_targeted"])
@pytest.mark.parametrize("text", ["aucun", "personne", "Aucune.", "rien", "non"])
def test_validate_free_text_none_accepted_field_gives_aucun(field, text):
    assert validate_free_text(text, field) == "aucun"


@pytest.mark.parametrize("field", ["facts_place", "objective", "subject", "service_concerned"])
def test_validate_free_text_none_refused_field_raises(field):
    with pytest.raises(FieldError) as err:
        validate_free_text("aucun", field)
    assert err.value.code == "none_not_accepted"


@pytest.mark.parametrize(
    ("field", "text", "expected"),
    [
        ("facts_place", "  au guichet   de Mons ", "au guichet de Mons"),
        ("persons_contacted", "Mme Martin du service clientèle", "Mme Martin du service clientèle"),
        ("objective", "Un remboursement.\n Et des excuses.", "Un remboursement.\nEt des excuses."),
        ("subject", "facture", "facture"),
    ],
)
def test_validate_free_text_answer_is_cleaned(field, text, expected):
    assert validate_free_text(text, field) == expected


@pytest.mark.parametrize("text", ["", "   ", "?", "...", "je ne sais pas", "jsp"])
def test_validate_free_text_empty_or_unknown_raises_empty(text):
    with pytest.raises(FieldError) as err:
        validate_free_text(text, "facts_place")
    assert err.value.code == "empty"


def test_validate_free_text_outside_limits_raises():
    with pytest.raises(FieldError) as err:
        validate_free_text("remboursement", "objective", min_words=3)
    assert err.value.code == "too_short"
    with pytest.raises(FieldError) as err:
        validate_free_text("mot " * 30, "objective", max_chars=50)
    assert err.value.code == "too_long"


def test_validate_description_five_words_pass():
    text = "On a refusé mon dossier hier."
    assert validate_description(f"  {text} ") == text


@pytest.mark.parametrize("text", ["", "Problème de facture", "ça ne va pas", "x " * 4])
def test_validate_description_too_short_raises(text):
    with pytest.raises(FieldError) as err:
        validate_description(text)
    assert err.value.code == "too_short"
    assert err.value.example


def test_validate_description_too_long_raises():
    with pytest.raises(FieldError) as err:
        validate_description("mot " * 1001)
    assert err.value.code == "too_long"


# ---------------------------------------------------------------- yes / no, acting for


@pytest.mark.parametrize(
    "text",
    ["oui", "Oui.", "OUI !", "oui, j'accepte", "ok", "OK", "okay", "d'accord", "D’accord", "bien sûr", "exact",
     "c'est correct", "ouais", "yes", "/affirm", "j'accepte", "👍", "tout à fait", "oui, pas de souci",
     "je confirme", "absolument", "ben oui evidemment 2023", "bah ouais", "mais oui"],
)
def test_parse_yes_no_yes_gives_true(text):
    assert parse_yes_no(text) is True


@pytest.mark.parametrize(
    "text",
    ["non", "Non.", "pas encore", "non merci", "je refuse", "/deny", "jamais", "pas d'accord", "absolument pas",
     "ce n'est pas correct", "nan", "👎", "non, je n'ai pas contacté le service", "bien sûr que non", "mais non"],
)
def test_parse_yes_no_no_gives_false(text):
    assert parse_yes_no(text) is False


@pytest.mark.parametrize("text", ["", "peut-être", "je ne sais pas", "bonjour", "ouistiti", "nonante euros"])
def test_parse_yes_no_unclear_gives_none(text):
    assert parse_yes_no(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("en mon nom propre", ActingFor.SELF),
        ("pour moi", ActingFor.SELF),
        ("moi-même", ActingFor.SELF),
        ("personnellement", ActingFor.SELF),
        ("à titre personnel", ActingFor.SELF),
        ("pour mon entreprise", ActingFor.ORGANISATION),
        ("une association", ActingFor.ORGANISATION),
        ("au nom de la société", ActingFor.ORGANISATION),
        ("organisation", ActingFor.ORGANISATION),
        ("asbl", ActingFor.ORGANISATION),
        ("Pour mon ASBL", ActingFor.ORGANISATION),
        ("nous sommes plusieurs", ActingFor.GROUP),
        ("au nom d'un groupe", ActingFor.GROUP),
        ("un collectif de voisins", ActingFor.GROUP),
        ("pétition", ActingFor.GROUP),
        ("plusieurs personnes", ActingFor.GROUP),
    ],
)
def test_parse_acting_for_answer_gives_kind(text, expected):
    assert parse_acting_for(text) is expected


@pytest.mark.parametrize("text", ["", "je ne sais pas", "pour ma mère", "bonjour"])
def test_parse_acting_for_unclear_gives_none(text):
    assert parse_acting_for(text) is None


# ---------------------------------------------------------------- dispatch


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("last_name", "dupont", "Dupont"),
        ("first_name", "marie", "Marie"),
        ("email", "Marie@Example.BE", "Marie@example.be"),
        ("phone", "0475 98 76 54", "+32475987654"),
        ("address", "Rue des Écoles 7, 7000 Mons", "Rue des Écoles 7, 7000 Mons"),
        ("file_reference", "aucune", None),
        ("facts_description", "On a refusé mon dossier au guichet.", "On a refusé mon dossier au guichet."),
        ("persons_contacted", "personne", "aucun"),
        ("acting_for", "pour mon entreprise", ActingFor.ORGANISATION),
        ("consent", "oui", True),
        ("prior_contact", "non", False),
        ("attachments", "aucune", []),
        ("subject", "facture", "facture"),
    ],
)
def test_validate_field_dispatches_by_contract_name(name, text, expected):
    assert validate_field(name, text, country="BE") == expected


def test_validate_field_facts_date_gives_parsed_date():
    result = validate_field("facts_date", "le 3 novembre", country="BE", now=now)
    assert isinstance(result, ParsedDate)
    assert result.value == date(2026, 11, 3)


def test_validate_field_facts_date_future_raises_field_error():
    with pytest.raises(FieldError) as err:
        validate_field("facts_date", "le 3 décembre 2026", country="BE", now=now)
    assert err.value.code == "future"


def test_validate_field_phone_uses_country():
    assert validate_field("phone", "07 81 22 33 44", country="FR") == "+33781223344"


@pytest.mark.parametrize(
    ("name", "text", "code"),
    [
        ("last_name", "anonyme", "anonymous_refusal"),
        ("consent", "peut-être", "yes_no_expected"),
        ("acting_for", "bof", "acting_for_unclear"),
        ("attachments", "j'ai une facture", "attachment_expected"),
        ("address", "7000 Mons", None),
    ],
)
def test_validate_field_bad_answer_raises_field_error(name, text, code):
    if code is None:  # "7000 Mons" is accepted: postcode and town are there
        assert validate_field(name, text, country="BE") == "7000 Mons"
        return
    with pytest.raises(FieldError) as err:
        validate_field(name, text, country="BE")
    assert err.value.code == code


def test_validate_field_unknown_field_raises_value_error():
    with pytest.raises(ValueError):
        validate_field("shoe_size", "42", country="BE")


@pytest.mark.parametrize(("text", "country", "expected"), [
    ("14 avenue Foch, 59000 Lille", "BE", "14 avenue Foch, 59000 Lille"),
    ("Damrak 1, 1012 LG Amsterdam, Pays-Bas", "BE", "Damrak 1, 1012 LG Amsterdam, Pays-Bas"),
    ("Rue des Écoles 7, 7000 Mons", "FR", "Rue des Écoles 7, 7000 Mons"),
    ("12 rue de Luxembourg, L-1234 Luxembourg", "BE", "12 rue de Luxembourg, L-1234 Luxembourg"),
])
def test_validate_address_of_another_country_is_accepted(text, country, expected):
    assert validate_address(text, country) == expected


@pytest.mark.parametrize(("text", "country", "expected"), [
    ("06 12 34 56 78", "BE", "+33612345678"),
    ("+31 6 12345678", "BE", "+31612345678"),
    ("0032 475 98 76 54", "FR", "+32475987654"),
])
def test_validate_phone_of_another_country_is_accepted(text, country, expected):
    assert validate_phone(text, country) == expected


@pytest.mark.parametrize("text", ["02 123 45 67", "0475 98 76 5"])
def test_validate_phone_possible_but_not_valid_is_doubtful_not_refused(text):
    with pytest.raises(FieldError) as err:
        validate_phone(text, "BE")
    assert err.value.code == "doubtful_phone"


@pytest.mark.parametrize("text", ["non j'en ai pas", "non je n'en ai pas", "euh non, aucune", "bah j'ai pas de dossier",
                                  "non désolé", "j'en ai aucune", "pas que je sache", "j'ai pas"])
def test_none_said_as_people_say_it(text):
    assert is_none_answer(text)
    assert validate_file_reference(text) is None


@pytest.mark.parametrize("text", ["oui", "non, mais j'ai appelé le service", "je ne sais pas", "dossier 2026/44"])
def test_not_a_none_answer(text):
    assert not is_none_answer(text)


def test_a_file_reference_without_any_number_is_doubted_not_stored():
    with pytest.raises(FieldError) as err:
        validate_file_reference("elle est sur la lettre")
    assert err.value.code == "doubtful"
    assert validate_file_reference("dossier Dupont") == "dossier Dupont"
    assert validate_file_reference("ABC-XYZ") == "ABC-XYZ"
    for other_answer in ("Pour moi-même", "Dupont"):  # another question's answer, a name: confirmed or not
        with pytest.raises(FieldError) as err:
            validate_file_reference(other_answer)
        assert err.value.code == "doubtful" and "répondez « oui »" in err.value.message


def test_yes_to_the_reference_question_asks_for_the_reference_itself():
    for yes in ("oui", "oui j'en ai une", "Oui"):
        with pytest.raises(FieldError) as err:
            validate_file_reference(yes)
        assert err.value.code == "value_missing" and err.value.message.startswith("Quelle est cette référence")


def test_an_email_without_its_end_says_what_is_missing():
    from bot.domain.validation import FieldError, validate_email
    with pytest.raises(FieldError) as err:
        validate_email("karim.benali@gmail")
    assert "après « @gmail »" in err.value.message


@pytest.mark.parametrize(("text", "country", "stored"), [
    ("06 11 22 33 44 ah non 06 11 22 33 45 pardon", "FR", "+33611223345"),
    ("0478 12 34 56 non pardon 0478 12 34 57", "BE", "+32478123457"),
    ("0478 12 34 56 ou 071 23 45 67", "BE", "+32478123456"),  # two numbers, none taken back: the first
])
def test_a_phone_taken_back_in_the_same_message_is_replaced_by_the_next(text, country, stored) -> None:
    from bot.domain.validation import validate_phone
    assert validate_phone(text, country) == stored


def test_registry_answers_without_anyone_or_with_shouting_are_stored_clean() -> None:
    from bot.domain.remarks import read_remark
    from bot.domain.validation import validate_free_text
    assert validate_free_text("non personne en particulier", "persons_targeted") == "aucun"
    assert validate_free_text("l'aspirateur Turbo 3000 !!!", "service_concerned") == "l'aspirateur Turbo 3000"
    remark = read_remark("je viens de le dire : aspirateur en panne", "subject")
    assert remark is not None and remark.kind == "already_said" and remark.rest == "aspirateur en panne"


@pytest.mark.parametrize(("text", "rest"), [
    ("Benali Yasmine, je vous ai déjà donné tout ça la dernière fois", "Benali Yasmine"),
    ("Dubois, je l'ai déjà dit plus haut", "Dubois"),
    ("je l'ai déjà dit, dans vos bureaux boulevard Mayence", "dans vos bureaux boulevard Mayence"),
    ("je vous l'ai déjà donné tout ça au téléphone", ""),
    ("pourquoi vous me redemandez ? je l'ai déjà dit", ""),  # a question is never the value
])
def test_already_said_keeps_the_value_never_the_words_around_it(text, rest) -> None:
    from bot.domain.remarks import read_remark
    remark = read_remark(text, "last_name")
    assert remark is not None and remark.kind == "already_said" and remark.rest == rest


@pytest.mark.parametrize(("text", "stored"), [
    ("Je l'ai indiquée dans mon courrier : URB-2026-4471", "URB-2026-4471"),
    ("oui son numéro client c'est 445-221", "445-221"),
    ("non attendez c'est 445-212", "445-212"),
    ("dossier 2026/4471", "dossier 2026/4471"),  # short: kept as said
])
def test_a_file_reference_said_in_a_sentence_is_the_reference_only(text, stored) -> None:
    assert validate_file_reference(text) == stored


@pytest.mark.parametrize("text", ["les poubelles", "ils ne passent plus", "c'est pas ça le problème"])
def test_a_sentence_given_to_the_name_question_is_no_name(text) -> None:
    from bot.domain.validation import validate_name
    with pytest.raises(FieldError):
        validate_name(text)


@pytest.mark.parametrize(("text", "stored"), [
    ("cest karim benali", "Karim Benali"), ("jlai dit karim", "Karim"), ("le nom cest Benali", "Benali"),
    ("mon nom c benali", "Benali"), ("Cestari", "Cestari"),
])
def test_sms_fillers_before_a_name_are_not_part_of_it(text, stored) -> None:
    from bot.domain.validation import validate_name
    assert validate_name(text) == stored


@pytest.mark.parametrize(("field", "text"), [
    ("address", "jsouhaite pas"), ("address", "je ne souhaite pas répondre"), ("address", "ça vous regarde pas"),
    ("address", "je préfère pas"), ("email", "j'ai dit pas d'email"), ("email", "je n'en ai vraiment pas"),
    ("phone", "Je n'ai plus le téléphone fixe depuis que la ligne a été coupée. Vous pouvez m'écrire : "
              "3 impasse du Moulin, 21000 Dijon."),
])
def test_a_field_is_declined_in_the_citizens_own_words(field, text) -> None:
    from bot.domain.remarks import read_remark
    remark = read_remark(text, field)
    assert remark is not None and remark.kind == "decline"


@pytest.mark.parametrize(("text", "answer"), [("nn", False), ("je pense que oui", True), ("je crois que oui", True),
                                              ("nan", False)])
def test_sms_and_hedged_yes_no(text, answer) -> None:
    from bot.domain.validation import is_none_answer, parse_yes_no
    assert parse_yes_no(text) is answer
    assert is_none_answer("nn")
