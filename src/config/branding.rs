//! `[settings.branding]`: the agency's name, logo and colour on client reports (white label).

use std::path::Path;

use base64::Engine as _;
use serde::Deserialize;
use toml::Spanned;

use super::files::Confinement;
use super::{ConfigError, Locator};

/// A logo larger than this would bloat every report that embeds it.
const MAX_LOGO_BYTES: u64 = 1_000_000;

/// Who a client report is from.
#[derive(Debug, Clone, PartialEq)]
pub struct Branding {
    pub agency_name: String,
    /// The logo as a `data:` URI, so a report needs nothing beside it.
    pub logo_data_uri: Option<String>,
    /// `#rrggbb`.
    pub accent_color: String,
}

impl Default for Branding {
    fn default() -> Self {
        Branding {
            agency_name: "your agency".into(),
            logo_data_uri: None,
            accent_color: "#5a3cc8".into(),
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct RawBranding {
    agency_name: Option<String>,
    logo_file: Option<Spanned<String>>,
    accent_color: Option<Spanned<String>>,
}

pub(super) fn resolve_branding(
    raw: Option<RawBranding>,
    within: Confinement,
    at: &Locator,
) -> Result<Branding, ConfigError> {
    let Some(raw) = raw else {
        return Ok(Branding::default());
    };
    let defaults = Branding::default();
    let accent_color = match raw.accent_color {
        None => defaults.accent_color,
        Some(color) => {
            let value = color.get_ref();
            let hex = value.strip_prefix('#').unwrap_or("");
            if hex.len() != 6 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
                return Err(at.error(
                    color.span(),
                    format!("accent_color must be a colour like \"#5a3cc8\", not \"{value}\""),
                ));
            }
            value.to_lowercase()
        }
    };
    let logo_data_uri = raw
        .logo_file
        .map(|file| logo_data_uri(&file, "[settings.branding]", within, at))
        .transpose()?;
    Ok(Branding {
        agency_name: raw.agency_name.unwrap_or(defaults.agency_name),
        logo_data_uri,
        accent_color,
    })
}

/// The image `file` names (an agency's or a client's `logo_file`) as a `data:` URI, so a
/// report needs nothing beside it; `owner` names the table in errors.
pub(super) fn logo_data_uri(
    file: &Spanned<String>,
    owner: &str,
    within: Confinement,
    at: &Locator,
) -> Result<String, ConfigError> {
    let refused = |cause: &dyn std::fmt::Display| {
        at.error(
            file.span(),
            format!(
                "{owner} logo_file {}: {cause}",
                at.dir().join(file.get_ref()).display()
            ),
        )
    };
    let bytes = within
        .read(Path::new(file.get_ref()), MAX_LOGO_BYTES)
        .map_err(|e| refused(&e))?;
    let mime = image_type(&bytes).ok_or_else(|| {
        refused(&"not a PNG, JPEG, GIF, WebP or SVG image (judged by its content)")
    })?;
    let encoded = base64::engine::general_purpose::STANDARD.encode(bytes);
    Ok(format!("data:{mime};base64,{encoded}"))
}

/// The MIME type of an image by its first bytes, whatever the file is called: a report embeds
/// it as that type, so it must be one.
fn image_type(bytes: &[u8]) -> Option<&'static str> {
    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n";
    if bytes.starts_with(PNG) {
        return Some("image/png");
    }
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return Some("image/jpeg");
    }
    if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        return Some("image/gif");
    }
    if bytes.len() >= 12 && bytes.starts_with(b"RIFF") && &bytes[8..12] == b"WEBP" {
        return Some("image/webp");
    }
    let text = bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(bytes);
    let start = text.iter().position(|b| !b.is_ascii_whitespace())?;
    let text = &text[start..];
    (text.starts_with(b"<svg") || text.starts_with(b"<?xml")).then_some("image/svg+xml")
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use crate::config::{Config, ConfigError};

    fn with_logo(dir: &Path, logo: &str) -> Result<Config, ConfigError> {
        let text = format!(
            "[settings.branding]\nlogo_file = {logo:?}\n\n[clients.acme]\n\n[[campaigns]]\n\
             id = \"c\"\nclient = \"acme\"\nhashtags = [\"tag\"]\n"
        );
        Config::parse(&dir.join("campaigns.toml"), &text)
    }

    #[test]
    fn a_logo_is_an_image_by_its_content_not_its_name() {
        let dir = tempfile::tempdir().unwrap();
        let images: [(&str, &[u8], &str); 6] = [
            ("a.png", b"\x89PNG\r\n\x1a\n\0\0", "image/png"),
            ("a.jpg", b"\xFF\xD8\xFF\xE0\0\x10JFIF", "image/jpeg"),
            ("a.gif", b"GIF89a\x01\0", "image/gif"),
            ("a.webp", b"RIFF\x24\0\0\0WEBPVP8 ", "image/webp"),
            (
                "a.svg",
                b"\xEF\xBB\xBF\n  <svg xmlns='http://www.w3.org/2000/svg'/>",
                "image/svg+xml",
            ),
            // Named as a PNG, is a GIF: embedded as what it is.
            ("b.png", b"GIF87a\x01\0", "image/gif"),
        ];
        for (name, bytes, mime) in images {
            std::fs::write(dir.path().join(name), bytes).unwrap();
            let config = with_logo(dir.path(), name).unwrap();
            let uri = config.settings.branding.logo_data_uri.unwrap();
            assert!(
                uri.starts_with(&format!("data:{mime};base64,")),
                "{name}: {uri}"
            );
        }
        std::fs::write(dir.path().join("keys.png"), "SCAVIO_API_KEY=sk-live-1\n").unwrap();
        let error = with_logo(dir.path(), "keys.png").unwrap_err().to_string();
        assert!(
            error.contains("logo_file")
                && error.contains("keys.png")
                && error.contains("not a PNG"),
            "{error}"
        );
        assert!(!error.contains("sk-live"), "{error}");
    }

    #[test]
    fn a_client_logo_is_read_by_the_same_rules() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("glowco.svg"),
            "<svg xmlns='http://www.w3.org/2000/svg'/>",
        )
        .unwrap();
        std::fs::write(dir.path().join("notes.txt"), "not an image").unwrap();
        let config = |logo: &str| {
            let text = format!(
                "[clients.acme]\nlogo_file = {logo:?}\n\n[[campaigns]]\nid = \"c\"\nclient = \"acme\"\nhashtags = [\"tag\"]\n"
            );
            Config::parse(&dir.path().join("campaigns.toml"), &text)
        };
        let loaded = config("glowco.svg").unwrap();
        assert!(
            loaded.clients["acme"]
                .logo_data_uri
                .as_deref()
                .is_some_and(|uri| uri.starts_with("data:image/svg+xml;base64,"))
        );
        let error = config("notes.txt").unwrap_err().to_string();
        assert!(
            error.contains("[clients.acme] logo_file") && error.contains("not a PNG"),
            "{error}"
        );
        let error = config("../outside.png").unwrap_err().to_string();
        assert!(error.contains("[clients.acme] logo_file"), "{error}");
    }

    #[test]
    fn a_logo_is_a_small_regular_file_inside_the_config_directory() {
        let dir = tempfile::tempdir().unwrap();
        let mut big = b"\x89PNG\r\n\x1a\n".to_vec();
        big.resize(super::MAX_LOGO_BYTES as usize + 1, 0);
        std::fs::write(dir.path().join("big.png"), big).unwrap();
        let error = with_logo(dir.path(), "big.png").unwrap_err().to_string();
        assert!(
            error.contains("big.png: it is 1000001 bytes; the limit is 1000000"),
            "{error}"
        );
        let error = with_logo(dir.path(), "/dev/zero").unwrap_err().to_string();
        assert!(error.contains("/dev/zero: not a regular file"), "{error}");
        let error = with_logo(dir.path(), "/etc/passwd")
            .unwrap_err()
            .to_string();
        assert!(error.contains("outside"), "{error}");
    }
}
