//! Numbers written for people, with one rounding everywhere: the alert rules (compiled to wasm
//! in `plugins/alerts-default`), the host's alert messages and the reports all write a figure
//! through here, so one figure never reads two ways in one message.
//!
//! It is its own crate, with no dependencies, because both sides of the wasm boundary compile
//! it (as `crates/polarity` is for the polarity rule). It owns how numbers look, not what they
//! mean: which figure is an estimate and which a bound is the caller's to say.
//!
//! The rule for anything not known exactly (an estimate or a bound):
//! - **two significant figures**, never finer than a whole unit: `812,400` → `810,000`,
//!   `74.4` → `74`, `7.4` → `7`;
//! - from a million up, **compact**: `1,090,000` → `1.1 M`, `12,345,678` → `12 M`,
//!   `2,400,000,000` → `2.4 B`; below, thousands separators: `740,000`;
//! - an estimate is rounded to the nearest, a lower bound down and an upper bound up, so a
//!   bound never claims more than the evidence;
//! - shares are whole percentages, and a share strictly between none and all never reads as
//!   `0%` or `100%` (`<1%`, `>99%`).
//!
//! Exact counts (a threshold, a video's plays, a comment count) are written in full with
//! separators ([`thousands`]).

/// How many significant figures an estimate or a bound keeps.
pub const SIGNIFICANT_FIGURES: u32 = 2;

/// From here up, figures are written in millions (`1.1 M`).
const MILLION: u64 = 1_000_000;
/// From here up, in billions (`2.4 B`).
const BILLION: u64 = 1_000_000_000;

/// Which way a figure is rounded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Rounding {
    /// An estimate.
    Nearest,
    /// A lower bound: never above what the evidence shows.
    Down,
    /// An upper bound: never below it.
    Up,
}

/// An exact count with thousands separators: `812400` → `812,400`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

/// `x` rounded to the nearest whole number, then to [`SIGNIFICANT_FIGURES`]: `812400.0` →
/// `810000`. Negative estimates are 0; non-finite ones too (callers say "unknown" first).
pub fn significant(x: f64) -> u64 {
    rounded(x, Rounding::Nearest)
}

/// An estimate, written by the rule above: `about(1_090_000.0)` → `1.1 M`. Not finite:
/// `unknown`, never 0.
pub fn about(estimate: f64) -> String {
    written(estimate, Rounding::Nearest)
}

/// A lower bound, rounded down: `at_least(745_000.0)` → `740,000`.
pub fn at_least(low: f64) -> String {
    written(low, Rounding::Down)
}

/// An upper bound, rounded up: `at_most(1_410_000.0)` → `1.5 M`.
pub fn at_most(high: f64) -> String {
    written(high, Rounding::Up)
}

/// A share in 0..=1 as a whole percentage: `0.224` → `22%`; `0.003` → `<1%`, `0.996` →
/// `>99%` (rounding must not turn some into none or most into all).
pub fn percent(ratio: f64) -> String {
    if !ratio.is_finite() {
        return "unknown".to_string();
    }
    let ratio = ratio.clamp(0.0, 1.0);
    let whole = (ratio * 100.0).round();
    if ratio > 0.0 && whole < 1.0 {
        "<1%".to_string()
    } else if ratio < 1.0 && whole > 99.0 {
        ">99%".to_string()
    } else {
        format!("{whole:.0}%")
    }
}

