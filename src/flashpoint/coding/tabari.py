"""Readers for TABARI/PETRARCH verb and discard dictionaries.

Users bring years of hand-built TABARI/PETRARCH dictionaries; flashpoint reads them as they
are instead of asking for a conversion.  The verbs format, as used by PETRARCH 2:

* ``<!-- ... -->`` comments (may span lines), ``#`` comments at a line start or after a blank;
* ``&NAME`` opens a synset, followed by ``+member`` lines (``_`` joins the words of a member;
  ``+&OTHER`` embeds another synset; members get a regular plural unless the synset name or
  the member ends with ``_``);
* ``--- VERB [code] ---`` opens a block; the lines that follow are the verbs of the block:
  ``VERB {IRREGULAR FORMS}`` (without braces the regular ``-S``/``-ED``/``-ING`` forms are
  generated), multi-word verbs such as ``+BREAK_DOWN`` or ``WIRE_+TAP`` (``+`` marks the word
  that inflects) and an optional ``[code]`` that overrides the block code for that verb;
* ``- pre words * post words [code]`` lines are the block's patterns: ``*`` is the verb,
  ``_`` means "the next word follows immediately", a blank allows intervening words, ``$`` is
  the source slot, ``+`` the target slot, ``%`` a compound actor, ``^`` skips a noun phrase and
  ``&NAME`` matches any member of a synset; PETRARCH 2 dictionaries also group words as
  ``(TO BORDER)`` (a prepositional phrase) and ``{ARMS SHIPMENT}`` (a noun phrase), which we
  match as words in order.

A code ``---`` means "no event"; ``a:b`` codes (``032:033``) describe a reciprocal pair: the
source does ``a`` to the target and the target does ``b`` back (``:b`` codes only the
latter).  Codes are kept as written (legacy WEIS/KEDS codes such as ``345`` or ``174K`` are
passed through).

Malformed lines raise :class:`flashpoint.errors.DictionaryError` naming the file and line.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from flashpoint.actors.tabari import strip_block_comments
from flashpoint.errors import DictionaryError

logger = logging.getLogger(__name__)

NULL_CODE = "---"
"""The TABARI code for 'this verb/pattern produces no event'."""

_CODE_RE = re.compile(r"^(?:[0-9A-Za-z+#?\-]+(?::[0-9A-Za-z+#?\-]*)?|:[0-9A-Za-z+#?\-]+)$")
_WORD_RE = re.compile(r"^[A-Z0-9'.\-/]+$")


@dataclass(frozen=True)
class PatternElement:
    """One element of a verb pattern.

    ``kind`` is ``word``, ``synset``, ``source`` (``$``), ``target`` (``+``), ``compound``
    (``%``) or ``skip`` (``^``).  ``adjacent`` is True when the element must directly touch
    its neighbour nearer to the verb (it was written with ``_``), False when words may come
    between them.
    """

    kind: str
    value: str = ""
    adjacent: bool = False


@dataclass(frozen=True)
class VerbPattern:
    """A pattern of a verb block: elements before and after the verb, nearest first."""

    pre: tuple[PatternElement, ...]
    post: tuple[PatternElement, ...]
    code: str | None
    line: int
    text: str

    @property
    def size(self) -> int:
        """How specific the pattern is: more elements win over fewer when several match."""
        return len(self.pre) + len(self.post)


@dataclass(frozen=True)
class VerbEntry:
    """A verb of a block: its base phrase, the inflecting word, its code and all forms.

    ``forms`` are word tuples (``("BROKE", "DOWN")``); ``head`` is the index of the
    inflecting word in every form (all forms of an entry share the same shape).
    """

    phrase: tuple[str, ...]
    head: int
    code: str | None
    forms: tuple[tuple[str, ...], ...]
    line: int


@dataclass(frozen=True)
class VerbBlock:
    """A ``--- VERB [code] ---`` block: its verbs and the patterns they share."""

    name: str
    code: str | None
    line: int
    verbs: tuple[VerbEntry, ...]
    patterns: tuple[VerbPattern, ...]


@dataclass(frozen=True)
class VerbMatch:
    """A verb form found in the dictionary: which block/entry and the form's words."""

    block: VerbBlock
    entry: VerbEntry
    form: tuple[str, ...]


