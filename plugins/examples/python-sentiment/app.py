"""A comment sentiment scorer for hashtrack, in Python (world `sentiment-scorer`).

Deliberately small: a lexicon of words and emoji scored from -4 to 4, plus simple negation
("not good" counts against). A campaign can extend or override the lexicon with the `lexicon`
setting, one `term score` per line (in campaigns.toml: `lexicon-file = "brand.txt"`).

componentize-py turns this module into a component: the class named after the exported
interface (`Scorer`) implements it, `wit_world.imports.log` is the host's log, and raising
`Err(message)` returns the WIT `err` case.
"""

import math
import re

from componentize_py_types import Err
from wit_world import exports
from wit_world.imports import log

# Term -> score on the -4..4 scale of most published lexicons (and of campaigns' overlays).
BASE_LEXICON = {
    "love": 3, "loved": 3, "amazing": 3, "best": 3, "great": 3, "obsessed": 2.5,
    "good": 2, "nice": 2, "fire": 2, "slay": 2.5, "recommend": 2, "worth": 1.5,
    "bad": -2.5, "worst": -3.5, "hate": -3, "awful": -3, "terrible": -3, "trash": -3,
    "scam": -3.5, "fake": -2.5, "disappointed": -2.5, "overpriced": -2, "refund": -2,
    "mid": -1.5, "meh": -1, "waste": -2.5, "cringe": -2,
    "😍": 3, "🥰": 3, "❤": 2.5, "🔥": 2, "👍": 1.5, "😊": 2,
    "👎": -2, "😡": -3, "🤮": -3, "😒": -1.5, "😢": -1.5,
}

# A negator flips the next scored term within this many tokens: "not that good".
NEGATORS = {"not", "no", "never", "dont", "don't", "isnt", "isn't", "wasnt", "wasn't",
            "aint", "ain't", "doesnt", "doesn't", "cant", "can't", "cannot", "nothing"}
NEGATION_WINDOW = 3
# Negation does not cross a clause: in "don't wait, it's great" the praise stands.
CLAUSE_ENDS = {",", ".", ";", "!", "?", "but"}
# "not good" is milder than "bad", so a negated term keeps only part of its weight.
NEGATED_WEIGHT = -0.75

# Words (letters, digits, apostrophes) or single symbols, so each emoji is its own token.
TOKEN = re.compile(r"[\w']+|[^\w\s]")


class Scorer(exports.Scorer):
    def score(self, settings, comments):
        lexicon = dict(BASE_LEXICON)
        for setting in settings:
            if setting.key != "lexicon":
                # An unknown key is most likely a typo: failing says so, ignoring would not.
                raise Err(f"unknown setting `{setting.key}`: this plugin reads only `lexicon`")
            lexicon.update(parse_lexicon(setting.value))
        log.write(log.Level.INFO, f"scoring {len(comments)} comments with {len(lexicon)} terms")
        longest = max(term.count(" ") + 1 for term in lexicon)  # "glass skin" is two tokens
        return [score_text(comment.text, lexicon, longest) for comment in comments]


def parse_lexicon(text):
    """`term score` lines (the term may be several words); lines starting with `#` are
    comments. A bad line is an error that names it, so the campaign's owner can fix it."""
    terms = {}
    for line_number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        *term, value = line.rsplit(maxsplit=1)
        score = number(value)
        # `not <=` also rejects NaN, which compares false with everything.
        if not term or score is None or not -4 <= score <= 4:
            raise Err(f"lexicon line {line_number}: expected `term score` with a score from -4 to 4, got `{line}`")
        terms[" ".join(tokens(term[0]))] = score
    return terms


def number(text):
    try:
        return float(text)
    except ValueError:
        return None


def tokens(text):
    # Curly apostrophes are common on phones; emoji variation selectors carry no meaning.
    text = text.lower().replace("\u2019", "'").replace("\ufe0f", "")
    return TOKEN.findall(text)


def score_text(text, lexicon, longest):
    """Sums the terms' scores, negated ones flipped, and squashes the sum into (-1, 1)."""
    words = tokens(text)
    total = 0.0
    since_negator = NEGATION_WINDOW + 1
    i = 0
    while i < len(words):
        term_score, length = longest_term(words, i, lexicon, longest)
        # Terms first, so that a campaign's phrase such as "not bad 2" wins over negation.
        if term_score is not None:
            negated = since_negator <= NEGATION_WINDOW
            total += term_score * NEGATED_WEIGHT if negated else term_score
            since_negator = NEGATION_WINDOW + 1  # one negator flips one term
        elif words[i] in NEGATORS:
            since_negator = 0
        elif words[i] in CLAUSE_ENDS:
            since_negator = NEGATION_WINDOW + 1
        else:
            since_negator += 1
        i += length
    # Squash the unbounded sum into (-1, 1); 15 is VADER's constant, so one strong word
    # scores about 0.6 and several push towards +-1 without reaching it.
    return total / math.sqrt(total * total + 15)


def longest_term(words, start, lexicon, longest):
    """The score and token length of the longest lexicon term at `start`, or (None, 1)."""
    for length in range(min(longest, len(words) - start), 0, -1):
        score = lexicon.get(" ".join(words[start:start + length]))
        if score is not None:
            return score, length
    return None, 1
