//! The two charts of the page, as inline SVG text: horizontal bars (one labelled bar per
//! category, scaled to the largest value) and stacked columns over periods (statuses per
//! week). No script, no font file, no external reference: the SVG is part of the page.

use crate::html::{escape, shorten};
use std::fmt::Write as _;

/// Width of the label column of a bar chart, in pixels.
const LABEL_WIDTH: f64 = 230.0;
/// Width of the longest bar, in pixels.
pub const BAR_WIDTH: f64 = 400.0;
/// Width left for the value text after a bar.
const VALUE_WIDTH: f64 = 130.0;
/// Height of one bar row.
const ROW: f64 = 22.0;
/// Labels longer than this many characters are cut (the full text is in the bar's title).
const LABEL_CHARS: usize = 34;

/// One bar: a category, its value (what the length shows) and the text written after it.
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    /// The category (untrusted: escaped here).
    pub label: String,
    /// The value the bar length shows; negative and non-finite values draw no bar.
    pub value: f64,
    /// The text after the bar, e.g. `12 (30.0 %)`.
    pub text: String,
}

/// The length in pixels of a bar of `value` when the largest is `max`.
pub fn bar_length(value: f64, max: f64) -> f64 {
    if !value.is_finite() || !max.is_finite() || value <= 0.0 || max <= 0.0 {
        return 0.0;
    }
    (value / max).min(1.0) * BAR_WIDTH
}

/// A horizontal bar chart of `bars`, in the given order, in `colour` (a CSS colour literal).
pub fn bars(title: &str, bars: &[Bar], colour: &str) -> String {
    let max = bars
        .iter()
        .map(|b| b.value)
        .filter(|v| v.is_finite())
        .fold(0.0_f64, f64::max);
    let width = LABEL_WIDTH + BAR_WIDTH + VALUE_WIDTH;
    #[allow(clippy::cast_precision_loss)] // a few dozen rows
    let height = ROW * bars.len() as f64 + 4.0;
    let mut out = String::new();
    let _ = write!(
        out,
        r#"<svg class="chart" width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" aria-label="{}"><title>{}</title>"#,
        escape(title),
        escape(title)
    );
    for (i, bar) in bars.iter().enumerate() {
        #[allow(clippy::cast_precision_loss)]
        let y = ROW * i as f64 + 2.0;
        let length = bar_length(bar.value, max);
        let label = escape(&bar.label);
        let _ = write!(
            out,
            r#"<g><title>{label}: {text}</title><text x="{lx}" y="{ty}" text-anchor="end">{short}</text><rect x="{LABEL_WIDTH}" y="{ry}" width="{length:.1}" height="{rh}" fill="{colour}"/><text x="{vx:.1}" y="{ty}">{text}</text></g>"#,
            text = escape(&bar.text),
            lx = LABEL_WIDTH - 6.0,
            ty = y + 15.0,
            short = escape(&shorten(&bar.label, LABEL_CHARS)),
            ry = y + 3.0,
            rh = ROW - 6.0,
            vx = LABEL_WIDTH + length + 5.0,
        );
    }
    out.push_str("</svg>");
    out
}

/// One series of a stacked chart: its name, its colour and one value per period.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    /// The name shown in the legend.
    pub name: String,
    /// A CSS colour literal.
    pub colour: &'static str,
    /// One value per period, in the order of the periods.
    pub values: Vec<u64>,
}

