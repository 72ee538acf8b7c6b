from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from transforms import schema
from transforms.documents import documents, parse_document

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"
BODY = (
    "The government said on Monday that more than 1,000 troops had crossed the border overnight, "
    "according to officials in the capital.\n"
    "Officials said the situation was under control and that talks would continue next week."
)


def _at(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)  # type: ignore[misc]


# --- header forms ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "published_at", "tz", "source"),
    [
        ("Published: 0237 GMT July 05, 2021", _at(2021, 7, 5, 2, 37), "GMT", "header"),
        ("date 2021-07-05 WORLD", _at(2021, 7, 5), None, "header"),
        ("Updated: 2017-09-15 17:52", _at(2017, 9, 15, 17, 52), None, "header"),
        ("Xinhua | Updated: 2017-09-15 17:52", _at(2017, 9, 15, 17, 52), None, "header"),
        ("July 5, 2021", _at(2021, 7, 5), None, "header"),
        ("2021-07-05", _at(2021, 7, 5), None, "header"),
        ("Mon 05th July 2021 | 04:20 PM", _at(2021, 7, 5, 16, 20), None, "header"),
        ("5 July 2021", _at(2021, 7, 5), None, "header"),
        ("2021-07-05T04:20:00+02:00", _at(2021, 7, 5, 2, 20), "+02:00", "header"),
        ("2021-07-05T04:20:00Z", _at(2021, 7, 5, 4, 20), "UTC", "header"),
        ("Published 5:20 PM ET Jan 3, 2018", _at(2018, 1, 3, 22, 20), "ET", "header"),  # EST in January
        ("Posted: July 5, 2021 10:15 am EDT", _at(2021, 7, 5, 14, 15), "EDT", "header"),
        ("Muhammad Irfan 6 minutes ago Mon 05th July 2021 | 04:20 PM", _at(2021, 7, 5, 16, 20), None, "byline"),
        ("By Jane Smith | July 5, 2021", _at(2021, 7, 5), None, "byline"),
    ],
)
def test_parse_document_reads_header_dates(header: str, published_at: datetime, tz: str | None, source: str) -> None:
    doc = parse_document(f"Troops flee across the border\n{header}\n\n{BODY}")
    assert doc.published_at == published_at
    assert doc.published_at_tz == tz
    assert doc.published_at_source == source
    assert doc.title == "Troops flee across the border"
    assert doc.text.startswith("The government said on Monday")
    assert header not in doc.text


def test_parse_document_reads_section_id_and_agency() -> None:
    doc = parse_document(f"News ID: 314510\n date 2021-07-05 WORLD\nXinhua | Updated: 2021-07-05 17:52\nTroops flee\n\n{BODY}")
    assert doc.external_id == "314510"
    assert doc.section == "WORLD"
    assert doc.wire_agencies == ["Xinhua"]
    assert doc.published_at == _at(2021, 7, 5)  # the first date line wins
    assert doc.title == "Troops flee"


def test_parse_document_never_invents_a_date() -> None:
    doc = parse_document(f"Troops flee across the border\n\n{BODY}\nThe talks began on July 4, 2021 in Doha.")
    assert doc.published_at is None
    assert doc.published_at_source is None


@pytest.mark.parametrize(
    ("byline", "authors", "agencies"),
    [
        ("By Jane Smith", ["Jane Smith"], []),
        ("By Jane Smith and John O'Neill", ["Jane Smith", "John O'Neill"], []),
        ("By Mark Bridge, Technology Correspondent", ["Mark Bridge"], []),
        ("BY JANE SMITH", ["Jane Smith"], []),
        ("By Agencies", [], ["Agencies"]),
        ("By Reuters Staff", [], ["Reuters"]),
        ("By Jane Smith 5 Minute Read", ["Jane Smith"], []),
        ("By Jane Smith Published July 5, 2021 Updated July 6, 2021", ["Jane Smith"], []),
        ("Muhammad Irfan 6 minutes ago Mon 05th July 2021 | 04:20 PM", ["Muhammad Irfan"], []),
    ],
)
def test_parse_document_reads_bylines_without_noise(byline: str, authors: list[str], agencies: list[str]) -> None:
    doc = parse_document(f"Troops flee across the border\n{byline}\n\n{BODY}")
    assert doc.authors == authors
    assert doc.wire_agencies == agencies
    assert byline not in doc.text


