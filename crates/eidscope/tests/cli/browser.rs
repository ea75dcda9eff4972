//! The report in a real browser: headless Chromium loads the page of a synthetic batch, runs
//! its script to the end without a single console message, filters the triage table (and the
//! case sections) from the address's fragment, and draws the page. `EIDSCOPE_UPDATE_SCREENSHOT=1`
//! writes the screenshots of the README tour (docs/report-triage.png, docs/report-case.png).
//! Without Chromium (`make deps` installs Debian's `chromium`) the test says so and passes.

use crate::fixture::*;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The Chromium binary: `EIDSCOPE_CHROMIUM`, else the first of the usual names on `PATH`.
fn chromium() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("EIDSCOPE_CHROMIUM") {
        return Some(PathBuf::from(path));
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).find_map(|dir| {
        ["chromium", "chromium-browser", "google-chrome"]
            .iter()
            .map(|name| dir.join(name))
            .find(|candidate| candidate.is_file())
    })
}

/// What one headless run printed: the standard output and the console messages.
struct Page {
    dom: String,
    console: Vec<String>,
}

/// Loads `url` in a fresh headless profile with `args` (`--dump-dom`, `--screenshot=...`).
fn headless(browser: &Path, url: &str, args: &[&str]) -> Page {
    let profile = tempfile::tempdir().unwrap();
    let out = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            "--no-first-run",
            "--disable-extensions",
            "--enable-logging=stderr",
            "--v=0",
            "--virtual-time-budget=5000",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(args)
        .arg(url)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "chromium failed: {stderr}");
    Page {
        dom: String::from_utf8_lossy(&out.stdout).into_owned(),
        console: stderr
            .lines()
            .filter(|l| l.contains(":CONSOLE") || l.contains("Uncaught"))
            .map(str::to_owned)
            .collect(),
    }
}

/// One row of the triage table as the browser left it.
#[derive(Debug)]
struct Row {
    codes: Vec<String>,
    severity: u8,
    status: String,
    country: String,
    findings: usize,
    hidden: bool,
}

fn attribute(tag: &str, name: &str) -> String {
    let start = tag.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
    tag[start..].split('"').next().unwrap().to_owned()
}

fn rows(dom: &str) -> Vec<Row> {
    dom.split("<tr data-code=")
        .skip(1)
        .map(|piece| {
            let tag = format!("data-code={}", piece.split('>').next().unwrap());
            Row {
                codes: attribute(&tag, "data-code")
                    .split_whitespace()
                    .map(str::to_owned)
                    .collect(),
                severity: attribute(&tag, "data-severity").parse().unwrap(),
                status: attribute(&tag, "data-status"),
                country: attribute(&tag, "data-country"),
                // The last numeric cell: the count of findings.
                findings: {
                    let row = piece.split("</tr>").next().unwrap();
                    let cell = &row[row.rfind("<td data-value=\"").unwrap()..];
                    attribute(cell, "data-value").parse().unwrap()
                },
                hidden: tag.contains(" hidden"),
            }
        })
        .collect()
}

/// The opening tag of the triage table's heading of a column.
fn heading<'a>(dom: &'a str, key: &str) -> &'a str {
    let at = dom.find(&format!("data-key=\"{key}\"")).unwrap();
    let start = dom[..at].rfind("<th").unwrap();
    dom[start..].split('>').next().unwrap()
}

fn shown(dom: &str) -> String {
    let start = dom.find("<output id=\"shown\">").unwrap() + "<output id=\"shown\">".len();
    dom[start..].split('<').next().unwrap().to_owned()
}

fn url(html: &Path, fragment: &str) -> String {
    format!(
        "file://{}{fragment}",
        html.canonicalize().unwrap().display()
    )
}

