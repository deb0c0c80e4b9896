"""Dates of facts typed in French, and small calendar helpers.

The facts' date is parsed by our own recognisers (which know the precision of what the citizen
said: "début janvier" is not the 1st of January) with `dateparser` as a guarded fallback for
short answers. Time is always injected (`now=`): nothing here reads the clock.

Representative values (`ParsedDate.value`):
- "day": the day itself;
- "month": the first day of the month ("mars 2024" -> 2024-03-01);
- "year": the 1st of January ("en 2024" -> 2024-01-01);
- "approximate": the middle of the plausible range ("début janvier" -> the 5th), never after today.
`earliest`/`latest` keep that range; `older_than` uses it.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

import dateparser

from bot.domain.complaint import DomainError
from bot.domain.text import fold

Precision = Literal["day", "month", "approximate", "year"]

EXAMPLE_HINT = "(par exemple « le 3 novembre » ou « 03/11/2026 »)"


@dataclass(frozen=True)
class ParsedDate:
    value: date
    precision: Precision
    text: str
    # plausible range of the real date (inclusive); None: derived from value and precision
    earliest: date | None = field(default=None, compare=False)
    latest: date | None = field(default=None, compare=False)

    def bounds(self) -> tuple[date, date]:
        """(earliest, latest) possible date of the facts."""
        if self.earliest is not None and self.latest is not None:
            return self.earliest, self.latest
        v = self.value
        if self.precision == "day":
            return v, v
        if self.precision == "month":
            return v.replace(day=1), _month_end(v.year, v.month)
        if self.precision == "year":
            return date(v.year, 1, 1), date(v.year, 12, 31)
        return v - timedelta(days=15), v + timedelta(days=15)


class DateError(DomainError):
    """`code` is "unparseable" or "future"."""


# ---------------------------------------------------------------- calendar helpers

MONTH_NAMES_FR = (
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
)


def format_date_fr(d: date) -> str:
    """`31 décembre 2026`, `1er janvier 2027`."""
    day = "1er" if d.day == 1 else str(d.day)
    return f"{day} {MONTH_NAMES_FR[d.month - 1]} {d.year}"


def format_parsed_fr(parsed: ParsedDate) -> str:
    """How to say a parsed date back to the citizen, keeping its precision."""
    v = parsed.value
    if parsed.precision == "day":
        return format_date_fr(v)
    if parsed.precision == "month":
        return f"{MONTH_NAMES_FR[v.month - 1]} {v.year}"
    if parsed.precision == "year":
        return str(v.year)
    lo, hi = parsed.bounds()
    if lo == hi:
        return f"« {parsed.text} » (le {format_date_fr(lo)})"
    start = format_date_fr(lo) if lo.year != hi.year else format_date_fr(lo).rsplit(" ", 1)[0]
    return f"« {parsed.text} » (entre le {start} et le {format_date_fr(hi)})"


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def add_months(d: date, n: int) -> date:
    """Same day number `n` months later (or earlier when n < 0), or that month's last day."""
    index = d.year * 12 + (d.month - 1) + n
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def older_than(parsed: ParsedDate, received: date, months: int) -> Literal["yes", "no", "probably"]:
    """Are the facts more than `months` months older than the date of receipt?

    Facts dated exactly `months` months before receipt (same day number) are not older.
    "probably" when the possible range of an imprecise date straddles the limit.
    """
    earliest, latest = parsed.bounds()
    cutoff = add_months(received, -months)
    if latest < cutoff:
        return "yes"
    if earliest >= cutoff:
        return "no"
    return "probably"


# ---------------------------------------------------------------- vocabulary (folded)


_MONTHS: dict[str, int] = {
    "janvier": 1, "fevrier": 2, "mars": 3, "avril": 4, "mai": 5, "juin": 6, "juillet": 7,
    "aout": 8, "septembre": 9, "octobre": 10, "novembre": 11, "decembre": 12,
}
_MONTH_ABBR: dict[str, int] = {
    "janv": 1, "jan": 1, "fevr": 2, "fev": 2, "avr": 4, "juil": 7, "sept": 9, "sep": 9,
    "oct": 10, "nov": 11, "dec": 12,
}
_WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")

_UNITS_1_19 = (
    "un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf", "dix", "onze", "douze",
    "treize", "quatorze", "quinze", "seize", "dix-sept", "dix-huit", "dix-neuf",
)
_NUMBER_WORDS: dict[str, int] = {w: i + 1 for i, w in enumerate(_UNITS_1_19)}
_NUMBER_WORDS.update({"une": 1, "premier": 1, "vingt": 20, "trente": 30, "quarante": 40,
                      "cinquante": 50, "soixante": 60})
for _tens_word, _tens in (("vingt", 20), ("trente", 30)):
    _NUMBER_WORDS[f"{_tens_word}-et-un"] = _tens + 1
    _NUMBER_WORDS[f"{_tens_word} et un"] = _tens + 1
    for _i, _w in enumerate(_UNITS_1_19[1:9], start=2):
        _NUMBER_WORDS[f"{_tens_word}-{_w}"] = _tens + _i
        _NUMBER_WORDS[f"{_tens_word} {_w}"] = _tens + _i


def _alt(words: Iterable[str]) -> str:
    return "|".join(sorted((re.escape(w) for w in words), key=len, reverse=True))


