//! An in-process stub of the Assure endpoints on 127.0.0.1, for tests (feature `stub`): a real
//! HTTP/1.1 server (axum on a small tokio runtime in its own thread) that issues client
//! credentials tokens, lists dossiers, serves process JSON and bundle zips, and plays the
//! faults a real API has, one per request, in the order they were queued for a path:
//! statuses (500, 503, 403, ...), 429 with `Retry-After`, a token revoked mid-run (401), a
//! connection cut mid-body, a slow answer, a stall mid-body, an HTML page with status 200, a
//! body over the client's limit. Every request is logged with the status it got.
//!
//! The stub checks what a real token endpoint checks (grant type, scope, client id and secret
//! as form fields) and what the API checks (a live bearer token), so a test that passes against
//! it has sent exactly what Signicat expects. It is not compiled into the binary.

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Form, Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use futures_util::StreamExt;
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The token endpoint's path.
pub const TOKEN_PATH: &str = "/auth/open/connect/token";

/// A fault played instead of (or before) the normal answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// This status with an Assure error body (`{instance, method, status, title, detail}`).
    Status(u16),
    /// 429 with this `Retry-After` value (or none).
    RateLimited(Option<String>),
    /// Every token issued so far stops working (expired early): the request gets a 401.
    RevokeTokens,
    /// The full length is announced, this many bytes are sent, the connection is closed.
    CutAfter(usize),
    /// The answer's headers come only after this wait.
    Delay(Duration),
    /// This many bytes, then a pause, then the rest.
    StallAfter(usize, Duration),
    /// Status 200 with a gateway's HTML error page.
    HtmlOk,
    /// Status 200 with this many bytes, `Content-Length` announced.
    Oversize(usize),
    /// Status 200 with this many bytes, chunked (no length announced).
    OversizeChunked(usize),
}

/// A request the stub answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Logged {
    /// `GET` or `POST`.
    pub method: &'static str,
    /// The path.
    pub path: String,
    /// The status sent.
    pub status: u16,
    /// When it arrived.
    pub at: Instant,
}

/// One bundle the stub serves.
#[derive(Debug, Clone)]
pub struct StubBundle {
    /// The dossier.
    pub dossier: String,
    /// The process.
    pub process: String,
    /// The "Download full result" zip.
    pub zip: Vec<u8>,
    /// The "Get process" JSON.
    pub process_json: Vec<u8>,
}

impl StubBundle {
    /// A bundle from a zip and its process JSON on disk (e.g. written by `eidscope-synth`),
    /// served under `dossier` as the process its JSON names (`processId`).
    pub fn from_files(
        dossier: &str,
        zip: &std::path::Path,
        process_json: &std::path::Path,
    ) -> std::io::Result<StubBundle> {
        let process_json = std::fs::read(process_json)?;
        let process = serde_json::from_slice::<serde_json::Value>(&process_json)
            .ok()
            .and_then(|v| v.get("processId")?.as_str().map(str::to_owned))
            .ok_or_else(|| std::io::Error::other("the process JSON names no processId"))?;
        Ok(StubBundle {
            dossier: dossier.to_owned(),
            process,
            zip: std::fs::read(zip)?,
            process_json,
        })
    }
}

struct Shared {
    client_id: String,
    client_secret: String,
    token_lifetime: u64,
    bundles: BTreeMap<(String, String), StubBundle>,
    faults: Mutex<HashMap<String, VecDeque<Fault>>>,
    tokens: Mutex<HashMap<String, Instant>>,
    log: Mutex<Vec<Logged>>,
    issued: AtomicU64,
}

/// A running stub; it stops when dropped.
pub struct Stub {
    shared: Arc<Shared>,
    base_url: String,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
}

impl Stub {
    /// Starts a stub serving `bundles` to the client with these credentials; tokens live
    /// `token_lifetime` seconds.
    pub fn start(
        client_id: &str,
        client_secret: &str,
        token_lifetime: u64,
        bundles: Vec<StubBundle>,
    ) -> std::io::Result<Stub> {
        let shared = Arc::new(Shared {
            client_id: client_id.to_owned(),
            client_secret: client_secret.to_owned(),
            token_lifetime,
            bundles: bundles
                .into_iter()
                .map(|b| ((b.dossier.clone(), b.process.clone()), b))
                .collect(),
            faults: Mutex::default(),
            tokens: Mutex::default(),
            log: Mutex::default(),
            issued: AtomicU64::new(0),
        });
        let app = Router::new()
            .route(TOKEN_PATH, post(token))
            .route("/assure/dossiers/{dossier}", get(dossier))
            .route(
                "/assure/dossiers/{dossier}/processes/{process}",
                get(process),
            )
            .route(
                "/assure/dossiers/{dossier}/processes/{process}/download",
                get(download),
            )
            .with_state(shared.clone());
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let (shutdown, stopped) = tokio::sync::oneshot::channel::<()>();
        std::thread::spawn(move || {
            runtime.block_on(async move {
                let Ok(listener) = tokio::net::TcpListener::from_std(listener) else {
                    return;
                };
                let server = axum::serve(listener, app);
                tokio::select! {
                    _ = server => {}
                    _ = stopped => {}
                }
            });
        });
        Ok(Stub {
            shared,
            base_url: format!("http://{addr}"),
            shutdown: Some(shutdown),
        })
    }

