"""Stories in other languages than English are stored uncoded; English ones are never taken
for another language.  Other-language text comes from the example sentences spaCy installs
for each language (real sentences, read from the installed package)."""

from __future__ import annotations

import importlib
import json
from pathlib import Path

import pytest

from flashpoint.config import Settings
from flashpoint.ingest.language import not_english
from flashpoint.models import Article

ROOT = Path(__file__).resolve().parents[1]
VOA = ROOT.parent / "shared" / "data" / "voa" / "voa_stories.jsonl"


def examples(code: str) -> str:
    """spaCy's example sentences for a language, as one text."""
    return " ".join(importlib.import_module(f"spacy.lang.{code}.examples").sentences)


@pytest.mark.skipif(not VOA.exists(), reason="needs ../shared/data/voa")
def test_no_voa_story_is_taken_for_another_language() -> None:
    from flashpoint.ingest import clean

    rows = [json.loads(line) for line in VOA.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(rows) == 89
    taken = {r["id"]: not_english(clean(r["text"]).text) for r in rows}
    assert not {k: v for k, v in taken.items() if v is not None}


@pytest.mark.parametrize(
    ("code", "named"),
    [
        ("de", "de"),
        ("fr", "fr"),
        ("es", "es"),
        ("it", "it"),
        ("pt", "pt"),
        ("nl", "nl"),
        ("pl", "pl"),
        ("fi", "fi"),
        ("sq", "sq"),  # spaCy's list is written without the diacritics of the text
    ],
)
def test_latin_script_languages_are_named_by_their_function_words(code: str, named: str) -> None:
    guess = not_english(examples(code))
    assert guess is not None and guess.language == named, guess
    assert "English function words" in guess.evidence


@pytest.mark.parametrize(
    ("code", "script"),
    [
        ("ru", "CYRILLIC"),
        ("uk", "CYRILLIC"),
        ("ar", "ARABIC"),
        ("zh", "CJK"),
        ("el", "GREEK"),
        ("hi", "DEVANAGARI"),
    ],
)
def test_other_scripts_are_named_by_their_letters(code: str, script: str) -> None:
    guess = not_english(examples(code))
    assert guess is not None and guess.language == script, guess


def test_english_texts_that_look_unusual_are_coded() -> None:
    short_german = "Die Regierung hat am Montag neue Sanktionen beschlossen."
    table = " ".join(
        f"{name} {score} Manchester United Liverpool Arsenal Chelsea Tottenham goals {score + 1}"
        for score, name in enumerate(["Smith", "Jones", "Garcia", "Kim", "Nguyen", "Brown", "Lee", "Khan"])
    )
    quoting = (
        "The French president told reporters in Paris on Monday that the talks would go on. "
        '"Nous ne céderons pas," he said, which means "we will not give in." He added that the '
        "government had asked its allies for more support and that a decision was expected soon."
    )
    headlines = (  # few function words, and "to", "in", "a", "'s" are Slovene or Romanian ones too
        "Trump meets Kim at DMZ. Markets rally as Fed holds rates. Storm hits Florida coast. U.S. "
        "Korea's drills anger Pyongyang. China's exports slump. Iran's talks stall. EU's leaders meet. "
        "Japan's PM resigns. Russia's army advances. Israel's cabinet split. India's vote count begins."
    )
    assert not_english(headlines) is None
    file_list = "Files: " + " ".join(
        f"man{k % 8}/{name}.{k % 8}"
        for k, name in enumerate(
            ["accept", "bind", "clone", "dup", "exec", "fork", "getpid", "ioctl", "kill", "listen", "mmap"]
            * 4
        )
    )  # "man" is a German, Danish and Swedish function word: one distinct word is no prose
    assert not_english(file_list) is None
    assert not_english(short_german) is None  # too short to judge: coded
    assert not_english(table) is None  # few function words in any language
    assert not_english(quoting) is None
    assert not_english(examples("en")) is None


def test_the_pipeline_stores_another_language_uncoded_and_codes_the_rest_as_alone() -> None:
    from flashpoint.pipeline import Pipeline

    english = Article(
        doc_id="en-1",
        text="North Korea fired a missile toward Japan on Monday, officials in Tokyo said. "
        "Japan condemned the launch and said it would ask the United Nations to act.",
    )
    german = Article(doc_id="de-1", text=examples("de"))
    mixed = list(Pipeline(Settings(published="2025-04-16")).code_articles([german, english]))
    alone = list(Pipeline(Settings(published="2025-04-16")).code_articles([english]))
    skipped, coded = mixed
    assert skipped.ok and skipped.not_english
    assert skipped.article.meta["language"] == "de" and skipped.article.meta["skipped"] == "not English"
    assert skipped.sentences == () and skipped.events == ()
    assert skipped.clean is not None and skipped.clean.text.startswith(german.text[:20])  # text kept
    assert not coded.not_english and coded.events
    assert [e.to_dict() for e in coded.events] == [e.to_dict() for e in alone[0].events]

    (anyway,) = Pipeline(Settings(skip_non_english=False)).code_articles([german])
    assert not anyway.not_english and anyway.sentences, "off: every story is coded"


def test_the_cli_summary_counts_stories_stored_uncoded(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from flashpoint.cli import cli
    from flashpoint.store import open_store

    inputs = tmp_path / "in.jsonl"
    rows = [
        {"id": "ru-1", "text": examples("ru")},
        {"id": "en-1", "text": "Japan and South Korea signed a trade agreement in Tokyo on Monday. " * 6},
    ]
    inputs.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    db = tmp_path / "s.duckdb"
    result = CliRunner().invoke(cli, ["code", str(inputs), "--db", str(db), "-o", str(tmp_path / "e.jsonl")])
    assert result.exit_code == 0, result.output
    assert "coded 2 articles (1 not English, stored uncoded), " in result.output
    with open_store(str(db), read_only=True) as store:
        metas = {r["doc_id"]: r["meta"] for r in store.query("SELECT doc_id, meta FROM articles")}
    assert json.loads(metas["ru-1"])["language"] == "CYRILLIC" and metas["en-1"] is None
    again = CliRunner().invoke(cli, ["code", str(inputs), "--code-any-language", "-o", str(tmp_path / "f")])
    assert again.exit_code == 0 and "not English" not in again.output


def test_the_dask_summary_line_counts_stories_stored_uncoded() -> None:
    from flashpoint.distributed import RunSummary

    line = RunSummary(articles=10, not_english=3, sentences=5, events=2, seconds=1.0).line()
    assert line.startswith("coded 10 articles (3 not English, stored uncoded), 5 sentences, 2 events")
    assert "not English" not in RunSummary(articles=10).line()


def test_the_paste_api_says_a_text_was_not_coded_for_its_language() -> None:
    pytest.importorskip("fastapi")
    from flashpoint.pipeline import Pipeline
    from flashpoint.web.paste import coded_answer

    (german,) = Pipeline(Settings()).code_articles([Article(doc_id="de-1", text=examples("de"))])
    answer = coded_answer(german)
    assert (answer["skipped"], answer["language"], answer["events"]) == ("not English", "de", [])
    assert answer["text"].startswith(examples("de")[:20])
    (english,) = Pipeline(Settings()).code_articles([Article(doc_id="en-1", text="Japan met China.")])
    assert coded_answer(english)["skipped"] is None


def test_a_run_recorded_before_the_setting_existed_resumes_with_code_any_language() -> None:
    """Earlier versions coded every language: their runs compare as ``skip_non_english=False``,
    so resuming one is refused with a reason that says what to pass, and passing it works."""
    from flashpoint.config import settings_changes, settings_record

    now = settings_record(Settings())
    earlier = {k: v for k, v in now.items() if k != "skip_non_english"}
    assert settings_changes(earlier, now) == ["skip_non_english: False then, True now"]
    assert settings_changes(earlier, settings_record(Settings(skip_non_english=False))) == []


def test_the_stop_word_lists_read_alone_are_spacys() -> None:
    """Each list's file is run alone (not its language package): the same sets, none empty."""
    from spacy.lang.de.stop_words import STOP_WORDS as GERMAN
    from spacy.lang.en.stop_words import STOP_WORDS as ENGLISH

    from flashpoint.ingest.language import OTHER_LANGUAGES, _stop_words

    assert _stop_words("en") == frozenset(ENGLISH) and _stop_words("de") == frozenset(GERMAN)
    assert all(len(_stop_words(code)) > 20 for code in OTHER_LANGUAGES)
    assert _stop_words("no-such-language") == frozenset()


def test_the_article_page_says_a_story_was_not_coded_for_its_language(tmp_path: Path) -> None:
    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient

    from flashpoint.pipeline import Pipeline
    from flashpoint.store import open_store
    from flashpoint.web.app import create_app

    db = tmp_path / "s.duckdb"
    with open_store(str(db)) as store:
        store.write(Pipeline(Settings()).code_articles([Article(doc_id="de-1", text=examples("de"))]))
    with TestClient(create_app(db)) as client:
        page = client.get("/articles/de-1")
    assert page.status_code == 200
    assert 'id="not-coded"' in page.text and "not English (de;" in page.text