_MONTH_RE = _alt(_MONTHS)
_MONTH_ANY_RE = _alt(list(_MONTHS) + list(_MONTH_ABBR))
_WEEKDAY_RE = _alt(_WEEKDAYS)
_NUMWORD_RE = _alt(_NUMBER_WORDS)
_DAYNUM = rf"(?:1er|1ere|\d{{1,2}}|{_NUMWORD_RE})"
_QUALIFIER = (
    r"(?:(?:au|en)\s+)?(?:(?:tout\s+)?debut|(?:a\s+la\s+|en\s+|vers\s+la\s+)?fin|mi|milieu|courant|vers)"
)


def _number(word: str) -> int | None:
    word = word.strip()
    if word.isdigit():
        return int(word)
    if word in ("1er", "1ere"):
        return 1
    return _NUMBER_WORDS.get(re.sub(r"\s+", " ", word))


# ---------------------------------------------------------------- recognisers


@dataclass(frozen=True)
class _Candidate:
    start: int
    end: int
    earliest: date
    latest: date
    value: date
    precision: Precision


def _qualified(qualifier: str | None, earliest: date, latest: date) -> tuple[date, date, Precision]:
    """Narrow a month or a year to its beginning, middle or end."""
    if not qualifier:
        return earliest, latest, "month" if earliest.month == latest.month else "year"
    q = qualifier.split()[-1]
    is_year = earliest.month != latest.month
    if q == "courant":
        return earliest, latest, "month" if not is_year else "year"
    if is_year:
        y = earliest.year
        parts = {"debut": (date(y, 1, 1), date(y, 3, 31)), "mi": (date(y, 5, 1), date(y, 8, 31)),
                 "milieu": (date(y, 5, 1), date(y, 8, 31)), "fin": (date(y, 10, 1), date(y, 12, 31)),
                 "vers": (earliest, latest)}
    else:
        y, m = earliest.year, earliest.month
        parts = {"debut": (date(y, m, 1), date(y, m, 10)), "mi": (date(y, m, 11), date(y, m, 20)),
                 "milieu": (date(y, m, 11), date(y, m, 20)), "fin": (date(y, m, 21), latest),
                 "vers": (earliest, latest)}
    lo, hi = parts.get(q, (earliest, latest))
    return lo, hi, "approximate"


def _qualified_week(qualifier: str, monday: date, sunday: date) -> tuple[date, date]:
    q = qualifier.split()[-1]
    if q == "debut":
        return monday, monday + timedelta(days=2)
    if q == "fin":
        return monday + timedelta(days=4), sunday
    return monday, sunday


def _mid(lo: date, hi: date) -> date:
    return lo + (hi - lo) // 2


def _make(start: int, end: int, lo: date, hi: date, precision: Precision, today: date) -> _Candidate:
    """Build a candidate; an imprecise range is clamped to today (the facts cannot be later)."""
    if precision == "day":
        return _Candidate(start, end, lo, lo, lo, "day")
    if lo <= today < hi:
        hi = today
    if precision == "month":
        value = lo
    elif precision == "year":
        value = lo
    else:
        value = _mid(lo, hi)
    return _Candidate(start, end, lo, hi, value, precision)


def _most_recent_day(day: int, month: int, today: date) -> date | None:
    """The most recent date on or before today with this day and month."""
    for year in range(today.year, today.year - 9, -1):
        try:
            d = date(year, month, day)
        except ValueError:
            continue
        if d <= today:
            return d
    return None


def _full_year(y: str, today: date) -> int:
    year = int(y)
    if len(y) == 2:
        year += 2000
        if year > today.year:
            year -= 100
    return year


def _safe_date(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d) if y >= 1900 else None
    except ValueError:
        return None


_NUM_GUARD_L = r"(?<![\d/.\-])"
_NUM_GUARD_R = r"(?![\d])(?![/.\-]\d)"

