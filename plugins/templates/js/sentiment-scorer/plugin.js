// {{name}}: a comment sentiment scorer for hashtrack (world `sentiment-scorer`, JavaScript).
//
// A small lexicon of words and emoji scored from -4 to 4, with "not" flipping the next word.
// The `lexicon` setting adds or overrides terms, one `term score` per line (in campaigns.toml:
// `lexicon-file = "brand.txt"`). Build with `hashtrack plugin build .`, then
// `hashtrack plugin test target/{{name}}.wasm --input fixture.json`.
//
// WIT in JavaScript: records are objects with camelCase fields, `option` is the value or
// `undefined`, u64/s64 are BigInt; `throw` the err value (a string, or an array of strings
// for check-settings) to return `err`: a thrown Error object traps instead.
import { write as log } from 'hashtrack:plugins/log@0.3.0';

const LEXICON = {
  love: 3.0, best: 3.0, great: 3.0, good: 1.9, better: 1.9, glow: 1.5,
  bad: -2.5, worst: -3.1, hate: -2.7, expensive: -1.0, broke: -1.5,
  '😍': 3.0, '🔥': 2.0, '👎': -2.0,
};

// The terms of a `term score` text and the problems of its bad lines.
function parseLexicon(text) {
  const terms = {};
  const problems = [];
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const cut = line.search(/\s+\S+$/);
    const score = cut > 0 ? Number(line.slice(cut)) : NaN;
    if (!(score >= -4 && score <= 4)) {
      problems.push(`setting \`lexicon\`, line ${index + 1}: expected \`term score\` (-4 to 4), got \`${line}\``);
    } else {
      terms[line.slice(0, cut).toLowerCase()] = score;
    }
  });
  return { terms, problems };
}

// The lexicon to score with, and every problem of the settings.
function readSettings(settings) {
  const lexicon = { ...LEXICON };
  const problems = [];
  for (const { key, value } of settings) {
    if (key === 'lexicon') {
      const parsed = parseLexicon(value);
      Object.assign(lexicon, parsed.terms);
      problems.push(...parsed.problems);
    } else {
      problems.push(`unknown setting \`${key}\`: this plugin reads only \`lexicon\``);
    }
  }
  return { lexicon, problems };
}

function scoreText(text, lexicon) {
  let total = 0;
  let flip = false;
  for (const word of text.toLowerCase().replace(/[,!?]/g, ' ').split(/\s+/)) {
    const score = lexicon[word] ?? 0;
    total += flip ? -0.74 * score : score;
    flip = word === 'not' || word === 'never' || word === 'no';
  }
  return total / Math.sqrt(total * total + 15); // squashed into (-1, 1), as VADER does
}

export const scorer = {
  // The host sends only comments in these languages (and `und`: emoji, a word or two).
  languages() {
    return ['en'];
  },
  checkSettings(settings) {
    const { problems } = readSettings(settings);
    if (problems.length > 0) throw problems;
  },
  score(settings, comments) {
    const { lexicon, problems } = readSettings(settings);
    if (problems.length > 0) throw problems[0];
    log('debug', `scoring ${comments.length} comments`);
    return comments.map((comment) => scoreText(comment.text, lexicon));
  },
};
