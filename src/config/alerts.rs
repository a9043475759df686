//! `[campaigns.alerts]`: the alert plugins a campaign runs side by side, and the built-in rules
//! it switches off.
//!
//! One plugin is `plugin = "..."` with flat `settings`, as before lists existed. Several are
//! `plugins = ["builtin", "rules/brandx.wasm"]`, each with its own table of settings under its
//! name (`[campaigns.alerts.settings.brandx]`): a plugin is named `builtin` or by its file's
//! stem, and that name is what each of its alerts records and its messages show. The limits
//! (`memory_mib`, `fuel`, `timeout_ms`) hold for each plugin of the list.

use std::collections::BTreeMap;

use builtin_rules::Rule;
use toml::Spanned;

use super::{ConfigError, Confinement, Locator, PluginConfig, RawPlugin, resolve_plugin};

/// The name of the built-in rules, in `plugins` lists and on their alerts.
pub const BUILTIN: &str = "builtin";

/// The alert plugins of one campaign.
#[derive(Debug, Clone, PartialEq)]
pub struct AlertsConfig {
    /// Run in this order; never empty.
    pub plugins: Vec<AlertPlugin>,
    /// Built-in rules switched off: their alerts are dropped as they are raised.
    pub disable: Vec<Rule>,
}

/// One alert plugin of a campaign.
#[derive(Debug, Clone, PartialEq)]
pub struct AlertPlugin {
    /// `builtin`, or the component file's stem.
    pub name: String,
    pub config: PluginConfig,
}

impl AlertsConfig {
    /// The built-in rules' entry, when the campaign runs them.
    pub fn builtin(&self) -> Option<&AlertPlugin> {
        self.plugins.iter().find(|p| p.name == BUILTIN)
    }

    /// Whether an alert of `rule` raised by the plugin named `plugin` stands: not one of the
    /// built-in rules this campaign switched off.
    pub fn keeps(&self, plugin: &str, rule: &str) -> bool {
        plugin != BUILTIN || Rule::from_id(rule).is_none_or(|r| !self.disable.contains(&r))
    }
}

/// `owner` names the campaign in errors.
pub(super) fn resolve_alerts(
    mut raw: RawPlugin,
    owner: &str,
    within: Confinement,
    at: &Locator,
) -> Result<AlertsConfig, ConfigError> {
    let owner = format!("{owner} [alerts]");
    let list = raw.plugins.take();
    let disable = raw.disable.take();
    let plugins = match list {
        None => {
            let config = resolve_plugin(raw, &owner, within, at)?;
            let name = name_of(&config);
            vec![AlertPlugin { name, config }]
        }
        Some(list) => several(raw, list, &owner, within, at)?,
    };
    let disable = match disable {
        None => Vec::new(),
        Some(ids) => {
            if !plugins.iter().any(|p| p.name == BUILTIN) && !ids.get_ref().is_empty() {
                return Err(at.error(
                    ids.span(),
                    format!("{owner}: `disable` switches built-in rules off, but the campaign does not run \"builtin\""),
                ));
            }
            ids.into_inner()
                .into_iter()
                .map(|id| {
                    Rule::from_id(id.get_ref()).ok_or_else(|| {
                        at.error(
                            id.span(),
                            format!(
                                "{owner}: `disable`: no built-in rule is called '{}'; they are {}",
                                id.get_ref(),
                                Rule::ALL.map(Rule::id).join(", ")
                            ),
                        )
                    })
                })
                .collect::<Result<_, _>>()?
        }
    };
    Ok(AlertsConfig { plugins, disable })
}

/// `plugins = [...]`: each entry resolved as a plugin of its own, with the settings table under
/// its name and the list's limits.
fn several(
    mut raw: RawPlugin,
    list: Spanned<Vec<Spanned<String>>>,
    owner: &str,
    within: Confinement,
    at: &Locator,
) -> Result<Vec<AlertPlugin>, ConfigError> {
    if let Some(single) = &raw.plugin {
        return Err(at.error(
            single.span(),
            format!("{owner}: give `plugin` or `plugins`, not both"),
        ));
    }
    if list.get_ref().is_empty() {
        return Err(at.error(
            list.span(),
            format!("{owner}: `plugins` is empty: name \"builtin\", a .wasm component, or both"),
        ));
    }
    let mut settings = std::mem::take(&mut raw.settings);
    let mut plugins: Vec<AlertPlugin> = Vec::new();
    for entry in list.into_inner() {
        let span = entry.span();
        let mut one = raw.clone();
        one.plugin = Some(entry);
        // The name is the file's stem, known once the path is resolved; settings wait for it.
        let config = resolve_plugin(one.clone(), owner, within, at)?;
        let name = name_of(&config);
        if plugins.iter().any(|p| p.name == name) {
            return Err(at.error(
                span,
                format!("{owner}: two plugins are called '{name}' (a plugin is named by its file's stem); rename one file"),
            ));
        }
        let config = match settings.remove(&name) {
            None => config,
            Some(table) => {
                one.settings = settings_table(table, &name, owner, at)?;
                resolve_plugin(one, owner, within, at)?
            }
        };
        plugins.push(AlertPlugin { name, config });
    }
    if let Some((key, value)) = settings.into_iter().next() {
        let names: Vec<&str> = plugins.iter().map(|p| p.name.as_str()).collect();
        return Err(at.error(
            value.span(),
            format!(
                "{owner}: with `plugins`, settings go in a table per plugin ([...alerts.settings.<name>], <name> one of {}); '{key}' names none of them",
                names.join(", ")
            ),
        ));
    }
    Ok(plugins)
}