/// An estimate of `what` with the bounds the evidence gives it, in words:
/// `about 1.1 M new views a day (at least 740,000)`, `… (between 740,000 and 2.2 M)`. A bound
/// that reads as the estimate takes its place (`at least 810,000 new views a day (at most
/// 1.7 M)`), so no figure is written twice; a lower bound of 0 or less says nothing and is
/// left out, as is a bound that is not finite. Bounds within one whole unit of each other
/// (rounded outward, as the host stores them) say the figure is known, only rounded (`about
/// 840,000 new views a day`).
pub fn bounded(estimate: f64, low: Option<f64>, high: Option<f64>, what: &str) -> String {
    let shown = about(estimate);
    if let (Some(low), Some(high)) = (low, high)
        && high.ceil() - low.floor() <= 1.0
    {
        return format!("about {shown} {what}");
    }
    let low = low.filter(|l| l.is_finite() && *l >= 1.0).map(at_least);
    let high = high.filter(|h| h.is_finite()).map(at_most);
    let (main, aside) = match (low, high) {
        (Some(low), high) if low == shown => (
            format!("at least {shown}"),
            high.filter(|h| *h != shown).map(|h| format!("at most {h}")),
        ),
        (low, Some(high)) if high == shown => (
            format!("at most {shown}"),
            low.map(|l| format!("at least {l}")),
        ),
        (Some(low), Some(high)) => (
            format!("about {shown}"),
            Some(format!("between {low} and {high}")),
        ),
        (Some(low), None) => (format!("about {shown}"), Some(format!("at least {low}"))),
        (None, Some(high)) => (format!("about {shown}"), Some(format!("at most {high}"))),
        (None, None) => (format!("about {shown}"), None),
    };
    match aside {
        Some(aside) => format!("{main} {what} ({aside})"),
        None => format!("{main} {what}"),
    }
}

fn written(x: f64, rounding: Rounding) -> String {
    if !x.is_finite() {
        return "unknown".to_string();
    }
    compact(rounded(x, rounding))
}

/// `x` to a whole number, then to [`SIGNIFICANT_FIGURES`], both the same way.
fn rounded(x: f64, rounding: Rounding) -> u64 {
    if !x.is_finite() || x <= 0.0 {
        return 0;
    }
    let whole = match rounding {
        Rounding::Nearest => x.round(),
        Rounding::Down => x.floor(),
        Rounding::Up => x.ceil(),
    };
    // `as` saturates at u64::MAX: far past any count this program sees.
    let whole = u128::from(whole as u64);
    if whole == 0 {
        return 0;
    }
    let digits = whole.ilog10() + 1;
    let unit = 10u128.pow(digits.saturating_sub(SIGNIFICANT_FIGURES));
    let units = match rounding {
        Rounding::Nearest => (whole + unit / 2) / unit,
        Rounding::Down => whole / unit,
        Rounding::Up => whole.div_ceil(unit),
    };
    u64::try_from(units * unit).unwrap_or(u64::MAX)
}

