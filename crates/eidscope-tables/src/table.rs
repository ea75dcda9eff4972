//! The seven tables of a scan (`faces` filled only by `scan --faces`) and the three file formats they can be written in. The table
//! names and the file names (`bundles.parquet`, ...) are part of the outside contract
//! (cli-contract.md, "scan output tables").

use std::fmt;
use std::str::FromStr;

/// One table of a scan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Table {
    /// One row per bundle read.
    Bundles,
    /// One row per security check of a bundle.
    Checks,
    /// One row per document feature of a bundle.
    Features,
    /// One row per media entry of a bundle.
    Media,
    /// One row per finding (a batch finding: one row per linked group).
    Findings,
    /// One row per input that could not be read as a bundle.
    Errors,
    /// One row per picture the face engine looked at (`scan --faces`; empty otherwise).
    Faces,
}

impl Table {
    /// How many tables a scan writes.
    pub const COUNT: usize = 7;

    /// Every table, in the order they are listed in cli-contract.md.
    pub const ALL: [Table; Table::COUNT] = [
        Table::Bundles,
        Table::Checks,
        Table::Features,
        Table::Media,
        Table::Findings,
        Table::Errors,
        Table::Faces,
    ];

    /// The table name (the file stem).
    pub fn name(self) -> &'static str {
        match self {
            Table::Bundles => "bundles",
            Table::Checks => "checks",
            Table::Features => "features",
            Table::Media => "media",
            Table::Findings => "findings",
            Table::Errors => "errors",
            Table::Faces => "faces",
        }
    }

    /// The file name of this table in `format`.
    pub fn file_name(self, format: Format) -> String {
        format!("{}.{}", self.name(), format.extension())
    }

    /// The position of the table in [`Table::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }
}

impl fmt::Display for Table {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The file format of the tables.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// Apache Parquet (zstd-compressed, row groups of [`crate::writer::ROW_GROUP_ROWS`] rows).
    #[default]
    Parquet,
    /// Comma-separated values with a header; dates ISO 8601, timestamps RFC 3339 in UTC.
    Csv,
    /// One JSON object per line.
    Ndjson,
}

impl Format {
    /// Every format.
    pub const ALL: [Format; 3] = [Format::Parquet, Format::Csv, Format::Ndjson];

    /// The file extension.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Parquet => "parquet",
            Format::Csv => "csv",
            Format::Ndjson => "ndjson",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.extension())
    }
}

impl FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Format::ALL
            .into_iter()
            .find(|f| f.extension().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| format!("unknown format `{s}` (expected parquet, csv or ndjson)"))
    }
}
