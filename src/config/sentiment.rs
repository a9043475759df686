//! `[campaigns.sentiment]`: the scorer of a campaign's comments, and one per language where a
//! campaign names it (`[campaigns.sentiment.pt] plugin = "scorers/pt.wasm"`).
//!
//! The table's own `plugin` scores every declared language it names (the built-in scorer names
//! English, Spanish, Portuguese and Indonesian; a component before WIT 0.3, English); a
//! language's table replaces it for that language, with its own settings and limits. Which
//! languages a plugin scores is only known once it is loaded, so that check is the plugin
//! check's (`pipeline::plugins`); here a language's table must name a language the campaign
//! declares.

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

use super::{ConfigError, Confinement, Locator, PluginConfig, RawPlugin, resolve_plugin};

/// The scorers of one campaign.
#[derive(Debug, Clone, PartialEq)]
pub struct SentimentConfig {
    /// `[sentiment]` itself: the built-in scorer unless it names a component.
    pub all: PluginConfig,
    /// `[sentiment.<language>]`, by ISO 639-1 code: these languages' scorers instead of `all`.
    pub by_language: BTreeMap<String, PluginConfig>,
}

impl SentimentConfig {
    /// The entry configuring `language`'s scorer, and that entry's name in messages
    /// (`sentiment` or `sentiment.pt`).
    pub fn entry_for(&self, language: &str) -> (&PluginConfig, String) {
        match self.by_language.get(language) {
            Some(config) => (config, format!("sentiment.{language}")),
            None => (&self.all, "sentiment".to_string()),
        }
    }
}

/// `[sentiment]` as written: a plugin's keys, and a table per language this host tells apart
/// (`language::KNOWN`; a test holds the two lists equal). Fields rather than a flattened map,
/// because `Spanned` positions do not survive serde's flattening, and so that a misspelt
/// language is refused with the valid keys listed.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct RawSentiment {
    plugin: Option<Spanned<String>>,
    memory_mib: Option<Spanned<u32>>,
    fuel: Option<Spanned<u64>>,
    timeout_ms: Option<Spanned<u64>>,
    #[serde(default)]
    settings: BTreeMap<String, Spanned<toml::Value>>,
    en: Option<Spanned<RawPlugin>>,
    es: Option<Spanned<RawPlugin>>,
    pt: Option<Spanned<RawPlugin>>,
    id: Option<Spanned<RawPlugin>>,
    fr: Option<Spanned<RawPlugin>>,
    de: Option<Spanned<RawPlugin>>,
    it: Option<Spanned<RawPlugin>>,
}

/// A language's `[sentiment.<language>]` table, if written, by its code.
type LanguageTable = (&'static str, Option<Spanned<RawPlugin>>);

impl RawSentiment {
    /// The tables of languages, by code, and the rest as one plugin's keys.
    fn split(self) -> (RawPlugin, Vec<LanguageTable>) {
        let all = RawPlugin {
            plugin: self.plugin,
            memory_mib: self.memory_mib,
            fuel: self.fuel,
            timeout_ms: self.timeout_ms,
            settings: self.settings,
            ..RawPlugin::default()
        };
        let languages = vec![
            ("en", self.en),
            ("es", self.es),
            ("pt", self.pt),
            ("id", self.id),
            ("fr", self.fr),
            ("de", self.de),
            ("it", self.it),
        ];
        (all, languages)
    }
}

/// `owner` names the campaign in errors; `languages` are the ones it declares.
pub(super) fn resolve_sentiment(
    raw: RawSentiment,
    owner: &str,
    languages: &[String],
    within: Confinement,
    at: &Locator,
) -> Result<SentimentConfig, ConfigError> {
    let (all, tables) = raw.split();
    let all = resolve_plugin(all, &format!("{owner} [sentiment]"), within, at)?;
    let mut by_language = BTreeMap::new();
    for (language, table) in tables {
        let Some(table) = table else { continue };
        let span = table.span();
        if !languages.iter().any(|l| l == language) {
            return Err(at.error(
                span,
                format!(
                    "{owner} [sentiment.{language}]: the campaign does not declare {} ('{language}'); add it to `languages` (now {})",
                    crate::language::name_of(language),
                    languages.join(", ")
                ),
            ));
        }
        let entry = format!("{owner} [sentiment.{language}]");
        let config = resolve_plugin(table.into_inner(), &entry, within, at)?;
        by_language.insert(language.to_string(), config);
    }
    Ok(SentimentConfig { all, by_language })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_language_the_host_tells_apart_may_have_its_scorer() {
        let raw = RawSentiment::default();
        let (_, tables) = raw.split();
        let fields: Vec<&str> = tables.iter().map(|(code, _)| *code).collect();
        let known: Vec<&str> = crate::language::KNOWN.iter().map(|(c, _, _)| *c).collect();
        assert_eq!(fields, known);
    }
}
