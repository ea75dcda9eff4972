//! The OAuth2 access token: reading the token endpoint's answer, and the cache that decides when
//! a token is too close to its end to use.
//!
//! A token is renewed before it expires (with a margin of a quarter of its life, at most a
//! minute, so a transfer never starts with a token about to lapse) and once more when the API
//! answers 401 (revoked, or clocks disagree): [`TokenCache::invalidate`] forgets a token only
//! if it is still the one that failed, so transfers that hit the same 401 together renew once.

use crate::credentials::Secret;
use std::time::{Duration, Instant};

/// The life assumed when the token answer gives no `expires_in`.
const DEFAULT_LIFETIME: Duration = Duration::from_secs(300);
/// The largest renewal margin.
const MAX_MARGIN: Duration = Duration::from_secs(60);

/// An access token and when to stop using it.
#[derive(Debug, Clone)]
pub struct Token {
    /// The bearer value.
    pub value: Secret,
    /// The moment after which it is renewed before use.
    pub renew_at: Instant,
}

impl Token {
    /// A token received at `now` that lives `lifetime`.
    pub fn new(value: Secret, lifetime: Duration, now: Instant) -> Token {
        let margin = (lifetime / 4).min(MAX_MARGIN);
        Token {
            value,
            renew_at: now + lifetime.saturating_sub(margin),
        }
    }
}

/// Reads a token endpoint's answer (`{access_token, token_type, expires_in, scope}`).
pub fn parse_token_answer(body: &[u8], now: Instant) -> Result<Token, String> {
    let value: serde_json::Value =
        serde_json::from_slice(body).map_err(|_| "the token answer is not JSON".to_owned())?;
    let access = value
        .get("access_token")
        .and_then(|v| v.as_str())
        .filter(|v| !v.is_empty())
        .ok_or("the token answer holds no access_token")?;
    if let Some(kind) = value.get("token_type").and_then(|v| v.as_str())
        && !kind.eq_ignore_ascii_case("bearer")
    {
        return Err(format!(
            "the token answer is of type `{}`, not Bearer",
            crate::id::shorten(kind)
        ));
    }
    // `expires_in` is a number of seconds; some servers send it as a string.
    let lifetime = value
        .get("expires_in")
        .and_then(|v| v.as_u64().or_else(|| v.as_str()?.trim().parse().ok()))
        .map_or(DEFAULT_LIFETIME, Duration::from_secs);
    Ok(Token::new(Secret::new(access), lifetime, now))
}

/// The token in use.
#[derive(Debug, Default)]
pub struct TokenCache {
    current: Option<Token>,
}

impl TokenCache {
    /// The token, if there is one fit to use at `now`.
    pub fn usable(&self, now: Instant) -> Option<Secret> {
        self.current
            .as_ref()
            .filter(|t| now < t.renew_at)
            .map(|t| t.value.clone())
    }

    /// Keeps a new token.
    pub fn store(&mut self, token: Token) {
        self.current = Some(token);
    }

    /// Forgets `failed` if it is still the token in use (a 401 answered it).
    pub fn invalidate(&mut self, failed: &Secret) {
        if self.current.as_ref().is_some_and(|t| &t.value == failed) {
            self.current = None;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_is_renewed_before_it_expires() {
        let now = Instant::now();
        let token = parse_token_answer(
            br#"{"access_token":"abc","token_type":"Bearer","expires_in":3600,"scope":"client.assure.api"}"#,
            now,
        )
        .unwrap();
        assert_eq!(token.renew_at, now + Duration::from_secs(3540));
        let short = parse_token_answer(br#"{"access_token":"abc","expires_in":"8"}"#, now).unwrap();
        assert_eq!(short.renew_at, now + Duration::from_secs(6));
        let mut cache = TokenCache::default();
        cache.store(short);
        assert!(cache.usable(now + Duration::from_secs(5)).is_some());
        assert!(cache.usable(now + Duration::from_secs(7)).is_none());
    }

    #[test]
    fn only_the_failed_token_is_forgotten() {
        let now = Instant::now();
        let mut cache = TokenCache::default();
        cache.store(Token::new(Secret::new("new"), Duration::from_secs(60), now));
        cache.invalidate(&Secret::new("old"));
        assert!(cache.usable(now).is_some());
        cache.invalidate(&Secret::new("new"));
        assert!(cache.usable(now).is_none());
    }

    #[test]
    fn bad_answers_say_why_without_echoing_the_token() {
        let now = Instant::now();
        assert!(parse_token_answer(b"<html>", now).is_err());
        assert!(parse_token_answer(br#"{"token_type":"Bearer"}"#, now).is_err());
        let e = parse_token_answer(br#"{"access_token":"SECRET","token_type":"mac"}"#, now)
            .unwrap_err();
        assert!(!e.contains("SECRET"), "{e}");
    }
}
