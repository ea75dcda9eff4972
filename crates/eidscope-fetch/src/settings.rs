//! How a fetch runs: where the API is, how hard to try, how long to wait, how much to accept.
//! Everything the command line can change is a field here with a documented default; the tests
//! shrink the delays instead of sleeping.

use std::time::Duration;

/// Signicat's API, production.
pub const DEFAULT_BASE_URL: &str = "https://api.signicat.com";
/// Signicat's OAuth2 token endpoint.
pub const DEFAULT_TOKEN_URL: &str = "https://api.signicat.com/auth/open/connect/token";
/// The scope of the Assure API.
pub const ASSURE_SCOPE: &str = "client.assure.api";

/// A base URL or token URL, checked: `https`, or `http` to a loopback host only (a local
/// proxy or test server), since the client secret and the tokens would otherwise cross the
/// network in the clear; no user name or password in it (credentials go in the variables),
/// no query or fragment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    /// The URL without a trailing `/`.
    url: String,
}

impl Endpoint {
    /// Parses and checks a URL.
    pub fn parse(text: &str) -> Result<Endpoint, String> {
        let uri: ureq::http::Uri = text
            .trim()
            .parse()
            .map_err(|e| format!("`{text}` is not a URL: {e}"))?;
        let scheme = uri.scheme_str().unwrap_or_default().to_ascii_lowercase();
        let authority = uri
            .authority()
            .ok_or_else(|| format!("`{text}` names no host"))?;
        if authority.as_str().contains('@') {
            return Err(
                "a URL must not hold a user name or password (give the client credentials in the environment)"
                    .to_owned(),
            );
        }
        if uri.query().is_some() || text.contains('#') {
            return Err(format!(
                "`{text}`: a query or fragment is not accepted here"
            ));
        }
        let host = authority.host().trim_matches(['[', ']']);
        let loopback = host.eq_ignore_ascii_case("localhost")
            || host
                .parse::<std::net::IpAddr>()
                .is_ok_and(|ip| ip.is_loopback());
        match scheme.as_str() {
            "https" => {}
            "http" if loopback => {}
            "http" => {
                return Err(format!(
                    "`{text}`: plain http would send the credentials and tokens in the clear; use https (http is accepted for a loopback host only)"
                ));
            }
            _ => return Err(format!("`{text}`: only https URLs are accepted")),
        }
        Ok(Endpoint {
            url: text.trim().trim_end_matches('/').to_owned(),
        })
    }

    /// The URL.
    pub fn as_str(&self) -> &str {
        &self.url
    }

    /// This base URL with an absolute path appended.
    pub fn join(&self, path: &str) -> String {
        format!("{}{path}", self.url)
    }
}

/// Retries: how many attempts, and how the waits between them grow.
#[derive(Debug, Clone, PartialEq)]
pub struct RetryPolicy {
    /// Attempts per request, the first included (at least 1).
    pub max_attempts: u32,
    /// The wait before the second attempt; it doubles with each further one.
    pub base_delay: Duration,
    /// The longest wait of the doubling.
    pub max_delay: Duration,
    /// The longest `Retry-After` honoured; a server asking for more fails the request.
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 6,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(30),
            max_retry_after: Duration::from_secs(300),
        }
    }
}

/// Timeouts of one HTTP exchange.
#[derive(Debug, Clone, PartialEq)]
pub struct Timeouts {
    /// Connecting, TLS handshake included.
    pub connect: Duration,
    /// From the request sent to the response headers received.
    pub response: Duration,
    /// The longest silence while a body arrives (a stalled transfer, not a slow one).
    pub read: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts {
            connect: Duration::from_secs(15),
            response: Duration::from_secs(60),
            read: Duration::from_secs(60),
        }
    }
}

/// The largest answers accepted; larger ones fail without being read whole.
#[derive(Debug, Clone, PartialEq)]
pub struct SizeLimits {
    /// A bundle zip (the default is the bundle reader's own limit, 2 GiB).
    pub zip_bytes: u64,
    /// A process, dossier or token answer.
    pub json_bytes: u64,
}

impl Default for SizeLimits {
    fn default() -> Self {
        SizeLimits {
            zip_bytes: 2048 * 1024 * 1024,
            json_bytes: 16 * 1024 * 1024,
        }
    }
}

/// Everything a fetch needs besides the credentials and the requests.
#[derive(Debug, Clone)]
pub struct FetchSettings {
    /// The API base URL (production, pre-production or a proxy).
    pub base_url: Endpoint,
    /// The OAuth2 token endpoint.
    pub token_url: Endpoint,
    /// The OAuth2 scope.
    pub scope: String,
    /// Concurrent transfers.
    pub jobs: usize,
    /// Most requests started per second, over all transfers (`None`: no limit).
    pub rate: Option<f64>,
    /// Retries.
    pub retry: RetryPolicy,
    /// Timeouts.
    pub timeouts: Timeouts,
    /// Size limits.
    pub limits: SizeLimits,
    /// Use the proxy named by `HTTPS_PROXY`/`ALL_PROXY` (honouring `NO_PROXY`).
    pub proxy_from_env: bool,
}

impl FetchSettings {
    /// Signicat's production API with the default limits.
    pub fn new(base_url: Endpoint, token_url: Endpoint) -> FetchSettings {
        FetchSettings {
            base_url,
            token_url,
            scope: ASSURE_SCOPE.to_owned(),
            jobs: 4,
            rate: Some(10.0),
            retry: RetryPolicy::default(),
            timeouts: Timeouts::default(),
            limits: SizeLimits::default(),
            proxy_from_env: true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn https_and_loopback_http_are_accepted() {
        for url in [
            DEFAULT_BASE_URL,
            DEFAULT_TOKEN_URL,
            "https://preprod.signicat.com/",
            "http://127.0.0.1:8080",
            "http://localhost:1/x",
            "http://[::1]:9/",
        ] {
            assert!(Endpoint::parse(url).is_ok(), "{url}");
        }
        assert_eq!(
            Endpoint::parse("https://proxy.example/signicat/")
                .unwrap()
                .join("/assure/dossiers/D"),
            "https://proxy.example/signicat/assure/dossiers/D"
        );
    }

    #[test]
    fn urls_that_would_leak_credentials_are_refused() {
        for url in [
            "http://api.signicat.com",
            "https://user:pw@api.signicat.com",
            "https://api.signicat.com/?k=v",
            "ftp://api.signicat.com",
            "api.signicat.com",
            "not a url",
        ] {
            assert!(Endpoint::parse(url).is_err(), "{url}");
        }
    }
}