@dataclass
class VerbDictionary:
    """A TABARI/PETRARCH verbs dictionary: blocks of verbs with patterns, plus synsets.

    ``synsets`` maps ``&NAME`` to its member phrases (word tuples), with embedded synsets
    expanded and plurals generated.  ``forms`` indexes every verb form by its inflecting word.
    """

    path: str
    blocks: tuple[VerbBlock, ...]
    synsets: dict[str, tuple[tuple[str, ...], ...]]
    forms: dict[str, tuple[VerbMatch, ...]] = field(default_factory=dict, init=False)

    def __post_init__(self) -> None:
        index: dict[str, list[VerbMatch]] = {}
        for block in self.blocks:
            for entry in block.verbs:
                for form in entry.forms:
                    index.setdefault(form[entry.head], []).append(VerbMatch(block, entry, form))
        # longer forms first: a multi-word verb beats its single-word head
        self.forms = {
            word: tuple(sorted(matches, key=lambda m: -len(m.form))) for word, matches in index.items()
        }

    def lookup(self, word: str) -> tuple[VerbMatch, ...]:
        """Verb forms whose inflecting word is ``word`` (any case), longest first."""
        return self.forms.get(word.upper(), ())

    def synset(self, name: str) -> tuple[tuple[str, ...], ...]:
        """The member phrases of synset ``&NAME`` (empty when it is not defined)."""
        return self.synsets.get(name, ())


@dataclass(frozen=True)
class Discard:
    """A discard phrase: ``story`` discards drop the whole article, others one sentence."""

    words: tuple[str, ...]
    story: bool
    line: int


@dataclass
class DiscardList:
    """Phrases that mark text as out of scope (sports, weather...): no events are coded."""

    path: str
    entries: tuple[Discard, ...]

    def find(self, text: str, story: bool | None = None) -> Discard | None:
        """The first discard phrase occurring in ``text`` as whole words (case-insensitive).

        ``story`` restricts the search to story-level (True) or sentence-level (False) phrases.
        """
        words = _text_words(text)
        joined = " " + " ".join(words) + " "
        for entry in self.entries:
            if story is not None and entry.story != story:
                continue
            if " " + " ".join(entry.words) + " " in joined:
                return entry
        return None


def _text_words(text: str) -> list[str]:
    return re.findall(r"[A-Z0-9]+(?:['.\-][A-Z0-9]+)*", text.upper())


# ----------------------------------------------------------------------------- lines


def _logical_lines(path: str, text: str) -> Iterator[tuple[int, str]]:
    """Yield (line number, content) with comments removed and blank lines skipped."""
    lines, unclosed = strip_block_comments(text)
    for number, line in lines:
        out = _strip_hash_comment(line)
        if out.strip():
            yield number, out.rstrip()
    if unclosed is not None:
        raise DictionaryError(path, unclosed, "unclosed <!-- comment")


def _strip_hash_comment(line: str) -> str:
    if line.lstrip().startswith("#"):
        return ""
    m = re.search(r"\s#", line)
    return line[: m.start()] if m else line


def _split_code(path: str, number: int, line: str) -> tuple[str, str | None]:
    """Split ``text [code]`` into text and the first code; None when there is no bracket."""
    if "[" not in line:
        if "]" in line:
            raise DictionaryError(path, number, "']' without '['")
        return line, None
    head, _, rest = line.partition("[")
    if "]" not in rest:
        raise DictionaryError(path, number, "unclosed '[' in code")
    code = rest[: rest.find("]")].strip()
    if not code:
        raise DictionaryError(path, number, "empty code '[]'")
    if not _CODE_RE.match(code):
        raise DictionaryError(path, number, f"malformed code [{code}]")
    return head, code


def _norm_code(code: str | None) -> str | None:
    return None if code is None or code == NULL_CODE else code


# ----------------------------------------------------------------------------- verbs


