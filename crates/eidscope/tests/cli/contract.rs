//! The contract is part of the project: docs/cli.md names every command and option of the
//! binary and everything cli-contract.md names; the JSON Schemas of docs/schema/ are the ones
//! generated from the types, and real outputs validate against them. Also the conventions:
//! completions, manual pages, `--color`, `-q`.

use crate::fixture::{Eidscope, eidscope, repo, synth_batch, zips_in};
use serde_json::Value;

fn cli_md() -> String {
    std::fs::read_to_string(repo().join("docs/cli.md")).unwrap()
}

/// The section of docs/cli.md of one command: from its heading to the next.
fn section<'a>(doc: &'a str, command: &str) -> &'a str {
    let heading = format!("### `eidscope {command}`");
    let start = doc
        .find(&heading)
        .unwrap_or_else(|| panic!("docs/cli.md has no section {heading}"));
    let rest = &doc[start + heading.len()..];
    &rest[..rest.find("\n#").unwrap_or(rest.len())]
}

/// The commands `eidscope --help` lists.
fn commands() -> Vec<String> {
    let help = eidscope(&[&"--help"]).ok().stdout();
    help.lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .filter(|l| !l.starts_with("   "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|c| *c != "help")
        .map(str::to_owned)
        .collect()
}

/// The long options of a command's `--help`.
fn long_options(command: &str) -> Vec<String> {
    let help = eidscope(&[&command, &"--help"]).ok().stdout();
    let mut options: Vec<String> = help
        .split(|c: char| c.is_whitespace() || c == ',' || c == '[' || c == '=')
        .filter(|w| w.starts_with("--") && w.len() > 2)
        .map(|w| {
            w.trim_end_matches(|c: char| !c.is_ascii_alphanumeric())
                .to_owned()
        })
        .filter(|w| !["--help", "--version"].contains(&w.as_str()))
        .collect();
    options.sort();
    options.dedup();
    options
}

#[test]
fn docs_cli_names_every_command_and_option() {
    let doc = cli_md();
    let commands = commands();
    assert!(commands.len() >= 14, "{commands:?}");
    for command in &commands {
        let text = section(&doc, command);
        for option in long_options(command) {
            if ["--color", "--quiet"].contains(&option.as_str()) {
                assert!(doc.contains(&format!("`{option}")), "global {option}");
                continue;
            }
            assert!(
                text.contains(&option),
                "docs/cli.md, `eidscope {command}`: {option} is not documented"
            );
        }
    }
}

#[test]
fn docs_cli_extends_the_shared_contract() {
    let path = repo().join("../shared/spec/cli-contract.md");
    let Ok(contract) = std::fs::read_to_string(&path) else {
        eprintln!("skipped: {} is absent", path.display());
        return;
    };
    let doc = cli_md();
    // Every command of the contract has its section, with the options the contract gives it.
    for line in contract.lines().filter(|l| l.starts_with("| `eidscope ")) {
        let usage = line.split('`').nth(1).unwrap();
        let command = usage.split_whitespace().nth(1).unwrap();
        let text = section(&doc, command);
        for option in usage.split(|c: char| c.is_whitespace() || c == '[' || c == ']') {
            if option.starts_with("--") {
                let option = option.trim_end_matches(|c: char| !c.is_ascii_alphanumeric());
                assert!(text.contains(option), "{command}: {option}");
            }
        }
    }
    // Every exit code.
    let exit_codes = &doc[doc.find("## Exit codes").unwrap()..];
    for line in contract.lines().filter(|l| l.starts_with("| ")) {
        let first = line.split('|').nth(1).unwrap().trim();
        if first.parse::<u8>().is_ok() {
            assert!(exit_codes.contains(&format!("| {first} |")), "exit {first}");
        }
    }
    // Every table column and JSON key the contract names, from its sections on the tables
    // and the JSON outputs.
    let start = contract.find("## `scan` output tables").unwrap();
    let named = &contract[start..];
    for word in named.split('`').skip(1).step_by(2) {
        let word = word.trim_end_matches(".parquet");
        if word
            .chars()
            .all(|c| c.is_ascii_lowercase() || c == '_' || c.is_ascii_digit())
            && !word.is_empty()
        {
            assert!(
                doc.contains(&format!("`{word}`")),
                "docs/cli.md does not name `{word}`"
            );
        }
    }
}

#[test]
fn docs_cli_names_every_table_column() {
    let doc = cli_md();
    for table in eidscope_tables::Table::ALL {
        let text = &doc[doc
            .find(&format!("### `{}`", table.name()))
            .unwrap_or_else(|| panic!("no section for the table {}", table.name()))..];
        let text = &text[..text[4..].find("\n#").map_or(text.len(), |i| i + 4)];
        let schema = eidscope_tables::frame::schema_of(table).unwrap();
        for column in schema.iter_names() {
            assert!(
                text.contains(&format!("`{column}`")),
                "docs/cli.md, table {}: column `{column}` is not documented",
                table.name()
            );
        }
    }
}

/// The generated schema of an output, checked against the committed copy (rewritten with
/// EIDSCOPE_UPDATE_DOCS=1).
fn schema(name: &str) -> Value {
    let generated = eidscope(&[&"schema", &name]).ok().stdout();
    let path = repo().join(format!("docs/schema/{name}.json"));
    if std::env::var_os("EIDSCOPE_UPDATE_DOCS").is_some() {
        std::fs::write(&path, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert_eq!(
        committed, generated,
        "docs/schema/{name}.json is stale: run with EIDSCOPE_UPDATE_DOCS=1"
    );
    serde_json::from_str(&generated).unwrap()
}

fn valid(schema: &Value, instance: &Value, what: &str) {
    let validator = jsonschema::validator_for(schema).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{what}: {errors:#?}");
}

#[test]
fn json_outputs_validate_against_their_committed_schemas() {
    let batch = synth_batch(40, 7);
    let scan = tempfile::tempdir().unwrap();
    eidscope(&[&"scan", &batch, &"--out", &scan.path(), &"--links", &"-q"]).ok();
    let stats: Value = eidscope(&[
        &"stats",
        &scan.path(),
        &"--by",
        &"issuing_country",
        &"--json",
    ])
    .ok()
    .json();
    valid(&schema("stats"), &stats, "stats --json");
    let links: Value = eidscope(&[&"links", &scan.path(), &"--json"]).ok().json();
    valid(&schema("links"), &links, "links --json");
    let findings: Value = eidscope(&[&"findings", &scan.path(), &"--json"])
        .ok()
        .json();
    valid(&schema("findings"), &findings, "findings --json");
    let inspect = schema("inspect");
    let zips = zips_in(&batch);
    for zip in zips.iter().take(12) {
        let report: Value = eidscope(&[&"inspect", zip, &"--json"]).ok().json();
        valid(&inspect, &report, &zip.display().to_string());
    }
    // A schema says no to what is not its output.
    let validator = jsonschema::validator_for(&inspect).unwrap();
    assert!(!validator.is_valid(&stats));
}

#[test]
fn completions_and_manual_pages_cover_every_command() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let script = eidscope(&[&"completions", &shell]).ok().stdout();
        for command in ["stats", "findings", "completions"] {
            assert!(script.contains(command), "{shell}: {command}");
        }
    }
    let bash = eidscope(&[&"completions", &"bash"]).ok().stdout();
    assert!(bash.contains("--min-count"), "options are completed");
    eidscope(&[&"completions", &"tcsh"]).assert(eidscope_model::ExitStatus::Usage);

    let page = eidscope(&[&"man"]).ok().stdout();
    assert!(
        page.starts_with(".ie") || page.contains(".TH eidscope 1"),
        "{page}"
    );
    let scan = eidscope(&[&"man", &"scan"]).ok().stdout();
    assert!(scan.contains(".TH eidscope-scan 1"), "{scan}");
    assert!(scan.contains("shard"));
    let dir = tempfile::tempdir().unwrap();
    eidscope(&[&"man", &"--out", &dir.path()]).ok();
    for name in ["eidscope.1", "eidscope-scan.1", "eidscope-stats.1"] {
        assert!(dir.path().join(name).is_file(), "{name}");
    }
    eidscope(&[&"man", &"nope"]).assert(eidscope_model::ExitStatus::Usage);
}

#[test]
fn severities_are_coloured_only_when_asked_or_on_a_terminal() {
    const ESC: &str = "\u{1b}[";
    let always = eidscope(&[&"findings", &"--color", &"always"])
        .ok()
        .stdout();
    assert!(always.contains(ESC), "--color always colours");
    // The fixture sets NO_COLOR and output is a pipe: auto is plain, never is plain.
    assert!(!eidscope(&[&"findings"]).ok().stdout().contains(ESC));
    let never = Eidscope::new(&[&"findings", &"--color", &"never"])
        .env_remove("NO_COLOR")
        .run();
    assert!(!never.ok().stdout().contains(ESC));
    eidscope(&[&"findings", &"--color", &"sometimes"]).assert(eidscope_model::ExitStatus::Usage);
}

#[test]
fn quiet_leaves_standard_error_empty() {
    let batch = synth_batch(40, 7);
    let dir = tempfile::tempdir().unwrap();
    let loud = eidscope(&[&"scan", &batch, &"--out", &dir.path().join("a")]);
    assert!(loud.ok().stderr().contains("bundles"), "{}", loud.stderr());
    let quiet = eidscope(&[&"scan", &batch, &"--out", &dir.path().join("b"), &"-q"]);
    assert_eq!(quiet.ok().stderr(), "");
    let quiet = eidscope(&[&"-q", &"stats", &batch]);
    assert_eq!(quiet.ok().stderr(), "");
}
