//! What the command line says about itself: shell completions (`completions`), the manual
//! pages (`man`, clap_mangen) and the JSON Schemas of the JSON outputs (`schema`, generated
//! from the output types with schemars; docs/schema/ holds the committed copies and a test
//! keeps them equal).

use crate::cli::{Cli, CompletionsArgs, ManArgs, SchemaArgs, SchemaName};
use crate::error::CliError;
use clap::CommandFactory;
use eidscope_model::ExitStatus;

/// Prints the completion script of a shell.
pub fn completions(args: &CompletionsArgs) -> Result<ExitStatus, CliError> {
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut Cli::command(), "eidscope", &mut script);
    crate::output::raw(&String::from_utf8_lossy(&script));
    Ok(ExitStatus::Ok)
}

/// Prints a manual page, or writes them all into a folder.
pub fn man(args: &ManArgs) -> Result<ExitStatus, CliError> {
    let mut command = Cli::command();
    if let Some(dir) = &args.out {
        std::fs::create_dir_all(dir).map_err(|e| CliError::output(dir, e))?;
        clap_mangen::generate_to(command, dir).map_err(|e| CliError::output(dir, e))?;
        crate::output::outln!("{}", dir.display());
        return Ok(ExitStatus::Ok);
    }
    command.build();
    let page = match &args.command {
        None => command,
        Some(name) => {
            let sub = command.find_subcommand(name).cloned().ok_or_else(|| {
                let names: Vec<&str> = command.get_subcommands().map(|c| c.get_name()).collect();
                CliError::Usage(format!(
                    "man {name}: no such command (commands: {})",
                    names.join(", ")
                ))
            })?;
            // Built, a subcommand is displayed as `eidscope-NAME`: the page's title.
            sub
        }
    };
    let mut roff = Vec::new();
    clap_mangen::Man::new(page)
        .render(&mut roff)
        .map_err(|e| CliError::output(std::path::Path::new("-"), e))?;
    crate::output::raw(&String::from_utf8_lossy(&roff));
    Ok(ExitStatus::Ok)
}

/// The JSON Schema of a JSON output, as pretty JSON with a final line end.
pub fn schema_text(name: SchemaName) -> Result<String, serde_json::Error> {
    let schema = match name {
        SchemaName::Inspect => schemars::schema_for!(eidscope_model::BundleReport),
        SchemaName::Stats => schemars::schema_for!(eidscope_tables::stats::Stats),
        SchemaName::Links => schemars::schema_for!(eidscope_model::LinksReport),
        SchemaName::Findings => {
            schemars::schema_for!(eidscope_tables::findings::FindingsReport)
        }
    };
    Ok(format!("{}\n", serde_json::to_string_pretty(&schema)?))
}

/// Prints the JSON Schema of a JSON output.
pub fn schema(args: &SchemaArgs) -> Result<ExitStatus, CliError> {
    crate::output::raw(&schema_text(args.output)?);
    Ok(ExitStatus::Ok)
}
