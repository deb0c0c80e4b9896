"""Messages in other languages (bot.domain.language, py3langid)."""

import pytest

from bot.domain.language import foreign_language_reply, is_foreign


@pytest.mark.parametrize(("text", "lang"), [
    ("Hello, I would like to file a complaint", "en"),
    ("My invoice is wrong, who can help me?", "en"),
    ("Goedendag, ik wil een klacht indienen over mijn factuur", "nl"),
    ("Guten Tag, ich möchte mich beschweren", "de"),
])
def test_other_languages_are_recognised(text, lang):
    assert is_foreign(text) == lang


@pytest.mark.parametrize("text", [
    "Bonjour je veux porter plainte", "slt jsuis pas content", "Sophie Lambert", "Rue des Ecoles 7, 7000 Mons",
    "ok", "😡😡😡", "", "le technicien est jamais venu hier", "la facture de mars est fausse",
])
def test_french_short_or_odd_messages_are_not_foreign(text):
    assert is_foreign(text) is None


def test_the_reply_gives_only_the_contacts_the_preset_has():
    reply = foreign_language_reply("en", "IGRETEC", {"email": "reclamation@igretec.com", "phone": None,
                                                     "postal_address": "Boulevard Mayence 1, 6000 Charleroi"})
    assert reply.startswith("This assistant only works in French")
    assert "reclamation@igretec.com" in reply and "Boulevard Mayence 1" in reply
    assert "phone" not in reply
    dutch = foreign_language_reply("nl", "SPF Sécurité sociale", {"email": "plainte@minsoc.fed.be"})
    assert "alleen in het Frans" in dutch


@pytest.mark.parametrize("text", ["jan.vandermeer@ziggo.nl", "Morel Thierry, thierry.morel@free.fr, 07 81 22 33 44",
                                  "Van Den Broeck Jan, Kerkstraat 12, 9000 Gent"])
def test_an_identity_line_or_an_address_is_never_called_foreign(text: str) -> None:
    assert is_foreign(text) is None


def test_a_reply_without_contacts_lists_nothing_empty() -> None:
    reply = foreign_language_reply("en", "Notre entreprise", {})
    assert "\nNotre entreprise\n" not in reply and "French" in reply
