//! Links built from text we do not control: a video's page from the API's handle and id, and
//! any value put into a URL template. Each piece is percent-encoded (RFC 3986: every byte but
//! the unreserved `A-Z a-z 0-9 - . _ ~`), so whatever the API sends stays inside its path
//! segment: no `/`, `?`, `#`, `|`, `<`, `>`, quote or space reaches a link, and a link is safe
//! in HTML attributes and Slack's `<url|label>` as it is. Escaping a label is the writer's job.

/// Longer handles or ids are not TikTok's (its handles have at most 24 characters, its video
/// ids about 19 digits): no link is better than a link to nowhere.
const MAX_HANDLE_BYTES: usize = 64;
const MAX_VIDEO_ID_BYTES: usize = 32;

/// `https://www.tiktok.com/@{handle}/video/{id}`, both percent-encoded; none for an empty or
/// overlong handle or id.
pub fn video_url(handle: &str, video_id: &str) -> Option<String> {
    let fits = |text: &str, max: usize| !text.is_empty() && text.len() <= max;
    (fits(handle, MAX_HANDLE_BYTES) && fits(video_id, MAX_VIDEO_ID_BYTES)).then(|| {
        format!(
            "https://www.tiktok.com/@{}/video/{}",
            percent_encode(handle),
            percent_encode(video_id)
        )
    })
}

/// `text` with every byte but the unreserved ones written `%XX`.
pub fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_video_link_keeps_hostile_text_inside_its_segment() {
        assert_eq!(
            video_url("glow.co_22", "7301234567890123456").as_deref(),
            Some("https://www.tiktok.com/@glow.co_22/video/7301234567890123456")
        );
        let link = video_url("<https://evil|x>", "1/../2?a=b#c").unwrap();
        assert_eq!(
            link,
            "https://www.tiktok.com/@%3Chttps%3A%2F%2Fevil%7Cx%3E/video/1%2F..%2F2%3Fa%3Db%23c"
        );
        assert_eq!(percent_encode("é \u{1b}\""), "%C3%A9%20%1B%22");
    }

    #[test]
    fn no_link_for_what_cannot_be_a_video() {
        assert_eq!(video_url("", "1"), None);
        assert_eq!(video_url("ann", ""), None);
        assert_eq!(video_url(&"h".repeat(100_000), "1"), None);
    }
}
