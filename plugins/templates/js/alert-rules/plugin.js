// {{name}}: alert rules for hashtrack (world `alert-rules`, JavaScript).
//
// One rule, `view-surge`: new views per day at least `surge-factor` times the median of the
// earlier days, counting only what the evidence proves (`views.perDayLow`). A surge that was
// already raised the day before is not raised again (a cooldown through the last history
// day's `alerts`). Build with `hashtrack plugin build .`, then
// `hashtrack plugin test target/{{name}}.wasm --input fixture.json`.
//
// WIT in JavaScript: records are objects with camelCase fields, `option` is the value or
// `undefined`, u64/s64 are BigInt (convert with Number()); `throw` the err value (a string,
// or an array of strings for check-settings) to return `err`: a thrown Error traps instead.
import { write as log } from 'hashtrack:plugins/log@0.3.0';

const DEFAULTS = { 'surge-factor': 3.0, 'min-views': 10000 };
const RULE = 'view-surge';

// The thresholds, and every problem of the settings (one sentence each, naming the key).
function readSettings(settings) {
  const values = { ...DEFAULTS };
  const problems = [];
  for (const { key, value } of settings) {
    if (!(key in DEFAULTS)) {
      problems.push(`unknown setting \`${key}\`; known: ${Object.keys(DEFAULTS).join(', ')}`);
    } else if (!Number.isFinite(Number(value)) || value.trim() === '') {
      problems.push(`setting \`${key}\` must be a number, not \`${value}\``);
    } else {
      values[key] = Number(value);
    }
  }
  return { values, problems };
}

function median(numbers) {
  const sorted = [...numbers].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

export const rules = {
  checkSettings(settings) {
    const { problems } = readSettings(settings);
    if (problems.length > 0) throw problems;
  },
  evaluate(settings, today, history) {
    const { values, problems } = readSettings(settings);
    if (problems.length > 0) throw problems[0];
    // Missing data is undefined, never zero: stay quiet without it.
    const earlier = history.filter((day) => day.views !== undefined).map((day) => day.views.perDay);
    if (today.views === undefined || earlier.length < 2) return [];
    const usual = median(earlier);
    const proven = today.views.perDayLow;
    log('debug', `${today.date}: ${Math.round(proven)} new views a day, usual ${Math.round(usual)}`);
    if (proven < values['min-views'] || proven < values['surge-factor'] * usual) return [];
    const last = history[history.length - 1];
    if (last && last.alerts.some((alert) => alert.rule === RULE)) return []; // still ongoing
    const message = `New views surged to at least ${Math.round(proven)} a day, `
      + `${(proven / Math.max(usual, 1)).toFixed(1)}x the usual ${Math.round(usual)}.`;
    return [{ rule: RULE, severity: 'warning', message }];
  },
};
