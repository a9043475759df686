"""{{name}}: a comment sentiment scorer for hashtrack (world `sentiment-scorer`, Python).

A small lexicon of words and emoji scored from -4 to 4, with "not" flipping the next word.
The `lexicon` setting adds or overrides terms, one `term score` per line (in campaigns.toml:
`lexicon-file = "brand.txt"`). Build with `hashtrack plugin build .`, then
`hashtrack plugin test target/{{name}}.wasm --input fixture.json`.
"""

import math

from componentize_py_types import Err
from wit_world import exports
from wit_world.imports import log

LEXICON = {
    "love": 3.0, "best": 3.0, "great": 3.0, "good": 1.9, "better": 1.9, "glow": 1.5,
    "bad": -2.5, "worst": -3.1, "hate": -2.7, "expensive": -1.0, "broke": -1.5,
    "😍": 3.0, "🔥": 2.0, "👎": -2.0,
}


def parse_lexicon(text):
    """The terms of a `term score` text and the problems of its bad lines."""
    terms, problems = {}, []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.rsplit(maxsplit=1)
        try:
            score = float(parts[1]) if len(parts) == 2 else None
        except ValueError:
            score = None
        if score is None or not -4 <= score <= 4:
            problems.append(f"setting `lexicon`, line {number}: expected `term score` (-4 to 4), got `{line}`")
        else:
            terms[parts[0].lower()] = score
    return terms, problems


def read_settings(settings):
    """The lexicon to score with, and every problem of the settings."""
    lexicon, problems = dict(LEXICON), []
    for setting in settings:
        if setting.key == "lexicon":
            terms, bad = parse_lexicon(setting.value)
            lexicon.update(terms)
            problems += bad
        else:
            problems.append(f"unknown setting `{setting.key}`: this plugin reads only `lexicon`")
    return lexicon, problems


def score_text(text, lexicon):
    words = text.lower().replace(",", " ").replace("!", " ").replace("?", " ").split()
    total, flip = 0.0, False
    for word in words:
        score = lexicon.get(word, 0.0)
        total += -0.74 * score if flip else score
        flip = word in ("not", "never", "no")
    return total / math.sqrt(total * total + 15)  # squashed into (-1, 1), as VADER does


class Scorer(exports.Scorer):
    def languages(self):
        # The host sends only comments in these languages (and `und`: emoji, a word or two).
        return ["en"]

    def check_settings(self, settings):
        _, problems = read_settings(settings)
        if problems:
            raise Err(problems)

    def score(self, settings, comments):
        lexicon, problems = read_settings(settings)
        if problems:
            raise Err(problems[0])
        log.write(log.Level.DEBUG, f"scoring {len(comments)} comments")
        return [score_text(comment.text, lexicon) for comment in comments]
