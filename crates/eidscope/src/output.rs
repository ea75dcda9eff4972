//! Standard output, in one place: text for people is written with every control character an
//! untrusted value could carry (terminal escape sequences in a name, a feature or an entry)
//! shown escaped, and a reader that goes away (`eidscope ... | head`) ends the program quietly
//! instead of a panic. Warnings on standard error take one form ([`warning!`]).
//!
//! The console settings (`--color`, `-q`) are resolved once ([`configure`]): severities are
//! coloured in [`Text`] spans, the only escape sequences eidscope writes itself (an untrusted
//! value is escaped before it is wrapped), and progress bars ([`progress`]) show on standard
//! error when it is a terminal and `-q` is not given.

use crate::cli::ColorWhen;
use eidscope_model::Severity;
use std::io::{IsTerminal, Write};
use std::sync::OnceLock;

/// How the console is used, resolved once from `--color`, `NO_COLOR` and `-q`.
#[derive(Debug, Clone, Copy, Default)]
struct Console {
    quiet: bool,
    colour: bool,
}

static CONSOLE: OnceLock<Console> = OnceLock::new();

/// Resolves the console settings: colour on a terminal unless `NO_COLOR` is set to anything
/// but the empty string (no-color.org), `always` and `never` whatever the variable says.
pub fn configure(color: ColorWhen, quiet: bool) {
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let colour = match color {
        ColorWhen::Always => true,
        ColorWhen::Never => false,
        ColorWhen::Auto => !no_color && std::io::stdout().is_terminal(),
    };
    let _ = CONSOLE.set(Console { quiet, colour });
}

fn console() -> Console {
    CONSOLE.get().copied().unwrap_or_default()
}

/// Whether `-q` was given.
pub fn quiet() -> bool {
    console().quiet
}

/// A progress bar of `len` steps on standard error, counting `what` (a count and a rate
/// when the number of steps is not known beforehand: a scan streams its inputs); `None`
/// under `-q` or when standard error is not a terminal (a log file gets no bar).
pub fn progress(len: Option<u64>, what: &str) -> Option<indicatif::ProgressBar> {
    if quiet() || !std::io::stderr().is_terminal() {
        return None;
    }
    let (bar, template) = match len {
        Some(len) => (
            indicatif::ProgressBar::new(len),
            format!("{{bar:40}} {{pos}}/{{len}} {what}  {{per_sec}}  eta {{eta}}"),
        ),
        None => (
            indicatif::ProgressBar::no_length(),
            format!("{{spinner}} {{pos}} {what}  {{per_sec}}  {{elapsed}}"),
        ),
    };
    if let Ok(style) = indicatif::ProgressStyle::with_template(&template) {
        bar.set_style(style);
    }
    Some(bar)
}

/// Text for people in spans, some of them a severity to colour.
#[derive(Debug, Default)]
pub struct Text {
    spans: Vec<(String, Option<Severity>)>,
}

impl Text {
    /// Empty text.
    pub fn new() -> Text {
        Text::default()
    }

    /// Appends plain text.
    pub fn push(&mut self, text: impl Into<String>) {
        self.spans.push((text.into(), None));
    }

    /// Appends `word` coloured as `severity` is.
    pub fn severity(&mut self, severity: Severity, word: impl Into<String>) {
        self.spans.push((word.into(), Some(severity)));
    }
}

impl std::fmt::Write for Text {
    fn write_str(&mut self, text: &str) -> std::fmt::Result {
        self.push(text);
        Ok(())
    }
}

/// The colour of a severity.
fn style(severity: Severity) -> anstyle::Style {
    use anstyle::AnsiColor;
    let colour = match severity {
        Severity::High => AnsiColor::Red,
        Severity::Medium => AnsiColor::Yellow,
        Severity::Low => AnsiColor::Cyan,
        Severity::Info => AnsiColor::Blue,
    };
    let style = anstyle::Style::new().fg_color(Some(colour.into()));
    if severity == Severity::High {
        style.bold()
    } else {
        style
    }
}

