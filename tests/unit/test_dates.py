from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.domain.complaint import DomainError
from bot.domain.dates import (
    DateError,
    ParsedDate,
    add_months,
    find_date,
    format_date_fr,
    format_parsed_fr,
    local_today,
    older_than,
    parse_facts_date,
)

now = datetime(2026, 11, 24, 10, 0, tzinfo=ZoneInfo("Europe/Brussels"))  # a Tuesday


@pytest.mark.parametrize(
    ("text", "expected", "precision"),
    [
        ("le 3 novembre", date(2026, 11, 3), "day"),
        ("3 novembre", date(2026, 11, 3), "day"),
        ("Le 3 Novembre", date(2026, 11, 3), "day"),
        ("hier", date(2026, 11, 23), "day"),
        ("avant-hier", date(2026, 11, 22), "day"),
        ("avant hier", date(2026, 11, 22), "day"),
        ("aujourd'hui", date(2026, 11, 24), "day"),
        ("aujourd’hui", date(2026, 11, 24), "day"),
        ("03/11/2026", date(2026, 11, 3), "day"),
        ("3.11.2026", date(2026, 11, 3), "day"),
        ("3-11-2026", date(2026, 11, 3), "day"),
        ("2026-11-03", date(2026, 11, 3), "day"),
        ("03/11/26", date(2026, 11, 3), "day"),
        ("03/11", date(2026, 11, 3), "day"),
        ("le 14 octobre", date(2026, 10, 14), "day"),
        ("le 1er mars 2025", date(2025, 3, 1), "day"),
        ("1er nov.", date(2026, 11, 1), "day"),
        ("le premier mars", date(2026, 3, 1), "day"),
        ("le vingt-deux mars", date(2026, 3, 22), "day"),
        ("le 2 fevrier 2024", date(2024, 2, 2), "day"),
        ("Mardi 17 novembre 2026", date(2026, 11, 17), "day"),
        ("lundi dernier", date(2026, 11, 23), "day"),
        ("mardi dernier", date(2026, 11, 17), "day"),
        ("vendredi passé", date(2026, 11, 20), "day"),
        ("lundi", date(2026, 11, 23), "day"),
        ("il y a 15 jours", date(2026, 11, 9), "day"),
        ("il y a 2 jours", date(2026, 11, 22), "day"),
        ("le 3", date(2026, 11, 3), "day"),
        ("le 28", date(2026, 10, 28), "day"),
        ("mars 2024", date(2024, 3, 1), "month"),
        ("en mars 2024", date(2024, 3, 1), "month"),
        ("12/2024", date(2024, 12, 1), "month"),
        ("novembre", date(2026, 11, 1), "month"),
        ("novembre dernier", date(2025, 11, 1), "month"),
        ("le mois dernier", date(2026, 10, 1), "month"),
        ("en 2024", date(2024, 1, 1), "year"),
        ("2024", date(2024, 1, 1), "year"),
        ("l'année dernière", date(2025, 1, 1), "year"),
        ("l'an passé", date(2025, 1, 1), "year"),
        ("début janvier", date(2026, 1, 5), "approximate"),
        ("fin décembre 2025", date(2025, 12, 26), "approximate"),
        ("mi-mars", date(2026, 3, 15), "approximate"),
        ("fin 2025", date(2025, 11, 15), "approximate"),
        ("début 2025", date(2025, 2, 14), "approximate"),
        ("au début du mois de mars", date(2026, 3, 5), "approximate"),
        ("fin du mois dernier", date(2026, 10, 26), "approximate"),
        ("il y a quelques mois", date(2026, 7, 24), "approximate"),
        ("il y a deux mois", date(2026, 9, 24), "approximate"),
        ("il y a 3 semaines", date(2026, 11, 3), "approximate"),
        ("la semaine dernière", date(2026, 11, 19), "approximate"),
        ("le week-end dernier", date(2026, 11, 21), "approximate"),
        ("il y a une quinzaine de jours", date(2026, 11, 9), "approximate"),
        ("ça fait un an", date(2025, 11, 24), "approximate"),
    ],
)
def test_parse_facts_date_french_expression_gives_date_and_precision(text, expected, precision):
    parsed = parse_facts_date(text, now=now)
    assert parsed.value == expected
    assert parsed.precision == precision


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("le 3 décembre", date(2025, 12, 3)),
        ("le 25 novembre", date(2025, 11, 25)),
        ("le 24 novembre", date(2026, 11, 24)),
        ("le 29 février", date(2024, 2, 29)),
        ("décembre", date(2025, 12, 1)),
    ],
)
def test_parse_facts_date_without_year_gives_most_recent_past(text, expected):
    assert parse_facts_date(text, now=now).value == expected