/// `[...alerts.settings.NAME]` as one plugin's settings; its values carry the table's span.
fn settings_table(
    table: Spanned<toml::Value>,
    name: &str,
    owner: &str,
    at: &Locator,
) -> Result<BTreeMap<String, Spanned<toml::Value>>, ConfigError> {
    let span = table.span();
    match table.into_inner() {
        toml::Value::Table(values) => Ok(values
            .into_iter()
            .map(|(key, value)| (key, Spanned::new(span.clone(), value)))
            .collect()),
        _ => Err(at.error(
            span,
            format!("{owner}: settings of '{name}' must be a table ([...alerts.settings.{name}])"),
        )),
    }
}

/// `builtin`, or the component file's stem.
fn name_of(config: &PluginConfig) -> String {
    match &config.wasm_file {
        None => BUILTIN.to_string(),
        Some(file) => file.file_stem().map_or_else(
            || file.display().to_string(),
            |s| s.to_string_lossy().into_owned(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::config::Config;

    const CAMPAIGN: &str = "[clients.acme]\nname = \"Acme\"\n\n[[campaigns]]\nid = \"spring\"\nclient = \"acme\"\nhashtags = [\"tryacme\"]\n";

    /// The campaign's alerts config, with `alerts` (TOML under `[campaigns.alerts]`) and a
    /// component file `rules/brandx.wasm` beside the config.
    fn parse(alerts: &str) -> Result<AlertsConfig, String> {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("rules")).unwrap();
        std::fs::write(dir.path().join("rules/brandx.wasm"), b"\0asm\x0d\0\x01\0").unwrap();
        let text = format!("{CAMPAIGN}[campaigns.alerts]\n{alerts}");
        Config::parse(&dir.path().join("campaigns.toml"), &text)
            .map(|c| c.campaigns[0].alerts.clone())
            .map_err(|e| e.to_string())
    }

    fn names(alerts: &AlertsConfig) -> Vec<&str> {
        alerts.plugins.iter().map(|p| p.name.as_str()).collect()
    }

    #[test]
    fn one_plugin_keeps_its_flat_settings() {
        let alerts = parse("[campaigns.alerts.settings]\nviral-day-views = 5\n").unwrap();
        assert_eq!(names(&alerts), ["builtin"]);
        assert_eq!(
            alerts.plugins[0].config.settings,
            [("viral-day-views".into(), "5".into())]
        );
        let alerts = parse("plugin = \"rules/brandx.wasm\"\n").unwrap();
        assert_eq!(names(&alerts), ["brandx"]);
        assert!(alerts.builtin().is_none());
    }

    #[test]
    fn several_plugins_each_get_their_own_settings_table() {
        let alerts = parse(
            "plugins = [\"builtin\", \"rules/brandx.wasm\"]\ndisable = [\"high-participation\"]\n\
             [campaigns.alerts.settings.builtin]\nviral-day-views = 200_000\n\
             [campaigns.alerts.settings.brandx]\nspike = 3\n",
        )
        .unwrap();
        assert_eq!(names(&alerts), ["builtin", "brandx"]);
        assert_eq!(
            alerts.plugins[0].config.settings,
            [("viral-day-views".into(), "200000".into())]
        );
        assert_eq!(
            alerts.plugins[1].config.settings,
            [("spike".into(), "3".into())]
        );
        assert!(
            alerts.plugins[1]
                .config
                .wasm_file
                .as_deref()
                .is_some_and(|f| f.ends_with(Path::new("rules/brandx.wasm")))
        );
        assert_eq!(alerts.disable, [Rule::HighParticipation]);
        assert!(!alerts.keeps("builtin", "high-participation"));
        assert!(alerts.keeps("builtin", "viral-day"));
        // Switching off a built-in rule does not silence another plugin's rule of that name.
        assert!(alerts.keeps("brandx", "high-participation"));
    }

    #[test]
    fn each_mistake_is_named() {
        for (alerts, expected) in [
            (
                "disable = [\"viral\"]\n",
                "no built-in rule is called 'viral'; they are viral-day, ",
            ),
            (
                "plugin = \"rules/brandx.wasm\"\ndisable = [\"viral-day\"]\n",
                "the campaign does not run \"builtin\"",
            ),
            (
                "plugin = \"builtin\"\nplugins = [\"builtin\"]\n",
                "give `plugin` or `plugins`, not both",
            ),
            ("plugins = []\n", "`plugins` is empty"),
            (
                "plugins = [\"builtin\", \"builtin\"]\n",
                "two plugins are called 'builtin'",
            ),
            (
                "plugins = [\"builtin\"]\n[campaigns.alerts.settings]\nviral-day-views = 5\n",
                "'viral-day-views' names none of them",
            ),
            (
                "plugins = [\"builtin\"]\n[campaigns.alerts.settings.brandx]\nspike = 3\n",
                "<name> one of builtin); 'brandx' names none of them",
            ),
            (
                "plugins = [\"builtin\"]\n[campaigns.alerts.settings]\nbuiltin = 5\n",
                "must be a table",
            ),
        ] {
            let error = parse(alerts).unwrap_err();
            assert!(error.contains(expected), "{alerts}: {error}");
            assert!(
                error.contains("campaign 'spring' [alerts]"),
                "{alerts}: {error}"
            );
        }
    }

    #[test]
    fn a_sentiment_plugin_takes_no_list() {
        let dir = tempfile::tempdir().unwrap();
        let text = format!("{CAMPAIGN}[campaigns.sentiment]\nplugins = [\"builtin\"]\n");
        let error = Config::parse(&dir.path().join("campaigns.toml"), &text).unwrap_err();
        let error = error.to_string();
        assert!(
            error.contains("unknown field `plugins`, expected one of `plugin`"),
            "{error}"
        );
    }
}