/// Stacked columns, one per period (left to right), each split by series (bottom to top),
/// with a y axis from zero to the tallest column and a legend.
pub fn stacked(title: &str, periods: &[String], series: &[Series]) -> String {
    const PLOT_W: f64 = 720.0;
    const PLOT_H: f64 = 220.0;
    const LEFT: f64 = 50.0;
    const TOP: f64 = 28.0;
    const BOTTOM: f64 = 60.0;
    let totals: Vec<u64> = (0..periods.len())
        .map(|i| {
            series
                .iter()
                .map(|s| s.values.get(i).copied().unwrap_or(0))
                .sum()
        })
        .collect();
    let max = totals.iter().copied().max().unwrap_or(0).max(1);
    #[allow(clippy::cast_precision_loss)]
    let (n, maxf) = (periods.len().max(1) as f64, max as f64);
    let step = PLOT_W / n;
    let column = (step * 0.8).max(0.5);
    let width = LEFT + PLOT_W + 20.0;
    let height = TOP + PLOT_H + BOTTOM;
    let mut out = String::new();
    let _ = write!(
        out,
        r#"<svg class="chart" width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" aria-label="{t}"><title>{t}</title>"#,
        t = escape(title)
    );
    // Legend.
    for (k, s) in series.iter().enumerate() {
        #[allow(clippy::cast_precision_loss)]
        let x = LEFT + 120.0 * k as f64;
        let _ = write!(
            out,
            r#"<rect x="{x}" y="6" width="12" height="12" fill="{c}"/><text x="{tx}" y="16">{name}</text>"#,
            c = s.colour,
            tx = x + 16.0,
            name = escape(&s.name)
        );
    }
    // Axis with ticks at 0, half and max.
    let base = TOP + PLOT_H;
    let _ = write!(
        out,
        r##"<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{base}" stroke="#888"/><line x1="{LEFT}" y1="{base}" x2="{r}" y2="{base}" stroke="#888"/>"##,
        r = LEFT + PLOT_W
    );
    for value in [0, max / 2, max]
        .into_iter()
        .collect::<std::collections::BTreeSet<_>>()
    {
        #[allow(clippy::cast_precision_loss)]
        let y = base - value as f64 / maxf * PLOT_H;
        let _ = write!(
            out,
            r#"<text x="{x}" y="{ty:.1}" text-anchor="end">{value}</text>"#,
            x = LEFT - 4.0,
            ty = y + 4.0
        );
    }
    // At most about 12 period labels, evenly spaced.
    let label_every = periods.len().div_ceil(12).max(1);
    for (i, period) in periods.iter().enumerate() {
        #[allow(clippy::cast_precision_loss)]
        let x = LEFT + step * i as f64 + (step - column) / 2.0;
        let mut y = base;
        let mut parts = Vec::new();
        for s in series {
            let v = s.values.get(i).copied().unwrap_or(0);
            if v == 0 {
                continue;
            }
            #[allow(clippy::cast_precision_loss)]
            let h = v as f64 / maxf * PLOT_H;
            y -= h;
            let _ = write!(
                out,
                r#"<rect x="{x:.2}" y="{y:.2}" width="{column:.2}" height="{h:.2}" fill="{c}"/>"#,
                c = s.colour
            );
            parts.push(format!("{} {v}", s.name));
        }
        let label = escape(period);
        let _ = write!(
            out,
            r#"<rect x="{x:.2}" y="{TOP}" width="{column:.2}" height="{PLOT_H}" fill="transparent"><title>{label}: {}</title></rect>"#,
            if parts.is_empty() {
                "none".to_owned()
            } else {
                escape(&parts.join(", "))
            }
        );
        if i % label_every == 0 {
            let lx = x + column / 2.0;
            let ly = base + 12.0;
            let _ = write!(
                out,
                r#"<text x="{lx:.2}" y="{ly}" text-anchor="end" transform="rotate(-45 {lx:.2} {ly})">{label}</text>"#
            );
        }
    }
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_scale_to_the_largest_value() {
        assert!((bar_length(50.0, 100.0) - BAR_WIDTH / 2.0).abs() < 1e-9);
        assert!((bar_length(100.0, 100.0) - BAR_WIDTH).abs() < 1e-9);
        assert_eq!(bar_length(0.0, 100.0), 0.0);
        assert_eq!(bar_length(5.0, 0.0), 0.0);
        assert_eq!(bar_length(f64::NAN, 10.0), 0.0);
        assert_eq!(bar_length(-3.0, 10.0), 0.0);
        let svg = bars(
            "t",
            &[
                Bar {
                    label: "a".into(),
                    value: 10.0,
                    text: "10".into(),
                },
                Bar {
                    label: "b".into(),
                    value: 5.0,
                    text: "5".into(),
                },
            ],
            "#123456",
        );
        assert!(svg.starts_with("<svg"));
        assert!(svg.ends_with("</svg>"));
        assert!(svg.contains(r#"width="400.0""#), "{svg}");
        assert!(svg.contains(r#"width="200.0""#), "{svg}");
    }

    #[test]
    fn bar_labels_are_escaped_and_cut() {
        let svg = bars(
            "<b>",
            &[Bar {
                label: "\"><img src=x onerror=alert(1)> and a very long tail of text".into(),
                value: 1.0,
                text: "</script>".into(),
            }],
            "#000",
        );
        assert!(!svg.contains("<img"));
        assert!(!svg.contains("</script>"));
        assert!(!svg.contains("<b>"));
        assert!(svg.contains("&lt;/script&gt;"));
    }

    #[test]
    fn stacked_columns_stack_to_the_total() {
        let periods = vec!["2024-03-04".to_owned(), "2024-03-11".to_owned()];
        let series = vec![
            Series {
                name: "accepted".into(),
                colour: "#0a0",
                values: vec![3, 1],
            },
            Series {
                name: "rejected".into(),
                colour: "#a00",
                values: vec![1, 0],
            },
        ];
        let svg = stacked("weekly", &periods, &series);
        // The tallest column (4) fills the plot: 3/4 and 1/4 of 220 px.
        assert!(svg.contains(r#"height="165.00""#), "{svg}");
        assert!(svg.contains(r#"height="55.00""#), "{svg}");
        assert!(svg.contains("2024-03-11"));
        assert!(svg.contains("accepted 3, rejected 1"));
        // Empty: an axis and nothing else, no division by zero.
        let empty = stacked("none", &[], &series);
        assert!(empty.contains("</svg>") && !empty.contains("NaN"));
    }
}