# --- datelines ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "dateline", "place", "agencies", "rest"),
    [
        ("BEIJING -- China on Friday said it opposes the launch.", "BEIJING", "Beijing", [], "China on Friday"),
        ("WASHINGTON — The White House said on Monday it would respond.", "WASHINGTON", "Washington", [], "The White House"),
        ("LONDON, Jan 3 (Reuters) - Britain said on Tuesday it would act.", "LONDON, Jan 3 (Reuters)", "London", ["Reuters"], "Britain said"),
        ("TOKYO/SEOUL (Reuters) - North Korea fired a missile on Tuesday.", "TOKYO/SEOUL (Reuters)", "Tokyo/Seoul", ["Reuters"], "North Korea"),
        ("LAKE FOREST, Ill. — Chicago Bears fire coach John Fox after a 5-11 season.", "LAKE FOREST, Ill.", "Lake Forest, Ill.", [], "Chicago Bears"),
        (
            "Kabul, July 5 (UrduPoint / Pakistan Point News - 5th Jul, 2021 ) :More than 1,000 Afghan troops fled.",
            "Kabul, July 5 (UrduPoint / Pakistan Point News - 5th Jul, 2021 )", "Kabul", [], "More than 1,000",
        ),
    ],
)
def test_parse_document_strips_and_records_datelines(first: str, dateline: str, place: str, agencies: list[str], rest: str) -> None:
    doc = parse_document(f"{first}\n{BODY}")
    assert doc.dateline == dateline
    assert doc.dateline_place == place
    assert doc.wire_agencies == agencies
    assert doc.text.startswith(rest)


def test_parse_document_dateline_credit_gives_outlet_and_date() -> None:
    doc = parse_document("Kabul, July 5 (UrduPoint / Pakistan Point News - 5th Jul, 2021 ) :More than 1,000 troops fled on Monday.")
    assert doc.outlet == "UrduPoint"
    assert doc.published_at == _at(2021, 7, 5)
    assert doc.published_at_source == "dateline"


@pytest.mark.parametrize("first", ["Hamdullah Mohib - the adviser - said on Monday that talks would go on.", "US-led forces have left the base."])
def test_parse_document_leaves_ordinary_first_sentences_alone(first: str) -> None:
    doc = parse_document(f"{first}\n{BODY}")
    assert doc.dateline is None
    assert doc.text.startswith(first)


# --- agencies and outlets ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("footer", "agencies"),
    [
        ("SOURCE:AFP", ["AFP"]),
        ("Source: Reuters", ["Reuters"]),
        ("AP - AFP", ["AP", "AFP"]),
        ("jm/dm (AFP, dpa)", ["AFP", "dpa"]),
        ("Copyright 2017 The Associated Press. All rights reserved.", ["AP"]),
        ("The Associated Press contributed to this report.", ["AP"]),
        ("(Reporting by Malcolm Foster; Editing by Bill Tarrant)", ["Reuters"]),
    ],
)
def test_parse_document_reads_agency_credit_lines(footer: str, agencies: list[str]) -> None:
    doc = parse_document(f"{BODY}\n{footer}")
    assert doc.wire_agencies == agencies
    assert footer not in doc.text
    assert any(d.endswith(footer) for d in doc.debris)


def test_parse_document_ignores_agencies_named_in_the_body() -> None:
    doc = parse_document(f"{BODY}\nThe minister told AFP and Reuters that talks would resume.")
    assert doc.wire_agencies == []


