//! Terminal renderings for people: the `inspect` summary and the `video` probe. Plain text,
//! aligned labels, most important first; machine readers use `--json`.

use crate::output::Text;
use eidscope_model::{
    BundleReport, Feature, MediaInfo, Note, Severity, UncheckedCode, VideoInfo, Vocabulary,
};
use std::fmt::Write;

const LABEL: usize = 10;

fn line(out: &mut String, label: &str, value: impl AsRef<str>) {
    let _ = writeln!(out, "{label:<LABEL$} {}", value.as_ref());
}

fn or_dash(v: Option<impl ToString>) -> String {
    v.map(|v| v.to_string()).unwrap_or_else(|| "-".to_owned())
}

/// One line per check that could not run (`links`, `findings`): its code, on how many
/// bundles, and why.
pub fn not_checked(out: &mut impl Write, unchecked: &[UncheckedCode]) {
    for u in unchecked {
        let _ = writeln!(out, "{u}");
    }
}

/// The `inspect` summary: a heading, then the process and statuses, the person and
/// document, what the provider checked and found, what the zip holds, and the findings (their
/// severities coloured).
pub fn summary(r: &BundleReport) -> Text {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}  ({} bytes, sha256 {}, shape {})",
        r.path,
        r.size_bytes,
        &r.sha256[..r.sha256.len().min(16)],
        r.shape.map(|s| s.as_str()).unwrap_or("none")
    );
    decision(&mut out, r);
    person(&mut out, r);
    evidence(&mut out, r);
    contents(&mut out, r);
    faces(&mut out, r);
    let mut text = Text::new();
    text.push(out);
    findings(&mut text, r);
    text
}

/// `faces` (with `--faces`): per picture the engine looked at, the faces found and the chosen
/// face's box, eye distance and distance to the selfie.
fn faces(out: &mut String, r: &BundleReport) {
    let Some(evidence) = &r.faces else {
        return;
    };
    for p in &evidence.pictures {
        let name = match p.frame {
            Some(frame) => format!("{} {}", p.picture, frame + 1),
            None => p.picture.to_string(),
        };
        let mut text = match &p.error {
            Some(error) => format!("{name}: not looked at ({error})"),
            None => format!(
                "{name}: {} face{}",
                p.faces,
                if p.faces == 1 { "" } else { "s" }
            ),
        };
        if let Some(b) = p.face_box {
            let _ = write!(text, " [{},{} {}x{}]", b.left, b.top, b.width, b.height);
        }
        if let Some(eyes) = p.eye_distance {
            let _ = write!(text, " · eyes {eyes:.0} px");
        }
        if let Some(distance) = p.distance_to_selfie {
            let _ = write!(text, " · distance to selfie {distance:.3}");
        }
        line(out, "faces", text);
    }
}

/// `process`, `status`, `reasons`, `failed`.
fn decision(out: &mut String, r: &BundleReport) {
    match &r.process {
        Some(p) => line(
            out,
            "process",
            format!(
                "{} · {} · {} · created {} (from {})",
                or_dash(p.process_id.as_deref()),
                or_dash(p.provider.as_deref()),
                or_dash(p.process_type.as_deref()),
                or_dash(p.created_at.map(|t| t.to_rfc3339())),
                p.source
            ),
        ),
        None => match r
            .notes
            .iter()
            .find(|n| matches!(n, Note::ProcessIgnored { .. }))
        {
            Some(note) => line(out, "process", note.to_string()),
            None => line(out, "process", "none beside the bundle"),
        },
    }
    let mismatch = r
        .reported_status
        .as_ref()
        .is_some_and(|s| *s != r.derived_status);
    line(
        out,
        "status",
        format!(
            "reported {} · derived {}{}",
            or_dash(r.reported_status.as_ref()),
            r.derived_status,
            if mismatch { "  << MISMATCH" } else { "" }
        ),
    );
    let reasons: Vec<String> = r.reasons.iter().map(ToString::to_string).collect();
    line(
        out,
        "reasons",
        if reasons.is_empty() {
            "-".to_owned()
        } else {
            reasons.join(", ")
        },
    );
    if let Some(p) = r.process.as_ref().and_then(|p| p.fail_reason.as_ref()) {
        line(
            out,
            "failed",
            format!(
                "{} {}",
                or_dash(p.kind.as_deref()),
                p.message.as_deref().unwrap_or("")
            ),
        );
    }
}