@pytest.mark.parametrize(
    ("text", "expected", "fragment"),
    [
        ("Le 14 octobre, j'ai reçu une facture erronée", date(2026, 10, 14), "Le 14 octobre"),
        ("c'était le 2 février 2024 au guichet", date(2024, 2, 2), "le 2 février 2024"),
        ("Il y a deux mois, on m'a dit non", date(2026, 9, 24), "Il y a deux mois"),
        ("je suis allé à la commune la semaine dernière", date(2026, 11, 19), "la semaine dernière"),
        ("C'est arrivé hier soir à la gare", date(2026, 11, 23), "hier"),
        ("ça s'est passé le 03/11/2026 vers 14h", date(2026, 11, 3), "03/11/2026"),
    ],
)
def test_parse_facts_date_date_inside_sentence_is_found(text, expected, fragment):
    parsed = parse_facts_date(text, now=now)
    assert parsed.value == expected
    assert parsed.text == fragment


@pytest.mark.parametrize(
    "text",
    ["le 3 décembre 2026", "demain", "après-demain", "la semaine prochaine", "dans deux semaines",
     "mars 2027", "en 2027", "25/12/2026", "2027-01-01"],
)
def test_parse_facts_date_future_date_raises_future(text):
    with pytest.raises(DateError) as err:
        parse_facts_date(text, now=now)
    assert err.value.code == "future"
    assert "futur" in err.value.message
    assert "03/11/2026" in err.value.message  # an example to follow


@pytest.mark.parametrize(
    "text",
    ["", "   ", "je ne sais pas", "je", "bientôt", "10h", "31/02/2026", "?", "n'importe quand"],
)
def test_parse_facts_date_unparseable_raises_with_example(text):
    with pytest.raises(DateError) as err:
        parse_facts_date(text, now=now)
    assert err.value.code == "unparseable"
    assert "le 3 novembre" in err.value.message


def test_date_error_class_is_a_domain_error():
    assert issubclass(DateError, DomainError)


def test_parse_facts_date_time_zone_given_decides_today():
    # 23:30 UTC on the 23rd is already the 24th in Brussels
    late = datetime(2026, 11, 23, 23, 30, tzinfo=ZoneInfo("UTC"))
    assert parse_facts_date("hier", now=late).value == date(2026, 11, 23)
    assert parse_facts_date("hier", now=late, tz="UTC").value == date(2026, 11, 22)
    assert local_today(late, "Europe/Brussels") == date(2026, 11, 24)


def test_parse_facts_date_today_is_not_future():
    assert parse_facts_date("le 24 novembre 2026", now=now).value == date(2026, 11, 24)


def test_parse_facts_date_partly_future_range_is_clamped_to_today():
    parsed = parse_facts_date("fin novembre", now=now)
    assert parsed.precision == "approximate"
    assert parsed.bounds() == (date(2026, 11, 21), date(2026, 11, 24))
    assert parsed.value <= date(2026, 11, 24)