@pytest.mark.parametrize(
    ("footer", "outlet"),
    [
        ("(China Daily 10/03/2017 page4)", "China Daily"),
        ("Copyright 2018 Hawaii News Now. All rights reserved.", "Hawaii News Now"),
        ("Source: CNN", "CNN"),
        ("Source: hawaiinewsnow.com", "hawaiinewsnow.com"),
    ],
)
def test_parse_document_reads_outlet_credit_lines(footer: str, outlet: str) -> None:
    doc = parse_document(f"{BODY}\n{footer}")
    assert doc.outlet == outlet
    assert footer not in doc.text


def test_parse_document_source_credit_does_not_make_a_title() -> None:
    first = "A gunman killed more than 50 people at an open-air concert, firing down from a hotel across the street"
    doc = parse_document(f"{first}\nSource: CNN")
    assert doc.title is None
    assert doc.outlet == "CNN"
    assert doc.text == first


def test_parse_document_long_legal_notice_is_footer() -> None:
    notice = ("Copyright 1995 - . All rights reserved. The content (including but not limited to text, photo, "
              "multimedia information, etc) published in this site belongs to China Daily Information Co (CDIC). "
              "Without written authorization from CDIC, such content shall not be republished or used in any form. ") * 2
    doc = parse_document(f"{BODY}\n{notice.strip()}\nLicense for publishing multimedia online 0108263\n"
                         "Registration Number: 130349 Registration Number: 130349")
    assert doc.outlet == "China Daily"
    assert doc.text == BODY.replace("\n", "\n\n")
    assert [d.split(":")[0] for d in doc.debris] == ["copyright", "notice", "notice"]


# --- debris ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("Security Key:", "captcha"),
        ("Captcha refresh", "captcha"),
        ("Page Generated in 0/0544 sec", "generated"),
        ("READ MORE", "read_more"),
        ("Read more: Duisburg – Three Travel Tips", "read_more"),
        ("Share this article", "share"),
        ("Read or Share this story: https://usat.ly/2Cc6gQo", "share"),
        ("Sign up for BREAKING NEWS Emails privacy policy Thanks for subscribing!", "subscribe"),
        ("Subscribe to our newsletter", "subscribe"),
        ("Hide Caption 3 of 12 Photos: Afghan troops at the border crossing", "gallery"),
        ("Enlarge this image toggle caption Spencer Platt/Getty Images", "gallery"),
        ("Photo", "gallery"),
        ("Scroll down for video", "video"),
        ("Advertisement Continue reading the main story", "read_more"),
        ("Copyright © 2018 NPR. All rights reserved.", "copyright"),
        ("___", "separator"),
        ("The Telegram app was removed from the store Dado Ruvic/Reuters", "caption"),
        ("More: Tesla flying car? Elon Musk teases 'special upgrade' of Roadster supercar", "read_more"),
        ("Follow James Dean on Twitter: @flatoday_jdean", "contact"),
        ("License for publishing multimedia online 0108263", "notice"),
    ],
)
def test_parse_document_moves_debris_lines_aside(line: str, kind: str) -> None:
    doc = parse_document(f"{BODY}\n{line}\nThe talks are expected to resume on Tuesday, the ministry said.")
    assert line not in doc.text
    assert any(d.startswith(f"{kind}: ") and d.endswith(line) for d in doc.debris), doc.debris


@pytest.mark.parametrize(
    "line",
    [
        "Close to 100 people were evacuated, police said.",
        "He urged viewers to subscribe to the official channel for updates, the report said.",
        "Next week the talks will resume in Doha.",
        "Photos released by the ministry showed soldiers at the crossing.",
    ],
)
def test_parse_document_keeps_sentences_that_resemble_debris(line: str) -> None:
    doc = parse_document(f"{BODY}\n{line}\nThe talks are expected to resume on Tuesday, the ministry said.")
    assert line in doc.text.split("\n\n")


def test_parse_document_keeps_subheadings_as_paragraphs() -> None:
    raw = f"{BODY}\nKabul-Moscow security cooperation\nMohib arrived in Russia last week for talks."
    paras = parse_document(raw).text.split("\n\n")
    assert "Kabul-Moscow security cooperation" in paras
    assert paras[-1] == "Mohib arrived in Russia last week for talks."


