//! `[sinks.NAME]`: where alerts are delivered, and which sinks a client or campaign uses.
//!
//! Secrets (webhook URLs, signing secrets, SMTP URLs with passwords) are never in the file:
//! a sink names the environment variable that holds each one. The SMTP URL is also read at
//! load, when set, because whether it sends the password in clear is decided here (the
//! same rule again when sending); it is never quoted. A `file` sink writes inside `data_dir`
//! unless `[settings] allow_outside = true`.

use std::collections::BTreeMap;
use std::net::IpAddr;
use std::path::PathBuf;

use serde::Deserialize;
use toml::Spanned;

use super::files::Confinement;
use super::{ConfigError, GlobalSettings, Locator, in_range};
use crate::domain::Severity;

/// How long, by default, a rule that keeps firing is "still ongoing" rather than news.
pub const DEFAULT_COOLDOWN_DAYS: u32 = 7;

/// One alert destination.
#[derive(Debug, Clone, PartialEq)]
pub struct SinkConfig {
    pub name: String,
    pub kind: SinkKind,
    /// Alerts below this severity are not sent here.
    pub min_severity: Severity,
    pub mode: DeliveryMode,
    /// A rule that fires again on the next stored day is "still ongoing" (not a new message)
    /// until this many days after its last message; then it is sent again as a reminder.
    pub cooldown_days: u32,
}

#[derive(Debug, Clone, PartialEq)]
pub enum SinkKind {
    /// A Slack incoming webhook; its URL carries a token.
    Slack { url_env: String },
    /// Any HTTPS endpoint, signed (Standard Webhooks) when `secret_env` is set.
    Webhook {
        url_env: String,
        secret_env: Option<String>,
    },
    /// SMTP: `smtps://` (TLS), `smtp://...?tls=required` (STARTTLS); plain `smtp://` only to
    /// this machine or with `?tls=none` (see [`smtp_transport_url`]).
    Email {
        smtp_url_env: String,
        from: String,
        to: Vec<String>,
    },
    /// One JSON file per delivery in a directory: no outside service (the demo's inbox).
    File { dir: PathBuf },
}

/// One message per alert, or one digest per client and day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DeliveryMode {
    Immediate,
    Digest,
}