    /// The base URL (`http://127.0.0.1:PORT`).
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The token endpoint's URL.
    pub fn token_url(&self) -> String {
        format!("{}{TOKEN_PATH}", self.base_url)
    }

    /// Queues faults for a path, played one per request in this order.
    pub fn fault(&self, path: &str, faults: impl IntoIterator<Item = Fault>) {
        if let Ok(mut all) = self.shared.faults.lock() {
            all.entry(path.to_owned()).or_default().extend(faults);
        }
    }

    /// Every request answered so far.
    pub fn log(&self) -> Vec<Logged> {
        self.shared
            .log
            .lock()
            .map(|l| l.clone())
            .unwrap_or_default()
    }

    /// The requests to one path.
    pub fn requests_to(&self, path: &str) -> Vec<Logged> {
        self.log().into_iter().filter(|l| l.path == path).collect()
    }

    /// Tokens issued so far.
    pub fn tokens_issued(&self) -> u64 {
        self.shared.issued.load(Ordering::Relaxed)
    }
}

impl Drop for Stub {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
    }
}

/// The "Get process" path of a bundle.
pub fn process_path(dossier: &str, process: &str) -> String {
    format!("/assure/dossiers/{dossier}/processes/{process}")
}

/// The "Download full result" path of a bundle.
pub fn download_path(dossier: &str, process: &str) -> String {
    format!("{}/download", process_path(dossier, process))
}

impl Shared {
    fn bundle_part(
        &self,
        dossier: &str,
        process: &str,
        part: fn(&StubBundle) -> &Vec<u8>,
    ) -> Option<Vec<u8>> {
        self.bundles
            .get(&(dossier.to_owned(), process.to_owned()))
            .map(|b| part(b).clone())
    }

    fn next_fault(&self, path: &str) -> Option<Fault> {
        self.faults.lock().ok()?.get_mut(path)?.pop_front()
    }

    fn record(&self, method: &'static str, path: &str, response: Response) -> Response {
        if let Ok(mut log) = self.log.lock() {
            log.push(Logged {
                method,
                path: path.to_owned(),
                status: response.status().as_u16(),
                at: Instant::now(),
            });
        }
        response
    }

    fn authorized(&self, headers: &HeaderMap) -> bool {
        let Some(token) = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
        else {
            return false;
        };
        self.tokens
            .lock()
            .is_ok_and(|tokens| tokens.get(token).is_some_and(|end| Instant::now() < *end))
    }

    /// Plays the path's next fault, or serves `body` to an authorized caller.
    async fn answer(
        &self,
        path: &str,
        headers: &HeaderMap,
        content_type: &'static str,
        body: Option<Vec<u8>>,
    ) -> Response {
        let mut fault = self.next_fault(path);
        if let Some(Fault::Delay(wait)) = fault {
            tokio::time::sleep(wait).await;
            fault = None;
        }
        if fault == Some(Fault::RevokeTokens) {
            if let Ok(mut tokens) = self.tokens.lock() {
                tokens.clear();
            }
            fault = None;
        }
        let response = if !self.authorized(headers) {
            api_error(
                path,
                StatusCode::UNAUTHORIZED,
                "the access token is not valid",
            )
        } else {
            match (fault, body) {
                (Some(fault), body) => play(path, fault, content_type, body.unwrap_or_default()),
                (None, Some(body)) => ok(content_type, Body::from(body), None),
                (None, None) => api_error(path, StatusCode::NOT_FOUND, "no such resource"),
            }
        };
        self.record("GET", path, response)
    }
}