/// `identity`, `document`, `face`.
fn person(out: &mut String, r: &BundleReport) {
    let id = &r.identity;
    let name = [id.first_name.as_deref(), id.last_name.as_deref()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    line(
        out,
        "identity",
        format!(
            "{} · born {} · {} · {}",
            if name.is_empty() { "-" } else { &name },
            or_dash(id.date_of_birth),
            or_dash(id.gender.as_deref()),
            or_dash(id.nationality.as_deref())
        ),
    );
    line(
        out,
        "document",
        format!(
            "{} {} {} · expires {}{}",
            document_type(id),
            or_dash(id.issuing_country.as_deref()),
            or_dash(id.document_number.as_deref()),
            or_dash(id.date_of_expiry),
            match (&r.capture_date, &r.capture_date_source) {
                (Some(d), Some(s)) => format!(" · captured {d} ({s})"),
                _ => String::new(),
            }
        ),
    );
    line(
        out,
        "face",
        format!(
            "similarity {} · liveness {}",
            or_dash(r.similarity_score.as_deref()),
            match r.liveness_detected {
                Some(true) => "detected",
                Some(false) => "NOT detected",
                None => "-",
            }
        ),
    );
}

/// The document type in the one vocabulary, with the provider's word when it differs
/// (`passport (TD3)`).
fn document_type(id: &eidscope_model::Identity) -> String {
    match (id.document_type, id.document_type_raw.as_deref()) {
        (Some(kind), Some(raw)) if raw != kind.as_str() => format!("{kind} ({raw})"),
        (Some(kind), _) => kind.to_string(),
        (None, _) => "-".to_owned(),
    }
}

/// `checks`, `features`, `agent`.
fn evidence(out: &mut String, r: &BundleReport) {
    if !r.security_checks.is_empty() {
        let checks: Vec<String> = r
            .security_checks
            .iter()
            .map(|(k, v)| format!("{}{k}", if *v { "✓ " } else { "✗ " }))
            .collect();
        line(out, "checks", checks.join("  "));
    }
    if !r.features.is_empty() {
        let features: Vec<String> = r.features.iter().map(feature_word).collect();
        line(out, "features", features.join("  "));
    }
    if let Some(m) = &r.manual_approval {
        line(
            out,
            "agent",
            format!(
                "{} by {} at {}{}",
                m.decision.map_or("no decision found", |d| d.as_str()),
                or_dash(m.agent.as_deref()),
                or_dash(m.decided_at.as_deref()),
                if m.reasons.is_empty() {
                    String::new()
                } else {
                    format!(" · {}", m.reasons.join("; "))
                }
            ),
        );
    }
}

/// One feature: found or not, its name, side and box.
fn feature_word(f: &Feature) -> String {
    let mark = match f.found {
        Some(true) => "✓ ",
        Some(false) => "✗ ",
        None => "? ",
    };
    match &f.bbox {
        Some(b) => format!(
            "{mark}{} [{} {},{} {}x{}]",
            f.name,
            or_dash(f.side.as_deref()),
            b.x,
            b.y,
            b.width,
            b.height
        ),
        None => format!("{mark}{} [{}]", f.name, or_dash(f.side.as_deref())),
    }
}

/// `entries`, one line per media entry, and the notes.
fn contents(out: &mut String, r: &BundleReport) {
    let entries: Vec<String> = r
        .entries
        .iter()
        .map(|e| format!("{} ({} B)", e.name.escape_debug(), e.size))
        .collect();
    line(
        out,
        "entries",
        if entries.is_empty() {
            "none".to_owned()
        } else {
            entries.join(", ")
        },
    );
    for (kind, info) in &r.media {
        line(out, kind.as_str(), media_line(info));
    }
    for note in &r.notes {
        line(out, "note", note.to_string());
    }
}

/// `findings`: counts by severity, then one line each.
fn findings(out: &mut Text, r: &BundleReport) {
    if r.findings.is_empty() {
        let _ = writeln!(out, "{:<LABEL$} none", "findings");
        return;
    }
    let counts: Vec<String> = Severity::ALL
        .iter()
        .filter_map(|s| {
            let n = r.findings.iter().filter(|f| f.severity == *s).count();
            (n > 0).then(|| format!("{n} {s}"))
        })
        .collect();
    let _ = writeln!(out, "{:<LABEL$} {}", "findings", counts.join(", "));
    for f in &r.findings {
        out.push("  ");
        out.severity(
            f.severity,
            format!("{:<6}", f.severity.as_str().to_uppercase()),
        );
        let _ = writeln!(out, " {:<22} {}", f.code.as_str(), f.message);
    }
}

fn media_line(info: &MediaInfo) -> String {
    match info {
        MediaInfo::Image(i) => {
            let mut parts = vec![format!(
                "{} {}x{} {} B",
                i.format,
                or_dash(i.width),
                or_dash(i.height),
                i.size_bytes
            )];
            if let Some(q) = &i.quality {
                parts.push(match q.quality {
                    Some(v) => format!("quality ~{v}"),
                    None => "non-standard tables".to_owned(),
                });
            }
            if let Some(e) = &i.exif {
                let cam = [e.make.as_deref(), e.model.as_deref(), e.software.as_deref()]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(" ");
                if !cam.is_empty() {
                    parts.push(format!("exif {cam}"));
                }
            }
            if let Some(false) = i.decoded {
                parts.push(format!(
                    "DOES NOT DECODE: {}",
                    or_dash(i.decode_error.as_deref())
                ));
            }
            if !i.editor_marks.is_empty() {
                parts.push(format!("EDITED: {}", i.editor_marks.join("; ")));
            }
            if let Some(d) = &i.dhash {
                parts.push(format!("dhash {d}"));
            }
            parts.join(" · ")
        }
        MediaInfo::Video(v) => video_short(v),
    }
}

fn video_short(v: &VideoInfo) -> String {
    if let Some(e) = &v.error {
        return format!("{} B · DOES NOT DECODE: {e}", v.size_bytes);
    }
    if !v.probed {
        return format!("{} B (not probed at this level)", v.size_bytes);
    }
    let stream = v.streams.iter().find(|s| s.kind == "video");
    format!(
        "{} · {} s · {} · {}x{} · {} frames decoded · motion {}",
        or_dash(v.container.as_deref()),
        or_dash(v.duration_seconds.map(|d| format!("{d:.2}"))),
        or_dash(stream.and_then(|s| s.codec.as_deref())),
        or_dash(stream.and_then(|s| s.width)),
        or_dash(stream.and_then(|s| s.height)),
        or_dash(v.frames_decoded),
        or_dash(v.motion.map(|m| format!("{m:.2}")))
    )
}

/// The `video` command's text output.
pub fn video(v: &VideoInfo) -> String {
    let mut out = String::new();
    line(
        &mut out,
        "entry",
        format!(
            "{} ({} B, sha256 {})",
            v.entry,
            v.size_bytes,
            &v.sha256[..v.sha256.len().min(16)]
        ),
    );
    if let Some(e) = &v.error {
        line(&mut out, "error", e);
    }
    line(&mut out, "container", or_dash(v.container.as_deref()));
    line(
        &mut out,
        "duration",
        or_dash(v.duration_seconds.map(|d| format!("{d:.3} s"))),
    );
    line(
        &mut out,
        "bit rate",
        or_dash(v.bit_rate.map(|b| format!("{b} b/s"))),
    );
    line(&mut out, "created", or_dash(v.creation_time.as_deref()));
    for (k, val) in &v.tags {
        line(&mut out, "tag", format!("{k} = {val}"));
    }
    for s in &v.streams {
        line(
            &mut out,
            &format!("stream {}", s.index),
            format!(
                "{} {} {} {}x{} {} · {} fps avg, {} real · time base {} · rotation {} · {} frames in header",
                s.kind,
                or_dash(s.codec.as_deref()),
                or_dash(s.profile.as_deref()),
                or_dash(s.width),
                or_dash(s.height),
                or_dash(s.pixel_format.as_deref()),
                or_dash(s.avg_frame_rate.map(|f| format!("{f:.2}"))),
                or_dash(s.real_frame_rate.map(|f| format!("{f:.2}"))),
                or_dash(s.time_base.as_deref()),
                or_dash(s.rotation),
                or_dash(s.frames_header)
            ),
        );
    }
    line(
        &mut out,
        "decoded",
        format!(
            "{} frames, {} errors",
            or_dash(v.frames_decoded),
            v.decode_errors
        ),
    );
    line(
        &mut out,
        "motion",
        or_dash(
            v.motion
                .map(|m| format!("{m:.3} (mean frame-to-frame luma change)")),
        ),
    );
    line(&mut out, "verdict", video_verdict(v));
    out
}

/// The video's verdict in one line, with the evidence against its threshold: `frozen: motion
/// 0.03 < 0.2`, `too short: 1.20 s < 2.0 s`, or `moving: motion 4.10 >= 0.2, 6.00 s >= 2.0 s`.
pub fn video_verdict(v: &VideoInfo) -> String {
    use eidscope_model::media::{
        FROZEN_MOTION_THRESHOLD as STILL, MIN_CAPTURE_SECONDS as SHORT, is_frozen, is_too_short,
    };
    if let Some(e) = &v.error {
        return format!("unreadable: {e}");
    }
    if !v.probed {
        return "not judged: the video was not probed".to_owned();
    }
    let mut faults = Vec::new();
    if is_frozen(v) {
        faults.push(format!(
            "frozen: motion {:.2} < {STILL}",
            v.motion.unwrap_or_default()
        ));
    }
    if is_too_short(v, SHORT) {
        let seconds = v.best_duration().unwrap_or_default();
        faults.push(format!("too short: {seconds:.2} s < {SHORT:.1} s"));
    }
    if !faults.is_empty() {
        return faults.join("; ");
    }
    let motion = match v.motion {
        Some(m) => format!("motion {m:.2} >= {STILL}"),
        None => "motion not measured (fewer than two frames)".to_owned(),
    };
    let length = match v.best_duration() {
        Some(seconds) => format!("{seconds:.2} s >= {SHORT:.1} s"),
        None => "length unknown".to_owned(),
    };
    format!("not frozen, not too short: {motion}, {length}")
}
