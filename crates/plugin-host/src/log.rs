//! The plugin side of logging: lines from the `log` import and from captured stdout/stderr.
//! Each line is forwarded to `tracing` with the plugin and campaign as fields, and the last
//! few are kept to be quoted in a `PluginError`.

use std::collections::VecDeque;
use std::sync::Arc;

use super::bindings::log::Level;

/// Lines kept for the error message; older ones are dropped.
pub const LOG_LINES_KEPT: usize = 20;

/// Longest line kept or forwarded, in bytes; longer ones are cut at a character boundary.
pub const MAX_LOG_LINE_BYTES: usize = 512;

/// Lines one call may forward to `tracing`, so a chatty plugin cannot flood the host's log.
/// Lines past it are still kept for the error message.
pub const MAX_LOG_LINES_FORWARDED: usize = 200;

/// The log of one call.
pub(crate) struct PluginLog {
    plugin: Arc<str>,
    campaign: Arc<str>,
    tail: VecDeque<String>,
    lines_seen: usize,
}

impl PluginLog {
    pub(crate) fn new(plugin: Arc<str>, campaign: Arc<str>) -> Self {
        Self {
            plugin,
            campaign,
            tail: VecDeque::with_capacity(LOG_LINES_KEPT),
            lines_seen: 0,
        }
    }

    /// A line from the `log` import.
    pub(crate) fn write(&mut self, level: Level, message: &str) {
        let label = match level {
            Level::Debug => "debug",
            Level::Info => "info",
            Level::Warn => "warn",
            Level::Error => "error",
        };
        self.push(level, label, message);
    }

    /// What the call printed on one stream, one entry per line, labelled with the stream.
    pub(crate) fn printed(
        &mut self,
        stream: &'static str,
        level: Level,
        text: &str,
        dropped_bytes: usize,
    ) {
        for line in text.lines().filter(|line| !line.trim().is_empty()) {
            self.push(level, stream, line);
        }
        if dropped_bytes > 0 {
            let note = format!("({dropped_bytes} more bytes were dropped)");
            self.push(Level::Warn, stream, &note);
        }
    }

    /// The kept lines, oldest first.
    pub(crate) fn into_tail(self) -> Vec<String> {
        self.tail.into()
    }

    fn push(&mut self, level: Level, label: &str, message: &str) {
        let line = format!("{label}: {}", sanitize(message));
        self.lines_seen += 1;
        if self.lines_seen <= MAX_LOG_LINES_FORWARDED {
            self.forward(level, &line);
        } else if self.lines_seen == MAX_LOG_LINES_FORWARDED + 1 {
            self.forward(
                Level::Warn,
                &format!("more than {MAX_LOG_LINES_FORWARDED} log lines in one call; not forwarding the rest"),
            );
        }
        if self.tail.len() == LOG_LINES_KEPT {
            self.tail.pop_front();
        }
        self.tail.push_back(line);
    }

    fn forward(&self, level: Level, line: &str) {
        let (plugin, campaign) = (&*self.plugin, &*self.campaign);
        match level {
            Level::Debug => tracing::debug!(plugin, campaign, "{line}"),
            Level::Info => tracing::info!(plugin, campaign, "{line}"),
            Level::Warn => tracing::warn!(plugin, campaign, "{line}"),
            Level::Error => tracing::error!(plugin, campaign, "{line}"),
        }
    }
}

/// Cuts the line to `MAX_LOG_LINE_BYTES` and replaces control characters, so a plugin can
/// neither forge extra host log lines with `\n` nor send terminal escapes.
fn sanitize(message: &str) -> String {
    let mut end = message.len().min(MAX_LOG_LINE_BYTES);
    while !message.is_char_boundary(end) {
        end -= 1;
    }
    let mut line: String = message[..end]
        .chars()
        .map(|c| if c.is_control() { '\u{fffd}' } else { c })
        .collect();
    if end < message.len() {
        line.push('…');
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    fn log() -> PluginLog {
        PluginLog::new("test-plugin".into(), "test-campaign".into())
    }

    #[test]
    fn only_the_last_lines_are_kept() {
        let mut log = log();
        for i in 0..LOG_LINES_KEPT + 5 {
            log.write(Level::Info, &format!("line {i}"));
        }
        let tail = log.into_tail();
        assert_eq!(tail.len(), LOG_LINES_KEPT);
        assert_eq!(tail[0], "info: line 5");
        assert_eq!(
            tail[LOG_LINES_KEPT - 1],
            format!("info: line {}", LOG_LINES_KEPT + 4)
        );
    }

    #[test]
    fn long_lines_are_cut_at_a_character_boundary() {
        let mut log = log();
        log.write(Level::Warn, &"é".repeat(MAX_LOG_LINE_BYTES));
        let line = &log.into_tail()[0];
        assert!(line.ends_with('…'));
        assert!(line.len() <= "warn: ".len() + MAX_LOG_LINE_BYTES + '…'.len_utf8());
    }

    #[test]
    fn control_characters_cannot_forge_lines() {
        let mut log = log();
        log.write(Level::Error, "one\ntwo\x1b[31m");
        assert_eq!(log.into_tail(), ["error: one\u{fffd}two\u{fffd}[31m"]);
    }

    #[test]
    fn printed_output_is_split_into_lines_and_notes_what_was_dropped() {
        let mut log = log();
        log.printed("stdout", Level::Debug, "a\n\nb\n", 7);
        assert_eq!(
            log.into_tail(),
            [
                "stdout: a",
                "stdout: b",
                "stdout: (7 more bytes were dropped)"
            ]
        );
    }
}
