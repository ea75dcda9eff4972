//! The HTTP client of the Assure API: one [`ureq`] agent (blocking, rustls with the Mozilla
//! roots, connection reuse), the token, and the attempt loop every request goes through.
//!
//! An attempt is classified by what came back: 2xx is read into a [`Sink`] (which may still
//! refuse the body: an HTML page with status 200, a zip that is not one); 401 renews the token
//! once; 408, 425, 429 and 5xx, a broken connection and a timeout are retried with exponential
//! backoff and jitter, honouring `Retry-After` (and holding every transfer back until then);
//! any other status fails the request with the API's error (`{title, detail}`) in one line. An
//! answer over its size limit fails without being read whole: a second try would not shrink it.
//!
//! Every message that leaves this module has passed the [`Scrubber`]; the bearer token and the
//! client secret are only ever written into request headers and the token request's form.

use crate::credentials::{Credentials, Scrubber, Secret};
use crate::id::shorten;
use crate::manifest::Transfer;
use crate::pace::{Pacer, backoff, parse_retry_after, sleep};
use crate::settings::FetchSettings;
use crate::sink::{MemorySink, Refusal, Sink, describe_body};
use crate::token::{TokenCache, parse_token_answer};
use sha2::{Digest, Sha256};
use std::io::Read;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};
use ureq::http::Response;

/// How a request ended, besides its [`Transfer`] record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum End {
    /// The body was received and accepted.
    Done,
    /// This request failed (the record says why).
    Failed,
    /// No access token could be had (credentials refused, or the token endpoint unreachable
    /// through every attempt): no request can succeed.
    NoToken(String),
    /// The run was cancelled.
    Interrupted,
}

/// One attempt's outcome.
enum Attempt {
    Done(u16),
    Unauthorized(u16, String),
    Retry {
        status: Option<u16>,
        message: String,
        retry_after: Option<Duration>,
    },
    Fail(Option<u16>, String),
    Interrupted,
}

/// What is asked.
#[derive(Clone, Copy)]
enum Call<'a> {
    Token,
    Get(&'a str),
}

/// The API client shared by every transfer of a run.
pub struct Client<'a> {
    agent: ureq::Agent,
    settings: &'a FetchSettings,
    credentials: &'a Credentials,
    scrubber: Scrubber,
    pacer: Pacer,
    cancel: &'a AtomicBool,
    on_bytes: &'a (dyn Fn(u64) + Sync),
    tokens: Mutex<TokenCache>,
    renewing: Mutex<()>,
    no_token: Mutex<Option<String>>,
}