/// A rounded figure in full below a million, else in millions or billions with the one
/// decimal its two significant figures need: `1.1 M`, `12 M`, `2.4 B`.
fn compact(n: u64) -> String {
    let (scale, suffix) = match n {
        n if n >= BILLION => (BILLION, "B"),
        n if n >= MILLION => (MILLION, "M"),
        n => return thousands(n),
    };
    let units = n / scale;
    if units < 10 {
        let tenths = (n % scale) / (scale / 10);
        format!("{units}.{tenths} {suffix}")
    } else {
        format!("{} {suffix}", thousands(units))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_counts_get_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_000), "1,000");
        assert_eq!(thousands(812_400), "812,400");
        assert_eq!(thousands(u64::MAX), "18,446,744,073,709,551,615");
    }

    #[test]
    fn estimates_keep_two_significant_figures_and_no_fraction() {
        assert_eq!(about(812_400.0), "810,000");
        assert_eq!(about(815_000.0), "820,000");
        assert_eq!(about(312.4), "310");
        assert_eq!(about(74.4), "74");
        assert_eq!(about(7.4), "7");
        assert_eq!(about(0.4), "0");
        assert_eq!(about(-5.0), "0");
        assert_eq!(significant(12_345.6), 12_000);
        assert_eq!(significant(0.6), 1);
    }

    #[test]
    fn large_figures_are_compact() {
        assert_eq!(about(1_090_000.0), "1.1 M");
        assert_eq!(about(1_360_600.0), "1.4 M");
        assert_eq!(about(999_600.0), "1.0 M");
        assert_eq!(about(12_345_678.0), "12 M");
        assert_eq!(about(123_456_789.0), "120 M");
        assert_eq!(about(2_449_000_000.0), "2.4 B");
        assert_eq!(about(f64::MAX), "18,000,000,000 B");
    }

    #[test]
    fn what_is_not_known_is_unknown_not_zero() {
        assert_eq!(about(f64::NAN), "unknown");
        assert_eq!(at_most(f64::INFINITY), "unknown");
        assert_eq!(percent(f64::NAN), "unknown");
    }

    #[test]
    fn bounds_round_away_from_the_estimate() {
        assert_eq!(at_least(749_999.0), "740,000");
        assert_eq!(at_least(7.9), "7");
        assert_eq!(at_most(1_410_000.0), "1.5 M");
        assert_eq!(at_most(1_400_000.0), "1.4 M");
        assert_eq!(at_most(0.2), "1");
        assert_eq!(at_most(999_001.0), "1.0 M");
    }

    #[test]
    fn shares_are_whole_and_never_some_as_none() {
        assert_eq!(percent(0.224), "22%");
        assert_eq!(percent(0.59), "59%");
        assert_eq!(percent(0.0), "0%");
        assert_eq!(percent(1.0), "100%");
        assert_eq!(percent(0.003), "<1%");
        assert_eq!(percent(0.996), ">99%");
        assert_eq!(percent(1.7), "100%");
    }

    #[test]
    fn an_estimate_and_its_bounds_read_as_one_phrase() {
        let what = "new views a day";
        assert_eq!(
            bounded(1_090_000.0, Some(745_000.0), None, what),
            "about 1.1 M new views a day (at least 740,000)"
        );
        assert_eq!(
            bounded(1_090_000.0, Some(745_000.0), Some(2_150_000.0), what),
            "about 1.1 M new views a day (between 740,000 and 2.2 M)"
        );
        // The exact lower bound is the estimate: written once.
        assert_eq!(
            bounded(812_400.0, Some(812_400.0), Some(1_624_800.0), what),
            "at least 810,000 new views a day (at most 1.7 M)"
        );
        assert_eq!(
            bounded(300.0, Some(0.0), Some(300.0), what),
            "at most 300 new views a day"
        );
        assert_eq!(
            bounded(300.0, None, Some(700.0), what),
            "about 300 new views a day (at most 700)"
        );
        assert_eq!(
            bounded(74.0, None, None, "new videos a day"),
            "about 74 new videos a day"
        );
        assert_eq!(
            bounded(500.0, Some(f64::NAN), Some(f64::INFINITY), what),
            "about 500 new views a day"
        );
        // Known exactly: nothing to bound, only rounded; the same once the bounds are rounded
        // outward to whole views.
        for (low, high) in [(839_413.4, 839_413.4), (839_413.0, 839_414.0)] {
            assert_eq!(
                bounded(839_413.4, Some(low), Some(high), what),
                "about 840,000 new views a day"
            );
        }
    }

    /// The host stores an estimate to the whole view and its bounds rounded outward to whole
    /// views; written from those, they read as the rules wrote them from the unrounded ones.
    #[test]
    fn figures_stored_whole_read_as_the_unrounded_ones() {
        let mut x = 0.37_f64;
        while x < 1e10 {
            for (low, est, high) in [
                (x, x * 1.3, Some(x * 2.1)),
                (x, x, Some(x)),
                (x * 0.999, x, Some(x * 1.001)),
                (x, x * 1.01, None),
            ] {
                let stored = bounded(est.round(), Some(low.floor()), high.map(f64::ceil), "v");
                assert_eq!(
                    stored,
                    bounded(est, Some(low), high, "v"),
                    "{low} {est} {high:?}"
                );
            }
            x *= 1.731;
        }
    }

    /// Whatever the figures, the lower bound never reads above the estimate, nor the upper
    /// below it: a bound rounded the other way could.
    #[test]
    fn bounds_never_cross_the_estimate() {
        let mut x = 1.0_f64;
        while x < 1e12 {
            for (low, est, high) in [(x, x * 1.03, x * 1.07), (x * 0.95, x, x)] {
                let (l, e, h) = (
                    rounded(low, Rounding::Down),
                    rounded(est, Rounding::Nearest),
                    rounded(high, Rounding::Up),
                );
                assert!(l <= e && e <= h, "{low} {est} {high}: {l} {e} {h}");
                assert!(l as f64 <= low && h as f64 >= high);
            }
            x *= 1.37;
        }
    }
}
