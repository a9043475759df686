//! Numbers written for people: thousands separators and whole percentages.

/// `812400` → `812,400`.
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

/// An estimate to three significant figures, with separators: `812400.0` → `812,000`,
/// `312.4` → `312`, `0.4` → `0`. Negative or non-finite estimates read as 0.
pub fn about(estimate: f64) -> String {
    if !estimate.is_finite() || estimate < 0.5 {
        return "0".to_string();
    }
    let whole = estimate.round() as u64;
    let digits = whole.ilog10() + 1;
    let unit = 10u64.pow(digits.saturating_sub(3));
    thousands((whole + unit / 2) / unit * unit)
}

/// `0.224` → `22%`.
pub fn percent(ratio: f64) -> String {
    format!("{:.0}%", ratio * 100.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_are_separated() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_000), "1,000");
        assert_eq!(thousands(812_400), "812,400");
        assert_eq!(thousands(u64::MAX), "18,446,744,073,709,551,615");
    }

    #[test]
    fn estimates_keep_three_significant_figures() {
        assert_eq!(about(812_400.0), "812,000");
        assert_eq!(about(812_600.0), "813,000");
        assert_eq!(about(312.4), "312");
        assert_eq!(about(74.0), "74");
        assert_eq!(about(0.4), "0");
        assert_eq!(about(-5.0), "0");
        assert_eq!(about(f64::NAN), "0");
        assert_eq!(about(999_600.0), "1,000,000");
    }

    #[test]
    fn percentages_are_whole() {
        assert_eq!(percent(0.224), "22%");
        assert_eq!(percent(0.3), "30%");
        assert_eq!(percent(1.0), "100%");
    }
}