impl<'a> Client<'a> {
    /// A client for these settings; `on_bytes` hears of every chunk received.
    pub fn new(
        settings: &'a FetchSettings,
        credentials: &'a Credentials,
        scrubber: Scrubber,
        cancel: &'a AtomicBool,
        on_bytes: &'a (dyn Fn(u64) + Sync),
    ) -> Client<'a> {
        let t = &settings.timeouts;
        let mut config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_connect(Some(t.connect))
            .timeout_send_request(Some(t.connect))
            .timeout_recv_response(Some(t.response))
            .timeout_per_read(Some(t.read))
            .max_redirects(5)
            .redirect_auth_headers(ureq::config::RedirectAuthHeaders::SameHost)
            .max_idle_connections_per_host(settings.jobs.max(1))
            .user_agent(format!("eidscope/{}", env!("CARGO_PKG_VERSION")));
        if !settings.proxy_from_env {
            config = config.proxy(None);
        }
        Client {
            agent: config.build().into(),
            settings,
            credentials,
            scrubber,
            pacer: Pacer::new(settings.rate),
            cancel,
            on_bytes,
            tokens: Mutex::new(TokenCache::default()),
            renewing: Mutex::new(()),
            no_token: Mutex::new(None),
        }
    }

    /// GETs `path` (below the base URL) into `sink`, with retries.
    pub fn get(&self, path: &str, limit: u64, sink: &mut dyn Sink) -> (Transfer, End) {
        self.exchange(Call::Get(path), limit, sink)
    }

    /// A usable bearer token: the cached one, or a new one from the token endpoint (one
    /// transfer renews while the others wait for it).
    fn bearer(&self) -> Result<Secret, End> {
        if let Some(token) = self.cached_token() {
            return Ok(token);
        }
        let _renewing = self.renewing.lock().map_err(|_| End::Failed)?;
        if let Some(token) = self.cached_token() {
            return Ok(token);
        }
        if let Some(why) = self.no_token.lock().ok().and_then(|r| r.clone()) {
            return Err(End::NoToken(why));
        }
        let mut answer = MemorySink::default();
        let (transfer, end) =
            self.exchange(Call::Token, self.settings.limits.json_bytes, &mut answer);
        let refuse = |why: String| {
            let why = self.scrubber.scrub(&why);
            if let Ok(mut no_token) = self.no_token.lock() {
                *no_token = Some(why.clone());
            }
            End::NoToken(why)
        };
        match end {
            End::Done => {
                let token = parse_token_answer(&answer.bytes, Instant::now())
                    .map_err(|e| refuse(format!("the token endpoint: {e}")))?;
                self.scrubber.add(&token.value);
                let value = token.value.clone();
                if let Ok(mut tokens) = self.tokens.lock() {
                    tokens.store(token);
                }
                Ok(value)
            }
            End::Failed => Err(refuse(format!(
                "no access token: {}",
                transfer.error.unwrap_or_default()
            ))),
            other => Err(other),
        }
    }

    fn cached_token(&self) -> Option<Secret> {
        self.tokens.lock().ok()?.usable(Instant::now())
    }

    fn invalidate(&self, failed: &Secret) {
        if let Ok(mut tokens) = self.tokens.lock() {
            tokens.invalidate(failed);
        }
    }

    /// The attempt loop.
    fn exchange(&self, call: Call<'_>, limit: u64, sink: &mut dyn Sink) -> (Transfer, End) {
        let mut transfer = Transfer {
            url_path: match call {
                Call::Token => String::new(),
                Call::Get(path) => path.to_owned(),
            },
            ..Transfer::default()
        };
        let retry = &self.settings.retry;
        let mut renewed = false;
        let mut failures = 0;
        loop {
            if self.cancel.load(Ordering::Relaxed) || !self.pacer.wait_turn(self.cancel) {
                return self.ended(transfer, End::Interrupted, "interrupted");
            }
            let bearer = match call {
                Call::Token => None,
                Call::Get(_) => match self.bearer() {
                    Ok(token) => Some(token),
                    Err(End::NoToken(why)) => {
                        return self.ended(transfer, End::NoToken(why.clone()), &why);
                    }
                    Err(end) => return self.ended(transfer, end, "no access token"),
                },
            };
            transfer.attempts += 1;
            let outcome = self.attempt(call, bearer.as_ref(), limit, sink, &mut transfer);
            transfer.fetched_at = Some(chrono::Utc::now());
            match outcome {
                Attempt::Done(status) => {
                    transfer.http_status = Some(status);
                    return (transfer, End::Done);
                }
                Attempt::Interrupted => {
                    return self.ended(transfer, End::Interrupted, "interrupted");
                }
                Attempt::Unauthorized(status, message) => {
                    transfer.http_status = Some(status);
                    match (&bearer, renewed) {
                        (Some(used), false) => {
                            // Expired or revoked early: one renewal, then once more at once.
                            self.invalidate(used);
                            renewed = true;
                        }
                        _ => return self.ended(transfer, End::Failed, &message),
                    }
                }
                Attempt::Fail(status, message) => {
                    transfer.http_status = status;
                    return self.ended(transfer, End::Failed, &message);
                }
                Attempt::Retry {
                    status,
                    message,
                    retry_after,
                } => {
                    transfer.http_status = status;
                    failures += 1;
                    if transfer.attempts >= retry.max_attempts {
                        let message =
                            format!("{message} (gave up after {} attempts)", transfer.attempts);
                        return self.ended(transfer, End::Failed, &message);
                    }
                    if let Some(asked) = retry_after {
                        if asked > retry.max_retry_after {
                            let message = format!(
                                "{message}; the API asks to wait {} s, more than the {} s accepted",
                                asked.as_secs(),
                                retry.max_retry_after.as_secs()
                            );
                            return self.ended(transfer, End::Failed, &message);
                        }
                        self.pacer.hold_until(Instant::now() + asked);
                    }
                    let wait = backoff(retry, failures).max(retry_after.unwrap_or_default());
                    if !sleep(wait, self.cancel) {
                        return self.ended(transfer, End::Interrupted, "interrupted");
                    }
                }
            }
        }
    }

    fn ended(&self, mut transfer: Transfer, end: End, message: &str) -> (Transfer, End) {
        transfer.error = Some(self.scrubber.scrub(message));
        (transfer, end)
    }

    /// One request and its answer.
    fn attempt(
        &self,
        call: Call<'_>,
        bearer: Option<&Secret>,
        limit: u64,
        sink: &mut dyn Sink,
        transfer: &mut Transfer,
    ) -> Attempt {
        let sent = match call {
            Call::Token => self
                .agent
                .post(self.settings.token_url.as_str())
                .header("Accept", "application/json")
                .send_form([
                    ("grant_type", "client_credentials"),
                    ("scope", self.settings.scope.as_str()),
                    ("client_id", self.credentials.client_id.expose()),
                    ("client_secret", self.credentials.client_secret.expose()),
                ]),
            Call::Get(path) => {
                let mut request = self.agent.get(self.settings.base_url.join(path));
                if let Some(token) = bearer {
                    request = request.header("Authorization", format!("Bearer {}", token.expose()));
                }
                request.call()
            }
        };
        let response = match sent {
            Ok(response) => response,
            Err(error) => return transport_failure(&error),
        };
        let status = response.status().as_u16();
        match status {
            200..=299 => self.receive(response, limit, sink, transfer),
            401 => Attempt::Unauthorized(status, error_message(status, response, limit)),
            408 | 425 | 429 | 500..=599 => {
                let retry_after = response
                    .headers()
                    .get("retry-after")
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| parse_retry_after(v, chrono::Utc::now()));
                Attempt::Retry {
                    status: Some(status),
                    message: error_message(status, response, limit),
                    retry_after,
                }
            }
            _ => Attempt::Fail(Some(status), error_message(status, response, limit)),
        }
    }

    /// Reads a 2xx body into the sink, counting, hashing and bounding it.
    fn receive(
        &self,
        response: Response<ureq::Body>,
        limit: u64,
        sink: &mut dyn Sink,
        transfer: &mut Transfer,
    ) -> Attempt {
        let status = response.status().as_u16();
        let body = response.into_body();
        if let Some(declared) = body.content_length()
            && declared > limit
        {
            return over_limit(status, limit);
        }
        if let Err(refusal) = sink.restart() {
            return refused(status, refusal);
        }
        let mut reader = body.into_reader();
        let mut hasher = Sha256::new();
        let mut size: u64 = 0;
        let mut buffer = vec![0u8; 64 * 1024];
        loop {
            if self.cancel.load(Ordering::Relaxed) {
                return Attempt::Interrupted;
            }
            let read = match reader.read(&mut buffer) {
                Ok(0) => break,
                Ok(read) => read,
                Err(e) => {
                    return Attempt::Retry {
                        status: Some(status),
                        message: format!("the answer broke off after {size} bytes: {e}"),
                        retry_after: None,
                    };
                }
            };
            size += read as u64;
            (self.on_bytes)(read as u64);
            if size > limit {
                return over_limit(status, limit);
            }
            hasher.update(&buffer[..read]);
            if let Err(refusal) = sink.accept(&buffer[..read]) {
                return refused(status, refusal);
            }
        }
        if let Err(refusal) = sink.finish() {
            return refused(status, refusal);
        }
        transfer.size = Some(size);
        transfer.sha256 = Some(hex::encode(hasher.finalize()));
        Attempt::Done(status)
    }
}