@pytest.mark.parametrize(
    ("text", "earliest", "latest"),
    [
        ("début janvier", date(2026, 1, 1), date(2026, 1, 10)),
        ("mi-mars", date(2026, 3, 11), date(2026, 3, 20)),
        ("fin décembre 2025", date(2025, 12, 21), date(2025, 12, 31)),
        ("mars 2024", date(2024, 3, 1), date(2024, 3, 31)),
        ("en 2024", date(2024, 1, 1), date(2024, 12, 31)),
        ("la semaine dernière", date(2026, 11, 16), date(2026, 11, 22)),
        ("il y a plus d'un an", date(2024, 11, 24), date(2025, 11, 23)),
        ("le 3 novembre", date(2026, 11, 3), date(2026, 11, 3)),
        # seasons, a day taken back, a week, abbreviated months, two months, "environ"
        ("cet été, je sais pas exactement", date(2026, 6, 1), date(2026, 8, 31)),
        ("l'hiver dernier", date(2025, 12, 1), date(2026, 2, 28)),
        ("au printemps", date(2026, 3, 1), date(2026, 5, 31)),
        ("cet automne", date(2026, 9, 1), date(2026, 11, 24)),  # not after today
        ("en été 2025", date(2025, 6, 1), date(2025, 8, 31)),
        ("ah non c'était le 14, pas le 15", date(2026, 11, 14), date(2026, 11, 14)),
        ("le 14 et non le 15 novembre", date(2026, 11, 14), date(2026, 11, 14)),
        ("la semaine du 9 novembre", date(2026, 11, 9), date(2026, 11, 15)),
        ("fin oct", date(2026, 10, 21), date(2026, 10, 31)),
        ("début nov 2025", date(2025, 11, 1), date(2025, 11, 10)),
        ("en juillet-août", date(2026, 7, 1), date(2026, 8, 31)),
        ("il y a 15 jours environ", date(2026, 11, 6), date(2026, 11, 12)),
        ("début du mois", date(2026, 11, 1), date(2026, 11, 10)),
        ("En 2024 ou 2025, je ne sais plus", date(2024, 1, 1), date(2025, 12, 31)),  # both years, never one
    ],
)
def test_parsed_date_bounds_imprecise_date_gives_its_range(text, earliest, latest):
    assert parse_facts_date(text, now=now).bounds() == (earliest, latest)


def test_parsed_date_bounds_without_stored_range_derived_from_precision():
    assert ParsedDate(date(2024, 2, 1), "month", "février 2024").bounds() == (date(2024, 2, 1), date(2024, 2, 29))
    assert ParsedDate(date(2024, 1, 1), "year", "2024").bounds() == (date(2024, 1, 1), date(2024, 12, 31))
    assert ParsedDate(date(2024, 5, 5), "day", "5 mai").bounds() == (date(2024, 5, 5), date(2024, 5, 5))


def test_parsed_date_equality_ignores_stored_range():
    assert parse_facts_date("le 3 novembre", now=now) == ParsedDate(date(2026, 11, 3), "day", "le 3 novembre")


def test_find_date_phone_number_is_not_a_date():
    assert find_date("mon numéro est 0475 98 76 54", now=now) is None
    assert find_date("appelez le 04.75.98.76.54", now=now) is None


def test_find_date_day_slash_month_needs_le_inside_sentence():
    assert find_date("un service joignable 24/7 qui ne répond jamais", now=now) is None
    assert find_date("c'était le 24/7", now=now).value == date(2026, 7, 24)
    assert parse_facts_date("24/7", now=now).value == date(2026, 7, 24)  # as an answer: a date


def test_find_date_bare_weekday_in_sentence_is_ignored():
    assert find_date("le mardi je travaille au centre", now=now) is None


