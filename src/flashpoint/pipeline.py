"""Wires the stages for a batch: clean -> parse -> actors + coder -> dates and places.

No I/O to the store happens here: the pipeline turns articles into ``CodingResult``s and the
caller (CLI, web, distributed engine) decides where they go.  One article that fails at any
stage yields a result carrying a ``CodingError`` (doc id, stage, reason); the batch goes on.
Articles are processed in small batches so that spaCy pipes all their paragraphs together.
"""

from __future__ import annotations

import gc
import hashlib
import logging
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from datetime import date
from typing import Any

from flashpoint.config import Settings, parse_date
from flashpoint.errors import ConfigError, FlashpointError, InputError
from flashpoint.models import NOT_ENGLISH, Article, CleanText, CodingError, CodingResult, Event, Sentence

log = logging.getLogger(__name__)

Item = Article | CodingError | str | dict[str, Any]

MAX_ARTICLE_CHARS = 1_000_000
"""Longer texts are refused with an error record: no news story is a megabyte, and parsing
one would hold a worker for many minutes and gigabytes (spaCy's own limit is 2,000,000)."""

_BLANK = re.compile(r"[\s\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]*")
"""Whitespace plus invisible format characters (zero-width, bidi marks, BOM): a text of
only these is empty."""


def _hash_id(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8", "replace")).hexdigest()[:12]


def to_article(item: Item, index: int = 0) -> Article | CodingError:
    """Accept an Article, a CodingError (passed through), a plain text or a dict record."""
    if isinstance(item, Article | CodingError):
        return item
    if isinstance(item, str):
        return Article(doc_id=_hash_id(item), text=item, origin=f"text[{index}]")
    if isinstance(item, dict):
        text = item.get("text")
        if not isinstance(text, str):
            return CodingError(
                str(item.get("id")) if item.get("id") else None,
                "read",
                "record has no 'text' string",
                f"item[{index}]",
            )
        try:
            published = parse_date(item.get("published"), "published") if item.get("published") else None
        except FlashpointError as exc:
            return CodingError(str(item.get("id") or ""), "read", exc.message, f"item[{index}]")
        return Article(
            doc_id=str(item.get("id") or item.get("doc_id") or _hash_id(text)),
            text=text,
            title=item.get("title"),
            url=item.get("url"),
            source=item.get("source"),
            published=published,
            published_source="field" if published else None,
            origin=f"item[{index}]",
            meta={"sentences": item["sentences"]} if "sentences" in item else {},
        )
    return CodingError(None, "read", f"cannot code an item of type {type(item).__name__}", f"item[{index}]")


_SETTLED = False
"""Whether a pipeline of this process has frozen the loaded tables (see ``Pipeline._settle``)."""


class Pipeline:
    """Codes articles with one set of ``Settings``; expensive parts are built on first use."""

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or Settings()
        self._nlp: Any = None
        self._coder: Any = None
        self._gazetteer: Any = None
        self._actors: Any = None
        self._keep: Any = None
        self.stats: dict[str, int] = {"sentences_seen": 0, "sentences_parsed": 0, "not_english": 0}

    # -- lazily built components -------------------------------------------------------
    @property
    def nlp(self) -> Any:
        if self._nlp is None:
            from flashpoint import nlp

            # entities are a confidence hint for the coder, but candidates for --unknown-actors
            need_ner = self.settings.ner or self.settings.unknown_actors
            self._nlp = nlp.load(disable=() if need_ner else ("ner",))
        return self._nlp

    @property
    def actors(self) -> Any:
        if self._actors is None:
            from flashpoint.actors import ActorDictionary

            s = self.settings
            base = ActorDictionary.default() if s.builtin_actors else ActorDictionary([], name="empty")
            for path in s.actor_dictionaries:
                extra = (
                    ActorDictionary.from_csv(path)
                    if path.lower().endswith(".csv")
                    else ActorDictionary.from_tabari(path)
                )
                for conflict in base.merge(extra):
                    log.info("actor dictionary conflict: %s", conflict)
            for path in s.agent_dictionaries:
                for conflict in base.merge(ActorDictionary.from_tabari(None, path)):
                    log.info("agent dictionary conflict: %s", conflict)
            self._actors = base
        return self._actors

    @property
    def coder(self) -> Any:
        if self._coder is None:
            if self.settings.coder == "dictionary":
                from flashpoint.coding.dictionary_coder import DictionaryCoder
                from flashpoint.coding.tabari import read_discards, read_verb_dictionary

                if self.settings.verb_dictionary is None:  # Settings refuses this already
                    raise ConfigError("the 'dictionary' coder needs a verb_dictionary")
                verbs = read_verb_dictionary(self.settings.verb_dictionary)
                discards = (
                    read_discards(self.settings.discard_dictionary)
                    if self.settings.discard_dictionary
                    else None
                )
                self._coder = DictionaryCoder(
                    self.actors,
                    verbs,
                    discards,
                    require_dyad=self.settings.require_dyad,
                    new_actor_length=self.settings.new_actor_length,
                )
            else:
                from flashpoint.coding import RulesCoder

                self._coder = RulesCoder(self.actors)
        return self._coder

    def keep_sentence(self, text: str) -> bool:
        """The first-pass test: may this sentence hold an event (actor + trigger words)?"""
        if self._keep is None:
            from flashpoint.coding.prefilter import Prefilter

            self._keep = Prefilter(self.actors).needs_parse
        return bool(self._keep(text))

    @property
    def gazetteer(self) -> Any:
        if self._gazetteer is None:
            from flashpoint.geo import Gazetteer

            self._gazetteer = Gazetteer.default()
        return self._gazetteer

    # -- public entry points -----------------------------------------------------------
    def code_text(self, text: str, published: date | str | None = None) -> list[Event]:
        """Code one text; raises ``InputError`` when it holds no text."""
        if not text or not text.strip():
            raise InputError("text", "empty text")
        article = Article(doc_id=_hash_id(text), text=text, published=parse_date(published, "published"))
        result = next(self.code_articles([article]))
        if result.error is not None:
            raise FlashpointError(f"{result.error.stage}: {result.error.reason}")
        return list(result.events)

    def load(self) -> Pipeline:
        """Build what the settings name now: the model, the actor tables with the user's
        dictionaries, the coder with its verb and discard files.

        ``code_articles`` calls it before its first article, so that a malformed dictionary
        or a missing model raises its error once, rather than failing every article of a
        run with the same message (a million of them, on a large input)."""
        _ = self.nlp, self.coder
        return self

    def check_dictionaries(self) -> None:
        """Read the user's dictionaries (actors, agents, verbs, discards) as ``load`` would,
        without the model and the built-in tables: a Dask run asks this of its writer before
        any worker starts, so that a malformed file is one clear error, not a failed task
        (and a logged traceback) on every worker."""
        Pipeline(replace(self.settings, builtin_actors=False)).coder  # noqa: B018  (built to check)

    def code_articles(self, items: Iterable[Item]) -> Iterator[CodingResult]:
        """Code items lazily in batches; never raises for one bad article.  Raises (on the
        first ``next``) what ``load`` raises: a bad setting is no article's fault."""
        self.load()
        batch: list[Article] = []
        for index, item in enumerate(items):
            article = to_article(item, index)
            if isinstance(article, CodingError):
                yield CodingResult.of_error(article)
                continue
            batch.append(article)
            if len(batch) >= self.settings.batch_articles:
                yield from self._code_batch(batch)
                batch = []
        if batch:
            yield from self._code_batch(batch)

    def _settle(self) -> None:
        """Once the first article is coded, move what is loaded by then (the model, the coder's
        tables and, when an event needed a place, the gazetteer: objects that live as long as
        the process) out of the garbage collector's sight.

        Python's full collections walk every tracked object; with the model and the tables
        loaded, the full collections of one run over 89 stories cost 0.23-0.44 s, frozen
        0.01-0.02 s (``gc.callbacks``).  ``gc.freeze`` is what CPython offers for this: frozen
        objects are still freed by reference counting; only a cycle among them would never be
        collected.  Off with ``freeze_tables=False``.
        """
        global _SETTLED
        loaded = self._nlp is not None and self._coder is not None
        if self.settings.freeze_tables and loaded and not _SETTLED:
            _SETTLED = True
            gc.collect()
            gc.freeze()

    # -- stages ------------------------------------------------------------------------
    def _publication(self, article: Article, clean: CleanText) -> tuple[Article, bool]:
        """The date to resolve against: --published, the input's, or an inferred one."""
        if self.settings.published is not None:
            return replace(article, published=self.settings.published, published_source="cli"), False
        if article.published is not None:
            return article, False
        if self.settings.dates:
            from flashpoint.dates import infer_publication_date

            found, how = infer_publication_date(clean.text, article.title)
            if found is not None:
                return replace(article, published=found, published_source=f"inferred:{how}"), True
        return article, False

    def _code_batch(self, articles: Sequence[Article]) -> Iterator[CodingResult]:
        from flashpoint import nlp
        from flashpoint.ingest import clean as clean_text

        prepared: list[tuple[Article, CleanText, bool]] = []
        results: dict[int, CodingResult] = {}
        for i, article in enumerate(articles):
            try:
                if not article.text or _BLANK.fullmatch(article.text):
                    raise InputError(article.origin or article.doc_id, "empty text")
                if len(article.text) > MAX_ARTICLE_CHARS:
                    raise InputError(
                        article.origin or article.doc_id,
                        f"text is {len(article.text):,} characters, over the {MAX_ARTICLE_CHARS:,} "
                        "an article may have (split it into stories)",
                    )
                cleaned = clean_text(article.text)
                if not cleaned.text.strip():
                    raise InputError(article.origin or article.doc_id, "no text left after cleaning")
                art, inferred = self._publication(article, cleaned)
                prepared.append((art, cleaned, inferred))
            except Exception as exc:  # one article never stops the batch
                results[i] = self._failed(article, "clean", exc)
                prepared.append((article, CleanText(""), False))
        given = {i for i, (a, _c, _f) in enumerate(prepared) if i not in results and self._given(a)}
        if self.settings.skip_non_english:
            from flashpoint.ingest.language import not_english

            for i, (article, cleaned, _inferred) in enumerate(prepared):
                if i in results or i in given:
                    continue
                guess = not_english(cleaned.text)
                if guess is not None:  # stored with its text, never parsed: see ``language``
                    meta = {
                        **article.meta,
                        "skipped": NOT_ENGLISH,
                        "language": guess.language,
                        "language_evidence": guess.evidence,
                    }
                    log.info("%s: not coded, not English (%s)", article.doc_id, guess.evidence)
                    self.stats["not_english"] += 1
                    results[i] = CodingResult(article=replace(article, meta=meta), clean=cleaned)
        texts = [
            c.text if i not in results and i not in given else "" for i, (_a, c, _f) in enumerate(prepared)
        ]
        first_pass: Any = None
        try:
            if self.settings.prefilter:
                first_pass = nlp.segment_and_parse_filtered(texts, self.keep_sentence, self.nlp)
                parsed_all = first_pass.parsed
                self.stats["sentences_seen"] += first_pass.seen
                self.stats["sentences_parsed"] += first_pass.kept
            else:
                parsed_all = nlp.segment_and_parse_many(texts, self.nlp)
                n = sum(len(p) for p in parsed_all)
                self.stats["sentences_seen"] += n
                self.stats["sentences_parsed"] += n
        except Exception:
            # fall back to one article at a time so one bad text cannot sink the batch
            first_pass = None
            parsed_all = []
            for i, text in enumerate(texts):
                try:
                    parsed_all.append(nlp.segment_and_parse(text, self.nlp) if text else [])
                except Exception as exc:
                    results[i] = self._failed(articles[i], "parse", exc)
                    parsed_all.append([])
        if given:
            order = sorted(given)
            try:
                one = nlp.parse_given_sentences([prepared[i][1].text for i in order], self.nlp)
                for i, parsed in zip(order, one, strict=True):
                    parsed_all[i] = parsed
            except Exception:
                for i in order:  # as above: one bad text cannot sink the others
                    try:
                        parsed_all[i] = nlp.parse_given_sentences([prepared[i][1].text], self.nlp)[0]
                    except Exception as exc:
                        results[i] = self._failed(articles[i], "parse", exc)
        for i, ((article, cleaned, inferred), parsed) in enumerate(zip(prepared, parsed_all, strict=True)):
            if i in results:
                yield results[i]
                continue
            try:
                events = self.coder.code(article, cleaned, parsed, when=article.published)
            except Exception as exc:
                yield self._failed(article, "code", exc, cleaned)
                continue
            sents = [p.sentence for p in parsed]
            if first_pass is not None and i not in given:
                # all sentences, parsed or not: date context, the store, and which were skipped
                sents = first_pass.sentences[i]
                skipped = first_pass.skipped(i)
                meta = dict(article.meta)
                meta["prefilter_skipped_sentences"] = skipped
                meta["prefilter_skipped"] = bool(sents) and len(skipped) == len(sents)
                article = replace(article, meta=meta)
            events = [self._place_and_date(e, article, cleaned, sents, inferred) for e in events]
            if not _SETTLED:  # here, not after the batch: a caller may stop at the first result
                self._settle()
            if self.settings.min_confidence:
                events = [e for e in events if e.confidence >= self.settings.min_confidence]
            unknown: tuple[str, ...] = ()
            if self.settings.unknown_actors:
                unknown = self._unknown(parsed)
            yield CodingResult(
                article=article,
                clean=cleaned,
                sentences=tuple(sents),
                events=tuple(events),
                unknown_actors=unknown,
            )

    def _given(self, article: Article) -> bool:
        """Is this article one sentence already (the setting, or ``"sentences": "given"``)?"""
        return self.settings.given_sentences or article.meta.get("sentences") == "given"

    def _failed(
        self, article: Article, stage: str, exc: Exception, cleaned: CleanText | None = None
    ) -> CodingResult:
        reason = exc.message if isinstance(exc, FlashpointError) else f"{type(exc).__name__}: {exc}"
        if not isinstance(exc, FlashpointError):
            log.exception("stage %s failed on %s", stage, article.doc_id)
        return CodingResult(
            article=article, clean=cleaned, error=CodingError(article.doc_id, stage, reason, article.origin)
        )

    def _place_and_date(
        self, event: Event, article: Article, cleaned: CleanText, sents: Sequence[Sentence], inferred: bool
    ) -> Event:
        """Date and locate one event; a failure here never drops the event."""
        sent = next((s for s in sents if s.index == event.sentence_index), None)
        changes: dict[str, Any] = {}
        if self.settings.dates and sent is not None:
            try:
                from flashpoint.dates import resolve_event_date

                context = [s.text for s in sents if s.index < sent.index and s.paragraph == sent.paragraph]
                trigger = event.evidence.trigger[0] - sent.start if event.evidence.trigger else None
                info = resolve_event_date(
                    sent.text, article.published, context=context, trigger=trigger, inferred=inferred
                )
                changes.update(
                    date=info.date,
                    date_precision=info.precision,
                    date_phrase=info.phrase,
                    date_inferred=info.inferred,
                )
            except Exception:
                log.exception("date resolution failed for %s", event.event_id)
        if self.settings.places and sent is not None:
            try:
                countries = [c for c in (event.source.country, event.target.country) if c]
                loc = self.gazetteer.locate(sent.text, cleaned.text, countries)
                if loc is not None:
                    changes["location"] = loc
            except Exception:
                log.exception("place resolution failed for %s", event.event_id)
        return replace(event, **changes) if changes else event

    def _unknown(self, parsed: Sequence[Any]) -> tuple[str, ...]:
        try:
            from flashpoint.actors import unknown_noun_phrases
        except ImportError:
            return ()
        counts = unknown_noun_phrases(parsed, self.actors)
        return tuple(phrase for phrase, _n in counts.most_common())