impl SinkKind {
    pub fn label(&self) -> &'static str {
        match self {
            SinkKind::Slack { .. } => "slack",
            SinkKind::Webhook { .. } => "webhook",
            SinkKind::Email { .. } => "email",
            SinkKind::File { .. } => "file",
        }
    }

    /// The environment variables the sink reads its address and secrets from.
    pub fn env_vars(&self) -> Vec<&str> {
        match self {
            SinkKind::Slack { url_env } => vec![url_env],
            SinkKind::Webhook {
                url_env,
                secret_env,
            } => std::iter::once(url_env)
                .chain(secret_env)
                .map(String::as_str)
                .collect(),
            SinkKind::Email { smtp_url_env, .. } => vec![smtp_url_env],
            SinkKind::File { .. } => Vec::new(),
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawSink {
    kind: Spanned<String>,
    url_env: Option<Spanned<String>>,
    secret_env: Option<Spanned<String>>,
    smtp_url_env: Option<Spanned<String>>,
    from: Option<Spanned<String>>,
    to: Option<Spanned<Vec<String>>>,
    path: Option<Spanned<PathBuf>>,
    min_severity: Option<Spanned<Severity>>,
    mode: Option<Spanned<DeliveryMode>>,
    cooldown_days: Option<Spanned<u32>>,
}

pub(super) fn resolve_sinks(
    raw: BTreeMap<String, RawSink>,
    settings: &GlobalSettings,
    at: &Locator,
) -> Result<BTreeMap<String, SinkConfig>, ConfigError> {
    raw.into_iter()
        .map(|(name, sink)| Ok((name.clone(), resolve_sink(name, sink, settings, at)?)))
        .collect()
}

fn resolve_sink(
    name: String,
    raw: RawSink,
    settings: &GlobalSettings,
    at: &Locator,
) -> Result<SinkConfig, ConfigError> {
    let kind_span = raw.kind.span();
    let required = |field: Option<Spanned<String>>, key: &str| {
        field.ok_or_else(|| {
            at.error(
                kind_span.clone(),
                format!("sink '{name}' ({}) needs `{key}`", raw.kind.get_ref()),
            )
        })
    };
    // Fields of other kinds are refused, so that a misplaced key is not silently ignored.
    let refuse = |present: bool, key: &str, kinds: &str| -> Result<(), ConfigError> {
        if present {
            Err(at.error(
                kind_span.clone(),
                format!(
                    "sink '{name}': `{key}` is for {kinds} sinks, not {}",
                    raw.kind.get_ref()
                ),
            ))
        } else {
            Ok(())
        }
    };
    let kind = match raw.kind.get_ref().as_str() {
        "slack" | "webhook" => {
            refuse(raw.smtp_url_env.is_some(), "smtp_url_env", "email")?;
            refuse(raw.from.is_some() || raw.to.is_some(), "from`/`to", "email")?;
            refuse(raw.path.is_some(), "path", "file")?;
            let url_env = env_name(required(raw.url_env.clone(), "url_env")?, at)?;
            if raw.kind.get_ref() == "slack" {
                refuse(raw.secret_env.is_some(), "secret_env", "webhook")?;
                SinkKind::Slack { url_env }
            } else {
                let secret_env = raw
                    .secret_env
                    .clone()
                    .map(|s| env_name(s, at))
                    .transpose()?;
                SinkKind::Webhook {
                    url_env,
                    secret_env,
                }
            }
        }
        "email" => {
            refuse(raw.url_env.is_some(), "url_env", "slack and webhook")?;
            refuse(raw.secret_env.is_some(), "secret_env", "webhook")?;
            refuse(raw.path.is_some(), "path", "file")?;
            let url_env = required(raw.smtp_url_env.clone(), "smtp_url_env")?;
            let url_span = url_env.span();
            let smtp_url_env = env_name(url_env, at)?;
            if let Ok(url) = std::env::var(&smtp_url_env) {
                smtp_transport_url(url.trim()).map_err(|problem| {
                    at.error(
                        url_span,
                        format!("sink '{name}': ${smtp_url_env}: {problem}"),
                    )
                })?;
            }
            let from = required(raw.from.clone(), "from")?;
            let from = address(&from, at)?;
            let to = raw.to.clone().ok_or_else(|| {
                at.error(
                    kind_span.clone(),
                    format!("sink '{name}' (email) needs `to`"),
                )
            })?;
            if to.get_ref().is_empty() {
                return Err(at.error(to.span(), format!("sink '{name}': `to` lists no address")));
            }
            let to = to
                .get_ref()
                .iter()
                .map(|a| address(&Spanned::new(to.span(), a.clone()), at))
                .collect::<Result<_, _>>()?;
            SinkKind::Email {
                smtp_url_env,
                from,
                to,
            }
        }
        "file" => {
            refuse(raw.url_env.is_some(), "url_env", "slack and webhook")?;
            refuse(raw.secret_env.is_some(), "secret_env", "webhook")?;
            refuse(raw.smtp_url_env.is_some(), "smtp_url_env", "email")?;
            let path = raw.path.clone().ok_or_else(|| {
                at.error(
                    kind_span.clone(),
                    format!("sink '{name}' (file) needs `path`"),
                )
            })?;
            let within = Confinement {
                dir: at.dir(),
                allow_outside: settings.allow_outside,
            };
            let dir = within
                .writable_dir(path.get_ref(), &settings.data_dir)
                .map_err(|refusal| {
                    at.error(
                        path.span(),
                        format!(
                            "sink '{name}' (file): path must lie inside data_dir {}: {refusal}",
                            settings.data_dir.display()
                        ),
                    )
                })?;
            SinkKind::File { dir }
        }
        other => {
            return Err(at.error(
                kind_span,
                format!(
                    "sink '{name}': unknown kind '{other}' (expected slack, webhook, email or file)"
                ),
            ));
        }
    };
    Ok(SinkConfig {
        name,
        kind,
        min_severity: raw.min_severity.map_or(Severity::Info, Spanned::into_inner),
        mode: raw
            .mode
            .map_or(DeliveryMode::Immediate, Spanned::into_inner),
        cooldown_days: match &raw.cooldown_days {
            Some(days) => in_range(days, 1, 365, "cooldown_days", at)?,
            None => DEFAULT_COOLDOWN_DAYS,
        },
    })
}

/// Why an SMTP URL is refused. Never holds the URL: it carries the password.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SmtpUrlProblem {
    #[error("the SMTP URL is not a URL with a host (expected smtps://USER:PASSWORD@HOST:465)")]
    NotAUrl,
    #[error("the SMTP URL must start with smtps:// (TLS) or smtp://")]
    Scheme,
    #[error(
        "smtp:// to another machine would send the password and the alerts in clear: use \
         smtps://HOST:465 (TLS from the first byte, RFC 8314), or smtp://HOST:587?tls=required \
         (STARTTLS), or add ?tls=none to the URL to accept plain text knowingly"
    )]
    Cleartext,
    #[error(
        "tls=opportunistic lets anyone between here and the server turn TLS off, and the \
         password then goes in clear: use tls=required (or smtps://)"
    )]
    Opportunistic,
    #[error("the SMTP URL's tls= must be required or none (or leave it out with smtps://)")]
    UnknownTls,
}