_RE_ISO = re.compile(_NUM_GUARD_L + r"(\d{4})-(\d{1,2})-(\d{1,2})" + _NUM_GUARD_R)
_RE_DMY = re.compile(_NUM_GUARD_L + r"(\d{1,2})([/.\-])(\d{1,2})\2(\d{4}|\d{2})" + _NUM_GUARD_R)
_RE_DM = re.compile(r"(?:\b(le|du)\s+|^\s*)(\d{1,2})/(\d{1,2})" + _NUM_GUARD_R)
_RE_MY = re.compile(r"(?:\b(?:en|le|du|de)\s+|^\s*)(\d{1,2})/(\d{4})" + _NUM_GUARD_R)
_RE_TEXT_DAY = re.compile(
    rf"\b(?:(?:le|ce|du)\s+)?(?:(?:{_WEEKDAY_RE})\s+)?(?:le\s+)?({_DAYNUM})\s+({_MONTH_ANY_RE})\b\.?"
    r"(?:\s+(?:(dernier|passe)\b|(\d{4})\b(?![/.\-]?\d)))?"
)
_RE_TEXT_MONTH = re.compile(
    rf"\b(?:({_QUALIFIER})\s*-?\s*(?:(?:du\s+mois\s+)?d'|(?:du\s+mois\s+)?de\s+)?|(?:en|au\s+mois\s+de|le\s+mois\s+de)\s+)?"
    rf"({_MONTH_RE})\b(?:\s+(dernier|passe)\b|\s+(\d{{4}})\b(?![/.\-]?\d))?"
)
_RE_YEAR = re.compile(
    rf"\b(?:({_QUALIFIER})\s*-?\s*(?:de\s+l'annee\s+|d'annee\s+|de\s+)?|"
    r"(?:en|courant|durant|pendant|depuis|dans\s+le\s+courant\s+de|au\s+cours\s+de)\s+(?:l'annee\s+|l'an\s+)?)"
    r"((?:19|20)\d{2})\b(?![/.\-]?\d)"
)
_RE_YEAR_ALONE = re.compile(r"^\s*((?:19|20)\d{2})\s*$")
_RE_SIMPLE_DAY = re.compile(
    r"\b(avant[- ]hier|hier|aujourd'hui|ce\s+matin|cet\s+apres[- ]midi|ce\s+soir|ce\s+midi)\b"
)
_RE_WEEKDAY = re.compile(rf"\b(?:(ce|le)\s+)?({_WEEKDAY_RE})(?:\s+(dernier|passe|d'avant))?\b")
_RE_PERIOD = re.compile(
    rf"\b(?:(?P<q>{_QUALIFIER})\s*-?\s*(?:de\s+|du\s+|d')?)?"
    r"(?:(?:la|cette)\s+(?P<week>semaine)(?!\s+du\b)(?:\s+(?P<week_last>derniere|passee|d'avant))?"
    r"|(?:le|ce)\s+(?P<weekend>week-?end)(?:\s+(?P<weekend_last>dernier|passe))?"
    r"|(?:le\s+|ce\s+|(?<=du\s))(?P<month>mois)(?:\s+(?P<month_last>dernier|passe)|-ci)?(?!\s+(?:de|d')\b)"
    r"|(?P<month_b>mois)(?:\s+(?P<month_last_b>dernier|passe)|-ci)"
    r"|l'(?:annee|an)\s+(?P<year_last>derniere|dernier|passee|passe)"
    r"|cette\s+(?P<year>annee))\b"
)
_RE_AGO = re.compile(
    r"\b(?:il\s+y\s+a|ca\s+fait|cela\s+fait|voila|depuis|ya|y\s+a|y'a|ilya)\s+"
    r"(?:(plus\s+de|plus\s+d'|moins\s+de|moins\s+d'|environ|a\s+peu\s+pres|presque|pres\s+de|pres\s+d'|bientot)\s*)?"
    rf"(quelques|plusieurs|une\s+quinzaine\s+de|une\s+dizaine\s+de|une\s+huitaine\s+de|un\s+bon|une\s+bonne|\d{{1,3}}|{_NUMWORD_RE})\s+"
    r"(jours?|semaines?|mois|ans?|annees?)\b(?:\s+(environ|a\s+peu\s+pres|a\s+peu\s+pres\s+pres))?"
)


# "le 3" as the whole answer, or after a few words ("ah non c'était le 14")
_RE_DAY_ALONE = re.compile(r"^\s*(?:[a-z' ,]{0,30}\s)?le\s+(1er|\d{1,2})\s*[.!]?\s*$")
_RE_FUTURE = re.compile(
    r"\b(?:(apres[- ]demain)|(demain)|(?:la\s+)?semaine\s+(prochaine)|(?:le\s+)?mois\s+(prochain)"
    r"|l'annee\s+(prochaine)|dans\s+(\d{1,3}|quelques|" + _NUMWORD_RE + r")\s+(jours?|semaines?|mois|ans?|annees?))\b"
)


def _unit_delta(today: date, n: int, unit: str) -> date:
    if unit.startswith("jour"):
        return today - timedelta(days=n)
    if unit.startswith("semaine"):
        return today - timedelta(weeks=n)
    if unit == "mois":
        return add_months(today, -n)
    return add_months(today, -12 * n)


def _numeric_dates(folded: str, today: date, whole_answer: bool) -> Iterator[_Candidate]:
    """"2026-11-03", "03/11/2026", "11/2026", and "le 3/11" (a bare "3/11" only as a whole answer)."""
    for m in _RE_ISO.finditer(folded):
        d = _safe_date(int(m[1]), int(m[2]), int(m[3]))
        if d:
            yield _make(m.start(), m.end(), d, d, "day", today)
    for m in _RE_DMY.finditer(folded):
        d = _safe_date(_full_year(m[4], today), int(m[3]), int(m[1]))
        if d:
            yield _make(m.start(), m.end(), d, d, "day", today)
    for m in _RE_MY.finditer(folded):
        month, year = int(m[1]), int(m[2])
        if 1 <= month <= 12 and year >= 1900:
            yield _make(m.start(), m.end(), date(year, month, 1), _month_end(year, month), "month", today)
    for m in _RE_DM.finditer(folded):
        if m[1] is None and not whole_answer:
            continue
        day, month = int(m[2]), int(m[3])
        if 1 <= month <= 12:
            d = _most_recent_day(day, month, today)
            if d:
                yield _make(m.start(2) if m[1] is None else m.start(), m.end(), d, d, "day", today)


