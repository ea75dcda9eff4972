//! Where an answer's body goes as it arrives, and the refusals a body can earn: a [`Sink`]
//! takes the bytes of one attempt and may refuse them (an HTML page where JSON or a zip was
//! asked, a disk that is full), saying whether another attempt is worth it. Bodies are
//! described by what they look like, never echoed: they may hold anything.

/// Why a body was refused by its sink.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// Worth another attempt (a proxy's error page, a truncated zip).
    Retry(String),
    /// Not worth another attempt (the disk is full).
    Fail(String),
}

/// Where a body goes as it arrives.
pub trait Sink {
    /// Starts again from nothing (a new attempt).
    fn restart(&mut self) -> Result<(), Refusal>;
    /// Takes the next bytes; a refusal stops the transfer.
    fn accept(&mut self, bytes: &[u8]) -> Result<(), Refusal>;
    /// The body is whole: a last check.
    fn finish(&mut self) -> Result<(), Refusal>;
}

/// A body kept in memory (JSON answers, under their size limit).
#[derive(Debug, Default)]
pub struct MemorySink {
    /// The bytes.
    pub bytes: Vec<u8>,
}

impl Sink for MemorySink {
    fn restart(&mut self) -> Result<(), Refusal> {
        self.bytes.clear();
        Ok(())
    }
    fn accept(&mut self, bytes: &[u8]) -> Result<(), Refusal> {
        self.bytes.extend_from_slice(bytes);
        Ok(())
    }
    fn finish(&mut self) -> Result<(), Refusal> {
        json_or_retry(&self.bytes)
    }
}

/// Refuses a body that is not JSON (a gateway's HTML page with status 200) for another try.
pub fn json_or_retry(bytes: &[u8]) -> Result<(), Refusal> {
    match serde_json::from_slice::<serde::de::IgnoredAny>(bytes) {
        Ok(_) => Ok(()),
        Err(_) => Err(Refusal::Retry(format!(
            "the answer is {}, not JSON",
            describe_body(bytes)
        ))),
    }
}

/// What a body that is not what was asked for looks like, without echoing it.
pub fn describe_body(bytes: &[u8]) -> String {
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(512)]).to_ascii_lowercase();
    let head = head.trim_start();
    if head.starts_with("<!doctype html") || head.starts_with("<html") || head.contains("<body") {
        format!("an HTML page ({} bytes)", bytes.len())
    } else if bytes.is_empty() {
        "empty".to_owned()
    } else {
        format!("{} bytes of something else", bytes.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_are_described_not_echoed() {
        assert_eq!(
            describe_body(b"  <!DOCTYPE html><html><body>Bad gateway</body>"),
            "an HTML page (47 bytes)"
        );
        assert_eq!(describe_body(b""), "empty");
        assert_eq!(describe_body(b"secret stuff"), "12 bytes of something else");
        assert!(json_or_retry(b"{\"a\":1}").is_ok());
        assert!(matches!(json_or_retry(b"<html>"), Err(Refusal::Retry(_))));
    }
}