fn over_limit(status: u16, limit: u64) -> Attempt {
    Attempt::Fail(
        Some(status),
        format!("the answer is larger than the limit of {limit} bytes"),
    )
}

fn refused(status: u16, refusal: Refusal) -> Attempt {
    match refusal {
        Refusal::Retry(message) => Attempt::Retry {
            status: Some(status),
            message,
            retry_after: None,
        },
        Refusal::Fail(message) => Attempt::Fail(Some(status), message),
    }
}

/// A request that got no answer: a timeout or a broken connection is worth another try; a bad
/// URL, a TLS failure or a redirect loop is not.
fn transport_failure(error: &ureq::Error) -> Attempt {
    let message = match error {
        ureq::Error::Timeout(which) => format!("timed out ({which})"),
        other => other.to_string(),
    };
    match error {
        ureq::Error::BadUri(_)
        | ureq::Error::Http(_)
        | ureq::Error::Tls(_)
        | ureq::Error::InvalidProxyUrl
        | ureq::Error::TooManyRedirects
        | ureq::Error::RedirectFailed => Attempt::Fail(None, message),
        _ => Attempt::Retry {
            status: None,
            message,
            retry_after: None,
        },
    }
}

/// `HTTP 404 Not Found: title: detail`, from an error answer (the Assure shape `{title,
/// detail}`, OAuth's `{error, error_description}`, or just the status).
fn error_message(status: u16, response: Response<ureq::Body>, limit: u64) -> String {
    const MAX_ERROR_BODY: u64 = 16 * 1024;
    let reason = ureq::http::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("");
    let mut bytes = Vec::new();
    let _ = response
        .into_body()
        .into_reader()
        .take(MAX_ERROR_BODY.min(limit))
        .read_to_end(&mut bytes);
    let said: Vec<String> = match serde_json::from_slice::<serde_json::Value>(&bytes) {
        Ok(value) => ["title", "detail", "error", "error_description", "message"]
            .iter()
            .filter_map(|key| value.get(*key)?.as_str())
            .filter(|s| !s.trim().is_empty())
            .map(shorten)
            .collect(),
        Err(_) if bytes.is_empty() => Vec::new(),
        Err(_) => vec![describe_body(&bytes)],
    };
    let mut message = format!("HTTP {status} {reason}").trim_end().to_owned();
    for part in said {
        message.push_str(": ");
        message.push_str(&part);
    }
    message
}
