from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.domain.letter import read_message

now = datetime(2026, 11, 24, 10, 0, tzinfo=ZoneInfo("Europe/Brussels"))
# the details these tests are about (the letter reader gives more: see test_letter.py)
VOLUNTEERED_KEYS = ("email", "phone", "file_reference", "facts_date", "first_name", "last_name", "facts_place")


def extract(text: str, country: str = "BE") -> dict[str, object]:
    """Details given unasked in a short message, as `bot.domain.letter.read_message` reads them."""
    tz = "Europe/Brussels" if country == "BE" else "Europe/Paris"
    reading = read_message(text, now=now, country=country, tz=tz)
    found = {k: v for k, v in reading.fields.items() if k in VOLUNTEERED_KEYS}
    if "facts_date" in found and reading.date is not None:
        found["facts_date_precision"] = reading.date.precision
    return found


def test_volunteered_full_introduction_gives_all_details():
    found = extract(
        "Bonjour, je m'appelle Sophie Lambert, mon mail c'est sophie.lambert@example.be "
        "et mon numéro 0475 98 76 54."
    )
    assert found == {
        "first_name": "Sophie",
        "last_name": "Lambert",
        "email": "sophie.lambert@example.be",
        "phone": "+32475987654",
    }


@pytest.mark.parametrize(
    ("text", "email"),
    [
        ("écrivez-moi à Marc.Dubois@EXAMPLE.fr merci", "Marc.Dubois@example.fr"),
        ("mon adresse: a.b@c.be.", "a.b@c.be"),
    ],
)
def test_volunteered_email_in_text_is_found(text, email):
    assert extract(text)["email"] == email


@pytest.mark.parametrize(
    ("text", "country", "phone"),
    [
        ("appelez-moi au 0475 98 76 54 svp", "BE", "+32475987654"),
        ("mon numéro: 0475987654", "BE", "+32475987654"),
        ("joignable au +32 2 506 96 11", "BE", "+3225069611"),
        ("tél 07 81 22 33 44", "FR", "+33781223344"),
    ],
)
def test_volunteered_phone_gives_e164(text, country, phone):
    assert extract(text, country)["phone"] == phone


@pytest.mark.parametrize(
    ("text", "reference"),
    [
        ("Le 14 octobre, j'ai reçu une facture pour le dossier 2026/4471.", "2026/4471"),
        ("référence ABC-123, merci", "ABC-123"),
        ("mon n° de dossier 12345", "12345"),
        ("numéro de dossier : FR-2026-88", "FR-2026-88"),
        ("Réf. 55/2026", "55/2026"),
        ("mon numéro de dossier est le 778899", "778899"),
    ],
)
def test_volunteered_file_reference_is_found(text, reference):
    found = extract(text)
    assert found["file_reference"] == reference
    assert "phone" not in found


def test_volunteered_file_reference_is_not_a_date():
    found = extract("pour le dossier 2026/4471")
    assert found == {"file_reference": "2026/4471"}


def test_volunteered_complaint_reference_is_not_a_phone():
    found = extract("Ma plainte IGR-2026-000123 n'a pas reçu de réponse")
    assert "phone" not in found
    assert "facts_date" not in found


def test_volunteered_phone_is_not_a_date_nor_a_reference():
    found = extract("appelez le 0475 98 76 54 pour mon problème")
    assert found == {"phone": "+32475987654"}


@pytest.mark.parametrize(
    ("text", "iso", "precision"),
    [
        ("Le 14 octobre, j'ai reçu une facture erronée", "2026-10-14", "day"),
        ("c'était le 2 février 2024 au guichet", "2024-02-02", "day"),
        ("Il y a deux mois, on m'a dit non", "2026-09-24", "approximate"),
        ("Je suis allé à la commune hier", "2026-11-23", "day"),
        ("en mars 2024 j'ai envoyé un courrier", "2024-03-01", "month"),
        ("le 3/11/2026 j'ai appelé le 0475 98 76 54", "2026-11-03", "day"),
    ],
)
def test_volunteered_date_gives_iso_and_precision(text, iso, precision):
    found = extract(text)
    assert found["facts_date"] == iso
    assert found["facts_date_precision"] == precision


@pytest.mark.parametrize(
    "text",
    ["Je vous écris aujourd'hui car j'ai un problème", "Le rendez-vous du 3 décembre 2026 a été annulé",
     "J'ai payé 45 euros en trop", "le mardi je travaille"],
)
def test_volunteered_no_facts_date_when_unclear_or_future(text):
    assert "facts_date" not in extract(text)


@pytest.mark.parametrize(
    ("text", "first", "last"),
    [
        ("je m'appelle Sophie Lambert et j'ai un souci", "Sophie", "Lambert"),
        ("Bonjour, je suis Marc Dubois.", "Marc", "Dubois"),
        ("Je suis très mécontent. Je m'appelle Paul Martin", "Paul", "Martin"),
    ],
)
def test_volunteered_name_after_introduction_is_found(text, first, last):
    found = extract(text)
    assert (found["first_name"], found["last_name"]) == (first, last)


@pytest.mark.parametrize(
    "text",
    ["Je suis très mécontent du service", "Je suis Madame Dupont", "J'ai écrit à Sophie Lambert",
     "Sophie Lambert m'a répondu"],
)
def test_volunteered_no_name_without_clear_introduction(text):
    found = extract(text)
    assert "first_name" not in found
    assert "last_name" not in found


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("c'était le 2 février 2024 au guichet de Mons", "au guichet de Mons"),
        ("Il y a deux mois, à l'agence de La Louvière, personne ne m'a aidé", "à l'agence de La Louvière"),
        ("à la mairie de Grenoble on m'a mal reçu", "à la mairie de Grenoble"),
        ("Je suis allé à Charleroi hier", "Charleroi"),
        ("ça s'est passé à Saint-Gilles", "Saint-Gilles"),
    ],
)
def test_volunteered_clear_place_is_found(text, place):
    assert extract(text)["facts_place"] == place


@pytest.mark.parametrize(
    "text",
    ["J'habite à Mons", "j'ai écrit à Sophie", "J'ai parlé à Monsieur Dupont", "rendez-vous à 14h",
     "Je suis allé à Madame Martin", "Je suis allé chez le médecin"],
)
def test_volunteered_no_place_when_unclear(text):
    assert "facts_place" not in extract(text)


@pytest.mark.parametrize("text", ["", "   ", "bonjour", "?", "\x00\x01", "😀" * 50, "a" * 10000])
def test_volunteered_nothing_found_gives_empty_dict_and_never_raises(text):
    assert extract(text) == {}


def test_volunteered_bad_input_type_never_raises():
    assert read_message(None, now=now, country="BE", tz="Europe/Brussels").fields == {}  # type: ignore[arg-type]
