//! The report in a real browser: headless Chromium loads the page of a synthetic batch, runs
//! its script to the end without a single console message, filters the triage table (and the
//! case sections) from the address's fragment (code, severity, status, country, document type,
//! alone and combined), sorts it, and draws the page; with chromedriver, a case section is
//! captured by the script that makes the README's screenshots (`make report-screenshots`) and
//! must show its pictures. Without Chromium (`make deps` installs Debian's `chromium`) the
//! test says so and passes; without chromedriver (`chromium-driver`) it skips the capture.

use crate::fixture::*;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The Chromium binary: `EIDSCOPE_CHROMIUM`, else the first of the usual names on `PATH`.
fn chromium() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("EIDSCOPE_CHROMIUM") {
        return Some(PathBuf::from(path));
    }
    on_path(&["chromium", "chromium-browser", "google-chrome"])
}

/// The first program of `names` found on `PATH`.
fn on_path(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).find_map(|dir| {
        names
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
    kind: String,
    /// The anchor of its case section (`case-3`).
    case: String,
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
                kind: attribute(&tag, "data-type"),
                case: attribute(piece, "href").trim_start_matches('#').to_owned(),
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

/// A case section as the browser left it: hidden or not, and where its "previous case" and
/// "next case" lead (`None`: hidden).
#[derive(Debug)]
struct Section {
    hidden: bool,
    prev: Option<String>,
    next: Option<String>,
}

fn sections(dom: &str) -> BTreeMap<String, Section> {
    let link = |section: &str, class: &str| {
        let at = section.find(&format!("<a class=\"{class}\""))?;
        let tag = section[at..].split('>').next().unwrap();
        (!tag.contains("hidden")).then(|| attribute(tag, "href").trim_start_matches('#').to_owned())
    };
    dom.split("<section class=\"case\" ")
        .skip(1)
        .map(|piece| {
            let tag = piece.split('>').next().unwrap();
            let section = piece.split("</section>").next().unwrap();
            let state = Section {
                hidden: tag.contains("hidden"),
                prev: link(section, "prev"),
                next: link(section, "next"),
            };
            (attribute(tag, "id"), state)
        })
        .collect()
}

/// Loads the page at `fragment` and checks that exactly the rows `wanted` keeps are shown,
/// each case section with its row, the count above the table says so, and the shown cases'
/// "previous" and "next" links walk through them in the table's order.
fn assert_filtered(browser: &Path, html: &Path, fragment: &str, wanted: impl Fn(&Row) -> bool) {
    let page = headless(browser, &url(html, fragment), &["--dump-dom"]);
    assert!(page.console.is_empty(), "{fragment}: {:?}", page.console);
    check_filtered(&page.dom, fragment, wanted);
}

/// [`assert_filtered`] over a page already loaded.
fn check_filtered(dom: &str, fragment: &str, wanted: impl Fn(&Row) -> bool) {
    let rows = rows(dom);
    let sections = sections(dom);
    assert_eq!(sections.len(), rows.len(), "{fragment}");
    for row in &rows {
        assert_eq!(row.hidden, !wanted(row), "{fragment}: {row:?}");
        assert_eq!(
            sections[&row.case].hidden, row.hidden,
            "{fragment}: {row:?}"
        );
    }
    let kept: Vec<&str> = rows
        .iter()
        .filter(|r| !r.hidden)
        .map(|r| r.case.as_str())
        .collect();
    assert!(!kept.is_empty(), "{fragment}: nothing left to show");
    assert_eq!(
        shown(dom),
        format!("{} of {} shown", kept.len(), rows.len()),
        "{fragment}"
    );
    for (k, case) in kept.iter().enumerate() {
        let section = &sections[*case];
        let prev = k.checked_sub(1).map(|k| kept[k]);
        assert_eq!(section.prev.as_deref(), prev, "{fragment}: {case}");
        assert_eq!(
            section.next.as_deref(),
            kept.get(k + 1).copied(),
            "{fragment}: {case}"
        );
    }
}

/// The value of `field` that the fewest cases have (but some).
fn rarest(all: &[Row], field: impl Fn(&Row) -> &str) -> String {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for row in all {
        *counts.entry(field(row)).or_default() += 1;
    }
    let (value, _) = counts.into_iter().min_by_key(|(_, n)| *n).unwrap();
    value.to_owned()
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
    check_filtered(&page.dom, "", |_| true);
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
    assert_filtered(&browser, &html, &format!("#code={code}"), |r| {
        r.codes.contains(&code)
    });
    // The worst case's severity or worse, and its status: both filters at once.
    let (severity, status) = (all[0].severity, &all[0].status);
    assert_filtered(
        &browser,
        &html,
        &format!("#severity={severity}&status={status}"),
        |r| r.severity >= severity && r.status == *status,
    );
    // The country and document-type filters, each alone and each with another one.
    let country = rarest(&all, |r| &r.country);
    let kind = rarest(&all, |r| &r.kind);
    let kinds: BTreeSet<&str> = all.iter().map(|r| r.kind.as_str()).collect();
    assert!(kinds.len() > 1, "one document type only: {kinds:?}");
    assert_filtered(&browser, &html, &format!("#country={country}"), |r| {
        r.country == country
    });
    assert_filtered(&browser, &html, &format!("#type={kind}"), |r| {
        r.kind == kind
    });
    let (with_country, with_kind) = all
        .iter()
        .find(|r| r.country != country)
        .map(|r| (r.country.clone(), r.kind.clone()))
        .unwrap();
    assert_filtered(
        &browser,
        &html,
        &format!("#country={with_country}&type={with_kind}"),
        |r| r.country == with_country && r.kind == with_kind,
    );
    let kind_code = all
        .iter()
        .find(|r| r.kind == kind)
        .and_then(|r| r.codes.first())
        .unwrap();
    assert_filtered(
        &browser,
        &html,
        &format!("#type={kind}&code={kind_code}"),
        |r| r.kind == kind && r.codes.contains(kind_code),
    );

    // Filtered and sorted: the next case is the next shown row of the sorted table.
    assert_filtered(
        &browser,
        &html,
        &format!("#country={with_country}&sort=-findings"),
        |r| r.country == with_country,
    );

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
    let colours: BTreeSet<[u8; 3]> = image.pixels().map(|p| p.0).collect();
    assert!(
        colours.len() > 50,
        "a blank page: {} colours",
        colours.len()
    );
    // A case section with its pictures, captured as the README's screenshots are made
    // (`make report-screenshots`): not blank, the pictures decoded (a photo has thousands
    // of colours; a blank or text-only capture has a few hundred at most).
    if on_path(&["chromedriver"]).is_none() {
        eprintln!("SKIPPED the case screenshot: no chromedriver (Debian: chromium-driver)");
        return;
    }
    let shots = work.path().join("shots");
    let out = Command::new("python3")
        .arg(repo().join("scripts/report-screenshots.py"))
        .arg(&html)
        .arg(&shots)
        .env("EIDSCOPE_CHROMIUM", &browser)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let triage = image::open(shots.join("report-triage.png")).unwrap();
    assert_eq!((triage.width(), triage.height()), (1280, 1400));
    let case = image::open(shots.join("report-case.png"))
        .unwrap()
        .to_rgb8();
    let colours: BTreeSet<[u8; 3]> = case.pixels().map(|p| p.0).collect();
    assert!(case.height() > 800, "{:?}", case.dimensions());
    assert!(colours.len() > 5000, "{} colours", colours.len());
}