def test_parse_document_splits_afp_subheading_from_next_sentence() -> None:
    raw = f"{BODY}\n- 'Emergency situation' - Already thinly stretched, Afghan forces have been crumbling."
    paras = parse_document(raw).text.split("\n\n")
    assert paras[-2:] == ["- 'Emergency situation' -", "Already thinly stretched, Afghan forces have been crumbling."]


# --- titles ------------------------------------------------------------------------------


def test_parse_document_without_header_has_no_title() -> None:
    doc = parse_document(BODY)
    assert doc.title is None
    assert doc.subtitle is None
    assert doc.text == BODY.replace("\n", "\n\n")


@pytest.mark.parametrize(
    "first",
    [
        "Officials said the border was closed",  # a sentence without its full stop
        "Last month, the army unveiled a plan to retake the districts",
        "It was the third such crossing this year",
    ],
)
def test_parse_document_does_not_take_a_sentence_as_title(first: str) -> None:
    doc = parse_document(f"{first}\n{BODY}")
    assert doc.title is None
    assert doc.text.startswith(first)


def test_parse_document_highlights_are_not_a_title() -> None:
    raw = "Troops flee into Tajikistan\nTaliban seize border posts\nRussia offers help to its ally\n" + BODY
    doc = parse_document(raw)
    assert doc.title is None


def test_parse_document_repeated_title_is_one_title() -> None:
    raw = f"Afghan forces plan counter-offensive\n\nAfghan forces plan counter-offensive\n\n{BODY}"
    doc = parse_document(raw)
    assert doc.title == "Afghan forces plan counter-offensive"
    assert "Afghan forces plan counter-offensive" not in doc.text
    assert doc.debris == ["repeated_title: Afghan forces plan counter-offensive"]


def test_parse_document_title_and_standfirst() -> None:
    raw = f"Taliban advance sends troops fleeing\n\nRussia reassures ally as fears grow for regional stability\n\n{BODY}"
    doc = parse_document(raw)
    assert doc.title == "Taliban advance sends troops fleeing"
    assert doc.subtitle == "Russia reassures ally as fears grow for regional stability"


@pytest.mark.parametrize(
    "first",
    [
        "A Request From Moscow",  # a short Title Case subheading: the scrape starts mid-article
        "Another bad day at the mine shaft for cryptocurrencies 6 Feb",  # a teaser with its date stamp
    ],
)
def test_parse_document_subheading_or_teaser_on_top_is_not_a_title(first: str) -> None:
    doc = parse_document(f"{first}\n{BODY}")
    assert doc.title is None
    assert doc.text.startswith(first)


def test_parse_document_page_of_several_items_has_no_title() -> None:
    raw = (f"Border crossing: what we know so far\n{BODY.splitlines()[0]}\n"
           f"Minister says talks will go on\n{BODY.splitlines()[1]}")
    doc = parse_document(raw)
    assert doc.title is None
    assert doc.text.split("\n\n")[0] == "Border crossing: what we know so far"


def test_parse_document_title_glued_to_its_photo_caption() -> None:
    first = ("Germans Will Ring in New Year With Extra Security, Especially for Women Image Police officers closed off "
             "the area around the Brandenburg Gate in Berlin. Credit Omer Messinger/European Pressphoto Agency")
    doc = parse_document(f"{first}\nBERLIN — {BODY}")
    assert doc.title == "Germans Will Ring in New Year With Extra Security, Especially for Women"
    assert doc.debris == ["caption: Image Police officers closed off the area around the Brandenburg Gate in Berlin. "
                          "Credit Omer Messinger/European Pressphoto Agency"]
    assert doc.dateline_place == "Berlin"
    assert doc.text.startswith("The government said")


