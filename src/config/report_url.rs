//! `[settings] report_url`: where the agency publishes a campaign's report, as a URL template
//! with `{client}`, `{campaign}` and `{date}` placeholders. Alert messages link to it; nothing
//! here fetches it.
//!
//! Checked at load: an http(s) URL with a host, no whitespace, control characters or the
//! characters that would break out of a link (`<`, `>`, `|`, quotes; a real URL
//! percent-encodes them), and no placeholder but the three. The values filled in are
//! percent-encoded (`domain::links`), so a campaign id cannot change where the link goes.

use chrono::NaiveDate;

use crate::domain::links::percent_encode;

/// The placeholders a template may hold.
const PLACEHOLDERS: [&str; 3] = ["{client}", "{campaign}", "{date}"];
/// Longer than any report address needs; link previews and mail clients cut longer ones.
const MAX_CHARS: usize = 2_000;

/// A checked `report_url` template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportUrl {
    template: String,
}

impl ReportUrl {
    /// The template if it is one; else what is wrong with it, without echoing it.
    pub fn parse(template: &str) -> Result<ReportUrl, String> {
        const WHAT: &str = "report_url must be an http:// or https:// URL";
        let lower = template.to_ascii_lowercase();
        let rest = ["https://", "http://"]
            .iter()
            .find_map(|scheme| lower.strip_prefix(scheme))
            .ok_or(WHAT)?;
        if rest.is_empty() || rest.starts_with(['/', '?', '#', '{']) {
            return Err(format!("{WHAT} with a host"));
        }
        if template.chars().count() > MAX_CHARS {
            return Err(format!("report_url is longer than {MAX_CHARS} characters"));
        }
        if template.chars().any(|c| {
            c.is_whitespace()
                || crate::text_safety::is_unsafe_control(c)
                || matches!(c, '<' | '>' | '|' | '"' | '\'' | '`' | '\\')
        }) {
            return Err(format!(
                "{WHAT}: spaces, control characters, quotes and <, >, |, \\ must be \
                 percent-encoded"
            ));
        }
        let mut unplaced = template.to_string();
        for placeholder in PLACEHOLDERS {
            unplaced = unplaced.replace(placeholder, "");
        }
        if unplaced.contains(['{', '}']) {
            return Err(
                "report_url: the only placeholders are {client}, {campaign} and {date}".into(),
            );
        }
        Ok(ReportUrl {
            template: template.to_string(),
        })
    }

    /// The report of one campaign-day.
    pub fn of(&self, client: &str, campaign: &str, date: NaiveDate) -> String {
        self.template
            .replace("{client}", &percent_encode(client))
            .replace("{campaign}", &percent_encode(campaign))
            .replace("{date}", &date.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    #[test]
    fn a_template_is_filled_with_encoded_values() {
        let url =
            ReportUrl::parse("https://reports.agency.example/{client}/{campaign}?date={date}")
                .unwrap();
        let date = NaiveDate::from_ymd_opt(2026, 3, 2).unwrap();
        assert_eq!(
            url.of("glowco", "spring", date),
            "https://reports.agency.example/glowco/spring?date=2026-03-02"
        );
        assert_eq!(
            url.of("a/b", "x?y=<z>", date),
            "https://reports.agency.example/a%2Fb/x%3Fy%3D%3Cz%3E?date=2026-03-02"
        );
    }

    #[test]
    fn what_is_not_an_http_url_is_refused_without_being_echoed() {
        for bad in [
            "ftp://reports.example/{client}",
            "javascript:alert(1)",
            "reports.example/{client}",
            "https://",
            "https:///path",
            "https://reports.example/a b",
            "https://reports.example/<!channel>",
            "https://reports.example/x|Click",
            "https://reports.example/{clinet}",
            "https://reports.example/\u{202E}",
        ] {
            let err = ReportUrl::parse(bad).unwrap_err();
            assert!(err.starts_with("report_url"), "{bad}: {err}");
            assert!(!err.contains("reports.example"), "{err}");
        }
        assert!(ReportUrl::parse("HTTP://localhost:8080/r/{campaign}").is_ok());
    }

    #[test]
    fn settings_take_it_and_point_at_a_bad_one() {
        let campaign = "[clients.acme]\n[[campaigns]]\nid = \"spring\"\nclient = \"acme\"\n\
                        hashtags = [\"acme\"]\n";
        let path = std::path::Path::new("test/campaigns.toml");
        let config = Config::parse(path, campaign).unwrap();
        assert_eq!(config.settings.report_url, None);
        let text =
            format!("[settings]\nreport_url = \"https://r.example/{{campaign}}\"\n{campaign}");
        let config = Config::parse(path, &text).unwrap();
        assert!(config.settings.report_url.is_some());
        let text = format!("[settings]\nreport_url = \"file:///etc/passwd\"\n{campaign}");
        let err = Config::parse(path, &text).unwrap_err().to_string();
        assert!(
            err.starts_with("test/campaigns.toml:2:14: report_url must be"),
            "{err}"
        );
    }
}
