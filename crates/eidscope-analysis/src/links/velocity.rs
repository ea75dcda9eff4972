//! The velocity rule: how many attempts with one document within how long are too many
//! (`--velocity K/WINDOW`, default `3/24h`), and the search for such bursts.

use chrono::{DateTime, TimeDelta, Utc};
use std::fmt;
use std::str::FromStr;

/// At least `attempts` attempts with one document within `window` is a `velocity` finding.
///
/// The window is closed: attempts exactly `window` apart lie within it, so with the default
/// rule three attempts at 09:00 on Monday, 15:00 on Monday and 09:00 on Tuesday fire, and a
/// third attempt one second later would not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VelocityRule {
    /// The smallest number of attempts that is too many (at least 2).
    pub attempts: usize,
    /// The length of the window (positive).
    pub window: TimeDelta,
}

impl Default for VelocityRule {
    fn default() -> Self {
        VelocityRule {
            attempts: 3,
            window: TimeDelta::hours(24),
        }
    }
}

impl FromStr for VelocityRule {
    type Err = String;

    /// `K/WINDOW`: `3/24h`, `5/7d`, `4/90m`, `10/2w`, `3/3600s`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || format!("`{s}` is not K/WINDOW (e.g. 3/24h, 5/7d; units s, m, h, d, w)");
        let (attempts, window) = s.trim().split_once('/').ok_or_else(bad)?;
        let attempts: usize = attempts.trim().parse().map_err(|_| bad())?;
        if attempts < 2 {
            return Err(format!("`{s}`: velocity needs at least 2 attempts"));
        }
        let window = window.trim();
        let unit_at = window.find(|c: char| !c.is_ascii_digit()).ok_or_else(bad)?;
        let (amount, unit) = window.split_at(unit_at);
        let amount: i64 = amount.parse().map_err(|_| bad())?;
        let seconds_per = match unit.trim().to_ascii_lowercase().as_str() {
            "s" => 1,
            "m" | "min" => 60,
            "h" => 3600,
            "d" => 86_400,
            "w" => 604_800,
            _ => return Err(bad()),
        };
        let window = amount
            .checked_mul(seconds_per)
            .and_then(TimeDelta::try_seconds)
            .filter(|w| *w > TimeDelta::zero())
            .ok_or_else(|| format!("`{s}`: the window must be positive and below 100 years"))?;
        if window > TimeDelta::days(36_500) {
            return Err(format!(
                "`{s}`: the window must be positive and below 100 years"
            ));
        }
        Ok(VelocityRule { attempts, window })
    }
}

impl fmt::Display for VelocityRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} attempts within {}",
            self.attempts,
            duration_words(self.window)
        )
    }
}

/// `24 h`, `7 d`, `1 h 30 min`, `45 s`: a duration for messages.
pub fn duration_words(d: TimeDelta) -> String {
    let total = d.num_seconds().max(0);
    let (days, hours, minutes, seconds) = (
        total / 86_400,
        total / 3600 % 24,
        total / 60 % 60,
        total % 60,
    );
    let parts: Vec<String> = [(days, "d"), (hours, "h"), (minutes, "min"), (seconds, "s")]
        .into_iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, unit)| format!("{n} {unit}"))
        .collect();
    if parts.is_empty() {
        "0 s".to_owned()
    } else {
        parts.join(" ")
    }
}

/// The bursts among attempts sorted by time: maximal runs `[first, last]` (indices into
/// `times`) covered by windows that each hold at least `rule.attempts` attempts; windows that
/// share an attempt chain into one burst.
pub fn bursts(times: &[DateTime<Utc>], rule: &VelocityRule) -> Vec<(usize, usize)> {
    let mut out: Vec<(usize, usize)> = Vec::new();
    let mut left = 0;
    for right in 0..times.len() {
        while times[right] - times[left] > rule.window {
            left += 1;
        }
        if right + 1 - left >= rule.attempts {
            match out.last_mut() {
                Some(last) if left <= last.1 => last.1 = right,
                _ => out.push((left, right)),
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(hours: f64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_700_000_000 + (hours * 3600.0) as i64, 0).unwrap()
    }

    #[test]
    fn rules_parse() {
        assert_eq!("3/24h".parse(), Ok(VelocityRule::default()));
        assert_eq!(
            "5/7d".parse(),
            Ok(VelocityRule {
                attempts: 5,
                window: TimeDelta::days(7)
            })
        );
        assert_eq!(
            "4/90m".parse::<VelocityRule>().unwrap().window,
            TimeDelta::minutes(90)
        );
        for bad in [
            "3",
            "1/24h",
            "3/h",
            "3/24",
            "3/0h",
            "3/24y",
            "x/24h",
            "3/99999999999999w",
            "3/-1h",
        ] {
            assert!(bad.parse::<VelocityRule>().is_err(), "{bad}");
        }
        assert_eq!(VelocityRule::default().to_string(), "3 attempts within 1 d");
    }

    #[test]
    fn the_window_is_closed_at_its_edge() {
        let rule = VelocityRule::default();
        assert_eq!(bursts(&[at(0.0), at(12.0), at(24.0)], &rule), vec![(0, 2)]);
        let just_over = at(24.0) + TimeDelta::seconds(1);
        assert_eq!(bursts(&[at(0.0), at(12.0), just_over], &rule), vec![]);
        assert_eq!(bursts(&[at(0.0), at(24.0)], &rule), vec![]);
    }

    #[test]
    fn overlapping_windows_chain_and_separate_ones_do_not() {
        let rule = VelocityRule::default();
        // 0, 1, 2 h: a burst; 20 h and 25 h extend it through windows that share attempts;
        // then a quiet week and a second burst.
        let times = [
            at(0.0),
            at(1.0),
            at(2.0),
            at(20.0),
            at(25.0),
            at(200.0),
            at(201.0),
            at(202.0),
        ];
        assert_eq!(bursts(&times, &rule), vec![(0, 4), (5, 7)]);
        assert_eq!(bursts(&times[..2], &rule), vec![]);
    }
}
