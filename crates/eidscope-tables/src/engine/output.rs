//! The output folder of a scan: whether it may be written (a fresh folder, an unfinished scan to
//! resume, one to replace with `--force`), and the gathering of the durable parts into the
//! tables at the end (the links and `same-person` over every part). It never reads a bundle.

use super::{OutputMode, ScanOptions, ScanSummary};
use crate::error::TablesError;
use crate::faces::FaceRow;
use crate::rows::BundleRow;
use crate::table::Table;
use crate::writer::{ROW_GROUP_ROWS, TableFiles};
use eidscope_analysis::links::LinkRecord;
use std::path::{Path, PathBuf};

/// Whether the scan continues one in `dir` (`true`) or starts anew; refuses a folder that
/// holds a scan unless `mode` says what to do with it.
pub(super) fn check_output(dir: &Path, mode: OutputMode) -> Result<bool, TablesError> {
    crate::parts::remove_leftovers(dir)?;
    let unfinished = crate::parts::has_parts(dir);
    let finished = dir.join(crate::manifest::MANIFEST_FILE).is_file();
    let tables = table_files(dir).next().is_some();
    match mode {
        OutputMode::Resume if unfinished => Ok(true),
        OutputMode::Resume if finished => Err(TablesError::OutputInUse {
            dir: dir.to_path_buf(),
            what: "a finished scan: there is nothing to resume".to_owned(),
            hint: "give --force to scan again into it, or another --out",
        }),
        OutputMode::Fresh if unfinished => Err(TablesError::OutputInUse {
            dir: dir.to_path_buf(),
            what: "an unfinished scan".to_owned(),
            hint: "give --resume to continue it, --force to start over, or another --out",
        }),
        OutputMode::Fresh if finished || tables => Err(TablesError::OutputInUse {
            dir: dir.to_path_buf(),
            what: "another scan".to_owned(),
            hint: "give --force to replace it, or another --out",
        }),
        _ => Ok(false),
    }
}

/// The table files of every format (complete or `.partial`) in `dir`.
fn table_files(dir: &Path) -> impl Iterator<Item = PathBuf> + '_ {
    Table::ALL
        .into_iter()
        .flat_map(move |table| {
            crate::table::Format::ALL
                .into_iter()
                .flat_map(move |format| {
                    let file = dir.join(table.file_name(format));
                    [crate::writer::partial_name(&file), file]
                })
        })
        .filter(|file| file.exists())
}

/// Gathers the parts of `dir` into its tables (the links over all of them too, with `--links`,
/// and `same-person` over the faces of every part, or, under `--redact`, the faces this run
/// kept in memory), after removing what a previous scan left there: its manifest first (the
/// folder is an unfinished scan until the new one is written), then its tables of any format.
pub(super) fn gather_parts(
    dir: &Path,
    options: &ScanOptions,
    mut faces: crate::faces::FaceLinks,
) -> Result<ScanSummary, TablesError> {
    let manifest = dir.join(crate::manifest::MANIFEST_FILE);
    if manifest.exists() {
        std::fs::remove_file(&manifest).map_err(|e| TablesError::io(&manifest, e))?;
    }
    for stale in table_files(dir).collect::<Vec<_>>() {
        std::fs::remove_file(&stale).map_err(|e| TablesError::io(&stale, e))?;
    }
    let mut files = TableFiles::create(dir, options.write)?;
    let mut records: Vec<LinkRecord> = Vec::new();
    let mut pending = crate::faces::PendingFaces::default();
    let keep_embeddings =
        options.embeddings == crate::faces::Embeddings::Written && options.redactor.is_none();
    let totals = crate::parts::gather(
        dir,
        options.write.format,
        &mut files,
        &mut crate::parts::GatherVisitors {
            bundle: &mut |row: &BundleRow| {
                if options.links.is_some() {
                    records.push(crate::links::record_of(row));
                }
            },
            face: &mut |row: &mut FaceRow| {
                let written = if keep_embeddings {
                    row.embedding.clone()
                } else {
                    None
                };
                if options.links.is_some() {
                    pending.keep(row);
                }
                row.embedding = written;
            },
        },
    )?;
    for record in &records {
        pending.join(record, &mut faces);
    }
    let mut summary = ScanSummary {
        inputs: totals.inputs,
        bundles: totals.bundles,
        errors: totals.errors,
        findings: totals.findings,
        ..ScanSummary::default()
    };
    if let Some(config) = &options.links {
        let rows = super::link_rows(&records, &faces, config, &mut summary.findings);
        for chunk in rows.chunks(ROW_GROUP_ROWS) {
            files.write(chunk)?;
        }
    }
    files.finish()?;
    Ok(summary)
}