/// The URL to give the SMTP client, or why it is refused: `smtps://` always; `smtp://` to
/// this machine (127.0.0.0/8, ::1, `localhost`), or elsewhere only with an explicit
/// `tls=required` (STARTTLS) or `tls=none`. `tls=none` is taken out, as lettre knows plain
/// SMTP as "no tls parameter".
pub fn smtp_transport_url(url: &str) -> Result<String, SmtpUrlProblem> {
    let mut parsed = reqwest::Url::parse(url).map_err(|_| SmtpUrlProblem::NotAUrl)?;
    let host = parsed
        .host_str()
        .filter(|host| !host.is_empty())
        .ok_or(SmtpUrlProblem::NotAUrl)?;
    let loopback = host.eq_ignore_ascii_case("localhost")
        || host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
    let tls = parsed
        .query_pairs()
        .find(|(key, _)| key == "tls")
        .map(|(_, value)| value.into_owned());
    match (parsed.scheme(), tls.as_deref()) {
        ("smtps", _) | ("smtp", Some("required")) => Ok(url.to_string()),
        ("smtp", Some("none")) => {
            let others: Vec<(String, String)> = parsed
                .query_pairs()
                .filter(|(key, _)| key != "tls")
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect();
            if others.is_empty() {
                parsed.set_query(None);
            } else {
                parsed.query_pairs_mut().clear().extend_pairs(others);
            }
            Ok(parsed.into())
        }
        ("smtp", None | Some("opportunistic")) if loopback => Ok(url.to_string()),
        ("smtp", None) => Err(SmtpUrlProblem::Cleartext),
        ("smtp", Some("opportunistic")) => Err(SmtpUrlProblem::Opportunistic),
        ("smtp", Some(_)) => Err(SmtpUrlProblem::UnknownTls),
        _ => Err(SmtpUrlProblem::Scheme),
    }
}

