//! Text from outside (the API's captions, handles, comments and error messages; what a client's
//! plugin returns) made harmless for where it is shown: control characters that could drive a
//! terminal or reorder what a reader sees are removed, and CSV cells that a spreadsheet would
//! run as a formula are neutralised (OWASP, "CSV Injection"). Escaping for a markup language
//! (HTML, Slack mrkdwn) is not here: each of those writers escapes for its own syntax.

use std::borrow::Cow;

/// Whether a text may keep its line breaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lines {
    /// A name, an id, a message shown on one line: line breaks and tabs become spaces.
    One,
    /// A caption or a comment: `\n` is kept (a `\r\n` becomes `\n`), tabs become spaces.
    Many,
}

/// `true` for what [`strip_controls`] removes: C0 controls, DEL, C1 controls and the Unicode
/// bidirectional controls (embeddings, overrides, isolates, marks) that can make text read
/// differently from what it is ("Trojan Source").
pub fn is_unsafe_control(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}'
        )
}

/// `text` without the characters [`is_unsafe_control`] names. Line breaks and tabs become a
/// space (or, for [`Lines::Many`], a line break stays one), so words do not run together.
pub fn strip_controls(text: &str, lines: Lines) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe_control) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\n' if lines == Lines::Many => out.push('\n'),
            '\r' if lines == Lines::Many => {
                // A lone `\r` ends a line too; `\r\n` is one break.
                if chars.peek() != Some(&'\n') {
                    out.push('\n');
                }
            }
            '\n' | '\r' | '\t' => out.push(' '),
            c if is_unsafe_control(c) => {}
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// A message from outside (an error body, a parser's complaint about hostile data) for a log
/// line or a note: on one line, control characters removed, at most `max_chars` characters.
pub fn message(text: &str, max_chars: usize) -> String {
    let clean = strip_controls(text, Lines::One);
    match clean.char_indices().nth(max_chars) {
        Some((cut, _)) => format!("{}...", &clean[..cut]),
        None => clean.into_owned(),
    }
}

/// How text cells of a CSV file are written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum CsvCells {
    /// A cell a spreadsheet would read as a formula gets a leading `'`.
    #[default]
    Neutralised,
    /// As the data has them (`--raw-csv`), for tools that read CSV as data, never as formulas.
    Raw,
}

/// What a spreadsheet reads as the start of a formula (OWASP's list).
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// A text cell of a CSV file (not a number we wrote: those stay numbers): control characters
/// removed (line breaks kept, the CSV writer quotes them), then, unless `cells` is
/// [`CsvCells::Raw`], a `'` before a formula's first character. Leading whitespace does not
/// hide a formula: a removed tab leaves a space, and some spreadsheets trim it.
pub fn csv_text(text: &str, cells: CsvCells) -> Cow<'_, str> {
    let clean = strip_controls(text, Lines::Many);
    if cells == CsvCells::Neutralised && clean.trim_start().starts_with(FORMULA_STARTS) {
        return Cow::Owned(format!("'{clean}"));
    }
    clean
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_go_and_words_stay_apart() {
        let hostile = "a\u{0}b\u{1b}[2Jc\u{202E}d\u{85}e\u{7f}f\u{2067}g\u{200F}h\u{61C}i";
        assert_eq!(strip_controls(hostile, Lines::One), "ab[2Jcdefghi");
        assert_eq!(
            strip_controls("one\ttwo\nthree", Lines::One),
            "one two three"
        );
        assert_eq!(
            strip_controls("one\r\ntwo\rthree\tfour", Lines::Many),
            "one\ntwo\nthree four"
        );
        assert!(matches!(
            strip_controls("plain, émoji 🎉 日本", Lines::One),
            Cow::Borrowed(_)
        ));
    }

    #[test]
    fn messages_are_one_short_clean_line() {
        assert_eq!(message("boom\u{1b}[2J\nagain", 100), "boom[2J again");
        assert_eq!(message(&"x".repeat(100_000), 5), "xxxxx...");
    }

    #[test]
    fn formula_cells_are_neutralised_unless_raw() {
        for formula in [
            "=HYPERLINK(\"http://evil\",\"x\")",
            "+cmd|' /C calc'!A0",
            "-5",
            "@SUM(1)",
            "\t=1",
            "\r=1",
        ] {
            let cell = csv_text(formula, CsvCells::Neutralised);
            assert!(cell.starts_with('\''), "{formula:?} became {cell:?}");
            assert!(!cell.contains(['\t', '\r']), "{cell:?}");
        }
        // A control character in front does not hide a formula.
        assert_eq!(csv_text("\u{202E}=1", CsvCells::Neutralised), "'=1");
        assert_eq!(csv_text("=1", CsvCells::Raw), "=1");
        assert_eq!(csv_text("hello", CsvCells::Neutralised), "hello");
    }
}