/// Writes [`Text`] to standard output: every span sanitized, the severities coloured when
/// colour is on.
pub fn styled(text: &Text) {
    let colour = console().colour;
    let mut out = String::new();
    for (span, severity) in &text.spans {
        let span = sanitize(span);
        match severity {
            Some(severity) if colour => {
                let style = style(*severity);
                out.push_str(&format!("{}{span}{}", style.render(), style.render_reset()));
            }
            _ => out.push_str(&span),
        }
    }
    write(out.as_bytes());
}

/// Escapes the control characters of `text`, keeping line breaks and tabs.
pub fn sanitize(text: &str) -> std::borrow::Cow<'_, str> {
    if !text
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t')
    {
        return std::borrow::Cow::Borrowed(text);
    }
    std::borrow::Cow::Owned(
        text.chars()
            .map(|c| {
                if c.is_control() && c != '\n' && c != '\t' {
                    c.escape_unicode().to_string()
                } else {
                    c.to_string()
                }
            })
            .collect(),
    )
}

/// Writes text for people (sanitized) to standard output.
pub fn text(text: &str) {
    write(sanitize(text).as_bytes());
}

/// Writes machine-readable output (JSON, already escaped by its serialiser) to standard output.
pub fn raw(text: &str) {
    write(text.as_bytes());
}

/// Writes JSON text to standard output with DEL and the C1 control characters escaped as
/// `\u007f`...: legal raw in JSON strings, but a terminal obeys some of them, and the text
/// output shows them escaped too. They occur in JSON text only inside strings, so the result is
/// the same JSON value.
pub fn json(text: &str) {
    write(escape_json_controls(text).as_bytes());
}

fn escape_json_controls(text: &str) -> std::borrow::Cow<'_, str> {
    let is_raw_control = |c: char| c == '\u{7f}' || ('\u{80}'..='\u{9f}').contains(&c);
    if !text.chars().any(is_raw_control) {
        return std::borrow::Cow::Borrowed(text);
    }
    std::borrow::Cow::Owned(
        text.chars()
            .map(|c| {
                if is_raw_control(c) {
                    format!("\\u{:04x}", u32::from(c))
                } else {
                    c.to_string()
                }
            })
            .collect(),
    )
}

fn write(bytes: &[u8]) {
    let mut out = std::io::stdout().lock();
    if let Err(e) = out.write_all(bytes).and_then(|()| out.flush()) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            // The reader has all it wanted; the rest of the output has no one to go to.
            std::process::exit(0);
        }
        eprintln!("eidscope: cannot write to standard output: {e}");
        std::process::exit(i32::from(
            eidscope_model::ExitStatus::UnreadableInput.code(),
        ));
    }
}

/// Like `println!`, through [`text`].
macro_rules! outln {
    ($($arg:tt)*) => {
        $crate::output::text(&format!("{}\n", format_args!($($arg)*)))
    };
}
pub(crate) use outln;

/// A warning on standard error, in one form for every command: `eidscope: warning: ...`.
macro_rules! warning {
    ($($arg:tt)*) => {
        eprintln!(
            "eidscope: warning: {}",
            $crate::output::sanitize(&format!($($arg)*))
        )
    };
}
pub(crate) use warning;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_are_shown_not_obeyed() {
        assert_eq!(
            sanitize("EVIL\u{1b}[2J\u{7}\nnext\tcol"),
            "EVIL\\u{1b}[2J\\u{7}\nnext\tcol"
        );
        assert!(matches!(sanitize("plain"), std::borrow::Cow::Borrowed(_)));
    }

    #[test]
    fn json_keeps_its_value_with_del_and_c1_escaped() {
        let value = serde_json::json!({"entry": "a\u{7f}b\u{9b}c"});
        let text = serde_json::to_string(&value).unwrap();
        let escaped = escape_json_controls(&text);
        assert_eq!(escaped, r#"{"entry":"a\u007fb\u009bc"}"#);
        let back: serde_json::Value = serde_json::from_str(&escaped).unwrap();
        assert_eq!(back, value);
    }
}
