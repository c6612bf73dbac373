"""The closed word classes and code-root sets the rules coder consults.

Kept apart from the rules so that every rules module (and a test) reads one definition of
"a target preposition", "a cooperative root" or "a dateline", and so that a list can be
extended without touching the parse logic that uses it.
"""

from __future__ import annotations

import re

CODER_NAME = "flashpoint.rules.v1"
CODER_VERSION = "0.1.0"

FIRST_PERSON = frozenset({"we", "our", "us", "ours", "i", "my", "me"})
PLURAL_PRONOUNS = frozenset({"they", "them", "their", "theirs"})
THIRD_PERSON = frozenset({"it", "its", "he", "him", "his", "she", "her"}) | PLURAL_PRONOUNS
SUBJECT_DEPS = frozenset({"nsubj", "csubj"})
CLAUSE_DEPS = frozenset({"relcl", "acl", "advcl", "ccomp", "xcomp", "parataxis", "csubj"})
VERB_TARGET_PREPS = (
    "with",
    "against",
    "on",
    "upon",
    "at",
    "to",
    "into",
    "toward",
    "towards",
    "over",
    "from",
    "for",
    "between",
    "of",
    "by",
)
NOUN_TARGET_PREPS = (
    "on",
    "against",
    "with",
    "to",
    "at",
    "into",
    "toward",
    "towards",
    "of",
    "for",
    "over",
    "upon",
    "between",
    "in",
    "from",
)
LOCATIVE_ROOTS = frozenset({"02", "08", "14", "15", "17", "18", "19", "20"})
NEEDS_TARGET_ROOTS = frozenset({"01", "02", "03", "05", "10", "11", "12"})
"""Verbal acts are addressed to someone: without a resolved target their confidence is low."""
RECIPROCAL_ROOTS = frozenset({"03", "04", "05", "06", "19"})
OBJECT_CONTROL = frozenset(
    {
        "urge",
        "ask",
        "order",
        "call",
        "force",
        "persuade",
        "allow",
        "invite",
        "tell",
        "press",
        "encourage",
        "pressure",
        "push",
        "implore",
        "appeal",
        "request",
    }
)
COOPERATIVE_ROOTS = frozenset({"04", "05", "06", "07", "08", "09"})
CONFLICT_ROOTS = frozenset({"13", "14", "15", "16", "17", "18", "19", "20"})
NOUN_FRAMES = frozenset({"intent", "threat", "demand", "appeal"})
MILITARY_SPECIFIC = {
    "060": "062",
    "031": "0312",
    "021": "0212",
    "101": "1012",
    "121": "1212",
    "070": "072",
    "033": "0332",
    "023": "0232",
    "103": "1032",
}
EXERCISE_NOUNS = frozenset({"exercise", "drill", "maneuver", "manoeuvre", "game", "wargame"})
DOMESTIC_PREFIXES = ("14", "170", "172", "173", "174", "175", "081", "082", "083")
"""Without a named target, curfews, bans, arrests and protests are coded against the
source's own country (CAMEO's convention for domestic events; confidence is lowered).
Seizing or destroying property (171x) is not: it is as often done abroad."""
CARRIER_NOUNS = frozenset(
    {
        "effort",
        "mission",
        "bid",
        "attempt",
        "initiative",
        "process",
        "campaign",
        "drive",
        "operation",
        "plan",
        "round",
    }
)
"""Nouns that carry an event named by their compound: "a mediation effort", "peace mission"."""
MEASURE_NOUNS = frozenset({"day", "week", "month", "round", "series", "wave", "spate", "string", "number"})
LIGHT_IN = frozenset({"engage", "participate", "involve", "join"})
PROPOSAL_NOUNS = frozenset(
    {"demand", "call", "appeal", "offer", "proposal", "request", "plan", "ultimatum", "invitation", "plea"}
)
DOCUMENT_FOREIGN = frozenset({"REF", "NGO", "MED", "JRN", "IGO", "UAF", "GOV"})
"""Sectors that do not take the document's state: refugees, aid groups, the press and
mercenaries are as often foreign as local, and a bare GOV is mostly one person ("the
leader", "a spokesperson") of any of the story's states (checked by hand on VOA stories)."""
LOCATIVE_PREPS = frozenset({"in", "near", "outside", "at", "inside", "around"})
BACKGROUND_MARKS = frozenset(
    {"after", "before", "since", "as", "because", "when", "while", "once", "until", "though", "although"}
)
"""Subordinators of clauses that give the time or cause of the reported event, not the event."""
BACKGROUND_PREPS = frozenset({"after", "following", "amid", "amidst", "during", "since", "before", "despite"})
DECISION_NOUNS = frozenset(
    {"decision", "move", "step", "vote", "order", "agreement", "deal", "pledge", "promise", "warning"}
)
"""Nouns whose infinitive or that-clause is the reported act ("the decision to cut aid")."""
BACKGROUND_CARRIERS = frozenset({"wake", "aftermath", "result", "because", "due"})
"""Heads of "in the wake of X", "as a result of X", "because of X": X is background."""
STANCE_PARTICIPLES = frozenset(
    {"oppose", "commit", "determine", "prepare", "dedicate", "resolve", "engage", "involve"}
)
"""Participles that state their subject's stance ("X is opposed to", "is committed to"): the
grammatical passive's subject is the one who holds it."""
SELF_DIRECTED = frozenset({"087"})
"""Withdrawal, demobilisation, disarmament: in an agentless passive ("the rebels were
disarmed", "troops were pulled out of X") the forces named are the ones retreating."""
POSTURE_VERBS = frozenset({"prepare"})
"""Getting ready to fight is military posturing (CAMEO 150), not a verbal threat (13x)."""
VERBAL_ATTACK_VERBS = frozenset({"attack", "lash"})
GATHERING_VERBS = frozenset(
    {"arrive", "return", "travel", "come", "go", "fly", "head", "gather", "converge", "assemble", "convene"}
)
"""Going somewhere for an event ("arrived in Cairo for talks") carries it as a light verb does."""
MAX_ARG_DEPTH = 4
"""An actor buried deeper than this in an argument phrase is not the argument."""
VICTIM_ROOTS = frozenset({"04", "18", "19", "20"})
"""Meetings need a partner and violence a victim: without a resolved target, no event."""
PRESS_AGENTS = frozenset({"JRN", "MED"})
VERBAL_CONFLICT = frozenset({"10", "11", "12", "13"})
OBLIGATION_AUX = frozenset({"must", "should", "ought"})
FRAME_PRIORITY = ("allege", "deny", "threat", "refuse", "demand", "appeal", "intent")
DATELINE_RE = re.compile(
    r"^\s*[A-Z][A-Z.'\u2019/-]+(?:\s+[A-Z][A-Z.'\u2019/-]+){0,3}"  # NAIROBI, PORT SUDAN, A/B
    r"(?:(?:\s*,\s*[A-Z][\w.]*(?:\s+[\w.]+){0,3})?\s*\([^()\n]{1,40}\)"  # , April 17 (Reuters)
    r"|\s*,\s*[A-Z][\w.]*(?:\s+[\w.]+){0,3}"  # , Kenya
    r"|(?=\s*[\u2014\u2013]))"  # BEIRUT —
    r"\s*(?:\u2014|\u2013|--|-)\s"
)
"""A wire-story dateline ("SEOUL, April 17 (Reuters) - "): the city is where the story was
filed, not an actor of the first sentence."""