def _text_days(folded: str, today: date, whole_answer: bool) -> Iterator[_Candidate]:
    """"le 3 novembre", "mardi 3 nov. 2026", "le 3 novembre dernier"."""
    for m in _RE_TEXT_DAY.finditer(folded):
        day = _number(m[1])
        month = _MONTHS.get(m[2]) or _MONTH_ABBR.get(m[2])
        if not day or not month:
            continue
        if m[4]:
            d = _safe_date(int(m[4]), month, day)
        elif m[3]:  # "le 3 novembre dernier": strictly before today
            d = _most_recent_day(day, month, today - timedelta(days=1))
        else:
            d = _most_recent_day(day, month, today)
        if d:
            yield _make(m.start(), m.end(), d, d, "day", today)


def _text_months(folded: str, today: date, whole_answer: bool) -> Iterator[_Candidate]:
    """"en novembre", "début mars 2024", "novembre dernier": the most recent such month by default."""
    for m in _RE_TEXT_MONTH.finditer(folded):
        month = _MONTHS[m[2]]
        if m[4]:
            years = [int(m[4])]
        elif m[3]:  # "novembre dernier": a month strictly before the current one
            years = [today.year if month < today.month else today.year - 1]
        else:
            years = [today.year, today.year - 1]
        for year in years:
            lo, hi, precision = _qualified(m[1], date(year, month, 1), _month_end(year, month))
            if lo <= today or len(years) == 1:
                yield _make(m.start(), m.end(), lo, hi, precision, today)
                break


def _years(folded: str, today: date, whole_answer: bool) -> Iterator[_Candidate]:
    """"en 2024", "fin 2023", and a bare "2024" as a whole answer."""
    for m in _RE_YEAR.finditer(folded):
        year = int(m[2])
        lo, hi, precision = _qualified(m[1], date(year, 1, 1), date(year, 12, 31))
        yield _make(m.start(), m.end(), lo, hi, precision, today)
    alone = _RE_YEAR_ALONE.match(folded) if whole_answer else None
    if alone:
        year = int(alone[1])
        yield _make(alone.start(1), alone.end(1), date(year, 1, 1), date(year, 12, 31), "year", today)


def _simple_days(folded: str, today: date, whole_answer: bool) -> Iterator[_Candidate]:
    """"hier", "avant-hier", "aujourd'hui", "ce matin"…"""
    for m in _RE_SIMPLE_DAY.finditer(folded):
        word = m[1]
        offset = 2 if word.startswith("avant") else 1 if word == "hier" else 0
        d = today - timedelta(days=offset)
        yield _make(m.start(), m.end(), d, d, "day", today)


def _weekdays(folded: str, today: date, whole_answer: bool) -> Iterator[_Candidate]:
    """"mardi dernier", "ce lundi", "le mardi d'avant"; a bare "mardi" only as the whole answer."""
    for m in _RE_WEEKDAY.finditer(folded):
        # a bare weekday inside a sentence is often a habit ("le mardi je travaille"): only as an answer
        if not (m[3] or m[1] == "ce" or (whole_answer and m.end() == len(folded.rstrip(" .!?")))):
            continue
        target = _WEEKDAYS.index(m[2])
        if m[1] == "ce" and not m[3]:
            back = (today.weekday() - target) % 7
        else:
            back = (today.weekday() - target) % 7 or 7
        if m[3] == "d'avant":
            back += 7
        d = today - timedelta(days=back)
        yield _make(m.start(), m.end(), d, d, "day", today)


def _period_range(m: re.Match[str], today: date) -> tuple[date, date, Precision]:
    """The week, weekend, month or year an `_RE_PERIOD` match names, narrowed by its qualifier."""
    qualifier = m["q"]
    if m["week"]:
        monday = today - timedelta(days=today.weekday())
        if m["week_last"]:
            monday -= timedelta(weeks=1)
        lo, hi = monday, monday + timedelta(days=6)
        if qualifier:
            lo, hi = _qualified_week(qualifier, lo, hi)
        return lo, hi, "approximate"
    if m["weekend"]:
        saturday = today - timedelta(days=(today.weekday() - 5) % 7)
        if m["weekend_last"] and saturday >= today - timedelta(days=1):
            saturday -= timedelta(weeks=1)
        return saturday, saturday + timedelta(days=1), "approximate"
    if m["month"] or m["month_b"]:
        first = today.replace(day=1)
        if m["month_last"] or m["month_last_b"]:
            first = add_months(first, -1)
        return _qualified(qualifier, first, _month_end(first.year, first.month))
    year = today.year - 1 if m["year_last"] else today.year
    return _qualified(qualifier, date(year, 1, 1), date(year, 12, 31))


def _periods(folded: str, today: date, whole_answer: bool) -> Iterator[_Candidate]:
    """"la semaine dernière", "le week-end passé", "début du mois", "l'année dernière"…"""
    for m in _RE_PERIOD.finditer(folded):
        lo, hi, precision = _period_range(m, today)
        yield _make(m.start(), m.end(), lo, hi, precision, today)


def _day_alone(folded: str, today: date, whole_answer: bool) -> Iterator[_Candidate]:
    """"le 3" as the whole answer: the most recent 3rd of a month."""
    m = _RE_DAY_ALONE.match(folded) if whole_answer else None
    if not m:
        return
    day = _number(m[1]) or 0
    for back in range(0, 3):
        first = add_months(today.replace(day=1), -back)
        d = _safe_date(first.year, first.month, day)
        if d and d <= today:
            yield _make(m.start(), m.end(), d, d, "day", today)
            return


