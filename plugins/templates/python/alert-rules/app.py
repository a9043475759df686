"""{{name}}: alert rules for hashtrack (world `alert-rules`, Python).

One rule, `view-surge`: new views per day at least `surge-factor` times the median of the
earlier days, counting only what the evidence proves (`views.per_day_low`). A surge that was
already raised the day before is not raised again (a cooldown through `history[-1].alerts`).
Build with `hashtrack plugin build .`, then
`hashtrack plugin test target/{{name}}.wasm --input fixture.json`.
"""

from statistics import median

from componentize_py_types import Err
from wit_world import exports
from wit_world.imports import log, types

DEFAULTS = {"surge-factor": 3.0, "min-views": 10000.0}
RULE = "view-surge"


def read_settings(settings):
    """The thresholds, and every problem of the settings (one sentence each, naming the key)."""
    values, problems = dict(DEFAULTS), []
    for setting in settings:
        if setting.key not in DEFAULTS:
            problems.append(f"unknown setting `{setting.key}`; known: {', '.join(DEFAULTS)}")
            continue
        try:
            values[setting.key] = float(setting.value)
        except ValueError:
            problems.append(f"setting `{setting.key}` must be a number, not `{setting.value}`")
    return values, problems


class Rules(exports.Rules):
    def check_settings(self, settings):
        _, problems = read_settings(settings)
        if problems:
            raise Err(problems)

    def evaluate(self, settings, today, history):
        values, problems = read_settings(settings)
        if problems:
            raise Err(problems[0])
        # Missing data is None, never zero: stay quiet without it.
        earlier = [day.views.per_day for day in history if day.views is not None]
        if today.views is None or len(earlier) < 2:
            return []
        usual = median(earlier)
        proven = today.views.per_day_low
        log.write(log.Level.DEBUG, f"{today.date}: {proven:.0f} new views a day, usual {usual:.0f}")
        if proven < values["min-views"] or proven < values["surge-factor"] * usual:
            return []
        if history and any(alert.rule == RULE for alert in history[-1].alerts):
            return []  # raised yesterday: still ongoing, no new alert
        message = (f"New views surged to at least {proven:,.0f} a day, "
                   f"{proven / max(usual, 1):.1f}x the usual {usual:,.0f}.")
        return [types.Alert(RULE, types.Severity.WARNING, message)]
