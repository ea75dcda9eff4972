//! Waiting politely: the exponential backoff with jitter between attempts, the `Retry-After`
//! a server asks for, and the [`Pacer`] that spaces request starts over all transfers and holds
//! them all back after a 429 (a rate limit is the account's, not one connection's).
//!
//! Every wait here is cut into short sleeps that look at the cancel flag, so Ctrl-C never waits
//! for a backoff to run out.

use crate::settings::RetryPolicy;
use rand::Rng;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// The wait before attempt `failures + 1`: `base * 2^(failures-1)` capped at `max_delay`, then
/// a random point in its upper half ("equal jitter": transfers that failed together do not
/// retry together, and no wait shrinks to nothing).
pub fn backoff(policy: &RetryPolicy, failures: u32) -> Duration {
    let doubling = 2u32.saturating_pow(failures.saturating_sub(1).min(20));
    let full = policy
        .base_delay
        .saturating_mul(doubling)
        .min(policy.max_delay);
    let half = full / 2;
    let jitter_nanos = u64::try_from(half.as_nanos()).unwrap_or(u64::MAX);
    half + Duration::from_nanos(rand::rng().random_range(0..=jitter_nanos))
}

/// A `Retry-After` value: delay seconds, or an HTTP date (as a wait from `now`).
pub fn parse_retry_after(value: &str, now: chrono::DateTime<chrono::Utc>) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    Some(
        (at.with_timezone(&chrono::Utc) - now)
            .to_std()
            .unwrap_or(Duration::ZERO),
    )
}

/// Sleeps for `wait`, waking early when `cancel` is set. Returns false when cancelled.
pub fn sleep(wait: Duration, cancel: &AtomicBool) -> bool {
    const STEP: Duration = Duration::from_millis(50);
    let until = Instant::now() + wait;
    loop {
        if cancel.load(Ordering::Relaxed) {
            return false;
        }
        let now = Instant::now();
        if now >= until {
            return true;
        }
        std::thread::sleep((until - now).min(STEP));
    }
}

/// Spaces request starts to at most `rate` per second over all transfers, and holds every
/// transfer back until a time a server named.
#[derive(Debug)]
pub struct Pacer {
    interval: Duration,
    next: Mutex<Instant>,
}

impl Pacer {
    /// A pacer for `rate` requests per second (`None`: no spacing, only the holds).
    pub fn new(rate: Option<f64>) -> Pacer {
        let interval = rate
            .filter(|r| r.is_finite() && *r > 0.0)
            .map_or(Duration::ZERO, |r| Duration::from_secs_f64(1.0 / r));
        Pacer {
            interval,
            next: Mutex::new(Instant::now()),
        }
    }

    /// Waits for this transfer's turn. Returns false when cancelled.
    pub fn wait_turn(&self, cancel: &AtomicBool) -> bool {
        let start = {
            let Ok(mut next) = self.next.lock() else {
                return true;
            };
            let start = (*next).max(Instant::now());
            *next = start + self.interval;
            start
        };
        sleep(start.saturating_duration_since(Instant::now()), cancel)
    }

    /// Holds every transfer back until `until`.
    pub fn hold_until(&self, until: Instant) {
        if let Ok(mut next) = self.next.lock() {
            *next = (*next).max(until);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_within_its_cap_with_jitter_in_the_upper_half() {
        let policy = RetryPolicy {
            max_attempts: 10,
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_millis(1000),
            max_retry_after: Duration::from_secs(1),
        };
        for (failures, full) in [
            (1, 100),
            (2, 200),
            (3, 400),
            (4, 800),
            (5, 1000),
            (40, 1000),
        ] {
            for _ in 0..50 {
                let wait = backoff(&policy, failures);
                let full = Duration::from_millis(full);
                assert!(wait >= full / 2 && wait <= full, "{failures}: {wait:?}");
            }
        }
    }

    #[test]
    fn retry_after_is_seconds_or_a_date() {
        let now = chrono::DateTime::parse_from_rfc3339("2015-10-21T07:28:00Z")
            .unwrap()
            .with_timezone(&chrono::Utc);
        assert_eq!(
            parse_retry_after("120", now),
            Some(Duration::from_secs(120))
        );
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:28:30 GMT", now),
            Some(Duration::from_secs(30))
        );
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:00:00 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(parse_retry_after("-5", now), None);
    }

    #[test]
    fn a_cancelled_sleep_returns_at_once() {
        let cancel = AtomicBool::new(true);
        assert!(!sleep(Duration::from_secs(3600), &cancel));
    }

    #[test]
    fn the_pacer_hands_out_turns_one_interval_apart() {
        let pacer = Pacer::new(Some(1000.0));
        let cancel = AtomicBool::new(false);
        let first = Instant::now();
        for _ in 0..3 {
            assert!(pacer.wait_turn(&cancel));
        }
        // Three turns at 1 ms apart: the third starts at least 2 ms after the first.
        assert!(first.elapsed() >= Duration::from_millis(2));
        pacer.hold_until(Instant::now() + Duration::from_millis(20));
        let held = Instant::now();
        assert!(pacer.wait_turn(&cancel));
        assert!(held.elapsed() >= Duration::from_millis(15));
    }
}
