"""Event coders: parsed sentences + actor mentions -> events.

``RulesCoder`` is flashpoint's own coder (lexicon + dependency rules, ``flashpoint.rules.v1``);
the TABARI/PETRARCH verb-dictionary coder lives in ``dictionary_coder``.
"""

from flashpoint.coding.coder import CODER_NAME, CODER_VERSION, RulesCoder
from flashpoint.coding.prefilter import Prefilter

__all__ = ["CODER_NAME", "CODER_VERSION", "Prefilter", "RulesCoder"]
