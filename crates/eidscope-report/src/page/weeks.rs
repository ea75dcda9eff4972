//! The report's per-week section: the statuses of each ISO week (named by its Monday) as a
//! stacked chart, empty weeks drawn when the span is short, the latest [`MAX_WEEKS`] at most,
//! and the weeks as a table.

use super::percent;
use crate::data::ReportData;
use crate::svg::{self, Series};
use crate::{MAX_FILLED_WEEKS, MAX_WEEKS};
use chrono::NaiveDate;
use eidscope_model::Status;
use eidscope_tables::stats::{Block, PERIOD_KEY};
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// The statuses the weekly chart stacks, and their colours; the rest is `other`.
const STATUS_SERIES: [(Status, &str); 4] = [
    (Status::Accepted, "#2e7d32"),
    (Status::Rejected, "#c62828"),
    (Status::Inconclusive, "#f9a825"),
    (Status::Failed, "#616161"),
];

/// The per-week section: a stacked chart of the statuses per ISO week and the weeks as a table.
pub(super) fn weekly(out: &mut String, data: &ReportData) {
    out.push_str("<h2 id=\"weeks\">Per week</h2>");
    let (by_week, undated) = blocks_by_week(data);
    let Some(weeks) = weeks_drawn(&by_week) else {
        out.push_str("<p class=\"note\">No bundle has a creation time.</p>");
        return;
    };
    // A hostile or very long span: the latest weeks only, so the page stays small.
    let hidden = weeks.len().saturating_sub(MAX_WEEKS);
    let weeks = &weeks[hidden..];
    let (series, rows) = week_series_and_rows(weeks, &by_week);
    let periods: Vec<String> = weeks.iter().map(ToString::to_string).collect();
    out.push_str(&svg::stacked(
        "Bundles per ISO week (named by its Monday) and status",
        &periods,
        &series,
    ));
    if hidden > 0 {
        let _ = write!(
            out,
            "<p class=\"note\">{hidden} earlier week(s) are not shown (the latest {MAX_WEEKS} are).</p>"
        );
    }
    if undated > 0 {
        let _ = write!(
            out,
            "<p class=\"note\">{undated} bundle(s) without a creation time are not in this chart.</p>"
        );
    }
    out.push_str("<details><summary>The weeks as a table</summary><table><thead><tr><th>Week of</th><th>Bundles</th><th>Accepted</th><th>Rejected</th><th>Inconclusive</th><th>Failed</th><th>Other</th><th>Rejection rate</th></tr></thead><tbody>");
    out.push_str(&rows);
    out.push_str("</tbody></table></details>");
}

/// The statistics of each week (by its Monday), and how many bundles have no creation time.
fn blocks_by_week(data: &ReportData) -> (BTreeMap<NaiveDate, &Block>, u64) {
    let mut by_week: BTreeMap<NaiveDate, &Block> = BTreeMap::new();
    let mut undated = 0;
    for group in data.stats.groups.as_deref().unwrap_or(&[]) {
        let week = group
            .key
            .get(PERIOD_KEY)
            .and_then(|v| v.as_str())
            .and_then(|s| s.parse::<NaiveDate>().ok());
        match week {
            Some(week) => {
                by_week.insert(week, &group.stats);
            }
            None => undated += group.stats.total,
        }
    }
    (by_week, undated)
}

/// The weeks to draw: every week from the first to the last (empty ones too) when the span is
/// at most [`MAX_FILLED_WEEKS`], else the weeks with bundles; `None` without any week.
fn weeks_drawn(by_week: &BTreeMap<NaiveDate, &Block>) -> Option<Vec<NaiveDate>> {
    let first = *by_week.keys().next()?;
    let last = *by_week.keys().next_back()?;
    Some(if (last - first).num_weeks() <= MAX_FILLED_WEEKS {
        std::iter::successors(Some(first), |w| {
            w.checked_add_signed(chrono::Duration::weeks(1))
        })
        .take_while(|w| *w <= last)
        .collect()
    } else {
        by_week.keys().copied().collect()
    })
}

/// The stacked series of the chart (one per status, then `other`) and the rows of the table.
fn week_series_and_rows(
    weeks: &[NaiveDate],
    by_week: &BTreeMap<NaiveDate, &Block>,
) -> (Vec<Series>, String) {
    let mut series: Vec<Series> = STATUS_SERIES
        .iter()
        .map(|(status, colour)| Series {
            name: status.as_str().to_owned(),
            colour,
            values: Vec::with_capacity(weeks.len()),
        })
        .collect();
    series.push(Series {
        name: "other".to_owned(),
        colour: "#90a4ae",
        values: Vec::with_capacity(weeks.len()),
    });
    let mut rows = String::new();
    for week in weeks {
        let block = by_week.get(week);
        let get = |s: &Status| {
            block
                .and_then(|b| b.status.get(s.as_str()))
                .copied()
                .unwrap_or_default()
        };
        let total = block.map_or(0, |b| b.total);
        let named: u64 = STATUS_SERIES.iter().map(|(s, _)| get(s)).sum();
        for (k, (status, _)) in STATUS_SERIES.iter().enumerate() {
            series[k].values.push(get(status));
        }
        series[STATUS_SERIES.len()]
            .values
            .push(total.saturating_sub(named));
        if let Some(b) = block {
            let _ = write!(
                rows,
                "<tr><td>{week}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                b.total,
                get(&Status::Accepted),
                get(&Status::Rejected),
                get(&Status::Inconclusive),
                get(&Status::Failed),
                total.saturating_sub(named),
                b.status_rate
                    .get(Status::Rejected.as_str())
                    .map_or_else(|| percent(0.0), |r| percent(*r)),
            );
        }
    }
    (series, rows)
}
