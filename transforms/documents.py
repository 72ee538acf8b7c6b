"""Document metadata and clean body text from messy plain text (and news-please fields).

Interface:
- ``parse_document(raw_text, meta=None) -> ParsedDocument``: ``meta`` holds news-please
  fields when the record had them (title, description, authors, date_publish,
  source_domain, url, language); the text is always parsed too, to fill gaps and to strip
  header lines and debris from the body.
- ``documents(records) -> pl.DataFrame``: input columns doc_id, source_path, source_format,
  content_sha256, raw_text, meta_json (JSON object string or null); output conforms to
  ``schema.TABLES["documents"]`` (story_id, duplicate_of, duplicate_similarity, run_id null).

The body (``text``) keeps paragraphs separated by one blank line ("\n\n"); a subheading
stays as its own paragraph.

How the text is read (only the first and last few lines get the expensive rules):
- The header is the run of lines at the top that are web debris, metadata lines (an id,
  a date line, a byline, an agency credit) or short plain lines standing next to them. Of
  those plain lines the first title-like one is the title, the next the subtitle, any
  other a caption (debris). With no metadata line, a title is only taken when it is
  confirmed: repeated, written in Title Case, glued to the photo caption under it
  ("<Title> Image <caption> Credit <who>"), or one of at most two short unpunctuated
  lines before the first body paragraph (three or more such lines are highlights, not a
  headline). That last form is refused for a Title Case phrase of at most four words (a
  subheading on top of a scrape that starts mid-article), for a line ending in a day and
  month without a year (a teaser's date stamp), and when another heading follows the
  first paragraph (a page of several items). A file that starts with its body therefore
  gets title None. A bare source credit ("Source: CNN") confirms nothing.
- Dates: ``published_at`` is UTC; a time with a zone is converted, a time without one is
  taken as UTC with ``published_at_tz`` None, a day alone is midnight UTC. news-please's
  ``date_publish`` wins (source "json"), but the header date line is still removed.
- The dateline ("BEIJING --", "LONDON, Jan 3 (Reuters) -") is recorded in ``dateline``
  and REMOVED from the first body paragraph, so the body starts with the sentence itself
  (``raw_text`` keeps the original).
- Debris lines (``transforms.lexicon.debris``) are removed anywhere in the body; footer
  lines (agency credits, author bios and signatures) only at the end.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

import polars as pl

from transforms import schema
from transforms.lexicon.agencies import ALIASES as AGENCY_ALIASES
from transforms.lexicon.debris import BIO_ROLES, DEBRIS, LINE_PREFIXES, PHOTO_CREDITS
from transforms.lexicon.documents_header import (
    AUTHOR_NOISE,
    DATE_LABELS,
    ID_LABELS,
    MONTHS,
    NAME_PARTICLES,
    ROLE_WORDS,
    SECTIONS,
    SENTENCE_AUXILIARIES,
    SENTENCE_OPENERS,
    TITLE_SMALL_WORDS,
    WEEKDAYS,
    ZONES,
)
from transforms.lexicon.documents_language import MIN_SHARE, STOPWORDS
from transforms.lexicon.outlets import DOMAINS, HOST_PREFIXES, NAMES
from transforms.text import normalise


@dataclass
class ParsedDocument:
    text: str
    title: str | None = None
    subtitle: str | None = None
    outlet: str | None = None
    url: str | None = None
    authors: list[str] = field(default_factory=list)
    wire_agencies: list[str] = field(default_factory=list)
    dateline: str | None = None
    dateline_place: str | None = None
    section: str | None = None
    external_id: str | None = None
    published_at: datetime | None = None  # timezone-aware, UTC
    published_at_tz: str | None = None
    published_at_source: str | None = None
    language: str | None = None
    debris: list[str] = field(default_factory=list)


# ---------------------------------------------------------------------------------------
# Tunables (counted in paragraphs = non-empty lines, or words).
HEADER_SCAN = 12  # paragraphs at the top that may be header
FOOTER_SCAN = 8  # paragraphs at the end that may be footer
META_LOOKAHEAD = 4  # a plain line is header when a metadata line follows within this many
TITLE_MAX_WORDS = 25
TITLE_MAX_CHARS = 220
CONFIRMED_TITLE_MAX_WORDS = 40  # a headline next to a date line or byline, or repeated, may run long
UNCONFIRMED_TITLE_MAX_WORDS = 14  # a headline with nothing around it to confirm it
SHORT_HEADING_MAX_WORDS = 4  # an unconfirmed Title Case line this short is a subheading
HEADER_LINE_MAX_WORDS = 60  # longer lines always end the header
DEBRIS_MAX_CHARS = 420  # longer lines are never debris
AGENCY_LINE_MAX_CHARS = 160  # a line of nothing but agency names is never longer
COPYRIGHT_MAX_CHARS = 1500  # a footer legal notice starting with "Copyright" may be this long

# ---------------------------------------------------------------------------------------
# Compiled patterns (built from the lexicon tables).
# A debris pattern that cannot match a line without one of these endings is tried on its own,
# only on such lines: the leading ".{5,160}" of "<teaser> Read more" would otherwise backtrack
# over every line. Keyed by the exact pattern text: an edited pattern just loses the shortcut.
_DEBRIS_ENDINGS: dict[str, tuple[str, ...]] = {
    r".{5,160}\s+(?-i:Read more|READ MORE)": ("Read more", "READ MORE"),
}
_DEBRIS_RE = re.compile(
    "|".join(f"(?P<k{i}>{pat})" for i, (_, pat) in enumerate(DEBRIS) if pat not in _DEBRIS_ENDINGS) or "(?!)",
    re.IGNORECASE,
)
_DEBRIS_BY_ENDING = tuple(
    (i, _DEBRIS_ENDINGS[pat], re.compile(pat, re.IGNORECASE)) for i, (_, pat) in enumerate(DEBRIS) if pat in _DEBRIS_ENDINGS
)
_PREFIX_RE = re.compile("|".join(f"(?P<p{i}>{pat})" for i, (_, pat) in enumerate(LINE_PREFIXES)), re.IGNORECASE)
_PREFIX_KIND = {f"p{i}": kind for i, (kind, _) in enumerate(LINE_PREFIXES)}

_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
_WEEKDAY = "|".join(sorted(WEEKDAYS, key=len, reverse=True))
_ZONE = "|".join(sorted(ZONES, key=len, reverse=True))

_DATE_PATTERNS = (
    re.compile(
        r"(?<!\d)(?P<y>(?:19|20)\d\d)[-/.](?P<m>[01]?\d)[-/.](?P<d>[0-3]?\d)"
        r"(?:[T ](?P<H>[0-2]?\d):(?P<M>[0-5]\d)(?::(?P<S>[0-5]\d)(?:\.\d+)?)?(?P<off>Z|[+-][01]\d:?[0-5]\d)?)?(?!\d)"
    ),
    re.compile(rf"\b(?P<mon>{_MONTH})\.?\s+(?P<d>[0-3]?\d)(?:st|nd|rd|th)?,?\s+(?P<y>(?:19|20)\d\d)\b", re.IGNORECASE),
    re.compile(rf"\b(?P<d>[0-3]?\d)(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<mon>{_MONTH})\.?,?\s+(?P<y>(?:19|20)\d\d)\b", re.IGNORECASE),
    re.compile(r"(?<![\d.])(?P<d>[0-3]?\d)\.(?P<m>[01]?\d)\.(?P<y>(?:19|20)\d\d)(?!\d)"),
)
_YEAR_RE = re.compile(r"(?:19|20)\d\d")
_ZONE_AFTER = rf"(?:\s*\(?(?P<z>(?-i:{_ZONE}))\b(?:\s*(?P<zoff>[+-]\d{{1,2}}(?::?\d\d)?))?\)?|\s*(?P<noff>[+-][01]\d:?[0-5]\d)\b)?"
_TIME_PATTERNS = (
    re.compile(
        r"(?<![\d:])(?P<H>[0-2]?\d)[:.](?P<M>[0-5]\d)(?::(?P<S>[0-5]\d))?(?!\d)\s*(?P<ap>[ap]\.?\s?m\b\.?)?" + _ZONE_AFTER,
        re.IGNORECASE,
    ),
    re.compile(r"(?<![\d:])(?P<H>1[0-2]|0?[1-9])\s*(?P<ap>[ap]\.?\s?m\b\.?)" + _ZONE_AFTER, re.IGNORECASE),
    # 24-hour "0237 GMT": only with a zone right after it.
    re.compile(rf"(?<!\d)(?P<H>[01]\d|2[0-3])(?P<M>[0-5]\d)\s*(?:hrs?\s*)?\(?(?P<z>(?-i:{_ZONE}))\b\)?(?P<zoff>)(?P<noff>)"),
)
# A day and month without a year closing a line ("... for cryptocurrencies 6 Feb"): the date
# stamp of a teaser or listing line, which a headline does not carry.
_TRAILING_DAY = re.compile(rf"\s(?:[0-3]?\d\s+(?:{_MONTH})\.?|(?:{_MONTH})\.?\s+[0-3]?\d)$", re.IGNORECASE)
_RELATIVE = re.compile(r"\b\d+\s+(?:seconds?|secs?|minutes?|mins?|hours?|hrs?|days?|weeks?)\s+ago\b|\b(?:just now|yesterday|today)\b", re.IGNORECASE)
_LABELS = re.compile(
    r"^(?:" + "|".join(re.escape(x) for x in sorted(DATE_LABELS, key=len, reverse=True)) + r")\b\s*:?\s*",
    re.IGNORECASE,
)
_WEEKDAY_RE = re.compile(rf"\b(?:{_WEEKDAY})\b\.?,?", re.IGNORECASE)
_ID_RE = re.compile(
    r"^(?:" + "|".join(re.escape(x) for x in sorted(ID_LABELS, key=len, reverse=True)) + r")\s*[:#]\s*(?P<id>[A-Za-z0-9][\w./-]{0,40})$",
    re.IGNORECASE,
)
_BYLINE_RE = re.compile(r"^by\s*:?\s+(?P<names>.+)$", re.IGNORECASE)
# Where a byline's names end: reading time, a date label, a relative time.
_BYLINE_TAIL = re.compile(
    r"\s*(?:[|•·,-]\s*)?(?:\b\d+\s*(?:-\s*)?min(?:ute)?s?\.?\s+read\b|\b(?:published|updated|posted|last updated)\b|\b\d+\s+\w+\s+ago\b).*$",
    re.IGNORECASE,
)
_SOURCE_RE = re.compile(r"^(?:source|credit|via)\s*:\s*(?P<who>.{2,80})$", re.IGNORECASE)
_DOMAIN_RE = re.compile(r"(?:www\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|org|net|co\.uk|ir|cn|in|pk|de|fr|info|tv)", re.IGNORECASE)
_SPLIT_NAMES = re.compile(r"\s*(?:,|;|&|\band\b|\|)\s*")
_NAME_SUFFIX = re.compile(r"\s+(?:for|in|at|from)\s+.*$", re.IGNORECASE)
_NAME_TOKEN = re.compile(r"^(?:[A-Z][a-zA-Z'’.-]*|[A-Z]\.|Mc[A-Z][a-z]+|O'[A-Z][a-z]+)$")
_GLUED = re.compile(r"[a-z][A-Z]{2,}")  # "BathaLONDON": a name glued to the next word
_PUNCT_ONLY = re.compile(r"^[\s|,;:/()\[\]—–-]*$")
_STRIP_SEP = " \t|,;:/()[]—–-"
_WORD = re.compile(r"[A-Za-zÀ-ÿ']+")

# Captions: a photo credit at the end of the line, or the wire's "FILE -" caption opener.
# The alternatives are separate patterns, each tried only on lines carrying the mark it
# cannot match without (a closing parenthesis, a slash, a "Photo:" label, the opener), so
# the long ".{10,400}" scans run on few lines; a line is a caption when any one matches.
_PHOTO_CREDIT = "|".join(re.escape(c) for c in sorted(PHOTO_CREDITS, key=len, reverse=True))
_CAPTION_OPENER_RE = re.compile(r"^(?:FILE\s*[-—–]\s*|In this .{0,40} (?:file )?photo).{0,400}$")
_CAPTION_CLOSER_RE = re.compile(
    r"^.{10,400}(?:\((?:Photo|Image|Picture|Credit)s?:?[^)]{1,80}\)|[.!?]\s*\([A-Z][^()]{1,60}[^().!?]\))\.?$|"
    rf"^.{{10,400}}(?:©\S*\s*)?\((?:{_PHOTO_CREDIT})(?:/[^()]{{1,40}})?\)\.?$"
)
_CAPTION_LABEL_RE = re.compile(r"^.{10,400}\b(?:Photograph|Photo|Picture|Image)s?:\s*[^.]{2,80}\.?$")
_CAPTION_LABEL_WORDS = ("Photo", "Picture", "Image")  # "Photograph" contains "Photo"
_CAPTION_SLASH_RE = re.compile(r"^(?:.{0,400}\s)?\(?[A-Z][\w.'’-]+(?: [A-Z][\w.'’-]+){1,3}\s?/\s?[A-Z][\w.&'’ -]{1,40}\)?\.?$")
_FILE_PHOTO_RE = re.compile(r"^FILE\s*[-—–]\s*(?:In this|This)\b.{0,80}\bphoto\b")
# Dateline at the start of the first body paragraph.
_DATELINE_RE = re.compile(
    rf"^(?P<dl>(?P<place>[A-Z][A-Za-z.'’-]*(?:[ /][A-Z][A-Za-z.'’-]*){{0,3}}(?:,\s(?:[A-Z][a-z]{{1,12}}\.?(?:\s[A-Z][a-z]{{1,12}})?|[A-Z]{{2}}))?)"
    rf"(?:,\s*(?P<date>(?i:{_MONTH})\.?\s+\d{{1,2}}(?:,\s*\d{{4}})?))?"
    r"\s*(?:\((?P<credit>[^()]{1,100})\))?)(?:\s*(?P<sep>--|—|–|-|:)\s*(?=\S)|(?<=\))\s+(?=[A-Z\"“]))",
)
# A headline glued to the photo caption under it: "<Title> Image <caption> Credit <who>".
_GLUED_CAPTION = re.compile(r"^(?P<title>\S.{8,200}?)\s+(?:Image|Photo)\s+(?P<caption>[A-Z\"“].{10,800}?)\s+Credit\s+(?P<credit>\S.{1,100})$")
_EMBEDDED_META = re.compile(r"^(?P<title>\S.{8,200}?)\s+[|-]?\s*(?P<meta>(?:updated|published|posted)\s*:.{6,80})$", re.IGNORECASE)
_CREDIT_ONLY_RE = re.compile(r"^\((?P<credit>[A-Za-z][\w .&/-]{1,40})\)\s*(?:--|—|–|-)?\s*(?=[A-Z\"“])")
_AFP_SUBHEAD = re.compile(r"^(?P<head>-\s[^-]{2,80}?\s-)\s+(?=[A-Z\"“'‘])")
_BIO_RE = re.compile(
    r"^(?P<name>[A-Z][\w'’.-]+(?:\s+[A-Z][\w'’.-]+){1,3})\s+is\s+(?:a|an|the|[A-Z][\w&]+['’]s)\b(?P<rest>.{0,300})$"
)
_BIO_OUTLET = re.compile(r"\b(?:contributor|correspondent|reporter|writer|editor|columnist|journalist|producer)\s+(?:to|for|at|with)\s+(?P<outlet>(?:The\s+)?[A-Z][\w&.]*(?:\s+[A-Z][\w&.]*){0,4})")
_POSSESSIVE_OUTLET = re.compile(r"\bis\s+(?P<outlet>[A-Z][\w&]+)['’]s\b")
_COPYRIGHT_RE = re.compile(
    r"^(?:copyright|\(c\)|©)\s*(?:©\s*)?(?:(?:19|20)\d\d\s*(?:[-–]\s*(?:(?:19|20)\d\d)?\s*)?)?(?P<who>[A-Z][\w&'’ -]{1,60}?)\s*(?:\.|,|\s+all rights\b|$)",
    re.IGNORECASE,
)
_CONTRIB_RE = re.compile(r"^(?P<who>.{2,120}?)\s+contributed(?: reporting)? to this (?:report|story|article|post)\.?$", re.IGNORECASE)
_REPORTING_RE = re.compile(r"^\(?(?:additional\s+)?reporting by (?P<who>[^;)]{2,120})(?:;(?P<rest>[^)]*))?\)?\.?$", re.IGNORECASE)
_NEWSPAPER_CREDIT = re.compile(r"^\((?P<outlet>[A-Z][\w .&]{2,40}?)\s+\d{1,2}/\d{1,2}/\d{4}.{0,20}\)$")
_FOLLOW_RE = re.compile(r"^(?:e-?mail\S*\s.*?;\s*)?follow\s+(?:[\w .]+?\s)?(?P<name>[A-Z][\w'’.-]+(?:\s+[A-Z][\w'’.-]+){1,3})\s+on\s+twitter", re.IGNORECASE)

_AGENCY_SORTED = sorted(AGENCY_ALIASES, key=len, reverse=True)
_AGENCY_RE = re.compile(r"(?<![\w])(?:" + "|".join(re.escape(a) for a in _AGENCY_SORTED) + r")(?![\w])")
_AGENCY_NAME_RE = re.compile("|".join(re.escape(a) for a in _AGENCY_SORTED))
_ROLE_RE = re.compile(r"\b(?:" + "|".join(ROLE_WORDS) + r")s?\b", re.IGNORECASE)
_NOISE_RE = re.compile(r"\b(?:" + "|".join(re.escape(w) for w in AUTHOR_NOISE) + r")\b", re.IGNORECASE)
_BIO_ROLE_RE = re.compile(r"\b(?:" + "|".join(BIO_ROLES) + r")", re.IGNORECASE)
_HARD_WRAP_MIN, _HARD_WRAP_MAX = 40, 100
_AUX_RE = re.compile(r"\b(?:" + "|".join(sorted(SENTENCE_AUXILIARIES, key=len, reverse=True)) + r")\b", re.IGNORECASE)


# ---------------------------------------------------------------------------------------
# Small helpers


def _canon(s: str) -> str:
    return " ".join(s.casefold().split()).strip(" .:;,")


# The header, footer and body scans ask about the same lines; parse_document clears the
# memo per document, so it does not grow with a batch nor carry lines between documents.
@lru_cache(maxsize=4096)
def _debris_kind(line: str) -> str | None:
    if len(line) > DEBRIS_MAX_CHARS:
        return "caption" if _FILE_PHOTO_RE.match(line) else None
    # The first pattern (in lexicon order) that matches names the kind.
    m = _DEBRIS_RE.fullmatch(line)
    first = int(m.lastgroup[1:]) if m and m.lastgroup else len(DEBRIS)
    for i, endings, pattern in _DEBRIS_BY_ENDING:
        if i < first and line.endswith(endings) and pattern.fullmatch(line):
            first = i
            break
    if first < len(DEBRIS):
        return DEBRIS[first][0]
    m = _PREFIX_RE.fullmatch(line)
    if m and m.lastgroup:
        return _PREFIX_KIND[m.lastgroup]
    if _caption(line):
        return "caption"
    return None


def _caption(line: str) -> bool:
    """A photo caption line: a credit-like mark, then the caption pattern that needs that mark."""
    if not (line.endswith((")", ").")) or "/" in line or ":" in line or line.startswith(("FILE", "In this"))):
        return False
    # "$" also matches before a final newline, so the closing mark may stand just before one.
    end = line[:-1] if line.endswith("\n") else line
    if end.endswith((")", ").")) and _CAPTION_CLOSER_RE.match(line):
        return True
    if ":" in line and any(w in line for w in _CAPTION_LABEL_WORDS) and _CAPTION_LABEL_RE.match(line):
        return True
    if "/" in line and _CAPTION_SLASH_RE.match(line):
        return True
    return line.startswith(("FILE", "In this")) and _CAPTION_OPENER_RE.match(line) is not None


def _agency(text: str) -> str | None:
    """Canonical agency when ``text`` is nothing but an agency name."""
    return AGENCY_ALIASES.get(text.strip(_STRIP_SEP + ". "))


def _agencies_in(text: str) -> list[str]:
    if not _AGENCY_NAME_RE.search(text):  # the plain names without the word-boundary checks: a fast scan
        return []
    return [AGENCY_ALIASES[m.group(0)] for m in _AGENCY_RE.finditer(text)]


@lru_cache(maxsize=4096)  # header lines are tested as credits and as metadata lines (see _debris_kind)
def _only_agencies(text: str) -> tuple[str, ...]:
    """Agencies when the text is only agency names and separators ("AP - AFP", "(AFP, dpa)")."""
    if len(text) > AGENCY_LINE_MAX_CHARS:
        return ()  # a paragraph, not a credit: skip the scan
    found = _agencies_in(text)
    if not found:
        return ()
    rest = _AGENCY_RE.sub(" ", text)
    return tuple(found) if _PUNCT_ONLY.match(rest.replace(" ", "")) else ()


def _is_person_name(s: str) -> bool:
    if len(s) > 60:  # before the split: most lines asked about are body paragraphs
        return False
    toks = s.split()
    if not 2 <= len(toks) <= 5:
        return False
    if _NOISE_RE.search(s) or _AGENCY_RE.fullmatch(s) or _canon(s) in _OUTLET_CANON:
        return False
    caps = 0
    for t in toks:
        if t.lower() in NAME_PARTICLES:
            continue
        if not _NAME_TOKEN.match(t) or _GLUED.search(t) or any(ch.isdigit() for ch in t):
            return False
        caps += 1
    return caps >= 2


def _clean_name(s: str) -> str:
    s = s.strip(_STRIP_SEP + ". ")
    if s.isupper():
        s = " ".join(w.capitalize() for w in s.split())
    return s


def _names_from_byline(text: str) -> tuple[list[str], list[str]]:
    """Person names and agencies from the part of a byline after "By"."""
    text = _BYLINE_TAIL.sub("", text)
    names: list[str] = []
    agencies: list[str] = []
    for part in _SPLIT_NAMES.split(text):
        part = part.strip(_STRIP_SEP + ". ")
        if not part:
            continue
        if (ag := _agency(part)) or (ag := _agency(re.sub(r"\s+(?:staff|reporters?|news)$", "", part, flags=re.I))):
            agencies.append(ag)
            continue
        part = _NAME_SUFFIX.sub("", part)
        if _is_person_name(part):
            names.append(_clean_name(part))
    return names, agencies


def _title_case(line: str) -> bool:
    """Headline-style capitalisation: nearly every word but the small function words capitalised."""
    words = [w for w in _WORD.findall(line) if w.lower() not in TITLE_SMALL_WORDS]
    return (len(line.split()) >= 5 and len(words) >= 4 and not line.endswith("?") and not line.isupper()
            and sum(w[0].isupper() for w in words) / len(words) >= 0.9)


def _title_like(line: str, max_words: int = TITLE_MAX_WORDS) -> bool:
    if len(line) > max_words * TITLE_MAX_CHARS // TITLE_MAX_WORDS or not 1 <= len(line.split()) <= max_words:
        return False
    first = line[0]
    if not (first.isupper() or first.isdigit() or first in "\"“'‘`$£€"):
        return False
    if line.endswith((".", ",", ";", ":")) and not line.endswith("..."):
        return False
    if re.search(r"[a-z0-9][.!?]\s+[A-Z]", line) or _find_when(line):
        return False
    if (dm := _dateline_match(line)) and dm.group("sep") != ":":
        return False
    return True


def _plain_headline(line: str) -> bool:
    """A title-like line that may be a headline without any confirmation around it."""
    words = line.split()
    if len(words) > UNCONFIRMED_TITLE_MAX_WORDS or line.isupper() or line[0] in "\"“'‘":
        return False
    if _AUX_RE.search(line) or _TRAILING_DAY.search(line):
        return False
    return words[0].strip("'’\"“").casefold() not in SENTENCE_OPENERS


def _more_words(line: str, n: int) -> bool:
    """``len(line.split()) > n`` without splitting lines too short to hold n + 1 words."""
    return len(line) > 2 * n and len(line.split()) > n


def _same(a: str, b: str) -> bool:
    return _canon(a) == _canon(b)


# ---------------------------------------------------------------------------------------
# Dates


@dataclass
class _When:
    at: datetime
    tz: str | None
    spans: list[tuple[int, int]]


def _zone_offset(name: str, extra: str | None, naive: datetime) -> timedelta | None:
    z = ZONES.get(name)
    if z is None:
        return None
    if isinstance(z, str):
        off = ZoneInfo(z).utcoffset(naive)
        base = off if off is not None else timedelta(0)
    else:
        base = timedelta(minutes=z)
    if extra:
        base += _numeric_offset(extra)
    return base


def _numeric_offset(s: str) -> timedelta:
    sign = -1 if s[0] == "-" else 1
    digits = s[1:].replace(":", "")
    hours = int(digits[:-2] or 0) if len(digits) > 2 else int(digits)
    minutes = int(digits[-2:]) if len(digits) > 2 else 0
    return sign * timedelta(hours=hours, minutes=minutes)


def _find_when(line: str) -> _When | None:
    """The first date in ``line`` (with a time and zone when the line gives them)."""
    if not _YEAR_RE.search(line):
        return None  # every date form carries a year: one cheap scan rules most lines out
    for pat in _DATE_PATTERNS:
        dm = pat.search(line)
        if dm:
            break
    else:
        return None
    g = dm.groupdict()
    try:
        month = int(g["m"]) if g.get("m") else MONTHS[g["mon"].lower().rstrip(".")]
        day, year = int(g["d"]), int(g["y"])
        date = datetime(year, month, day)
    except (ValueError, KeyError):
        return None
    spans = [dm.span()]
    hour = minute = second = 0
    tz: str | None = None
    offset: timedelta | None = None
    if g.get("H"):
        hour, minute, second = int(g["H"]), int(g["M"]), int(g["S"] or 0)
        if g.get("off"):
            tz = g["off"]
            offset = timedelta(0) if tz == "Z" else _numeric_offset(tz)
            if tz == "Z":
                tz = "UTC"
    else:
        for tpat in _TIME_PATTERNS:
            for tm in tpat.finditer(line):
                if dm.start() <= tm.start() < dm.end() or tm.start() <= dm.start() < tm.end():
                    continue
                t = tm.groupdict()
                h = int(t["H"])
                ap = (t.get("ap") or "").replace(".", "").replace(" ", "").lower()
                if ap == "pm" and h < 12:
                    h += 12
                elif ap == "am" and h == 12:
                    h = 0
                if h > 23:
                    continue
                hour, minute, second = h, int(t.get("M") or 0), int(t.get("S") or 0)
                spans.append(tm.span())
                naive = date.replace(hour=hour, minute=minute)
                if t.get("z"):
                    tz = t["z"] + (t["zoff"] or "")
                    offset = _zone_offset(t["z"], t.get("zoff"), naive)
                elif t.get("noff"):
                    tz = t["noff"]
                    offset = _numeric_offset(tz)
                break
            if len(spans) > 1:
                break
    try:
        at = date.replace(hour=hour, minute=minute, second=second)
    except ValueError:
        return None
    at = at - offset if offset is not None else at
    return _When(at.replace(tzinfo=UTC), tz, spans)


def _residual(line: str, spans: list[tuple[int, int]]) -> str:
    chars = list(line)
    for a, b in spans:
        for k in range(a, b):
            chars[k] = " "
    rest = "".join(chars)
    rest = _RELATIVE.sub(" ", rest)
    rest = _WEEKDAY_RE.sub(" ", rest)
    rest = rest.strip(_STRIP_SEP + ". ")
    for _ in range(2):
        rest = _LABELS.sub("", rest).strip(_STRIP_SEP + ". ")
    # a label may also stand after a credit ("Xinhua | Updated:")
    rest = re.sub(r"\s*[|,-]?\s*\b(?:updated|published|posted|last updated)\b\s*:?$", "", rest, flags=re.I)
    return " ".join(rest.split()).strip(_STRIP_SEP + ". ")


# ---------------------------------------------------------------------------------------
# Header and footer lines


@dataclass
class _Acc:
    """What the header/footer scan has found so far."""

    title: str | None = None
    subtitle: str | None = None
    authors: list[str] = field(default_factory=list)
    agencies: list[str] = field(default_factory=list)
    outlet: str | None = None
    outlet_priority: int = -1
    section: str | None = None
    external_id: str | None = None
    when: _When | None = None
    when_source: str | None = None
    debris: list[str] = field(default_factory=list)

    def set_outlet(self, name: str, priority: int) -> None:
        if priority > self.outlet_priority:
            self.outlet, self.outlet_priority = name, priority


# Where an outlet name was read, strongest last wins: a credit the outlet prints on its own
# text beats a newspaper credit line, which beats an author bio.
OUTLET_PRIORITY = {"bio": 0, "credit": 1, "copyright": 2, "dateline": 3}


def _meta_line(line: str, acc: _Acc) -> bool:
    """Record ``line`` when it is a header metadata line (id, date, byline, credit)."""
    if len(line) > 200:
        return False
    if m := _ID_RE.match(line):
        acc.external_id = acc.external_id or m.group("id")
        return True
    if (m := _SOURCE_RE.match(line)) and _source_credit(m.group("who"), acc):
        return True
    if found := _only_agencies(line):
        acc.agencies += found
        return True
    when = _find_when(line)
    body = line
    if when is not None:
        body = _residual(line, when.spans)
    by = _BYLINE_RE.match(body)
    if by:
        names, ags = _names_from_byline(by.group("names"))
        if not names and not ags:
            return False
        acc.authors += names
        acc.agencies += ags
        if when and acc.when is None:
            acc.when, acc.when_source = when, "byline"
        return True
    if when is None:
        return False
    source = "header"
    if body:
        if found := _only_agencies(body):
            acc.agencies += found
        elif _is_person_name(body):
            acc.authors.append(_clean_name(body))
            source = "byline"
        elif len(body.split()) <= 3 and (body.isupper() or body.casefold() in SECTIONS):
            acc.section = acc.section or body
        else:
            return False
    if acc.when is None:
        acc.when, acc.when_source = when, source
    return True


def _is_credit(line: str) -> bool:
    """A bare source credit ("Source: CNN", "SOURCE:AFP", "AP - AFP")."""
    return bool(_SOURCE_RE.match(line) or _only_agencies(line))


def _source_credit(who: str, acc: _Acc) -> bool:
    """Record a "Source: ..." credit naming wire agencies or a known outlet (or its domain)."""
    if found := _only_agencies(who):
        acc.agencies += found
        return True
    who = who.strip(_STRIP_SEP + ". ")
    if who in NAMES:
        acc.set_outlet(NAMES[who], OUTLET_PRIORITY["credit"])
        return True
    if _DOMAIN_RE.fullmatch(who):
        acc.set_outlet(_outlet_from_domain(who), OUTLET_PRIORITY["credit"])
        return True
    return False


def _copyright(line: str, acc: _Acc) -> bool:
    """Record the holder of a copyright line: an agency, or the outlet."""
    m = _COPYRIGHT_RE.match(line)
    if not m:
        if line.lower().startswith(("copyright", "©")) and (known := _known_outlet_in(line)):
            acc.set_outlet(NAMES[known], OUTLET_PRIORITY["copyright"])
            return True
        return False
    who = m.group("who").strip(" .,")
    if ags := _agencies_in(who):
        acc.agencies += ags
        return True
    known = next((n for n in _NAMES_BY_LENGTH if who == n or who.startswith(n + " ")), None)
    if known or len(who.split()) <= 4:
        name = NAMES[known] if known else who
        acc.set_outlet(name, OUTLET_PRIORITY["copyright"])
    return True


def _known_outlet_in(line: str) -> str | None:
    return next((n for n in _NAMES_BY_LENGTH if re.search(rf"\b{re.escape(n)}\b", line)), None)


def _bio_outlet(line: str, rest: str, acc: _Acc) -> None:
    om = _POSSESSIVE_OUTLET.search(line) or _BIO_OUTLET.search(rest)
    if om:
        name = om.group("outlet").strip(" .")
        acc.set_outlet(NAMES.get(name, name), OUTLET_PRIORITY["bio"])


def _bio(line: str, acc: _Acc) -> bool:
    """Record an author bio line ("Daniel McLaughlin is a contributor to The Irish Times ...")."""
    m = _BIO_RE.match(line)
    if not m or not _BIO_ROLE_RE.search(m.group("rest")[:120]) or not _is_person_name(m.group("name")):
        return False
    acc.authors.append(_clean_name(m.group("name")))
    _bio_outlet(line, m.group("rest"), acc)
    return True


def _footer_line(line: str, acc: _Acc, tail_names: dict[str, int]) -> str | None:
    """The debris kind of a footer line (recording what it says), or None for body."""
    if len(line) > 400:
        # a site's legal notice may be long, but it still starts with its copyright mark
        return "copyright" if len(line) <= COPYRIGHT_MAX_CHARS and _copyright(line, acc) else None
    if (m := _SOURCE_RE.match(line)) and _source_credit(m.group("who"), acc):
        return "credit"
    if found := _only_agencies(line):
        acc.agencies += found
        return "credit"
    if (m := re.match(r"^[a-z]{1,4}(?:/[a-z]{1,4})+\s*\((?P<who>[^)]+)\)$", line)) and (found := _only_agencies(m.group("who"))):
        acc.agencies += found  # Deutsche Welle's "jm/dm (AFP, dpa)" editor initials and sources
        return "credit"
    if m := _REPORTING_RE.match(line):
        if m.group("rest") and "editing by" in m.group("rest").lower():
            acc.agencies.append("Reuters")
        return "credit"
    if m := _CONTRIB_RE.match(line):
        acc.agencies += _only_agencies(m.group("who"))
        return "credit"
    if m := _NEWSPAPER_CREDIT.match(line):
        acc.set_outlet(NAMES.get(m.group("outlet"), m.group("outlet")), OUTLET_PRIORITY["credit"])
        return "credit"
    if _bio(line, acc):
        return "bio"
    if _copyright(line, acc):
        return "copyright"
    if m := _FOLLOW_RE.match(line):
        if _is_person_name(m.group("name")):
            acc.authors.append(_clean_name(m.group("name")))
        return "contact"
    if (kind := _debris_kind(line)) is not None:
        return kind
    if by := _BYLINE_RE.match(line):
        names, ags = _names_from_byline(by.group("names"))
        if names or ags:
            acc.authors += names
            acc.agencies += ags
            return "signature"
    key = _canon(line)
    if key in tail_names:
        return "signature"
    return None


# ---------------------------------------------------------------------------------------
# Paragraphs


def _paragraphs(text: str) -> list[str]:
    """Non-empty lines as paragraphs; hard-wrapped blocks (fixed-width lines) are re-joined."""
    blocks = text.split("\n\n") if "\n\n" in text else [text]
    out: list[str] = []
    for block in blocks:
        lines = [ln.strip() for ln in block.split("\n")]
        lines = [ln for ln in lines if ln]
        if not lines:
            continue
        if _hard_wrapped(lines):
            out.append(" ".join(lines))
        else:
            out.extend([" ".join(ln.split()) if "  " in ln or "\t" in ln else ln for ln in lines])
    return out


def _hard_wrapped(lines: list[str]) -> bool:
    """Fixed-width wrapped lines: similar lengths near one width, continuations in lower case."""
    if len(lines) < 3:
        return False
    body = lines[:-1]
    width = max(len(ln) for ln in body)
    if not _HARD_WRAP_MIN <= width <= _HARD_WRAP_MAX or min(len(ln) for ln in body) < 0.7 * width:
        return False
    continued = sum(nxt[:1].islower() or not ln.endswith((".", "!", "?", '"', "”", ":")) for ln, nxt in zip(body, lines[1:], strict=False))
    return continued >= 0.8 * len(body) and any(nxt[:1].islower() for nxt in lines[1:])


def _header(paras: list[str], acc: _Acc) -> tuple[int, set[int]]:
    """Scan the top of the document: (index of the first body paragraph, header lines
    before it that were consumed as metadata or debris when the plain lines are body)."""
    limit = min(len(paras), HEADER_SCAN)
    plain: list[int] = []
    consumed: set[int] = set()
    override: dict[int, str] = {}  # a title sharing its line with the date
    meta_memo: dict[int, bool] = {}

    def is_meta(j: int) -> bool:
        if j not in meta_memo:
            nxt = paras[j]
            meta_memo[j] = _debris_kind(nxt) is None and not _is_credit(nxt) and _meta_line(nxt, _Acc())
        return meta_memo[j]

    has_meta = in_highlights = False
    i = 0
    while i < limit:
        line = paras[i]
        if not plain and " Credit " in line and (gm := _GLUED_CAPTION.match(line)) and _title_like(gm.group("title")):
            acc.debris.append(f"caption: {line[gm.end('title'):].strip()}")
            override[i] = gm.group("title")
            has_meta = True  # the caption under it marks the line as the page's headline
            plain.append(i)
        elif (kind := _debris_kind(line)) is not None:
            acc.debris.append(f"{kind}: {line}")
            in_highlights = kind == "highlights"
        elif in_highlights and _title_like(line):
            acc.debris.append(f"highlights: {line}")
        elif _bio(line, acc):
            acc.debris.append(f"bio: {line}")
        elif _is_credit(line) and _meta_line(line, acc):
            pass  # a source credit may stand anywhere; it does not make the lines around it a header
        elif (meta_memo.get(i) is not False) and _meta_line(line, acc):
            has_meta = True
        elif (em := _EMBEDDED_META.match(line)) and _meta_line(em.group("meta"), acc):
            has_meta = True
            override[i] = em.group("title").strip(_STRIP_SEP)
            plain.append(i)
        elif plain and _same(line, paras[plain[0]]):
            acc.debris.append(f"repeated_title: {line}")
        else:
            in_highlights = False
            if _more_words(line, HEADER_LINE_MAX_WORDS):
                break
            # A plain line belongs to the header when a metadata line follows closely.
            ahead = False
            for j in range(i + 1, min(limit, i + 1 + META_LOOKAHEAD)):
                if _more_words(paras[j], HEADER_LINE_MAX_WORDS):
                    break
                if is_meta(j):
                    ahead = True
                    break
            # Without metadata ahead: at most two title-like lines before the body.
            if not ahead and (len(plain) >= 2 or not _title_like(line)):
                break
            plain.append(i)
            i += 1
            continue
        if i not in plain:
            consumed.add(i)
        i += 1
    # Lines accepted without metadata around them must prove they are a headline.
    if plain:
        first = override.get(plain[0], paras[plain[0]])
        repeated = any(d.startswith("repeated_title: ") for d in acc.debris)
        if (_title_like(first, CONFIRMED_TITLE_MAX_WORDS) and (has_meta or repeated)) or \
                (_title_like(first) and (_title_case(first) or _confirmed_run(paras, plain, i))):
            acc.title = first
            rest = [override.get(k, paras[k]) for k in plain[1:]]
            if rest:
                acc.subtitle = rest[0]
                acc.debris += [f"caption: {c}" for c in rest[1:]]
        else:
            # Not a headline: the plain lines are body (the metadata lines stay out).
            acc.debris = [d for d in acc.debris if not d.startswith("repeated_title: ")]
            return plain[0], consumed
    return i, consumed


def _confirmed_run(paras: list[str], plain: list[int], end: int) -> bool:
    """One or two short unpunctuated lines, then a body paragraph: a headline (and standfirst)."""
    if len(plain) > 2 or end >= len(paras):
        return False
    first = paras[plain[0]]
    if not _plain_headline(first) or first.endswith("?") or _short_title_case(first):
        return False
    while end < len(paras) and _debris_kind(paras[end]) is not None:
        end += 1
    if end >= len(paras):
        return False
    nxt = paras[end]
    if not (len(nxt.split()) >= 8 and nxt[-1:] in ".!?\"”'’)…"):
        return False
    # Heading, one paragraph, heading again: a page of several items (video segments, a
    # live blog), whose first item heading is not the page's title.
    after = paras[end + 1] if end + 1 < len(paras) else ""
    return not (after and len(plain) == 1 and _title_like(after) and len(after.split()) <= UNCONFIRMED_TITLE_MAX_WORDS
                and _debris_kind(after) is None)


def _short_title_case(line: str) -> bool:
    """A Title Case phrase of at most four words ("A Request From Moscow"): a subheading that
    a scrape starting mid-article puts on top; headlines carry a verb and run longer."""
    words = line.split()
    big = [w for w in _WORD.findall(line) if w.lower() not in TITLE_SMALL_WORDS]
    return len(words) <= SHORT_HEADING_MAX_WORDS and len(big) >= 2 and all(w[0].isupper() for w in big)


# ---------------------------------------------------------------------------------------
# Public API


def _outlet_from_domain(domain: str) -> str:
    host = domain.lower().strip().rstrip(".")
    for p in HOST_PREFIXES:
        if host.startswith(p):
            host = host[len(p):]
            break
    parts = host.split(".")
    for k in range(len(parts) - 1):
        name = DOMAINS.get(".".join(parts[k:]))
        if name:
            return name
    return host


_NAMES_BY_LENGTH = sorted(NAMES, key=len, reverse=True)
_OUTLET_CANON = {_canon(n) for n in NAMES} | {_canon(n) for n in DOMAINS}


_STOP_LANGS: dict[str, tuple[int, ...]] = {}
for _k, _stop in enumerate(STOPWORDS.values()):
    for _w in _stop:
        _STOP_LANGS[_w] = (*_STOP_LANGS.get(_w, ()), _k)
_LANGS = tuple(STOPWORDS)


def _language(text: str) -> str | None:
    words = _WORD.findall(text[:1200].lower())
    total = len(words)
    if total < 5:
        return None
    hits = [0] * len(_LANGS)
    for w, n in Counter(words).items():
        for k in _STOP_LANGS.get(w, ()):
            hits[k] += n
    best, share = None, 0.0
    for k, lang in enumerate(_LANGS):  # the first language wins a tie
        if hits[k] / total > share:
            best, share = lang, hits[k] / total
    return best if share >= MIN_SHARE else None


def _meta_date(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        d = value
    elif isinstance(value, str) and value.strip():
        try:
            d = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            return None
    else:
        return None
    return d.replace(tzinfo=UTC) if d.tzinfo is None else d.astimezone(UTC)


def _meta_authors(values: Any, outlet: str | None) -> tuple[list[str], list[str]]:
    """news-please authors without the noise ('Published A.M. Et Dec.', outlets, roles)."""
    names: list[str] = []
    agencies: list[str] = []
    if not isinstance(values, list):
        return names, agencies
    for v in values:
        if not isinstance(v, str):
            continue
        v = _NAME_SUFFIX.sub("", v.strip())
        if (ag := _agency(v)) is not None:
            agencies.append(ag)
        elif _is_person_name(v) and (outlet is None or _canon(v) != _canon(outlet)):
            names.append(v)
    return names, agencies


def _dateline_match(line: str) -> re.Match[str] | None:
    """The dateline at the start of ``line``: an upper-case place, or a place with a date or credit."""
    m = _DATELINE_RE.match(line)
    if not m:
        return None
    place = m.group("place")
    upper = place.replace(",", "").replace(".", "").split()[0].isupper() and len(place) > 2
    if not (upper or m.group("date") or m.group("credit")) or len(line[m.end():].split()) < 3:
        return None
    return m


def _credit(credit: str, acc: _Acc) -> _When | None:
    """A dateline credit "(Reuters)", "(UrduPoint / Pakistan Point News - 5th Jul, 2021 )"."""
    if ags := _agencies_in(credit):
        acc.agencies += ags
    else:
        name = re.split(r"\s+[-–—]\s+|\s*/\s*", credit.strip())[0].strip()
        if name and not _find_when(name):
            acc.set_outlet(NAMES.get(name, name), OUTLET_PRIORITY["dateline"])
    return _find_when(credit)


def _dateline(first: str, acc: _Acc) -> tuple[str, str | None, str | None, _When | None]:
    """Strip a dateline from the first body paragraph: (rest, dateline, place, date)."""
    if m := _dateline_match(first):
        credit = m.group("credit")
        when = _credit(credit, acc) if credit else None
        return first[m.end():], m.group("dl").strip(), _place(m.group("place")), when
    if (m2 := _CREDIT_ONLY_RE.match(first)) and len(first[m2.end():].split()) >= 3:
        _credit(m2.group("credit"), acc)
        return first[m2.end():], m2.group(0).strip(" -—–"), None, None
    return first, None, None, None


def _place(place: str) -> str:
    """Place as a name: "BEIJING" -> "Beijing", "TOKYO/SEOUL" -> "Tokyo/Seoul", "LAKE FOREST, Ill." kept readable."""
    def fix(word: str) -> str:
        return "/".join(p.capitalize() if p.isupper() and len(p) > 2 else p for p in word.split("/"))
    return " ".join(fix(w) for w in place.split())


def _dedupe(xs: list[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for x in xs:
        k = _canon(x)
        if k and k not in seen:
            seen.add(k)
            out.append(x)
    return out


def parse_document(raw_text: str, meta: Mapping[str, Any] | None = None) -> ParsedDocument:
    """Metadata and clean body of one article; see the module docstring for the rules."""
    meta = meta or {}
    _debris_kind.cache_clear()
    _only_agencies.cache_clear()
    paras = _paragraphs(normalise(raw_text or ""))
    acc = _Acc()
    start, skip = _header(paras, acc)

    # Footer: from the end, debris / credits / bios / signatures, until a body paragraph.
    tail_names: dict[str, int] = {}
    for p in paras[max(start, len(paras) - FOOTER_SCAN):]:
        if _is_person_name(p):
            tail_names[_canon(p)] = tail_names.get(_canon(p), 0) + 1
    end = len(paras)
    footer: list[str] = []
    while end > start and len(paras) - end < FOOTER_SCAN:
        kind = _footer_line(paras[end - 1], acc, _tail_signatures(tail_names, paras, start))
        if kind is None:
            break
        footer.append(f"{kind}: {paras[end - 1]}")
        end -= 1
    signature_names = [p for p in paras[end:] if _canon(p) in tail_names]
    acc.authors += [_clean_name(n) for n in signature_names]

    body: list[str] = []
    for k in range(start, end):
        p = paras[k]
        if k in skip:
            continue
        if (kind := _debris_kind(p)) is not None:
            acc.debris.append(f"{kind}: {p}")
            if kind == "contact" and (fm := _FOLLOW_RE.match(p)) and _is_person_name(fm.group("name")):
                acc.authors.append(_clean_name(fm.group("name")))  # "Follow <author> on Twitter" mid-page
        elif acc.title and not body and _same(p, acc.title):
            acc.debris.append(f"repeated_title: {p}")
        else:
            body.append(p)
    acc.debris += reversed(footer)

    dateline = place = None
    if body:
        first, dateline, place, dl_when = _dateline(body[0], acc)
        body[0] = first
        if dl_when and acc.when is None:
            acc.when, acc.when_source = dl_when, "dateline"
    out_body: list[str] = []
    for p in body:
        m = _AFP_SUBHEAD.match(p)
        if m:
            out_body += [m.group("head"), p[m.end():]]
        else:
            out_body.append(p)

    doc = ParsedDocument(text="\n\n".join(out_body).strip())
    # Title, subtitle: JSON first.
    doc.title = _str(meta.get("title")) or acc.title
    doc.subtitle = _str(meta.get("description")) or acc.subtitle
    if doc.title and doc.subtitle and _same(doc.title, doc.subtitle):
        doc.subtitle = None
    doc.url = _str(meta.get("url"))
    domain = _str(meta.get("source_domain"))
    doc.outlet = _outlet_from_domain(domain) if domain else acc.outlet
    json_names, json_agencies = _meta_authors(meta.get("authors"), doc.outlet)
    doc.authors = _dedupe(json_names or acc.authors)
    doc.wire_agencies = _dedupe(acc.agencies + json_agencies)
    doc.dateline, doc.dateline_place = dateline, place
    doc.section, doc.external_id = acc.section, acc.external_id
    json_date = _meta_date(meta.get("date_publish"))
    if json_date is not None:
        doc.published_at, doc.published_at_source = json_date, "json"
        doc.published_at_tz = "UTC" if isinstance(meta.get("date_publish"), str) and meta["date_publish"].endswith(("Z", "+00:00")) else None
    elif acc.when is not None:
        doc.published_at, doc.published_at_tz, doc.published_at_source = acc.when.at, acc.when.tz, acc.when_source
    doc.language = _str(meta.get("language")) or _language(doc.text)
    doc.debris = acc.debris
    return doc


def _tail_signatures(tail_names: dict[str, int], paras: list[str], start: int) -> dict[str, int]:
    """Name-only lines at the end count as signatures when repeated or followed by a bio."""
    out = {k: v for k, v in tail_names.items() if v >= 2}
    for k in tail_names:
        for p in paras[max(start, len(paras) - FOOTER_SCAN):]:
            if _canon(p).startswith(k + " is "):
                out[k] = tail_names[k]
    return out


def _str(v: Any) -> str | None:
    if isinstance(v, str):
        v = " ".join(normalise(v).split())
        return v or None
    return None


# The documents columns that parse_document fills, in table order (n_chars is added after them).
_PARSED_COLUMNS: dict[str, pl.DataType] = {
    name: dtype for name, dtype in schema.polars_schema("documents").items()
    if name in ("outlet", "url", "title", "subtitle", "authors", "wire_agencies", "dateline", "dateline_place",
                "section", "external_id", "published_at", "published_at_tz", "published_at_source", "language",
                "text", "debris")
}


def _string_lists(name: str, lists: list[list[str]]) -> pl.Series:
    """``pl.Series(name, lists, dtype=pl.List(pl.String))`` built from one flat column: Polars
    makes a Series per inner list otherwise. A leading null per row keeps empty lists."""
    rows = [k for k, values in enumerate(lists) for _ in range(len(values) + 1)]
    flat = [v for values in lists for v in (None, *values)]
    frame = pl.DataFrame({"row": rows, name: flat}, schema={"row": pl.UInt32, name: pl.String})
    return frame.group_by("row", maintain_order=True).agg(pl.col(name).slice(1))[name]


def documents(records: pl.DataFrame) -> pl.DataFrame:
    """One row per article record.

    Input columns: doc_id, source_path, source_format, content_sha256, raw_text, meta_json,
    and optionally source_encoding (default utf-8).
    Output: the ``documents`` table (``schema.polars_schema("documents")``) with story and
    duplicate columns and run_id left null for later stages.
    """
    if records.is_empty():
        return schema.empty("documents")
    if "source_encoding" not in records.columns:  # records decoded as UTF-8 (tests, benches)
        records = records.with_columns(source_encoding=pl.lit("utf-8"))
    # Per-document parsing is Python; the columns that pass through untouched stay in Polars.
    docs: list[ParsedDocument] = []
    for raw, meta_json in zip(records["raw_text"].to_list(), records["meta_json"].to_list(), strict=True):
        meta: dict[str, Any] | None = None
        if meta_json:
            try:
                loaded = json.loads(meta_json)
                meta = loaded if isinstance(loaded, dict) else None
            except ValueError:
                meta = None
        docs.append(parse_document(raw or "", meta))
    parsed = [_string_lists(name, [getattr(d, name) for d in docs]) if dtype == pl.List(pl.String)
              else pl.Series(name, [getattr(d, name) for d in docs], dtype=dtype) for name, dtype in _PARSED_COLUMNS.items()]
    parsed.append(pl.Series("n_chars", [len(d.text) for d in docs], dtype=pl.Int64))
    encoding = pl.col("source_encoding").cast(pl.String).fill_null("")
    frame = records.select(
        "doc_id", "source_path", "source_format", "content_sha256",
        source_encoding=pl.when(encoding == "").then(pl.lit("utf-8")).otherwise(encoding),
        raw_text=pl.col("raw_text").cast(pl.String).fill_null(""),
    ).hstack(parsed)
    return schema.conform(frame, "documents")