#[test]
fn report_renders_in_chromium_and_its_filters_work() {
    let Some(browser) = chromium() else {
        eprintln!(
            "SKIPPED report_renders_in_chromium_and_its_filters_work: no chromium on PATH (make deps installs it)"
        );
        return;
    };
    let work = tempfile::tempdir().unwrap();
    // The harness sees a console message when there is one: a page that logs an error and
    // throws is caught, so an empty list below means a quiet page, not a deaf harness.
    let noisy = work.path().join("noisy.html");
    std::fs::write(
        &noisy,
        "<!DOCTYPE html><p>x</p><script>console.error('boom'); missing();</script>",
    )
    .unwrap();
    let page = headless(&browser, &url(&noisy, ""), &["--dump-dom"]);
    assert_eq!(page.console.len(), 2, "{:?}", page.console);
    assert!(page.console[1].contains("Uncaught ReferenceError"));

    let bundles = synth_batch(40, 5);
    let scanned = work.path().join("scan");
    eidscope(&[
        &"scan", &"-q", &"--level", &"full", &"--out", &scanned, &bundles,
    ])
    .ok();
    let html = work.path().join("report.html");
    eidscope(&[&"report", &scanned, &"--out", &html]).ok();

    // Unfiltered: the script ran to its end, said nothing, and shows every case.
    let page = headless(&browser, &url(&html, ""), &["--dump-dom"]);
    assert!(page.console.is_empty(), "console: {:?}", page.console);
    assert!(
        page.dom.contains("data-ready=\"true\""),
        "the script did not finish"
    );
    let all = rows(&page.dom);
    assert!(all.len() >= 5, "{} cases", all.len());
    assert!(all.iter().all(|r| !r.hidden));
    assert_eq!(shown(&page.dom), format!("{0} of {0} shown", all.len()));
    // Worst first.
    assert!(all.windows(2).all(|w| w[0].severity >= w[1].severity));

    // A code some cases have and others do not.
    let code = all
        .iter()
        .flat_map(|r| r.codes.iter())
        .find(|c| {
            let n = all.iter().filter(|r| r.codes.contains(c)).count();
            n > 0 && n < all.len()
        })
        .unwrap()
        .clone();
    let page = headless(
        &browser,
        &url(&html, &format!("#code={code}")),
        &["--dump-dom"],
    );
    assert!(page.console.is_empty(), "console: {:?}", page.console);
    let filtered = rows(&page.dom);
    let expected = all.iter().filter(|r| r.codes.contains(&code)).count();
    for row in &filtered {
        assert_eq!(row.hidden, !row.codes.contains(&code), "{code}: {row:?}");
    }
    assert_eq!(
        shown(&page.dom),
        format!("{expected} of {} shown", all.len())
    );
    // The case sections of the hidden rows are hidden too.
    let hidden_sections = page.dom.matches("<section class=\"case\" id=").count()
        - page
            .dom
            .split("<section class=\"case\" id=")
            .skip(1)
            .filter(|s| !s.split('>').next().unwrap().contains("hidden"))
            .count();
    assert_eq!(hidden_sections, all.len() - expected);

    // Severity high or worse, and a status: both filters at once.
    let status = &all[0].status;
    let page = headless(
        &browser,
        &url(&html, &format!("#severity=3&status={status}")),
        &["--dump-dom"],
    );
    assert!(page.console.is_empty(), "console: {:?}", page.console);
    for row in rows(&page.dom) {
        assert_eq!(
            row.hidden,
            !(row.severity >= 3 && row.status == *status),
            "{row:?}"
        );
    }

    // Sorted from the fragment (as a click on the column's heading does): by country, then
    // by most findings.
    let page = headless(&browser, &url(&html, "#sort=country"), &["--dump-dom"]);
    assert!(page.console.is_empty(), "console: {:?}", page.console);
    let countries: Vec<String> = rows(&page.dom).into_iter().map(|r| r.country).collect();
    let mut expected = countries.clone();
    expected.sort_by_key(|c| c.to_lowercase());
    assert_eq!(countries, expected);
    assert!(heading(&page.dom, "country").contains("aria-sort=\"ascending\""));
    let page = headless(&browser, &url(&html, "#sort=-findings"), &["--dump-dom"]);
    let counts: Vec<usize> = rows(&page.dom).iter().map(|r| r.findings).collect();
    assert_eq!(counts.len(), all.len());
    assert!(counts.windows(2).all(|w| w[0] >= w[1]), "{counts:?}");
    assert!(heading(&page.dom, "findings").contains("aria-sort=\"descending\""));

    // The page draws: a screenshot that is not blank.
    let shot = work.path().join("triage.png");
    let page = headless(
        &browser,
        &url(&html, ""),
        &[
            "--window-size=1280,1400",
            &format!("--screenshot={}", shot.display()),
        ],
    );
    assert!(page.console.is_empty(), "console: {:?}", page.console);
    let image = image::open(&shot).unwrap().to_rgb8();
    assert_eq!(image.dimensions(), (1280, 1400));
    let colours: std::collections::BTreeSet<[u8; 3]> = image.pixels().map(|p| p.0).collect();
    assert!(
        colours.len() > 50,
        "a blank page: {} colours",
        colours.len()
    );
    if std::env::var_os("EIDSCOPE_UPDATE_SCREENSHOT").is_some_and(|v| v == "1") {
        let docs = repo().join("docs");
        std::fs::copy(&shot, docs.join("report-triage.png")).unwrap();
        let case = docs.join("report-case.png");
        headless(
            &browser,
            &url(&html, "#case-1"),
            &[
                "--window-size=1280,1400",
                &format!("--screenshot={}", case.display()),
            ],
        );
    }
}