def test_parse_document_long_title_confirmed_by_byline() -> None:
    title = ("Berlin's New Year's party will have safe zones for women for the first time ever amid claims of "
             "hundreds of sex attacks at previous New Year's Eve events in Germany")
    doc = parse_document(f"{title}\nBy Sofia Petkar\nDecember 29, 2017\n\n{BODY}")
    assert doc.title == title
    assert doc.authors == ["Sofia Petkar"]
    assert doc.published_at == _at(2017, 12, 29)


def test_parse_document_title_sharing_a_line_with_its_date() -> None:
    doc = parse_document(f"Killing of gorilla sparks outrage Updated: 2016-05-30 09:53 (Agencies)\n{BODY}")
    assert doc.title == "Killing of gorilla sparks outrage"
    assert doc.published_at == _at(2016, 5, 30, 9, 53)
    assert doc.wire_agencies == ["Agencies"]


# --- authors from the end ----------------------------------------------------------------


def test_parse_document_irish_times_bio() -> None:
    raw = (f"{BODY}\n\nDaniel McLaughlin\n\nDaniel McLaughlin\n\n"
           "Daniel McLaughlin is a contributor to The Irish Times from central and eastern Europe")
    doc = parse_document(raw)
    assert doc.authors == ["Daniel McLaughlin"]
    assert doc.outlet == "The Irish Times"
    assert doc.text == BODY.replace("\n", "\n\n")
    assert doc.debris == [
        "signature: Daniel McLaughlin", "signature: Daniel McLaughlin",
        "bio: Daniel McLaughlin is a contributor to The Irish Times from central and eastern Europe",
    ]


def test_parse_document_single_name_line_at_end_is_body() -> None:
    doc = parse_document(f"{BODY}\nChicago Cubs")
    assert doc.authors == []
    assert doc.text.endswith("Chicago Cubs")


def test_parse_document_follow_line_names_author() -> None:
    doc = parse_document(f"{BODY}\nFollow Stephen Clark on Twitter: @StephenClark1.")
    assert doc.authors == ["Stephen Clark"]


def test_parse_document_follow_line_mid_page_names_author() -> None:
    doc = parse_document(f"{BODY}\nFollow James Dean on Twitter: @flatoday_jdean\n{BODY}")
    assert doc.authors == ["James Dean"]
    assert "Follow James Dean" not in doc.text


# --- the five sample articles (expectations read from the files) -------------------------


def _sample(prefix: str) -> str:
    return next(SAMPLE.glob(f"{prefix}_*.txt")).read_text(encoding="utf-8")


def test_sample_000_has_no_header() -> None:
    doc = parse_document(_sample("000"))
    assert doc.title is None
    assert doc.published_at is None
    assert doc.authors == []
    assert doc.text.startswith("Afghan government forces plan to stage a massive counterattack")
    paras = doc.text.split("\n\n")
    assert "More than 1,000 Afghan troops flee Taliban into Tajikistan" in paras  # subheading kept
    assert "Kabul-Moscow security cooperation" in paras
    assert doc.language == "en"


def test_sample_001_press_tv_header_and_captcha() -> None:
    doc = parse_document(_sample("001"))
    assert doc.external_id == "314510"
    assert doc.published_at == _at(2021, 7, 5, 2, 37)
    assert (doc.published_at_tz, doc.published_at_source) == ("GMT", "header")
    assert doc.title == "Afghan forces plan major counter-offensive against Taliban in north: Kabul"
    assert doc.subtitle == "Taliban say all foreign troops must leave Afghanistan by deadline"
    assert doc.text.startswith("Afghan government forces plan to stage a massive counterattack")
    assert doc.text.endswith('"We would react and the final decision is with our leadership," he added.')
    assert "Foreign troops to be treated as occupiers" in doc.text.split("\n\n")
    assert {d.split(":")[0] for d in doc.debris} == {"repeated_title", "captcha", "generated"}