def _future(folded: str, today: date, whole_answer: bool) -> Iterator[_Candidate]:
    """"demain", "la semaine prochaine", "dans 3 jours": said of the facts, mistakes flagged as future."""
    for m in _RE_FUTURE.finditer(folded):
        if m[1] or m[2]:
            d = today + timedelta(days=2 if m[1] else 1)
        elif m[3]:
            d = today + timedelta(days=7 - today.weekday())
        elif m[4]:
            d = add_months(today.replace(day=1), 1)
        elif m[5]:
            d = date(today.year + 1, 1, 1)
        else:
            n = 2 if m[6] == "quelques" else _number(m[6]) or 1
            unit = m[7]
            d = (today + timedelta(days=n) if unit.startswith("jour")
                 else today + timedelta(weeks=n) if unit.startswith("semaine")
                 else add_months(today, n if unit == "mois" else 12 * n))
        yield _make(m.start(), m.end(), d, d, "day", today)


_SOME = {"quelques": (2, 6), "plusieurs": (2, 6)}  # "il y a quelques jours": between 2 and 6
_ABOUT = {"quinzaine": 15, "dizaine": 10, "huitaine": 8}  # "une quinzaine de jours": 13 to 17


def _ago_range(modifier: str | None, amount: str, unit: str, today: date) -> tuple[date, date, Precision] | None:
    """The range "il y a (plus de) 3 semaines" allows; None when the amount is no number."""
    words = amount.split()
    if amount in _SOME or (len(words) >= 2 and words[1] in _ABOUT):
        if amount in _SOME:
            lo_n, hi_n = _SOME[amount]
        else:
            about = _ABOUT[words[1]]
            lo_n, hi_n = about - 2, about + 2
        return _unit_delta(today, hi_n, unit), _unit_delta(today, lo_n, unit), "approximate"
    n = 1 if amount in ("un bon", "une bonne") else _number(amount)
    if n is None:
        return None
    center = _unit_delta(today, n, unit)
    if modifier and modifier.startswith("plus"):
        return _unit_delta(today, 2 * n, unit), center - timedelta(days=1), "approximate"
    if modifier and modifier.startswith("moins"):
        return center + timedelta(days=1), today, "approximate"
    if unit.startswith("jour") and not modifier:
        return center, center, "day"
    spread = (
        timedelta(days=1 + n // 7) if unit.startswith("jour")
        else timedelta(days=3) if unit.startswith("semaine")
        else timedelta(days=15) if unit == "mois"
        else timedelta(days=182)
    )
    return center - spread, min(center + spread, today), "approximate"


_RE_WEEKDAY_DAYNUM = re.compile(
    rf"\b(?:le\s+)?({_WEEKDAY_RE})\s+(?:le\s+)?(1er|\d{{1,2}})\b(?!\s*(?:{_MONTH_ANY_RE}|[/.\-]\d|h\b|heures?\b))"
)
# "mardi 10/11", "le jeudi 12.11", "lundi 9/11/2026": the day and month said, the weekday with them
_RE_WEEKDAY_NUMERIC = re.compile(
    rf"\b(?:le\s+)?({_WEEKDAY_RE})\s+(?:le\s+)?(\d{{1,2}})([/.\-])(\d{{1,2}})(?:\3(\d{{4}}|\d{{2}}))?" + _NUM_GUARD_R
)


def _weekday_numerics(folded: str, today: date, whole_answer: bool) -> Iterator[_Candidate]:
    for m in _RE_WEEKDAY_NUMERIC.finditer(folded):
        day, month = int(m[2]), int(m[4])
        if not 1 <= month <= 12:
            continue
        d = _safe_date(_full_year(m[5], today), month, day) if m[5] else _most_recent_day(day, month, today)
        if d:
            yield _make(m.start(), m.end(), d, d, "day", today)


def _weekday_daynums(folded: str, today: date, whole_answer: bool) -> Iterator[_Candidate]:
    """"samedi 28", "le vendredi 13" without a month: the most recent such day with that weekday."""
    for m in _RE_WEEKDAY_DAYNUM.finditer(folded):
        day, weekday = _number(m[2]) or 0, _WEEKDAYS.index(m[1])
        months = [add_months(today.replace(day=1), -back) for back in range(0, 13)]
        days = [d for first in months if (d := _safe_date(first.year, first.month, day)) and d <= today]
        match = next((d for d in days if d.weekday() == weekday), days[0] if days else None)
        if match is not None:
            yield _make(m.start(), m.end(), match, match, "day", today)


def easter(year: int) -> date:
    """Easter Sunday of the Gregorian calendar (the anonymous Gregorian computus)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    leap = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 19 * leap) // 433
    month = (h + leap - 7 * m + 90) // 25
    return date(year, month, (h + leap - 7 * m + 33 * month + 19) % 32)


# fixed feasts, and Easter: "à Noël", "à la Toussaint", "le jour de l'an"
_RE_FEAST = re.compile(
    r"\b(?:(?:le\s+)?jour\s+de\s+)?(noel|toussaint|l'an|nouvel\s+an|saint[- ]sylvestre|paques)\b"
)
_FEASTS = {"noel": (12, 25), "toussaint": (11, 1), "l'an": (1, 1), "saint-sylvestre": (12, 31),
           "saint sylvestre": (12, 31)}


def _feasts(folded: str, today: date, whole_answer: bool) -> Iterator[_Candidate]:
    for m in _RE_FEAST.finditer(folded):
        word = " ".join(m[1].split())
        if word == "l'an" and "jour" not in m[0]:
            continue  # "l'an dernier" is a period, not New Year's Day
        if word == "paques":
            found = [d for y in range(today.year, today.year - 3, -1) if (d := easter(y)) <= today]
        else:
            month, day = _FEASTS.get(word, (1, 1))
            recent = _most_recent_day(day, month, today)
            found = [recent] if recent else []
        if found:
            # a feast is a day said roughly ("à Noël" can be the day before): shown with its date
            yield _Candidate(m.start(), m.end(), found[0], found[0], found[0], "approximate")


_RE_BARE_WEEKDAY = re.compile(
    rf"(?<!\ble\s)(?<!\bce\s)(?<!\bun\s)(?<!\bchaque\s)\b({_WEEKDAY_RE})\b(?!\s+(?:prochain|suivant|qui vient))"
)


def _bare_weekdays(folded: str, today: date, whole_answer: bool) -> Iterator[_Candidate]:
    """"ils ne sont pas passés mardi": a weekday without article is a day of the past week. Weak:
    used only when the text holds no other date ("le mardi" is a habit and is never read)."""
    for m in _RE_BARE_WEEKDAY.finditer(folded):
        back = (today.weekday() - _WEEKDAYS.index(m[1])) % 7 or 7
        d = today - timedelta(days=back)
        yield _make(m.start(), m.end(), d, d, "day", today)


# "j'habite en Espagne depuis 2 ans", "je suis client depuis dix ans": the citizen, not the facts
_STATUS_BEFORE = re.compile(
    r"\b(?:habite|habitons|vis|vivons|reside|residons|demeure|travaille|connais|suis\s+(?:\w+\s+)?"
    r"(?:client|cliente|affilie|affiliee|membre|inscrit|inscrite|locataire|proprietaire|abonne|abonnee|installe|installee)"
    r"|sommes\s+(?:\w+\s+)?(?:clients|affilies|membres|locataires|proprietaires|installes))\b[^.!?\n,;]{0,40}$"
)


_SINCE_BEFORE = re.compile(r"\bdepuis\s+(?:(?:le|la|les|l')\s*)?(?:(?:mois|annee)\s+(?:de\s+|d')?)?$")


# "le montant a doublé par rapport au mois dernier": a period compared with, not when it happened
_COMPARED_BEFORE = re.compile(r"\b(?:par\s+rapport|compare[es]{0,2}|contrairement|comme)\s+(?:a|au|aux)(?:\s+(?:la|l'))?\s*$")


def _not_when_it_happened(folded: str, c: _Candidate) -> bool:
    """"j'habite ici depuis 2019", "je suis client depuis dix ans": a date of the citizen's life;
    "par rapport au mois dernier": a comparison."""
    before = folded[max(0, c.start - 80):c.start]
    if _COMPARED_BEFORE.search(before):
        return True
    if not folded.startswith("depuis", c.start):
        since = _SINCE_BEFORE.search(before)
        if since is None:
            return False
        before = before[:since.start()]
    return bool(_STATUS_BEFORE.search(before))


def _ago(folded: str, today: date, whole_answer: bool) -> Iterator[_Candidate]:
    """"il y a 3 jours", "ça fait plus d'un mois", "depuis une quinzaine de jours"."""
    for m in _RE_AGO.finditer(folded):
        since = folded.startswith("depuis", m.start())
        found = _ago_range(m[1] or m[4], m[2], m[3], today)  # "il y a 15 jours environ": about
        if found is not None:
            lo, hi, precision = found
            if since:  # "depuis deux mois": it began then and still goes on
                hi, precision = today, "approximate"
            yield _make(m.start(), m.end(), lo, hi, precision, today)


_SEASONS = {"printemps": (3, 5), "ete": (6, 8), "automne": (9, 11), "hiver": (12, 2)}
_RE_SEASON = re.compile(
    r"\b(?:(?:cet|cette|ce|l'|le|au|en|pendant\s+l'|durant\s+l')\s*)?(printemps|ete|automne|hiver)"
    r"(?:\s+(dernier|passe)|\s+((?:19|20)\d{2}))?\b")


def _season_range(name: str, year: int) -> tuple[date, date]:
    first, last = _SEASONS[name]
    end_year = year + 1 if last < first else year
    return date(year, first, 1), _month_end(end_year, last)


def _seasons(folded: str, today: date, whole_answer: bool) -> Iterator[_Candidate]:
    """"cet été", "l'hiver dernier", "au printemps 2025": the season's months (meteorological)."""
    for m in _RE_SEASON.finditer(folded):
        if m[1] == "ete" and not re.search(r"(?:cet|l'|en|au|pendant\s+l'|durant\s+l')\s*$", folded[:m.start(1)]):
            continue  # "été" is also a participle ("j'ai été mal reçu")
        if m[3]:
            lo, hi = _season_range(m[1], int(m[3]))
        else:
            year = today.year
            lo, hi = _season_range(m[1], year)
            while lo > today or (m[2] and hi >= today):  # the most recent one begun (ended, if "dernier")
                year -= 1
                lo, hi = _season_range(m[1], year)
        yield _make(m.start(), m.end(), lo, hi, "approximate", today)


_MONTH_ABBR_RE = _alt(_MONTH_ABBR)
_RE_QUALIFIED_ABBR = re.compile(rf"\b({_QUALIFIER})\s*-?\s*(?:d'|de\s+)?({_MONTH_ABBR_RE})\b\.?(?:\s+((?:19|20)\d{{2}})\b)?")


def _abbreviated_months(folded: str, today: date, whole_answer: bool) -> Iterator[_Candidate]:
    """"fin oct", "début nov": an abbreviated month after a qualifier (alone, "sept" is a number)."""
    for m in _RE_QUALIFIED_ABBR.finditer(folded):
        month = _MONTH_ABBR[m[2]]
        year = int(m[3]) if m[3] else today.year if month <= today.month else today.year - 1
        lo, hi, precision = _qualified(m[1], date(year, month, 1), _month_end(year, month))
        yield _make(m.start(), m.end(), lo, hi, precision, today)


# in this order: at the same place and length, the first one found wins (`_pick`)
_RECOGNISERS: tuple[Callable[[str, date, bool], Iterator[_Candidate]], ...] = (
    _numeric_dates, _text_days, _text_months, _years, _simple_days, _weekdays, _periods, _day_alone,
    _future, _ago, _weekday_daynums, _weekday_numerics, _feasts, _seasons, _abbreviated_months,
)
# read only when the recognisers above find nothing
_WEAK_RECOGNISERS: tuple[Callable[[str, date, bool], Iterator[_Candidate]], ...] = (_bare_weekdays,)


def _candidates(folded: str, today: date, *, whole_answer: bool) -> list[_Candidate]:
    """Every date expression each recogniser finds in the folded text."""
    found = [c for recognise in _RECOGNISERS for c in recognise(folded, today, whole_answer)
             if not _not_when_it_happened(folded, c)]
    return found or [c for recognise in _WEAK_RECOGNISERS for c in recognise(folded, today, whole_answer)]


def _pick(cands: list[_Candidate]) -> _Candidate | None:
    """The first date mentioned; at the same place, the longest expression."""
    if not cands:
        return None
    return min(cands, key=lambda c: (c.start, -(c.end - c.start)))


def _local_now(now: datetime, tz: str) -> datetime:
    zone = ZoneInfo(tz)
    return now.replace(tzinfo=zone) if now.tzinfo is None else now.astimezone(zone)


def local_today(now: datetime, tz: str = "Europe/Brussels") -> date:
    """Today's date in `tz` at the injected `now` (a naive `now` is taken as local time)."""
    return _local_now(now, tz).date()


def _to_parsed(c: _Candidate, original: str) -> ParsedDate:
    text = original[c.start:c.end].strip(" ,.;:")
    return ParsedDate(c.value, c.precision, text, c.earliest, c.latest)


_FALLBACK_GUARD = re.compile(rf"\d|\b(?:{_MONTH_ANY_RE}|{_WEEKDAY_RE})\b")
_TIME_ONLY = re.compile(r"^\s*(?:a\s+)?\d{1,2}\s*h(?:\s*\d{2})?\s*$")


def _dateparser_fallback(folded: str, original: str, local_now: datetime) -> ParsedDate | None:
    """dateparser on a short answer only: it reads "je" as jeudi and "10h" as today."""
    if len(folded.split()) > 6 or not _FALLBACK_GUARD.search(folded) or _TIME_ONLY.match(folded):
        return None
    settings = {
        "PREFER_DATES_FROM": "past",
        "RELATIVE_BASE": local_now.replace(tzinfo=None),
        "DATE_ORDER": "DMY",
        "RETURN_AS_TIMEZONE_AWARE": False,
    }
    try:
        result = dateparser.parse(original, languages=["fr"], settings=settings)  # type: ignore[arg-type]
    except Exception:  # dateparser raises on odd inputs (overflow, bad regex groups)
        return None
    if result is None:
        return None
    d = result.date()
    return ParsedDate(d, "day", original.strip(), d, d)


def find_date(text: str, *, now: datetime, tz: str = "Europe/Brussels",
              whole_answer: bool = False) -> ParsedDate | None:
    """The first date mentioned in `text` (future dates included), or None. Never raises."""
    if not text or not text.strip():
        return None
    today = _local_now(now, tz).date()
    original = unicodedata.normalize("NFC", text)
    folded = fold(original, keep_length=True)  # positions in `folded` are positions in `original`
    folded = _DENIED.sub(lambda m: " " * len(m.group(0)), folded)  # same length: positions hold
    cands = _candidates(folded, today, whole_answer=whole_answer)
    best = _pick(cands)
    if best is None:
        return None
    return _to_parsed(_hedged(_week_of(_joined_range(best, cands, folded, today), folded, today), folded, today),
                      original)


# "le 14, pas le 15", "le 14 et non le 15": the date taken back is not read
_DENIED = re.compile(r",?\s*(?:et\s+)?(?:pas|non)\s+(?:le|la|au|en|du)\s+[^,.;!?]*")
_WEEK_OF_BEFORE = re.compile(r"\b(?:la|cette|dans\s+la|pendant\s+la|durant\s+la)\s+semaine\s+(?:du\s+)?$")


def _week_of(c: _Candidate, folded: str, today: date) -> _Candidate:
    """"la semaine du 9 novembre": the seven days from that day."""
    week = _WEEK_OF_BEFORE.search(folded[max(0, c.start - 30):c.start])
    if c.precision != "day" or not week:
        return c
    hi = min(c.value + timedelta(days=6), today)
    return _Candidate(c.start - (len(folded[max(0, c.start - 30):c.start]) - week.start()), c.end, c.value, hi,
                      _mid(c.value, hi), "approximate")


_ABOUT_BEFORE = re.compile(r"\b(?:vers|aux\s+alentours(?:\s+du)?|autour(?:\s+du)?|environ|a\s+peu\s+pres|approximativement)\s+$")
_ONGOING_SINCE_BEFORE = re.compile(r"\bdepuis\s+$")


def _hedged(c: _Candidate, folded: str, today: date) -> _Candidate:
    """"vers le 15 octobre": a few days either side; "depuis le 15 novembre", "depuis septembre 2025":
    from then until today."""
    if c.precision in ("month", "year"):
        before = folded[max(0, c.start - 30):c.start]
        since = _ONGOING_SINCE_BEFORE.search(before)
        if since and c.latest < today:  # it began then and still goes on
            return _Candidate(c.start - (len(before) - since.start()), c.end, c.earliest, today,
                              _mid(c.earliest, today), "approximate")
        return c
    if c.precision != "day":
        return c
    before = folded[max(0, c.start - 30):c.start]
    about = _ABOUT_BEFORE.search(before)
    if about:
        lo, hi = c.value - timedelta(days=3), min(c.value + timedelta(days=3), today)
        return _Candidate(c.start - (len(before) - about.start()), c.end, lo, hi, c.value, "approximate")
    since = _ONGOING_SINCE_BEFORE.search(before)
    if since and c.value < today:
        return _Candidate(c.start - (len(before) - since.start()), c.end, c.value, today, c.value, "approximate")
    return c


_RANGE_LINK = re.compile(r"^\s*(?:,\s*)?(?:(?:ou(?: bien)?|ou alors|voire|-|–|a|au|jusqu'au)\s+|[-–/]\s*)(?:peut-etre\s+)?$")
_RANGE_START = re.compile(r"(?:entre|du)\s+(?:le\s+)?$")
_AND_LINK = re.compile(r"^\s*et\s+$")
_OTHER_YEAR = re.compile(r"\s*(?:ou(?: bien)?|voire|-|–|a|au)\s+(?:en\s+)?(\d{4})\b")
_DAY_PAIR = re.compile(
    r"\b(?:entre\s+|du\s+)?(?:le\s+)?(\d{1,2})(?:er)?\s*(?:ou|et|au|a|-|–)\s*(?:le\s+)?(\d{1,2})(?:er)?\s+(?=[a-z])"
)


def _joined_range(best: _Candidate, cands: list[_Candidate], folded: str, today: date) -> _Candidate:
    """"fin septembre ou début octobre", "entre le 3 et le 10 novembre", "du 3 au 5": one range."""
    pair = _DAY_PAIR.search(folded, max(0, best.start - 30))
    if pair and pair.start() <= best.start <= pair.end() and best.precision == "day":
        d1, d2 = sorted((int(pair.group(1)), int(pair.group(2))))
        lo, hi = _safe_date(best.value.year, best.value.month, d1), _safe_date(best.value.year, best.value.month, d2)
        if lo and hi and lo < hi:
            return _Candidate(pair.start(), best.end, lo, hi, _mid(lo, hi), "approximate")
    other_year = _OTHER_YEAR.match(folded, best.end) if best.precision == "year" else None
    if other_year and 1900 < int(other_year.group(1)) <= today.year:  # "en 2024 ou 2025, je ne sais plus"
        y1, y2 = sorted((best.value.year, int(other_year.group(1))))
        lo, hi = date(y1, 1, 1), min(date(y2, 12, 31), today)
        return _Candidate(best.start, other_year.end(), lo, hi, _mid(lo, hi), "approximate")
    between = bool(_RANGE_START.search(folded[:best.start]))
    following = [c for c in cands if c.start >= best.end and (_RANGE_LINK.match(folded[best.end:c.start])
                 or (between and _AND_LINK.match(folded[best.end:c.start])))]
    if not following:
        return best
    nxt = min(following, key=lambda c: (c.start, -(c.end - c.start)))
    lo, hi = min(best.earliest, nxt.earliest), max(best.latest, nxt.latest)
    if hi > today:
        hi = max(lo, today)
    start = best.start
    m = _RANGE_START.search(folded[:best.start])
    if m:
        start = m.start()
    return _Candidate(start, nxt.end, lo, hi, _mid(lo, hi), "approximate")


def parse_facts_date(text: str, *, now: datetime, tz: str = "Europe/Brussels") -> ParsedDate:
    """The date of the facts, from a French answer; raises DateError("unparseable" | "future")."""
    local_now = _local_now(now, tz)
    today = local_now.date()
    parsed = find_date(text or "", now=now, tz=tz, whole_answer=True)
    if parsed is None and text and text.strip():
        original = unicodedata.normalize("NFC", text).strip()
        parsed = _dateparser_fallback(fold(original, keep_length=True), original, local_now)
    if parsed is None:
        raise DateError(
            f"Je n'ai pas compris cette date : pouvez-vous l'écrire autrement ? {EXAMPLE_HINT}",
            "unparseable",
        )
    if parsed.bounds()[0] > today:
        raise DateError(f"Cette date est dans le futur : pouvez-vous vérifier ? {EXAMPLE_HINT}", "future")
    return parsed