@pytest.mark.parametrize(
    ("facts", "received", "expected"),
    [
        ("le 23 novembre 2025", date(2026, 11, 24), "yes"),
        ("le 24 novembre 2025", date(2026, 11, 24), "no"),  # exactly one year: not older
        ("le 25 novembre 2025", date(2026, 11, 24), "no"),
        ("mars 2024", date(2026, 11, 24), "yes"),
        ("novembre 2025", date(2026, 11, 24), "probably"),
        ("en 2025", date(2026, 11, 24), "probably"),
        ("en 2024", date(2026, 11, 24), "yes"),
        ("fin 2025", date(2026, 11, 24), "probably"),
        ("début janvier", date(2026, 11, 24), "no"),
        ("il y a quelques mois", date(2026, 11, 24), "no"),
        ("il y a un an", date(2026, 11, 24), "probably"),
        ("il y a plus d'un an", date(2026, 11, 24), "yes"),
        ("il y a deux ans", date(2026, 11, 24), "yes"),
    ],
)
def test_older_than_twelve_months_compares_with_receipt(facts, received, expected):
    assert older_than(parse_facts_date(facts, now=now), received, 12) == expected


def test_older_than_uses_receipt_date_not_today():
    parsed = parse_facts_date("le 1er mars 2026", now=now)
    assert older_than(parsed, date(2026, 11, 24), 12) == "no"
    assert older_than(parsed, date(2027, 3, 2), 12) == "yes"


def test_older_than_month_precision_straddling_limit_is_probably():
    parsed = ParsedDate(date(2025, 11, 1), "month", "novembre 2025")
    assert older_than(parsed, date(2026, 11, 15), 12) == "probably"
    assert older_than(parsed, date(2026, 12, 1), 12) == "yes"
    assert older_than(parsed, date(2026, 11, 1), 12) == "no"


@pytest.mark.parametrize(
    ("d", "text"),
    [
        (date(2026, 12, 31), "31 décembre 2026"),
        (date(2027, 1, 1), "1er janvier 2027"),
        (date(2026, 8, 15), "15 août 2026"),
        (date(2026, 2, 2), "2 février 2026"),
    ],
)
def test_format_date_fr_date_gives_french_words(d, text):
    assert format_date_fr(d) == text


def test_format_parsed_fr_each_precision_keeps_its_wording():
    assert format_parsed_fr(parse_facts_date("mars 2024", now=now)) == "mars 2024"
    assert format_parsed_fr(parse_facts_date("en 2024", now=now)) == "2024"
    assert format_parsed_fr(parse_facts_date("le 1er mars 2025", now=now)) == "1er mars 2025"
    assert "début janvier" in format_parsed_fr(parse_facts_date("début janvier", now=now))


@pytest.mark.parametrize(
    ("d", "n", "expected"),
    [
        (date(2027, 1, 31), 1, date(2027, 2, 28)),
        (date(2028, 1, 31), 1, date(2028, 2, 29)),
        (date(2026, 12, 18), 2, date(2027, 2, 18)),
        (date(2026, 3, 31), 1, date(2026, 4, 30)),
        (date(2026, 11, 24), 12, date(2027, 11, 24)),
        (date(2026, 11, 24), -12, date(2025, 11, 24)),
        (date(2026, 3, 31), -1, date(2026, 2, 28)),
        (date(2026, 1, 15), 0, date(2026, 1, 15)),
    ],
)
def test_add_months_day_number_kept_or_last_day(d, n, expected):
    assert add_months(d, n) == expected


# now: Tuesday 24 November 2026
@pytest.mark.parametrize(
    ("text", "expected", "precision"),
    [
        ("ils ne sont pas passés vendredi alors que j'avais rendez-vous", date(2026, 11, 20), "day"),
        ("je suis venue jeudi matin au guichet", date(2026, 11, 19), "day"),
        ("le technicien devait venir mardi", date(2026, 11, 17), "day"),  # today is Tuesday: a week ago
        ("samedi 21, personne n'est venu", date(2026, 11, 21), "day"),
        ("le vendredi 13", date(2026, 11, 13), "day"),
        ("dimanche 25", date(2026, 10, 25), "day"),  # the latest 25th that was a Sunday
        ("à la Toussaint", date(2026, 11, 1), "approximate"),
        ("juste avant Noël", date(2025, 12, 25), "approximate"),
        ("le jour de l'an", date(2026, 1, 1), "approximate"),
        ("à Pâques", date(2026, 4, 5), "approximate"),
    ],
)
def test_weekdays_in_a_sentence_and_feasts_are_dates(text, expected, precision):
    parsed = find_date(text, now=now)
    assert parsed is not None
    assert (parsed.value, parsed.precision) == (expected, precision)


