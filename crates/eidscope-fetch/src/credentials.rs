//! The API client's credentials and the access tokens: values that must never be printed.
//!
//! [`Secret`] holds such a value: its `Debug` says `[redacted]` and it has no `Display`, so it
//! cannot slip into a message by formatting. [`Credentials`] come from the environment
//! ([`CLIENT_ID_VAR`], [`CLIENT_SECRET_VAR`]) or from a file in the same `NAME=value` form (a
//! systemd `EnvironmentFile` or `docker --env-file` works as it is), never from the command
//! line, where every user of the machine could read them. [`Scrubber`] is the last line of
//! defence: every message this crate records or returns passes through it, so a server that
//! echoes a credential back does not put it into the manifest or the terminal.

use std::fmt;
use std::path::Path;
use std::sync::{Arc, Mutex};

/// The environment variable holding the client id.
pub const CLIENT_ID_VAR: &str = "EIDSCOPE_CLIENT_ID";
/// The environment variable holding the client secret.
pub const CLIENT_SECRET_VAR: &str = "EIDSCOPE_CLIENT_SECRET";

/// A value that must not appear in any output.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a value.
    pub fn new(value: impl Into<String>) -> Secret {
        Secret(value.into())
    }

    /// The value, for the one place that sends it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

/// An OAuth2 client of the Assure API.
#[derive(Clone, Debug)]
pub struct Credentials {
    /// The client id (also kept out of outputs: it names the customer account).
    pub client_id: Secret,
    /// The client secret.
    pub client_secret: Secret,
}

/// Why credentials could not be had.
#[derive(Debug, thiserror::Error)]
pub enum CredentialsError {
    /// Neither the variables nor a file give them.
    #[error(
        "no API client credentials: set {CLIENT_ID_VAR} and {CLIENT_SECRET_VAR}, or give --credentials-file FILE"
    )]
    Missing,
    /// The file cannot be read.
    #[error("{path}: cannot read the credentials file: {error}")]
    Unreadable {
        /// The file.
        path: String,
        /// The reason.
        error: std::io::Error,
    },
    /// The file lacks a value.
    #[error("{path}: no {name}=... line")]
    Incomplete {
        /// The file.
        path: String,
        /// The missing name.
        name: &'static str,
    },
}

impl Credentials {
    /// From the environment variables.
    pub fn from_env() -> Result<Credentials, CredentialsError> {
        let var = |name| {
            std::env::var(name)
                .ok()
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        match (var(CLIENT_ID_VAR), var(CLIENT_SECRET_VAR)) {
            (Some(id), Some(secret)) => Ok(Credentials {
                client_id: Secret::new(id),
                client_secret: Secret::new(secret),
            }),
            _ => Err(CredentialsError::Missing),
        }
    }

    /// From a file of `NAME=value` lines (`EIDSCOPE_CLIENT_ID=...`, `EIDSCOPE_CLIENT_SECRET=...`;
    /// `client_id` and `client_secret` are accepted too; `#` comments, `export ` prefixes and
    /// quotes around a value are ignored).
    pub fn from_file(path: &Path) -> Result<Credentials, CredentialsError> {
        const MAX_BYTES: u64 = 64 * 1024;
        let shown = path.display().to_string();
        let text = read_bounded(path, MAX_BYTES).map_err(|error| CredentialsError::Unreadable {
            path: shown.clone(),
            error,
        })?;
        let (mut id, mut secret) = (None, None);
        for line in text.lines() {
            let line = line.trim();
            let line = line.strip_prefix("export ").unwrap_or(line);
            let Some((name, value)) = line.split_once('=') else {
                continue;
            };
            let value = value.trim();
            let value = value
                .strip_prefix('"')
                .and_then(|v| v.strip_suffix('"'))
                .or_else(|| value.strip_prefix('\'').and_then(|v| v.strip_suffix('\'')))
                .unwrap_or(value);
            match name.trim() {
                CLIENT_ID_VAR | "client_id" => id = Some(value.to_owned()),
                CLIENT_SECRET_VAR | "client_secret" => secret = Some(value.to_owned()),
                _ => {}
            }
        }
        let incomplete = |name| CredentialsError::Incomplete {
            path: shown.clone(),
            name,
        };
        Ok(Credentials {
            client_id: Secret::new(
                id.filter(|v| !v.is_empty())
                    .ok_or(incomplete(CLIENT_ID_VAR))?,
            ),
            client_secret: Secret::new(
                secret
                    .filter(|v| !v.is_empty())
                    .ok_or(incomplete(CLIENT_SECRET_VAR))?,
            ),
        })
    }

    /// Whether a credentials file can be read by other users (a warning, as ssh gives).
    pub fn file_is_shared(path: &Path) -> bool {
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::metadata(path).is_ok_and(|m| m.permissions().mode() & 0o077 != 0)
        }
        #[cfg(not(unix))]
        {
            let _ = path;
            false
        }
    }
}