def regular_forms(verb: str) -> list[str]:
    """Regular inflections of an English verb, upper case: base, -S, -ED, -ING.

    PETRARCH adds S/ED/ING (D and E-dropping ING after a final E); we also add the spellings
    real text uses after sibilants (``-ES``) and a consonant + Y (``-IES``/``-IED``), since
    dictionaries list only irregular forms in braces.
    """
    v = verb.upper()
    forms = [v, v + "S"]
    if v.endswith("E"):
        forms += [v + "D", v[:-1] + "ING"]
    else:
        forms += [v + "ED", v + "ING"]
    if re.search(r"(S|X|Z|CH|SH)$", v):
        forms.append(v + "ES")
    if len(v) > 1 and v.endswith("Y") and v[-2] not in "AEIOU":
        forms += [v[:-1] + "IES", v[:-1] + "IED"]
    seen: list[str] = []
    for f in forms:
        if f not in seen:
            seen.append(f)
    return seen


def _phrase_words(path: str, number: int, phrase: str) -> tuple[tuple[str, ...], int]:
    """Split a verb phrase (``WIRE_+TAP``, ``+BREAK_DOWN``, ``LASH OUT``) into words + head."""
    parts = [p for p in re.split(r"[_\s]+", phrase.strip()) if p]
    if not parts:
        raise DictionaryError(path, number, "empty verb")
    heads = [i for i, p in enumerate(parts) if p.startswith("+")]
    if len(heads) > 1:
        raise DictionaryError(path, number, f"verb '{phrase}' marks more than one word with '+'")
    head = heads[0] if heads else 0
    words = tuple(p.lstrip("+").upper() for p in parts)
    for w in words:
        if not w or not _WORD_RE.match(w):
            raise DictionaryError(path, number, f"bad word '{w}' in verb '{phrase}'")
    return words, head


def _verb_entry(path: str, number: int, text: str, code: str | None) -> VerbEntry:
    text = text.strip()
    irregular: list[str] | None = None
    if "{" in text or "}" in text:
        if text.count("{") != 1 or text.count("}") != 1 or text.find("{") > text.find("}"):
            raise DictionaryError(path, number, "unbalanced '{...}' irregular forms")
        base_text, _, rest = text.partition("{")
        inner, _, tail = rest.partition("}")
        if tail.strip():
            raise DictionaryError(path, number, f"unexpected text after irregular forms: '{tail.strip()}'")
        irregular = inner.split()
        text = base_text.strip()
    words, head = _phrase_words(path, number, text)
    forms: list[tuple[str, ...]] = [words]
    if irregular is not None:
        for form_text in irregular:
            f_words, f_head = _phrase_words(path, number, form_text)
            if len(f_words) != len(words) or f_head != head:
                raise DictionaryError(
                    path, number, f"irregular form '{form_text}' does not fit verb '{text}'"
                )
            forms.append(f_words)
    else:
        for inflected in regular_forms(words[head]):
            forms.append(words[:head] + (inflected,) + words[head + 1 :])
    unique = tuple(dict.fromkeys(forms))
    return VerbEntry(phrase=words, head=head, code=_norm_code(code), forms=unique, line=number)


def _pattern_elements(path: str, number: int, text: str) -> list[tuple[str, str]]:
    """Split pattern text into (element, connector-after) pairs."""
    out: list[tuple[str, str]] = []
    for m in re.finditer(r"([^\s_]+)([_\s]*)", text):
        token, conn = m.group(1), m.group(2)
        out.append((token, "_" if conn.startswith("_") else " "))
    return out


def _ungroup(path: str, number: int, body: str) -> str:
    """PETRARCH 2 marks prepositional phrases ``(TO BORDER)`` and noun phrases
    ``{ARMS SHIPMENT}`` in patterns; we match their words in order (blanks between them),
    so the brackets only have to balance."""
    depth = {"(": 0, "{": 0}
    closing = {")": "(", "}": "{"}
    for ch in body:
        if ch in depth:
            depth[ch] += 1
        elif ch in closing:
            depth[closing[ch]] -= 1
            if depth[closing[ch]] < 0:
                raise DictionaryError(path, number, f"unbalanced '{ch}' in pattern")
    if any(depth.values()):
        raise DictionaryError(path, number, "unbalanced '(' or '{' in pattern")
    return re.sub(r"[(){}]", " ", body)


