//! docs/findings.md is generated from the catalogue in code; this keeps the two in step, and
//! checks that every code of the contract is in the catalogue.

use crate::fixture::*;

#[test]
fn committed_catalogue_matches_the_code() {
    let generated = eidscope(&[&"findings", &"--markdown"]).ok().stdout();
    let committed = std::fs::read_to_string(repo().join("docs/findings.md")).unwrap_or_default();
    if std::env::var_os("EIDSCOPE_UPDATE_DOCS").is_some() {
        std::fs::write(repo().join("docs/findings.md"), &generated).unwrap();
        return;
    }
    assert_eq!(
        committed, generated,
        "docs/findings.md is stale: run with EIDSCOPE_UPDATE_DOCS=1"
    );
}

#[test]
fn every_contract_code_is_in_the_catalogue() {
    let contract = repo().join("../shared/spec/cli-contract.md");
    let Ok(text) = std::fs::read_to_string(&contract) else {
        eprintln!("skipped: {} is absent", contract.display());
        return;
    };
    let listed = eidscope(&[&"findings"]).ok().stdout();
    for line in text
        .lines()
        .filter(|l| l.starts_with("| `") && l.matches('|').count() == 4)
    {
        let code = line.split('`').nth(1).unwrap();
        if code.contains('-') && !code.contains(' ') && !code.starts_with("--") {
            let severity = line.split('|').nth(2).unwrap().trim();
            assert!(
                listed
                    .lines()
                    .any(|l| l.split_whitespace().take(2).eq([code, severity])),
                "contract code {code} ({severity}) missing from the catalogue"
            );
        }
    }
}
