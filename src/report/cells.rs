//! How single values are written in the text report: thousands separators, signs, percentages,
//! dollars, and free text cut to one line. Unknown values are [`UNKNOWN`], never 0.

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use crate::text_safety::{Lines, strip_controls};

/// What an unknown value prints as.
pub const UNKNOWN: &str = "n/a";

/// `1234567` → `1,234,567`.
pub fn thousands(n: u64) -> String {
    figures::thousands(n)
}

/// A delta as it is, negative included: `-1200` → `-1,200`.
pub fn signed(n: i64) -> String {
    let sign = if n < 0 { "-" } else { "" };
    format!("{sign}{}", thousands(n.unsigned_abs()))
}

/// A large quantity rounded to a whole number: `12345.6` → `12,346`.
pub fn whole(x: f64) -> String {
    signed(x.round() as i64)
}

/// An estimate as `figures::about` writes it: `~450`, `~12,000`, `~1.1 M`: no more precise
/// than it is known.
pub fn approx(x: f64) -> String {
    format!("~{}", figures::about(x.max(0.0)))
}

/// `x` rounded as `figures` rounds an estimate (two significant figures).
pub fn two_figures(x: f64) -> u64 {
    figures::significant(x)
}

/// `0.625` → `62.5%`.
pub fn percent(ratio: f64) -> String {
    format!("{:.1}%", ratio * 100.0)
}

/// A sentiment score with its sign, so neutral-ish days read at a glance: `+0.21`, `-0.05`.
pub fn score(x: f64) -> String {
    format!("{x:+.2}")
}

/// Dollars with cents, and more decimals for the sub-cent amounts that credits cost.
pub fn usd(x: f64) -> String {
    if x == 0.0 || x.abs() >= 1.0 {
        let cents = (x * 100.0).round() as i64;
        return format!("${}.{:02}", signed(cents / 100), (cents % 100).abs());
    }
    let text = format!("{x:.4}");
    let trimmed = text.trim_end_matches('0');
    // Keep at least cents: `0.1000` → `0.10`, `0.0050` → `0.005`.
    let decimals = trimmed.len() - trimmed.find('.').map_or(trimmed.len(), |i| i + 1);
    format!("${trimmed}{}", "0".repeat(2usize.saturating_sub(decimals)))
}

/// `value` or [`UNKNOWN`].
pub fn or_unknown<T>(value: Option<T>, show: impl Fn(T) -> String) -> String {
    value.map_or_else(|| UNKNOWN.to_string(), show)
}

/// Free text (a caption, an error) on one line of at most `max` display columns (a wide
/// character takes two), control characters removed.
pub fn one_line(text: &str, max: usize) -> String {
    let clean = strip_controls(text, Lines::One);
    let flat = clean.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.width() <= max {
        return flat;
    }
    let room = max.saturating_sub(3);
    let mut kept = String::new();
    let mut used = 0;
    for c in flat.chars() {
        used += c.width().unwrap_or(0);
        if used > room {
            break;
        }
        kept.push(c);
    }
    // Cut between words where one ends in the second half, so no word is left broken.
    if let Some(space) = kept.rfind(' ').filter(|&at| at > kept.len() / 2) {
        kept.truncate(space);
    }
    format!("{}...", kept.trim_end())
}

/// Free text in a column `width` display columns wide: cut to fit, then padded with spaces.
/// Never a formatting width argument: those count characters, not columns, and panic on a
/// text longer than 65,535.
pub fn column(text: &str, width: usize) -> String {
    let fitted = one_line(text, width);
    let pad = width.saturating_sub(fitted.width());
    fitted + &" ".repeat(pad)
}

/// The width of a column of free text: its widest value (control characters removed), at least
/// the header's, at most `max`.
pub fn column_width<'a>(header: &str, values: impl Iterator<Item = &'a str>, max: usize) -> usize {
    values
        .map(|v| one_line(v, max).width())
        .max()
        .unwrap_or(0)
        .max(header.width())
        .min(max)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_get_separators_and_signs() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert_eq!(signed(-1_200), "-1,200");
        assert_eq!(whole(12_345.6), "12,346");
        assert_eq!(score(0.0), "+0.00");
    }

    #[test]
    fn dollars_keep_sub_cent_prices_readable() {
        assert_eq!(usd(0.005), "$0.005");
        assert_eq!(usd(0.1), "$0.10");
        assert_eq!(usd(0.0), "$0.00");
        assert_eq!(usd(1234.5), "$1,234.50");
    }

    #[test]
    fn free_text_is_flattened_and_cut() {
        assert_eq!(one_line("a\nb\t c", 10), "a b c");
        assert_eq!(one_line("abcdefghijkl", 8), "abcde...");
        assert_eq!(one_line("a\u{1b}[2J\u{202E}b", 10), "a[2Jb");
    }

    #[test]
    fn columns_are_cut_and_padded_by_display_width() {
        // Wide characters take two columns each.
        assert_eq!(column("日本語のハンドル", 9), "日本語...");
        assert_eq!(column("日本語のハンドル", 10), "日本語... ");
        assert_eq!(column("ana", 5), "ana  ");
        let long = "x".repeat(100_000);
        assert_eq!(column(&long, 10), "xxxxxxx...");
        assert_eq!(column_width("Creator", [long.as_str()].into_iter(), 32), 32);
        assert_eq!(column_width("Creator", ["ana"].into_iter(), 32), 7);
    }
}