fn read_bounded(path: &Path, max: u64) -> std::io::Result<String> {
    use std::io::Read;
    let mut text = String::new();
    std::fs::File::open(path)?
        .take(max)
        .read_to_string(&mut text)?;
    Ok(text)
}

/// Removes every known secret from a message: the client id and secret and every access token
/// issued during the run. Shared by the token source (which adds tokens) and the run.
#[derive(Clone, Default)]
pub struct Scrubber {
    secrets: Arc<Mutex<Vec<String>>>,
}

impl fmt::Debug for Scrubber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Scrubber([redacted])")
    }
}

impl Scrubber {
    /// A scrubber for these credentials.
    pub fn new(credentials: &Credentials) -> Scrubber {
        let scrubber = Scrubber::default();
        scrubber.add(&credentials.client_secret);
        scrubber.add(&credentials.client_id);
        scrubber
    }

    /// Adds a value to remove.
    pub fn add(&self, secret: &Secret) {
        // Values shorter than this would blank ordinary words; no real secret is that short.
        const MIN_LEN: usize = 4;
        if secret.0.len() >= MIN_LEN
            && let Ok(mut secrets) = self.secrets.lock()
        {
            secrets.push(secret.0.clone());
            // Longest first, so a secret that contains another is removed whole.
            secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
        }
    }

    /// The message with every secret replaced by `[redacted]`.
    pub fn scrub(&self, message: &str) -> String {
        let mut out = message.to_owned();
        if let Ok(secrets) = self.secrets.lock() {
            for secret in secrets.iter() {
                if out.contains(secret.as_str()) {
                    out = out.replace(secret.as_str(), "[redacted]");
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_values() {
        let c = Credentials {
            client_id: Secret::new("id-1234"),
            client_secret: Secret::new("s3cr3t-value"),
        };
        let shown = format!("{c:?}");
        assert!(
            !shown.contains("id-1234") && !shown.contains("s3cr3t"),
            "{shown}"
        );
    }

    #[test]
    fn a_file_of_name_value_lines_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("creds.env");
        std::fs::write(
            &path,
            "# Assure client\nexport EIDSCOPE_CLIENT_ID=\"dev-abc\"\nEIDSCOPE_CLIENT_SECRET='x=y z'\nOTHER=1\n",
        )
        .unwrap();
        let c = Credentials::from_file(&path).unwrap();
        assert_eq!(c.client_id.expose(), "dev-abc");
        assert_eq!(c.client_secret.expose(), "x=y z");
        std::fs::write(&path, "client_id=dev-abc\n").unwrap();
        let e = Credentials::from_file(&path).unwrap_err().to_string();
        assert!(
            e.contains("EIDSCOPE_CLIENT_SECRET") && !e.contains("dev-abc"),
            "{e}"
        );
    }

    #[test]
    fn the_scrubber_removes_every_secret_it_knows() {
        let c = Credentials {
            client_id: Secret::new("client-42"),
            client_secret: Secret::new("hunter2hunter2"),
        };
        let s = Scrubber::new(&c);
        s.add(&Secret::new("tok-abcdef"));
        assert_eq!(
            s.scrub("bad client-42 / hunter2hunter2 / Bearer tok-abcdef"),
            "bad [redacted] / [redacted] / Bearer [redacted]"
        );
    }
}
