//! Deterministic randomness for the simulated world.
//!
//! Every draw comes from a [`Dice`] built from a [`Key`] that names what is being drawn (seed,
//! hashtag, day, video, ...), never from the clock, so the same key always yields the same
//! world. SplitMix64 is written out here rather than taken from `rand` because `rand` does not
//! promise that its small generators keep their output across versions, and the simulator's
//! worlds should not change under a dependency bump.

/// A name for one deterministic stream of draws, built up from parts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Key(u64);

impl Key {
    pub(super) fn root(seed: u64) -> Key {
        Key(mix(seed))
    }

    pub(super) fn num(self, part: u64) -> Key {
        Key(mix(self.0 ^ mix(part)))
    }

    pub(super) fn text(self, part: &str) -> Key {
        self.bytes(part.as_bytes())
    }

    pub(super) fn bytes(self, part: &[u8]) -> Key {
        // FNV-1a, then the SplitMix finaliser to spread it.
        let fnv = part.iter().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
            (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
        });
        self.num(fnv)
    }

    pub(super) fn value(self) -> u64 {
        self.0
    }

    pub(super) fn dice(self) -> Dice {
        Dice { state: self.0 }
    }
}

/// A stream of draws (SplitMix64).
pub(super) struct Dice {
    state: u64,
}

impl Dice {
    pub(super) fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(GOLDEN_GAMMA);
        mix(self.state)
    }

    /// Uniform in `[0, 1)`.
    pub(super) fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform in `[lo, hi)`.
    pub(super) fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.unit()
    }

    /// Uniform in `0..n`; `n` must be positive.
    pub(super) fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }

    pub(super) fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    pub(super) fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }

    /// Standard normal (Box-Muller), for log-normal popularity.
    pub(super) fn normal(&mut self) -> f64 {
        let u = 1.0 - self.unit();
        let v = self.unit();
        (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
    }
}

const GOLDEN_GAMMA: u64 = 0x9e37_79b9_7f4a_7c15;

fn mix(z: u64) -> u64 {
    let z = z.wrapping_add(GOLDEN_GAMMA);
    let z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    let z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_key_same_draws_and_parts_matter() {
        let a = Key::root(42).text("trybrandx").num(3);
        let b = Key::root(42).text("trybrandx").num(3);
        let draws = |k: Key| {
            let mut d = k.dice();
            (0..8).map(|_| d.next_u64()).collect::<Vec<_>>()
        };
        assert_eq!(draws(a), draws(b));
        assert_ne!(draws(a), draws(Key::root(43).text("trybrandx").num(3)));
        assert_ne!(draws(a), draws(Key::root(42).text("trybrandx").num(4)));
    }

    #[test]
    fn unit_stays_in_range_and_spreads() {
        let mut d = Key::root(1).dice();
        let xs: Vec<f64> = (0..10_000).map(|_| d.unit()).collect();
        assert!(xs.iter().all(|x| (0.0..1.0).contains(x)));
        let mean = xs.iter().sum::<f64>() / xs.len() as f64;
        assert!((mean - 0.5).abs() < 0.02, "mean {mean}");
    }
}