def _element(path: str, number: int, token: str, adjacent: bool) -> PatternElement:
    if token == "$":
        return PatternElement("source", "", adjacent)
    if token == "+":
        return PatternElement("target", "", adjacent)
    if token == "%":
        return PatternElement("compound", "", adjacent)
    if token == "^":
        return PatternElement("skip", "", adjacent)
    if token.startswith("&"):
        if len(token) < 2:
            raise DictionaryError(path, number, "empty synset name '&'")
        return PatternElement("synset", token.upper().rstrip("_"), adjacent)
    word = token.upper()
    if not _WORD_RE.match(word):
        raise DictionaryError(path, number, f"bad pattern word '{token}'")
    return PatternElement("word", word, adjacent)


def _parse_pattern(path: str, number: int, text: str, code: str | None) -> VerbPattern:
    body = text.strip()[1:]  # drop the leading '-'
    body = _ungroup(path, number, body)
    body = body.replace("_ ", " ")  # PETRARCH: a trailing '_' before a blank is a blank
    if body.count("*") != 1:
        raise DictionaryError(path, number, "a pattern needs exactly one '*' for the verb")
    if code is None:
        raise DictionaryError(path, number, "pattern without [code]")
    before, _, after = body.partition("*")
    pre_pairs = _pattern_elements(path, number, before)
    pre: list[PatternElement] = []
    for token, conn in pre_pairs:
        pre.append(_element(path, number, token, conn == "_"))
    pre.reverse()  # nearest the verb first
    post: list[PatternElement] = []
    first_conn = "_" if after.startswith("_") else " "
    conn_prev = first_conn
    for token, conn in _pattern_elements(path, number, after):
        post.append(_element(path, number, token, conn_prev == "_"))
        conn_prev = conn
    if not pre and not post:
        raise DictionaryError(path, number, "pattern has no words besides '*'")
    return VerbPattern(tuple(pre), tuple(post), _norm_code(code), number, text.strip())


def _plural(word: str) -> str:
    if word.endswith("Y"):
        return word[:-1] + "IES"
    if word.endswith("S"):
        return word[:-1] + "ES"
    return word + "S"


def _read_text(path: str | Path, what: str) -> str:
    """A dictionary file's text, undecodable bytes replaced; the one place that turns an
    unreadable file into a ``DictionaryError`` naming the file and what it was read as."""
    try:
        return Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise DictionaryError(str(path), None, f"cannot read {what}: {exc}") from exc