@pytest.mark.parametrize("text", [
    "le mardi je travaille, je ne peux pas venir",   # a habit
    "chaque lundi le camion passe",
    "je serai là mardi prochain",                    # the future: no date of the facts
    "l'an dernier",                                  # a year, not New Year's Day
])
def test_habits_and_periods_are_not_read_as_a_past_weekday_or_a_feast(text):
    parsed = find_date(text, now=now)
    assert parsed is None or parsed.precision == "year"


def test_a_bare_weekday_gives_way_to_any_other_date_of_the_letter():
    parsed = find_date("Mardi j'ai rappelé le service pour le problème du 3 novembre", now=now)
    assert parsed is not None and parsed.value == date(2026, 11, 3)


@pytest.mark.parametrize("text", [
    "j'habite en Espagne depuis 2 ans mais j'ai encore un terrain à Fleurus",
    "je suis cliente depuis dix ans et c'est la première fois",
    "nous vivons ici depuis 2019",
    "je suis affilié depuis le mois d'août",
    "je suis locataire chez vous depuis 2015",
])
def test_how_long_the_citizen_has_lived_or_been_a_client_is_not_the_date_of_the_facts(text):
    assert find_date(text, now=now) is None


def test_the_date_of_the_facts_is_found_beside_the_citizens_own_since():
    parsed = find_date("J'habite en Espagne depuis 2 ans. Le 3 novembre j'ai reçu votre lettre.", now=now)
    assert parsed is not None and parsed.value == date(2026, 11, 3)


def test_since_a_duration_is_a_problem_that_goes_on_until_today():
    parsed = find_date("la fuite dure depuis deux mois", now=now)
    assert parsed is not None
    assert parsed.precision == "approximate"
    assert parsed.bounds()[1] == date(2026, 11, 24)


@pytest.mark.parametrize("text", [
    "je ne comprends pas pourquoi le montant a doublé par rapport au mois dernier",
    "comparé à l'an dernier c'est pire",
])
def test_a_period_compared_with_is_not_the_date_of_the_facts(text):
    assert find_date(text, now=now) is None


@pytest.mark.parametrize(("text", "earliest", "latest", "precision"), [
    ("mardi 10/11 le camion a cassé", date(2026, 11, 10), date(2026, 11, 10), "day"),
    ("le jeudi 12.11 le camion", date(2026, 11, 12), date(2026, 11, 12), "day"),
    ("lundi le 9 il est venu", date(2026, 11, 9), date(2026, 11, 9), "day"),
    ("ya 3 semaines", date(2026, 10, 31), date(2026, 11, 6), "approximate"),
    ("vers le 15 octobre le camion", date(2026, 10, 12), date(2026, 10, 18), "approximate"),
    ("aux alentours du 10 novembre", date(2026, 11, 7), date(2026, 11, 13), "approximate"),
    ("depuis le 15 novembre plus rien", date(2026, 11, 15), date(2026, 11, 24), "approximate"),
])
def test_a_date_keeps_what_was_said_around_it(text, earliest, latest, precision):
    parsed = find_date(text, now=now)
    assert (parsed.earliest, parsed.latest, parsed.precision) == (earliest, latest, precision)


def test_ete_as_a_participle_is_no_season() -> None:
    assert parse_facts_date("j'ai été mal reçu le 3 novembre", now=now).earliest == date(2026, 11, 3)
    assert find_date("j'ai été mal reçu", now=now) is None


def test_since_a_month_goes_on_until_today() -> None:
    parsed = parse_facts_date("depuis septembre 2025 personne ne répond à mes mails", now=now)
    assert (parsed.earliest, parsed.latest) == (date(2025, 9, 1), date(2026, 11, 24))