def test_sample_002_section_date_and_afp() -> None:
    doc = parse_document(_sample("002"))
    assert doc.section == "WORLD"
    assert doc.published_at == _at(2021, 7, 5)
    assert doc.title == "Afghan government mulls offensive after losing key battles to Taliban"
    assert doc.subtitle is not None
    assert doc.subtitle.startswith("The plans for an offensive come after")
    assert doc.wire_agencies == ["AFP"]
    assert doc.text.startswith("Afghanistan's government is planning a counteroffensive")
    assert "Afghan Commandos arrive" not in doc.text  # photo caption
    assert "July 5, 2021" not in doc.text.split("\n\n")
    assert not doc.text.endswith("SOURCE:AFP")
    assert "\u00a0" not in doc.text


def test_sample_003_irish_times() -> None:
    doc = parse_document(_sample("003"))
    assert doc.title == "Taliban advance sends 1,000 Afghan troops fleeing into Tajikistan"
    assert doc.subtitle == "Russia reassures ex-Soviet ally as US exit from Afghanistan stokes fears for regional stability"
    assert doc.authors == ["Daniel McLaughlin"]
    assert doc.outlet == "The Irish Times"
    assert "READ MORE" not in doc.text
    assert "Counter-attack" in doc.text.split("\n\n")
    assert "Daniel McLaughlin" not in doc.text
    assert doc.published_at is None


def test_sample_004_urdupoint_byline_and_dateline() -> None:
    doc = parse_document(_sample("004"))
    assert doc.title == "Over 1,000 Afghan Troops Flee Taliban Into Tajikistan"
    assert doc.authors == ["Muhammad Irfan"]
    assert doc.published_at == _at(2021, 7, 5, 16, 20)
    assert (doc.published_at_tz, doc.published_at_source) == (None, "byline")
    assert doc.dateline_place == "Kabul"
    assert doc.outlet == "UrduPoint"
    assert doc.text.startswith("More than 1,000 Afghan troops fled into neighbouring Tajikistan")
    assert doc.debris == ["repeated_title: Over 1,000 Afghan troops flee Taliban into Tajikistan"]


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_sample_body_format(prefix: str) -> None:
    text = parse_document(_sample(prefix)).text
    assert text == text.strip()
    assert "\n\n\n" not in text
    assert all(p == p.strip() and p for p in text.split("\n\n"))
    assert "\n" not in text.replace("\n\n", "")


# --- JSON metadata -----------------------------------------------------------------------


def test_parse_document_prefers_json_meta_but_strips_header() -> None:
    raw = f"Troops flee across the border\nUpdated: 2017-09-15 17:52\n\n{BODY}"
    meta = {
        "title": "Troops flee", "description": "A standfirst.", "date_publish": "2017-09-16 08:00:00",
        "authors": ["Mark Prigg For Dailymail.Com", "Published A.M. Et Dec.", "Associated Press", "Author"],
        "source_domain": "www.dailymail.co.uk", "url": "https://example.org/a", "language": "en",
    }
    doc = parse_document(raw, meta)
    assert doc.title == "Troops flee"
    assert doc.subtitle == "A standfirst."
    assert doc.published_at == _at(2017, 9, 16, 8)
    assert doc.published_at_source == "json"
    assert doc.authors == ["Mark Prigg"]
    assert doc.wire_agencies == ["AP"]
    assert doc.outlet == "Daily Mail"
    assert doc.url == "https://example.org/a"
    assert doc.text.startswith("The government said")
    assert "Updated" not in doc.text


def test_parse_document_unknown_domain_is_the_outlet() -> None:
    assert parse_document(BODY, {"source_domain": "www.kearneyhub.com"}).outlet == "kearneyhub.com"
    assert parse_document(BODY, {"source_domain": "africa.chinadaily.com.cn"}).outlet == "China Daily"


def test_parse_document_language() -> None:
    assert parse_document(BODY).language == "en"
    assert parse_document(BODY, {"language": "de"}).language == "de"
    german = "Die Regierung hat am Montag erklärt, dass mehr als 1000 Soldaten über die Grenze in das Nachbarland geflohen sind."
    assert parse_document(german).language == "de"