/// The name of an environment variable (not its value: a URL here is a leaked secret).
/// Letters, digits and '_', not starting with a digit: what a shell accepts as a variable name.
pub(super) fn is_env_name(value: &str) -> bool {
    !value.is_empty()
        && !value.starts_with(|c: char| c.is_ascii_digit())
        && value.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn env_name(name: Spanned<String>, at: &Locator) -> Result<String, ConfigError> {
    let value = name.get_ref();
    if !is_env_name(value) {
        // Never echo the value: it may be the secret itself, pasted in the wrong place.
        return Err(at.error(
            name.span(),
            "expected the name of an environment variable (letters, digits and '_', e.g. \
             GLOWCO_SLACK_URL), not the secret itself: keep secrets out of the file",
        ));
    }
    Ok(value.clone())
}

pub(super) fn address(value: &Spanned<String>, at: &Locator) -> Result<String, ConfigError> {
    value
        .get_ref()
        .parse::<lettre::message::Mailbox>()
        .map(|_| value.get_ref().clone())
        .map_err(|e| {
            at.error(
                value.span(),
                format!("'{}' is not an email address: {e}", value.get_ref()),
            )
        })
}

/// Checks that every sink a client or campaign names exists.
pub(super) fn resolve_sink_names(
    names: Option<Spanned<Vec<String>>>,
    sinks: &BTreeMap<String, SinkConfig>,
    owner: &str,
    at: &Locator,
) -> Result<Option<Vec<String>>, ConfigError> {
    let Some(names) = names else {
        return Ok(None);
    };
    for name in names.get_ref() {
        if !sinks.contains_key(name) {
            let known = sinks.keys().cloned().collect::<Vec<_>>().join(", ");
            return Err(at.error(
                names.span(),
                format!("{owner} names sink '{name}', which has no [sinks.{name}] table (known: {known})"),
            ));
        }
    }
    Ok(Some(names.into_inner()))
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use crate::config::Config;

    fn parse(sinks: &str, client_sinks: &str) -> Result<Config, String> {
        let text = format!(
            "{sinks}\n[clients.acme]\nsinks = {client_sinks}\n\n[[campaigns]]\nid = \"c\"\nclient = \"acme\"\nhashtags = [\"tag\"]\n"
        );
        Config::parse(Path::new("campaigns.toml"), &text).map_err(|e| e.to_string())
    }

    #[test]
    fn sinks_resolve_with_their_defaults_and_route_a_clients_campaigns() {
        let config = parse(
            "[sinks.hook]\nkind = \"webhook\"\nurl_env = \"HOOK_URL\"\nsecret_env = \"HOOK_SECRET\"\n\
             [sinks.mail]\nkind = \"email\"\nsmtp_url_env = \"SMTP_URL\"\nfrom = \"a@b.example\"\nto = [\"c@d.example\"]\nmode = \"digest\"\nmin_severity = \"warning\"\n",
            "[\"hook\", \"mail\"]",
        )
        .unwrap();
        let routed: Vec<&str> = config
            .sinks_for(&config.campaigns[0])
            .iter()
            .map(|s| s.name.as_str())
            .collect();
        assert_eq!(routed, ["hook", "mail"]);
        let mail = &config.sinks["mail"];
        assert_eq!(mail.mode, super::DeliveryMode::Digest);
        assert_eq!(mail.min_severity, crate::domain::Severity::Warning);
        assert_eq!(
            config.sinks["hook"].cooldown_days,
            super::DEFAULT_COOLDOWN_DAYS
        );
    }

    #[test]
    fn bad_sinks_are_refused_with_the_line_and_without_echoing_a_secret() {
        let pasted = "https://hooks.slack.com/services/T0/B0/SECRETTOKEN";
        let error = parse(
            &format!("[sinks.s]\nkind = \"slack\"\nurl_env = \"{pasted}\"\n"),
            "[\"s\"]",
        )
        .unwrap_err();
        assert!(
            error.contains("campaigns.toml:3:") && error.contains("environment variable"),
            "{error}"
        );
        assert!(!error.contains("SECRETTOKEN"), "{error}");

        let error = parse("[sinks.s]\nkind = \"pager\"\n", "[\"s\"]").unwrap_err();
        assert!(error.contains("unknown kind 'pager'"), "{error}");
        let error = parse(
            "[sinks.s]\nkind = \"slack\"\nurl_env = \"U\"\nsecret_env = \"S\"\n",
            "[\"s\"]",
        )
        .unwrap_err();
        assert!(
            error.contains("`secret_env` is for webhook sinks"),
            "{error}"
        );
        let error = parse("[sinks.s]\nkind = \"email\"\nsmtp_url_env = \"U\"\nfrom = \"not an address\"\nto = [\"x@y.example\"]\n", "[\"s\"]").unwrap_err();
        assert!(error.contains("not an email address"), "{error}");
        let error = parse(
            "[sinks.s]\nkind = \"file\"\npath = \"hashtrack-data/inbox\"\n",
            "[\"nope\"]",
        )
        .unwrap_err();
        assert!(error.contains("client 'acme' names sink 'nope'"), "{error}");
    }

    #[test]
    fn a_file_sink_writes_inside_the_data_directory_unless_allowed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("campaigns.toml");
        let text = |settings: &str, sink_path: &str| {
            format!(
                "[settings]\ndata_dir = \"data\"\n{settings}\n[sinks.inbox]\nkind = \"file\"\n\
                 path = {sink_path:?}\n\n[clients.acme]\nsinks = [\"inbox\"]\n\n[[campaigns]]\n\
                 id = \"c\"\nclient = \"acme\"\nhashtags = [\"tag\"]\n"
            )
        };
        let inbox = |config: Config| match &config.sinks["inbox"].kind {
            super::SinkKind::File { dir } => dir.clone(),
            other => panic!("{other:?}"),
        };
        let config = Config::parse(&path, &text("", "data/inbox")).unwrap();
        assert_eq!(inbox(config), dir.path().join("data/inbox"));
        for outside in ["/etc/cron.d", "data/../../etc", "inbox"] {
            let error = Config::parse(&path, &text("", outside))
                .unwrap_err()
                .to_string();
            assert!(
                error.contains(":6:8: sink 'inbox' (file): path must lie inside data_dir ")
                    && error.contains("outside"),
                "{outside}: {error}"
            );
            assert!(Config::parse(&path, &text("allow_outside = true", outside)).is_ok());
        }
    }

    #[test]
    fn smtp_goes_in_clear_only_to_this_machine_or_when_asked() {
        use super::{SmtpUrlProblem, smtp_transport_url};
        let password = "hunter2-pa55";
        let url = |rest: &str| format!("smtp://ops:{password}@{rest}");
        for (given, sent) in [
            (
                format!("smtps://ops:{password}@mail.example.com"),
                format!("smtps://ops:{password}@mail.example.com"),
            ),
            (
                url("mail.example.com:587?tls=required"),
                url("mail.example.com:587?tls=required"),
            ),
            // lettre knows plain SMTP as no `tls` at all.
            (
                url("mail.example.com:25?tls=none"),
                url("mail.example.com:25"),
            ),
            (
                url("relay.example:25?x=1&tls=none"),
                url("relay.example:25?x=1"),
            ),
            (url("127.0.0.1:2525"), url("127.0.0.1:2525")),
            (url("127.8.9.10:25"), url("127.8.9.10:25")),
            (url("[::1]:25"), url("[::1]:25")),
            (url("LocalHost:25"), url("LocalHost:25")),
        ] {
            assert_eq!(smtp_transport_url(&given), Ok(sent), "{given}");
        }
        for (given, problem) in [
            (url("mail.example.com"), SmtpUrlProblem::Cleartext),
            (url("128.0.0.1:25"), SmtpUrlProblem::Cleartext),
            (url("localhost.example.com"), SmtpUrlProblem::Cleartext),
            (
                url("mail.example.com?tls=opportunistic"),
                SmtpUrlProblem::Opportunistic,
            ),
            (url("mail.example.com?tls=yes"), SmtpUrlProblem::UnknownTls),
            (
                format!("http://ops:{password}@mail.example.com"),
                SmtpUrlProblem::Scheme,
            ),
            (
                format!("ops:{password} at mail.example.com"),
                SmtpUrlProblem::NotAUrl,
            ),
        ] {
            assert_eq!(smtp_transport_url(&given), Err(problem.clone()), "{given}");
            assert!(!problem.to_string().contains(password));
        }
    }
}
