//! The header band of an overlay: the similarity level, liveness and both statuses as
//! `label value` cells, flowed into as many lines as the width needs.

use super::canvas::{fit, text};
use super::{DIM, FOUND, Layout, MISSING, OverlayHeader, TEXT, UNKNOWN, spans};
use image::{Rgb, RgbImage};

/// The header cells: `(label, value, value colour)`, flowed into as many lines as they need.
fn header_cells(header: &OverlayHeader) -> [(&'static str, &str, Rgb<u8>); 4] {
    let similarity = header.similarity.as_deref().unwrap_or("-");
    let similarity_colour = match header.similarity.as_deref() {
        None => DIM,
        Some(level) if level.eq_ignore_ascii_case("high") => FOUND,
        Some(_) => MISSING,
    };
    let (liveness, liveness_colour) = match header.liveness {
        Some(true) => ("yes", FOUND),
        Some(false) => ("NO", MISSING),
        None => ("-", DIM),
    };
    let reported = header.reported_status.as_deref().unwrap_or("-");
    let derived = header.derived_status.as_str();
    [
        ("similarity: ", similarity, similarity_colour),
        ("liveness: ", liveness, liveness_colour),
        ("reported: ", reported, status_colour(reported)),
        ("derived: ", derived, status_colour(derived)),
    ]
}

/// Groups the cells into lines of at most `chars` characters (a cell never splits).
fn flow_cells(cells: &[(&str, &str, Rgb<u8>)], chars: usize) -> Vec<Vec<usize>> {
    let mut lines: Vec<Vec<usize>> = Vec::new();
    let mut used = 0;
    for (index, (label, value, _)) in cells.iter().enumerate() {
        let width = label.chars().count() + value.chars().count();
        match lines.last_mut() {
            Some(line) if used + 2 + width <= chars => {
                line.push(index);
                used += 2 + width;
            }
            _ => {
                lines.push(vec![index]);
                used = width;
            }
        }
    }
    lines
}

/// The band's height: the title line and the cells' lines, padded.
pub(super) fn header_band_height(layout: &Layout, header: &OverlayHeader) -> i64 {
    let cells = header_cells(header);
    let lines = flow_cells(&cells, layout.chars_per_line(layout.pad)).len() as i64;
    layout.pad * 2 + layout.line * (1 + lines)
}

/// Draws the band at the top of the canvas: the side's title, then the cells.
pub(super) fn draw_header(canvas: &mut RgbImage, layout: &Layout, header: &OverlayHeader) {
    let (pad, line) = (layout.pad, layout.line);
    let chars = layout.chars_per_line(pad);
    text(
        canvas,
        pad,
        pad,
        layout.scale,
        TEXT,
        &fit(&header.title, chars),
    );
    let cells = header_cells(header);
    for (row, members) in flow_cells(&cells, chars).iter().enumerate() {
        let mut pieces: Vec<(&str, Rgb<u8>)> = Vec::new();
        for (n, &index) in members.iter().enumerate() {
            let (label, value, colour) = cells[index];
            if n > 0 {
                pieces.push(("  ", TEXT));
            }
            pieces.push((label, TEXT));
            pieces.push((value, colour));
        }
        spans(canvas, layout, pad, pad + line * (1 + row as i64), &pieces);
    }
}

fn status_colour(status: &str) -> Rgb<u8> {
    match status {
        "accepted" => FOUND,
        "-" => DIM,
        "rejected" | "failed" => MISSING,
        _ => UNKNOWN,
    }
}