def test_parse_document_normalises_layout() -> None:
    doc = parse_document("Troops flee\r\n\r\nThe\u00a0government   said on Monday that troops had fled.\u200b\r\n")
    assert doc.title == "Troops flee"
    assert doc.text == "The government said on Monday that troops had fled."


def test_parse_document_rejoins_hard_wrapped_paragraphs() -> None:
    raw = ("The government said on Monday that more than 1,000 troops had\n"
           "crossed the border overnight, according to officials in the\n"
           "capital, who asked not to be named.\n\nTalks continue next week.")
    assert parse_document(raw).text == (
        "The government said on Monday that more than 1,000 troops had crossed the border overnight, "
        "according to officials in the capital, who asked not to be named.\n\nTalks continue next week."
    )


@pytest.mark.parametrize("raw", ["", "   \n\n  ", "Security Key:", "By", "2021-13-45", "(", "- x -"])
def test_parse_document_survives_degenerate_input(raw: str) -> None:
    doc = parse_document(raw)
    assert doc.text == doc.text.strip()


# --- the frame ---------------------------------------------------------------------------


RECORD_SCHEMA = {
    "doc_id": pl.String, "source_path": pl.String, "source_format": pl.String,
    "content_sha256": pl.String, "raw_text": pl.String, "meta_json": pl.String,
}


def test_documents_frame_conforms_to_schema() -> None:
    raw = _sample("004")
    meta = json.dumps({"title": "T", "date_publish": "2021-07-05T10:00:00", "source_domain": "www.urdupoint.com"})
    records = pl.DataFrame(
        {"doc_id": ["a", "b", "c"], "source_path": ["x.txt", "y.json", "z.json"], "source_format": ["txt", "json", "json"],
         "content_sha256": ["1", "2", "3"], "raw_text": [raw, BODY, BODY], "meta_json": [None, meta, "not json"]},
        schema=RECORD_SCHEMA,
    )
    out = documents(records)
    assert out.schema == schema.polars_schema("documents")
    assert out["doc_id"].to_list() == ["a", "b", "c"]
    assert out["raw_text"].to_list() == [raw, BODY, BODY]
    assert out["n_chars"].to_list() == [len(t) for t in out["text"].to_list()]
    assert out["title"].to_list() == ["Over 1,000 Afghan Troops Flee Taliban Into Tajikistan", "T", None]
    assert out["published_at_source"].to_list() == ["byline", "json", None]
    assert out["outlet"].to_list() == ["UrduPoint", "UrduPoint", None]
    assert out["authors"].to_list()[0] == ["Muhammad Irfan"]
    assert out.select(pl.col("story_id", "duplicate_of", "duplicate_similarity", "run_id").null_count()).row(0) == (3, 3, 3, 3)


def test_documents_frame_stores_published_at_in_utc_with_zone_and_source() -> None:
    raw = f"Troops flee across the border\nPosted: July 5, 2021 10:15 am EDT\n\n{BODY}"
    records = pl.DataFrame(
        {"doc_id": ["a", "b"], "source_path": ["x.txt", "y.txt"], "source_format": ["txt", "txt"],
         "content_sha256": ["1", "2"], "raw_text": [raw, BODY], "meta_json": [None, None]},
        schema=RECORD_SCHEMA,
    )
    out = documents(records).select("published_at", "published_at_tz", "published_at_source")
    expected = pl.DataFrame(
        {"published_at": [_at(2021, 7, 5, 14, 15), None], "published_at_tz": ["EDT", None],
         "published_at_source": ["header", None]},
        schema={"published_at": pl.Datetime("us", "UTC"), "published_at_tz": pl.String, "published_at_source": pl.String},
    )
    assert_frame_equal(out, expected)


def test_documents_empty_frame() -> None:
    out = documents(pl.DataFrame(schema=RECORD_SCHEMA))
    assert out.is_empty()
    assert out.schema == schema.polars_schema("documents")
