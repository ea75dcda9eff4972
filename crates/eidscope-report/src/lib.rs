//! `eidscope report`: one self-contained HTML case-review page for analysts, rendered from
//! what the other crates compute over scan tables: the statistics of
//! [`eidscope_tables::stats::compute`] (overall, per ISO week, per country and document type),
//! the `bundles` and `findings` tables, the linked groups of
//! [`eidscope_analysis::links::find_links`] (and the face engine's `same-person` groups), and
//! the checks the scan could not run ([`eidscope_model::unchecked`]). Nothing is counted here.
//!
//! [`ReportData::compute`] reads the tables (through their row types) and asks the other
//! crates; the caller may add the pictures of the cases ([`Pictures`], drawn from the bundles
//! it re-opened); [`render_data`] writes the page: a triage table of the flagged bundles
//! (filtered and sorted by the page's one inline script), a section per case, the
//! linked groups, the breakdowns and the scan level. The page fetches nothing: the style and
//! script are embedded, charts are inline SVG ([`svg`]), pictures are `data:` URLs, and every
//! value from the tables is escaped ([`html::escape`]). It must never embed a picture over
//! redacted tables, and it says no time of its own making, so the same tables give the same
//! bytes.

#![cfg_attr(test, allow(clippy::unwrap_used))]

mod cases;
mod data;
pub mod html;
mod names;
mod page;
mod script;
mod style;
pub mod svg;

pub use data::{BREAKDOWNS, Case, FindingLine, Picture, Pictures, ReportData};
pub use page::render_data;

use eidscope_tables::{ScanTables, TablesError};

/// At most this many flagged bundles are listed (the worst); the page says how many were left out.
pub const MAX_CASES: usize = 500;
/// At most this many linked groups are listed.
pub const MAX_GROUPS: usize = 500;
/// At most this many paths are listed per linked group.
pub const MAX_GROUP_PATHS: usize = 50;
/// At most this many bars per chart (the largest values); the page says how many were left out.
pub const MAX_BARS: usize = 30;
/// Weeks without a bundle are drawn as empty columns when the time span is at most this many
/// weeks; over a longer span only the weeks with bundles are drawn.
pub(crate) const MAX_FILLED_WEEKS: i64 = 520;
/// At most this many weeks are drawn and tabled (the latest).
pub const MAX_WEEKS: usize = 520;

/// Whether the tables hold pseudonyms (`scan --redact`) or the values of the bundles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Redaction {
    /// Every source was redacted: names and numbers are pseudonyms.
    Redacted,
    /// No source was redacted: names and numbers are as the bundles hold them.
    NotRedacted,
    /// Some sources were redacted and some were not.
    Mixed,
}

impl Redaction {
    /// The redaction of tables made from these sources (`true` for a redacted one). No source
    /// at all is [`Redaction::NotRedacted`].
    pub fn of(sources: impl IntoIterator<Item = bool>) -> Redaction {
        let (mut yes, mut no) = (false, false);
        for redacted in sources {
            if redacted {
                yes = true;
            } else {
                no = true;
            }
        }
        match (yes, no) {
            (true, false) => Redaction::Redacted,
            (true, true) => Redaction::Mixed,
            _ => Redaction::NotRedacted,
        }
    }

    pub(crate) fn sentence(self) -> &'static str {
        match self {
            Redaction::Redacted => {
                "Redacted: names, document, personal and process numbers are keyed pseudonyms; birth dates are birth years."
            }
            Redaction::NotRedacted => {
                "Not redacted: this page shows names, document numbers and paths as the bundles hold them. Handle it as personal data."
            }
            Redaction::Mixed => {
                "Partly redacted: some inputs were scanned with --redact and some were not; this page may show personal data."
            }
        }
    }
}

/// What the page says about its making.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportOptions {
    /// Whether the tables are redacted.
    pub redaction: Redaction,
    /// The program and version named at the foot, e.g. `eidscope 0.1.0`.
    pub generator: String,
}

/// The page for these tables: [`ReportData::compute`] then [`render_data`].
pub fn render(tables: &ScanTables, options: &ReportOptions) -> Result<String, TablesError> {
    Ok(render_data(
        &ReportData::compute(tables, Vec::new())?,
        options,
    ))
}
