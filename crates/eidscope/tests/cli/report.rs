//! `report`: one self-contained HTML page over a scan folder or over bundles, with every
//! finding code of the statistics and every linked group; nothing external, one inline
//! script; the same page from the bundles as from their scan folder; a case per flagged bundle
//! with its pictures re-opened from the bundle (none when redacted, said when unreachable);
//! the scan level and the checks it left out. The browser test is `browser.rs`.

use crate::fixture::*;
use eidscope_model::ExitStatus;
use eidscope_model::finding::LinksReport;
use std::path::Path;

fn synth(dir: &Path) {
    eidscope(&[&"synth", &"--count", &"40", &"--seed", &"5", &"--out", &dir]).ok();
}

fn scan(bundles: &Path, out_dir: &Path, redact: bool) {
    let mut command = Eidscope::new(&[&"scan", &"-q", &"--out", &out_dir, &bundles]);
    if redact {
        command = command
            .arg("--redact")
            .env("EIDSCOPE_REDACT_KEY", "report test key");
    }
    command.run().ok();
}

fn report(input: &Path, html: &Path) -> String {
    let out = eidscope(&[&"report", &input, &"--out", &html]);
    assert_eq!(out.ok().stdout().trim(), html.display().to_string());
    std::fs::read_to_string(html).unwrap()
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

#[test]
fn report_shows_the_batch_self_contained_and_the_same_from_bundles_and_scan() {
    let work = tempfile::tempdir().unwrap();
    let bundles = work.path().join("bundles");
    let scanned = work.path().join("scan");
    synth(&bundles);
    scan(&bundles, &scanned, false);
    let page = report(&scanned, &work.path().join("scan.html"));

    // One HTML document.
    assert!(page.starts_with("<!DOCTYPE html>"), "{}", &page[..100]);
    assert_eq!(page.matches("<html").count(), 1);
    assert_eq!(page.matches("</html>").count(), 1);
    assert!(page.trim_end().ends_with("</html>"));
    assert!(page.contains("<svg"));
    // Nothing external: one inline script, pictures as data: URLs only.
    for forbidden in ["http://", "https://", "url(", "@import", "<script src"] {
        assert!(!page.contains(forbidden), "the page holds {forbidden}");
    }
    assert_eq!(page.matches("<script").count(), 1);
    assert_eq!(
        page.matches("src=").count(),
        page.matches("src=\"data:image/jpeg;base64,").count()
    );
    // No raw Markdown code spans in the text.
    assert!(!page.contains('`'), "a raw backtick");
    assert!(page.contains("Not redacted"));

    // The total, every finding code of the statistics, every linked group key.
    let stats: serde_json::Value = eidscope(&[&"stats", &scanned, &"--json"]).ok().json();
    let total = stats["total"].as_u64().unwrap();
    assert_eq!(total, 40);
    assert!(page.contains(&format!("<dd id=\"total\">{total}</dd>")));
    let codes = stats["findings"].as_object().unwrap();
    assert!(!codes.is_empty(), "synthetic bundles carry findings");
    for code in codes.keys() {
        assert!(
            page.contains(code.as_str()),
            "finding code {code} is missing"
        );
    }
    let links: LinksReport = eidscope(&[&"links", &scanned, &"--json"]).ok().json();
    let groups = &links.findings;
    assert!(!groups.is_empty(), "synthetic bundles carry linked groups");
    for group in groups {
        let key = escape(&group.key);
        assert!(page.contains(&key), "linked group key {key} is missing");
    }
    assert!(page.contains(&format!("{} linked group(s)", groups.len())));

    // The same page from the bundles themselves, byte for byte.
    let from_bundles = report(&bundles, &work.path().join("bundles.html"));
    assert!(
        from_bundles == page,
        "bundles and their scan folder give different pages"
    );
}

#[test]
fn report_says_when_the_tables_are_redacted() {
    let work = tempfile::tempdir().unwrap();
    let bundles = work.path().join("bundles");
    let scanned = work.path().join("scan");
    synth(&bundles);
    scan(&bundles, &scanned, true);
    let page = report(&scanned, &work.path().join("r.html"));
    assert!(page.contains("Redacted: names"), "no redaction line");
    assert!(!page.contains("Not redacted"));
    // The scan folder and the bundles together: partly redacted.
    let html = work.path().join("mixed.html");
    eidscope(&[&"report", &scanned, &bundles, &"--out", &html]).ok();
    assert!(
        std::fs::read_to_string(&html)
            .unwrap()
            .contains("Partly redacted")
    );
}

#[test]
fn report_usage_and_output_errors() {
    let work = tempfile::tempdir().unwrap();
    // No --out: usage.
    eidscope(&[&"report", &work.path()]).assert(ExitStatus::Usage);
    // --out a folder: usage, nothing written.
    eidscope(&[&"report", &work.path(), &"--out", &work.path()]).assert(ExitStatus::Usage);
    // --out in a folder that does not exist: exit 3, one line naming the file.
    let html = work.path().join("missing").join("r.html");
    let bundle = &zips_in(&synth_batch(40, 7))[0];
    let err = eidscope(&[&"report", bundle, &"--out", &html])
        .assert(ExitStatus::UnreadableInput)
        .stderr();
    assert!(err.contains("r.html"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(!html.exists());
    // An empty folder is an error (exit 3, issue 9), no page, no leftover temporary.
    let empty = work.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let html = work.path().join("empty.html");
    let err = eidscope(&[&"report", &empty, &"--out", &html])
        .assert(ExitStatus::UnreadableInput)
        .stderr();
    assert!(err.contains("no bundle found in"), "{err}");
    assert!(!html.exists());
    let names: Vec<String> = std::fs::read_dir(work.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(!names.iter().any(|n| n.ends_with(".partial")), "{names:?}");
}

/// The triage table lists every flagged bundle once, worst first, each with a section holding
/// its findings, its pictures and the bundles it is linked with.
#[test]
fn report_lists_every_flagged_bundle_with_its_case() {
    let work = tempfile::tempdir().unwrap();
    let bundles = work.path().join("bundles");
    let scanned = work.path().join("scan");
    synth(&bundles);
    scan(&bundles, &scanned, false);
    let page = report(&scanned, &work.path().join("r.html"));
    let links: LinksReport = eidscope(&[&"links", &scanned, &"--json"]).ok().json();
    // Every bundle of every group has a row and a section.
    let rows = page.matches("<tr data-code=").count();
    let sections = page.matches("<section class=\"case\"").count();
    assert_eq!(rows, sections);
    for group in &links.findings {
        for path in &group.paths {
            let cell = "<td class=\"path\"><a href=\"#case-";
            assert!(page.contains(cell));
            assert!(page.contains(&escape(path)), "{path} is missing");
        }
    }
    // Each group is listed once in the linked section, with an anchor the cases point at.
    for k in 1..=links.findings.len() {
        assert_eq!(page.matches(&format!("<tr id=\"group-{k}\">")).count(), 1);
        assert!(page.contains(&format!("href=\"#group-{k}\"")));
    }
    // Pictures: an overlay, its error level analysis and a contact sheet per drawn case.
    assert!(page.contains("Feature overlay of the front"));
    assert!(page.contains("Error level analysis of the front (recompressed at quality 90;"));
    assert_eq!(
        page.matches("Feature overlay of the front").count(),
        page.matches("Error level analysis of the front").count()
    );
    assert!(page.contains("Contact sheet"));
    // The level and what it left out: the default `media` scan probes no video.
    assert!(
        page.contains("Scanned at level <strong>media</strong>, without eidscope's face engine")
    );
    let frozen = page
        .split("<tr><td><code>video-frozen</code></td>")
        .nth(1)
        .and_then(|row| row.split("</tr>").next())
        .expect("video-frozen is listed as not run");
    assert!(
        frozen.ends_with(
            "<td>needs --level full (which probes and decodes the video); read at --level media</td>"
        ),
        "{frozen}"
    );
    // The face engine did not run: its checks are listed, same-person among them.
    assert!(page.contains("<tr><td><code>same-person</code></td>"));
    // Breakdowns.
    assert!(page.contains("<h3>Issuing country</h3>"));
    assert!(page.contains("<h3>Document type</h3>"));
}

/// Bundles moved away after the scan: each case says its bundle could not be re-opened. Redacted
/// tables: no picture at all, and the page says why.
#[test]
fn report_pictures_unreachable_and_redacted() {
    let work = tempfile::tempdir().unwrap();
    let bundles = work.path().join("bundles");
    let scanned = work.path().join("scan");
    synth(&bundles);
    scan(&bundles, &scanned, false);
    std::fs::rename(&bundles, work.path().join("moved")).unwrap();
    let page = report(&scanned, &work.path().join("moved.html"));
    assert!(!page.contains("<img"));
    assert_eq!(
        page.matches("Pictures not drawn: the bundle could not be re-opened from its path")
            .count(),
        page.matches("<section class=\"case\"").count().min(100)
    );
    std::fs::rename(work.path().join("moved"), &bundles).unwrap();

    let redacted = work.path().join("redacted");
    scan(&bundles, &redacted, true);
    let page = report(&redacted, &work.path().join("redacted.html"));
    assert!(!page.contains("<img"));
    assert!(page.contains("Pictures are not shown: the tables are redacted"));
    // --no-pictures: none either.
    let html = work.path().join("plain.html");
    eidscope(&[&"report", &scanned, &"--no-pictures", &"--out", &html]).ok();
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(!page.contains("<img"));
    assert!(page.contains("Pictures are not shown: the bundles were not re-opened"));
}
