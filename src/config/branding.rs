//! `[settings.branding]`: the agency's name, logo and colour on client reports (white label).

use base64::Engine as _;
use serde::Deserialize;
use toml::Spanned;

use super::{ConfigError, Locator};

/// A logo larger than this would bloat every report that embeds it.
const MAX_LOGO_BYTES: usize = 1_000_000;

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
    let logo_data_uri = match raw.logo_file {
        None => None,
        Some(file) => {
            let path = at.dir().join(file.get_ref());
            let mime = match path
                .extension()
                .and_then(|e| e.to_str())
                .map(str::to_lowercase)
                .as_deref()
            {
                Some("png") => "image/png",
                Some("jpg" | "jpeg") => "image/jpeg",
                Some("svg") => "image/svg+xml",
                Some("gif") => "image/gif",
                Some("webp") => "image/webp",
                _ => {
                    return Err(at.error(
                        file.span(),
                        "logo_file must be a .png, .jpg, .svg, .gif or .webp image",
                    ));
                }
            };
            let bytes = std::fs::read(&path).map_err(|e| {
                at.error(
                    file.span(),
                    format!("cannot read the logo {}: {e}", path.display()),
                )
            })?;
            if bytes.len() > MAX_LOGO_BYTES {
                return Err(at.error(
                    file.span(),
                    format!(
                        "the logo is {} KB; keep it under 1,000 KB",
                        bytes.len() / 1000
                    ),
                ));
            }
            let encoded = base64::engine::general_purpose::STANDARD.encode(bytes);
            Some(format!("data:{mime};base64,{encoded}"))
        }
    };
    Ok(Branding {
        agency_name: raw.agency_name.unwrap_or(defaults.agency_name),
        logo_data_uri,
        accent_color,
    })
}
