//! A one-line ASCII chart of a series: one mark per value, its height scaled between the
//! series' lowest and highest known values. Unknown values are blanks, so gaps stay visible.

/// Marks from lowest to highest, chosen by where they sit in a character cell.
const LEVELS: [char; 6] = ['_', '.', '-', '~', '^', '\''];

pub fn sparkline(values: &[Option<u64>]) -> String {
    let known = values.iter().flatten().copied();
    let (Some(low), Some(high)) = (known.clone().min(), known.max()) else {
        return " ".repeat(values.len());
    };
    let top = (LEVELS.len() - 1) as f64;
    values
        .iter()
        .map(|value| match value {
            None => ' ',
            // A flat series sits mid-height: neither a collapse nor a peak.
            Some(_) if high == low => LEVELS[LEVELS.len() / 2],
            Some(v) => {
                let level = (v - low) as f64 / (high - low) as f64 * top;
                LEVELS[level.round() as usize]
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scales_between_low_and_high_and_leaves_gaps_blank() {
        let line = sparkline(&[Some(100), None, Some(150), Some(200)]);
        assert_eq!(line, "_ ~'");
        assert_eq!(sparkline(&[Some(5), Some(5)]), "~~");
        assert_eq!(sparkline(&[None, None]), "  ");
    }
}