fn play(path: &str, fault: Fault, content_type: &'static str, body: Vec<u8>) -> Response {
    let body = Bytes::from(body);
    let len = body.len();
    match fault {
        Fault::Status(code) => {
            let status = StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            api_error(path, status, "a fault of the stub")
        }
        Fault::RateLimited(after) => {
            let mut response = api_error(path, StatusCode::TOO_MANY_REQUESTS, "slow down");
            if let Some(value) = after.and_then(|a| HeaderValue::from_str(&a).ok()) {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
            response
        }
        Fault::CutAfter(n) => {
            let first = body.slice(..n.min(len));
            let chunks: Vec<Result<Bytes, std::io::Error>> = vec![
                Ok(first),
                Err(std::io::Error::other("the stub cuts the connection")),
            ];
            let stream = futures_util::stream::iter(chunks);
            ok(content_type, Body::from_stream(stream), Some(len))
        }
        Fault::StallAfter(n, wait) => {
            let first = body.slice(..n.min(len));
            let rest = body.slice(n.min(len)..);
            let stream = futures_util::stream::once(async move { Ok::<_, std::io::Error>(first) })
                .chain(futures_util::stream::once(async move {
                    tokio::time::sleep(wait).await;
                    Ok(rest)
                }));
            ok(content_type, Body::from_stream(stream), Some(len))
        }
        Fault::HtmlOk => ok(
            "text/html",
            Body::from(
                "<!DOCTYPE html><html><body><h1>502 Bad Gateway</h1>maintenance</body></html>",
            ),
            None,
        ),
        // The real answer padded to n bytes: a zip by its first bytes, only too long.
        Fault::Oversize(n) => ok(content_type, Body::from(padded(&body, n)), None),
        Fault::OversizeChunked(n) => {
            let padded = Bytes::from(padded(&body, n));
            let chunks: Vec<Result<Bytes, std::io::Error>> = (0..n.div_ceil(4096))
                .map(|i| Ok(padded.slice(i * 4096..n.min((i + 1) * 4096))))
                .collect();
            ok(
                content_type,
                Body::from_stream(futures_util::stream::iter(chunks)),
                None,
            )
        }
        Fault::Delay(_) | Fault::RevokeTokens => ok(content_type, Body::from(body), None),
    }
}

fn padded(body: &[u8], n: usize) -> Vec<u8> {
    let mut bytes = body.to_vec();
    bytes.resize(n, 0);
    bytes
}

fn ok(content_type: &'static str, body: Body, length: Option<usize>) -> Response {
    let mut response = (StatusCode::OK, body).into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Some(length) = length {
        response
            .headers_mut()
            .insert(header::CONTENT_LENGTH, HeaderValue::from(length));
    }
    response
}

/// An error in the Assure shape.
fn api_error(path: &str, status: StatusCode, detail: &str) -> Response {
    let body = serde_json::json!({
        "instance": path,
        "method": "GET",
        "status": status.as_u16(),
        "title": status.canonical_reason().unwrap_or("error"),
        "detail": detail,
    });
    let mut response = (status, body.to_string()).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/problem+json"),
    );
    response
}

async fn token(
    State(shared): State<Arc<Shared>>,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let field = |name: &str| form.get(name).map(String::as_str).unwrap_or_default();
    if let Some(fault) = shared.next_fault(TOKEN_PATH) {
        let response = play(TOKEN_PATH, fault, "application/json", Vec::new());
        return shared.record("POST", TOKEN_PATH, response);
    }
    let good = field("grant_type") == "client_credentials"
        && field("scope")
            .split(' ')
            .any(|s| s == crate::settings::ASSURE_SCOPE)
        && field("client_id") == shared.client_id
        && field("client_secret") == shared.client_secret;
    let response = if good {
        let n = shared.issued.fetch_add(1, Ordering::Relaxed) + 1;
        let value = format!("stub-token-{n}-{:x}", rand::random::<u64>());
        let end = Instant::now() + Duration::from_secs(shared.token_lifetime);
        if let Ok(mut tokens) = shared.tokens.lock() {
            tokens.insert(value.clone(), end);
        }
        let body = serde_json::json!({
            "access_token": value,
            "token_type": "Bearer",
            "expires_in": shared.token_lifetime,
            "scope": crate::settings::ASSURE_SCOPE,
        });
        ok("application/json", Body::from(body.to_string()), None)
    } else {
        let body = serde_json::json!({"error": "invalid_client"});
        (StatusCode::BAD_REQUEST, body.to_string()).into_response()
    };
    shared.record("POST", TOKEN_PATH, response)
}

async fn dossier(
    State(shared): State<Arc<Shared>>,
    Path(dossier): Path<String>,
    headers: HeaderMap,
) -> Response {
    let processes: Vec<serde_json::Value> = shared
        .bundles
        .values()
        .filter(|b| b.dossier == dossier)
        .map(|b| serde_json::json!({"processId": b.process, "provider": "eid"}))
        .collect();
    let body = (!processes.is_empty()).then(|| {
        serde_json::json!({"dossierId": dossier, "processes": processes})
            .to_string()
            .into_bytes()
    });
    let path = format!("/assure/dossiers/{dossier}");
    shared
        .answer(&path, &headers, "application/json", body)
        .await
}

async fn process(
    State(shared): State<Arc<Shared>>,
    Path((dossier, process)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    let path = process_path(&dossier, &process);
    let body = shared.bundle_part(&dossier, &process, |b| &b.process_json);
    shared
        .answer(&path, &headers, "application/json", body)
        .await
}

async fn download(
    State(shared): State<Arc<Shared>>,
    Path((dossier, process)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    let path = download_path(&dossier, &process);
    let body = shared.bundle_part(&dossier, &process, |b| &b.zip);
    // The content type is deliberately generic: the client must sniff the zip.
    shared
        .answer(&path, &headers, "application/octet-stream", body)
        .await
}