def read_verb_dictionary(path: str | Path) -> VerbDictionary:
    """Read a TABARI/PETRARCH ``.verbs`` file (format in the module docstring)."""
    p = str(path)
    text = _read_text(path, "verbs dictionary")

    raw_synsets: dict[str, list[tuple[int, str]]] = {}
    synset_plural: dict[str, bool] = {}
    synset_line: dict[str, int] = {}
    blocks: list[VerbBlock] = []
    cur: dict | None = None
    synset: str | None = None
    pattern_synsets: list[tuple[int, str]] = []

    def close_block() -> None:
        if cur is not None:
            if not cur["verbs"]:
                raise DictionaryError(p, cur["line"], f"verb block '{cur['name']}' has no verb")
            blocks.append(
                VerbBlock(cur["name"], cur["code"], cur["line"], tuple(cur["verbs"]), tuple(cur["patterns"]))
            )

    for number, line in _logical_lines(p, text):
        s = line.strip()
        if s.startswith("---"):
            close_block()
            synset = None
            inner = s[3:].rstrip()
            if inner.endswith("---"):  # the closing dashes are optional (a comment may eat them)
                inner = inner[:-3]
            name, code = _split_code(p, number, inner)
            name = re.sub(r"\s+", " ", name.strip()).upper()
            if not name:
                raise DictionaryError(p, number, "block header without a verb")
            if code is None:
                raise DictionaryError(p, number, "block header without [code]")
            cur = {"name": name, "code": _norm_code(code), "line": number, "verbs": [], "patterns": []}
            continue
        if s.startswith("&"):
            name = s.split()[0].upper()
            if len(s.split()) > 1:
                raise DictionaryError(p, number, f"unexpected text after synset name: '{s}'")
            plural = not name.endswith("_")
            name = name.rstrip("_")
            if name in raw_synsets:
                raise DictionaryError(p, number, f"synset {name} defined twice")
            raw_synsets[name] = []
            synset_plural[name] = plural
            synset_line[name] = number
            synset = name
            continue
        if s.startswith("+") and synset is not None:
            member = s[1:].strip()
            if not member:
                raise DictionaryError(p, number, "empty synset member")
            raw_synsets[synset].append((number, member))
            continue
        synset = None
        if s.startswith("-"):
            if cur is None or not cur["verbs"]:
                raise DictionaryError(p, number, "pattern outside a verb block")
            body, code = _split_code(p, number, s)
            pat = _parse_pattern(p, number, body, code)
            for el in pat.pre + pat.post:
                if el.kind == "synset":
                    pattern_synsets.append((number, el.value))
            cur["patterns"].append(pat)
            continue
        if cur is None:
            raise DictionaryError(p, number, f"verb '{s}' outside a '--- VERB [code] ---' block")
        body, code = _split_code(p, number, s)
        entry = _verb_entry(p, number, body, code if code is not None else cur["code"])
        cur["verbs"].append(entry)
    close_block()

    synsets = _expand_synsets(p, raw_synsets, synset_plural, synset_line)
    for number, name in pattern_synsets:
        if name not in synsets:
            raise DictionaryError(p, number, f"synset {name} is used but never defined")
    logger.debug("read %d verb blocks and %d synsets from %s", len(blocks), len(synsets), p)
    return VerbDictionary(p, tuple(blocks), synsets)


def _expand_synsets(
    path: str,
    raw: dict[str, list[tuple[int, str]]],
    plural: dict[str, bool],
    lines: dict[str, int],
) -> dict[str, tuple[tuple[str, ...], ...]]:
    done: dict[str, tuple[tuple[str, ...], ...]] = {}

    def expand(name: str, stack: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
        if name in done:
            return done[name]
        if name in stack:
            raise DictionaryError(path, lines[name], f"synset {name} includes itself")
        out: list[tuple[str, ...]] = []
        for number, member in raw[name]:
            if member.startswith("&"):
                ref = member.upper().rstrip("_")
                if ref not in raw:
                    raise DictionaryError(path, number, f"synset {ref} is used but never defined")
                out.extend(expand(ref, stack + (name,)))
                continue
            no_plural = member.endswith("_") or not plural[name]
            words = tuple(w.upper() for w in re.split(r"[_\s]+", member.strip("_ ")) if w)
            for w in words:
                if not _WORD_RE.match(w):
                    raise DictionaryError(path, number, f"bad word '{w}' in synset member")
            out.append(words)
            if not no_plural:
                out.append(words[:-1] + (_plural(words[-1]),))
        if not out:
            raise DictionaryError(path, lines[name], f"synset {name} has no members")
        done[name] = tuple(dict.fromkeys(out))
        return done[name]

    for name in raw:
        expand(name, ())
    return done


# ----------------------------------------------------------------------------- discards


def read_discards(path: str | Path) -> DiscardList:
    """Read a TABARI/PETRARCH discards file: one phrase a line, ``+`` for story level."""
    p = str(path)
    text = _read_text(path, "discards")
    entries: list[Discard] = []
    for number, line in _logical_lines(p, text):
        s = line.strip()
        story = s.startswith("+")
        if story:
            s = s[1:].strip()
        if "[" in s or "]" in s or "{" in s:
            raise DictionaryError(p, number, f"unexpected code or braces in discard phrase '{s}'")
        words = tuple(_text_words(s.replace("_", " ")))
        if not words:
            raise DictionaryError(p, number, "empty discard phrase")
        entries.append(Discard(words, story, number))
    return DiscardList(p, tuple(entries))
