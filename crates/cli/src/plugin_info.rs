//! `hashtrack plugin info builtin`: the built-in alert rules, what each means, and their
//! settings with defaults, printed from `crates/builtin-rules`, where the rules plugin reads
//! them too, so the text cannot drift from what runs.

use builtin_rules::{Rule, Setting};

/// The built-in rules and their settings, for a person at a terminal.
pub fn builtin_rules() -> String {
    let mut out = String::from(
        "The built-in alert rules (plugin \"builtin\", the default of [campaigns.alerts]).\n\
         Switch one off with `disable = [\"RULE\"]` in [campaigns.alerts]; run your own rules \
         beside them with `plugins = [\"builtin\", \"rules/brand.wasm\"]`.\n\n",
    );
    for rule in Rule::ALL {
        let settings: Vec<&str> = rule.settings().iter().map(|s| s.key()).collect();
        out.push_str(&format!(
            "{} ({})\n  raised when {}.\n  reads: {}\n\n",
            rule.id(),
            rule.severity().as_str(),
            rule.meaning(),
            settings.join(", ")
        ));
    }
    out.push_str(
        "Settings, in [campaigns.alerts.settings] (or [campaigns.alerts.settings.builtin] \
         beside other plugins):\n",
    );
    let width = Setting::ALL
        .iter()
        .map(|s| s.key().len())
        .max()
        .unwrap_or(0);
    for setting in Setting::ALL {
        out.push_str(&format!(
            "  {:<width$}  default {:<7}  {}\n",
            setting.key(),
            setting.default_text(),
            setting.meaning()
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_and_setting_is_listed_with_its_default() {
        let text = builtin_rules();
        for rule in Rule::ALL {
            assert!(text.contains(&format!("{} ({})", rule.id(), rule.severity().as_str())));
        }
        for setting in Setting::ALL {
            let line = text
                .lines()
                .find(|l| {
                    l.trim_start().starts_with(&format!("{} ", setting.key()))
                        && l.contains("default")
                })
                .unwrap_or_else(|| panic!("{}: {text}", setting.key()));
            assert!(
                line.contains(&format!("default {}", setting.default_text())),
                "{line}"
            );
        }
    }

    /// The README's table of the built-in rules names each rule and each setting with its
    /// default, so that a reader who never runs the binary sees what runs.
    #[test]
    fn the_readme_lists_every_rule_and_setting_with_its_default() {
        let readme = include_str!("../../../README.md");
        for rule in Rule::ALL {
            assert!(
                readme.contains(&format!("| `{}` |", rule.id())),
                "{}",
                rule.id()
            );
        }
        for setting in Setting::ALL {
            let cell = format!("`{}` ({})", setting.key(), setting.default_text());
            assert!(readme.contains(&cell), "README lacks {cell}");
        }
    }
}
