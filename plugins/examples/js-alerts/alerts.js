// Alert rules for hashtrack in JavaScript (world `alert-rules` of wit/v0.1/hashtrack.wit, 0.1.0).
//
// Two rules, thresholds from the campaign's settings:
//   participation-surge  today's new videos > `surge-factor` x the mean of the stored days
//   stall                new views below `stall-views` on each of the last `stall-days` days
//
// How WIT types look from JavaScript (componentize-js):
//   - records are objects with camelCase fields (`new-videos` -> `newVideos`);
//   - u64/s64 are BigInt, so counts are converted with Number() before any arithmetic;
//   - option<T> is the value or undefined (tested with `== null`, which also covers null);
//   - enums are their WIT names as strings ('info', 'warning', 'critical');
//   - result<ok, err>: return the ok value; throw a string to return `err`.

import { write as log } from 'hashtrack:plugins/log@0.1.0';

const DEFAULTS = {
  'surge-factor': 3,
  'surge-min-history': 3, // stored days with data needed before "the mean" means anything
  'stall-views': 1000,
  'stall-days': 3,
};

export const rules = {
  evaluate(settings, today, history) {
    const config = readSettings(settings);
    const alerts = [surge(config, today, history), stall(config, today, history)].filter(
      (alert) => alert !== null,
    );
    log('info', `${today.date}: ${alerts.length} alert(s) from ${history.length} earlier days`);
    return alerts;
  },
};

// Missing data (undefined) is never read as zero: a failed API call is not a quiet day.
function count(value) {
  return value == null ? null : Number(value);
}

function surge(config, today, history) {
  const newVideos = count(today.newVideos);
  const known = history.map((day) => count(day.newVideos)).filter((n) => n !== null);
  if (newVideos === null || known.length < config['surge-min-history']) {
    return null;
  }
  const mean = known.reduce((sum, n) => sum + n, 0) / known.length;
  if (mean <= 0 || newVideos <= config['surge-factor'] * mean) {
    return null;
  }
  return {
    rule: 'participation-surge',
    severity: 'info',
    message: `Participation surge: ${newVideos} new videos today, ${(newVideos / mean).toFixed(1)}x the mean of ${mean.toFixed(1)} over ${known.length} stored days.`,
  };
}

function stall(config, today, history) {
  const earlier = config['stall-days'] - 1;
  const days = [...history.slice(Math.max(0, history.length - earlier)), today];
  if (days.length < config['stall-days'] || !consecutive(days.map((day) => day.date))) {
    return null;
  }
  // A negative delta is the API's rounding stepping back, not a measurement: it breaks the run.
  const views = days.map((day) => count(day.newViews));
  if (!views.every((n) => n !== null && n >= 0 && n < config['stall-views'])) {
    return null;
  }
  return {
    rule: 'stall',
    severity: 'warning',
    message: `Stalled: fewer than ${config['stall-views']} new views on each of the last ${days.length} days (${views.join(', ')}).`,
  };
}

// History holds stored days only, so a gap (a day the collector did not run) would otherwise
// make "three entries" span a week.
function consecutive(dates) {
  const DAY_MS = 24 * 60 * 60 * 1000;
  const times = dates.map((date) => Date.parse(`${date}T00:00:00Z`));
  return times.every((t, i) => !Number.isNaN(t) && (i === 0 || t - times[i - 1] === DAY_MS));
}

// Every key must be known and every value a positive number: a misspelt threshold that
// silently fell back to its default would hide the mistake.
function readSettings(settings) {
  const config = { ...DEFAULTS };
  for (const { key, value } of settings) {
    if (!(key in DEFAULTS)) {
      throw `unknown setting \`${key}\`; known settings: ${Object.keys(DEFAULTS).join(', ')}`;
    }
    const number = Number(value.trim());
    if (value.trim() === '' || !Number.isFinite(number) || number <= 0) {
      throw `setting \`${key}\` must be a positive number, not \`${value}\``;
    }
    config[key] = number;
  }
  if (!Number.isInteger(config['stall-days'])) {
    throw `setting \`stall-days\` must be a whole number, not \`${config['stall-days']}\``;
  }
  return config;
}
