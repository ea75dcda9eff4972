//! The column codecs: how one field of a row type becomes a typed polars column, and how the
//! column comes back into the field. A table lists each of its columns once with its codec
//! (`crate::frame`); writing a batch and reading a table back both come from that list.
//!
//! - [`Text`]: free text (`String`, or any value written as text, such as a perceptual hash).
//! - [`Open`]: an open set of words (statuses, countries, check names): `Categorical`.
//! - [`Closed`]: a closed set, a [`Vocabulary`] of the model: an `Enum` whose categories are
//!   the vocabulary's words in its order, so that files written apart always merge and a new
//!   variant is a new category without another edit.
//! - [`Plain`]: numbers and booleans; [`Date`]: `Date`; [`Timestamp`]: `Datetime(ms, UTC)`.
//! - [`Floats`]: a fixed-size list of `f32` (`Array(Float32, N)`, Arrow's
//!   `FixedSizeList<Float32, N>`): the face embeddings, which DuckDB reads as `FLOAT[N]` and
//!   Spark as `array<float>`. CSV has no lists: there the cell is the numbers separated by
//!   spaces ([`csv_frame`], [`csv_schema`]), read back into the array ([`Floats::cells`]).
//!
//! A field holds the codec's value or an `Option` of it ([`Slot`]); a null read back into a
//! field that is not an `Option` is an error naming the column.

use chrono::{DateTime, NaiveDate, Utc};
use eidscope_model::Vocabulary;
use polars::prelude::*;
use std::fmt::Display;
use std::marker::PhantomData;
use std::str::FromStr;

/// How the cells of one column are written and read.
pub trait Codec {
    /// What one cell holds.
    type Value;

    /// The column of these cells (`None`: null).
    fn column<'a>(
        name: &str,
        cells: impl Iterator<Item = Option<&'a Self::Value>>,
    ) -> PolarsResult<Column>
    where
        Self::Value: 'a;

    /// The cells of a column.
    fn cells(column: &Column) -> PolarsResult<Vec<Option<Self::Value>>>;
}

/// A row field that holds a codec's value: the value itself, or an `Option` of it.
pub trait Slot<V>: Sized {
    /// The cell of this field.
    fn cell(&self) -> Option<&V>;
    /// The field from a cell of the column `column`.
    fn fill(cell: Option<V>, column: &str) -> PolarsResult<Self>;
}

impl<V> Slot<V> for V {
    fn cell(&self) -> Option<&V> {
        Some(self)
    }
    fn fill(cell: Option<V>, column: &str) -> PolarsResult<Self> {
        cell.ok_or_else(|| polars_err!(ComputeError: "a null in the required column `{}`", column))
    }
}

impl<V> Slot<V> for Option<V> {
    fn cell(&self) -> Option<&V> {
        self.as_ref()
    }
    fn fill(cell: Option<V>, _column: &str) -> PolarsResult<Self> {
        Ok(cell)
    }
}

/// Any value written as its `Display` text and read back with `FromStr`, stored as `S` says.
pub struct Words<T, S>(PhantomData<(T, S)>);

/// Free text: strings.
pub type Text<T = String> = Words<T, AsStrings>;

/// An open set of words: `Categorical`, categories global so that batches and shards merge.
pub type Open<T = String> = Words<T, AsCategories>;

/// How a column of words is stored.
pub trait WordStorage {
    /// The column of strings, as stored.
    fn store(strings: Column) -> PolarsResult<Column>;
}

/// Stored as strings.
pub struct AsStrings;

/// Stored as global categories.
pub struct AsCategories;

impl WordStorage for AsStrings {
    fn store(strings: Column) -> PolarsResult<Column> {
        Ok(strings)
    }
}

impl WordStorage for AsCategories {
    fn store(strings: Column) -> PolarsResult<Column> {
        strings.cast(&DataType::from_categories(Categories::global()))
    }
}

/// A closed set of words: an `Enum` of the vocabulary's words.
pub struct Closed<V>(PhantomData<V>);

/// A number or a boolean.
pub struct Plain<T>(PhantomData<T>);

/// A calendar date (`Date`).
pub struct Date;

/// A time in UTC (`Datetime`, milliseconds).
pub struct Timestamp;

fn texts<'a, T: Display + 'a>(cells: impl Iterator<Item = Option<&'a T>>) -> Vec<Option<String>> {
    cells.map(|cell| cell.map(ToString::to_string)).collect()
}

fn parsed<T: FromStr>(column: &Column) -> PolarsResult<Vec<Option<T>>>
where
    T::Err: Display,
{
    let text = column.cast(&DataType::String)?;
    text.str()?
        .iter()
        .map(|cell| {
            cell.map(str::parse::<T>)
                .transpose()
                .map_err(|e| polars_err!(ComputeError: "column `{}`: {}", column.name(), e))
        })
        .collect()
}

impl<T: Display + FromStr, S: WordStorage> Codec for Words<T, S>
where
    T::Err: Display,
{
    type Value = T;
    fn column<'a>(name: &str, cells: impl Iterator<Item = Option<&'a T>>) -> PolarsResult<Column>
    where
        T: 'a,
    {
        S::store(Column::new(name.into(), texts(cells)))
    }
    fn cells(column: &Column) -> PolarsResult<Vec<Option<T>>> {
        parsed(column)
    }
}

/// The `Enum` data type of a vocabulary: its words, in its order.
pub fn enum_dtype<V: Vocabulary>() -> PolarsResult<DataType> {
    Ok(DataType::from_frozen_categories(FrozenCategories::new(
        V::ALL.iter().map(|value| value.word()),
    )?))
}

impl<V: Vocabulary> Codec for Closed<V> {
    type Value = V;
    fn column<'a>(name: &str, cells: impl Iterator<Item = Option<&'a V>>) -> PolarsResult<Column> {
        let words: Vec<Option<&str>> = cells.map(|cell| cell.map(|v| v.word())).collect();
        Column::new(name.into(), words).cast(&enum_dtype::<V>()?)
    }
    fn cells(column: &Column) -> PolarsResult<Vec<Option<V>>> {
        let text = column.cast(&DataType::String)?;
        text.str()?
            .iter()
            .map(|cell| {
                cell.map(|word| {
                    V::from_word(word).ok_or_else(|| {
                        polars_err!(ComputeError: "column `{}`: unknown {} `{}`", column.name(), V::NOUN, word)
                    })
                })
                .transpose()
            })
            .collect()
    }
}

/// A number or a boolean as polars stores it.
pub trait Native: Copy + 'static {
    /// Its data type.
    fn dtype() -> DataType;
    /// A column of these values.
    fn column(name: &str, values: Vec<Option<Self>>) -> Column;
    /// The values of a column cast to [`Native::dtype`].
    fn values(column: &Column) -> PolarsResult<Vec<Option<Self>>>;
}

macro_rules! native {
    ($($ty:ty => $dtype:ident, $get:ident;)+) => {
        $(
            impl Native for $ty {
                fn dtype() -> DataType {
                    DataType::$dtype
                }
                fn column(name: &str, values: Vec<Option<Self>>) -> Column {
                    Column::new(name.into(), values)
                }
                fn values(column: &Column) -> PolarsResult<Vec<Option<Self>>> {
                    Ok(column.cast(&DataType::$dtype)?.$get()?.iter().collect())
                }
            }
        )+
    };
}

native! {
    u32 => UInt32, u32;
    u64 => UInt64, u64;
    i32 => Int32, i32;
    i64 => Int64, i64;
    f64 => Float64, f64;
    bool => Boolean, bool;
}

impl<T: Native> Codec for Plain<T> {
    type Value = T;
    fn column<'a>(name: &str, cells: impl Iterator<Item = Option<&'a T>>) -> PolarsResult<Column> {
        Ok(T::column(name, cells.map(|cell| cell.copied()).collect()))
    }
    fn cells(column: &Column) -> PolarsResult<Vec<Option<T>>> {
        T::values(column)
    }
}

fn epoch() -> NaiveDate {
    NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default()
}

impl Codec for Date {
    type Value = NaiveDate;
    fn column<'a>(
        name: &str,
        cells: impl Iterator<Item = Option<&'a NaiveDate>>,
    ) -> PolarsResult<Column> {
        let days: Vec<Option<i32>> = cells
            .map(|d| {
                d.and_then(|d| i32::try_from(d.signed_duration_since(epoch()).num_days()).ok())
            })
            .collect();
        Column::new(name.into(), days).cast(&DataType::Date)
    }
    fn cells(column: &Column) -> PolarsResult<Vec<Option<NaiveDate>>> {
        Ok(i32::values(column)?
            .into_iter()
            .map(|days| {
                days.and_then(|d| epoch().checked_add_signed(chrono::Duration::days(i64::from(d))))
            })
            .collect())
    }
}

impl Codec for Timestamp {
    type Value = DateTime<Utc>;
    fn column<'a>(
        name: &str,
        cells: impl Iterator<Item = Option<&'a DateTime<Utc>>>,
    ) -> PolarsResult<Column> {
        let ms: Vec<Option<i64>> = cells.map(|t| t.map(DateTime::timestamp_millis)).collect();
        Column::new(name.into(), ms).cast(&DataType::Datetime(
            TimeUnit::Milliseconds,
            Some(TimeZone::UTC),
        ))
    }
    fn cells(column: &Column) -> PolarsResult<Vec<Option<DateTime<Utc>>>> {
        Ok(i64::values(column)?
            .into_iter()
            .map(|ms| ms.and_then(DateTime::from_timestamp_millis))
            .collect())
    }
}

/// A fixed-size list of `N` 32-bit floats.
pub struct Floats<const N: usize>;

impl<const N: usize> Floats<N> {
    /// Its data type, `Array(Float32, N)`.
    pub fn dtype() -> DataType {
        DataType::Array(Box::new(DataType::Float32), N)
    }

    /// The column of these cells; a cell of another length is an error naming the column.
    fn of_slices<'a>(
        name: &str,
        cells: impl ExactSizeIterator<Item = Option<&'a [f32]>>,
    ) -> PolarsResult<Column> {
        let mut lists = ListPrimitiveChunkedBuilder::<Float32Type>::new(
            name.into(),
            cells.len(),
            cells.len() * N,
            DataType::Float32,
        );
        for cell in cells {
            match cell {
                Some(values) if values.len() == N => lists.append_slice(values),
                Some(values) => polars_bail!(
                    ComputeError: "column `{}`: {} numbers where {} belong",
                    name, values.len(), N
                ),
                None => lists.append_null(),
            }
        }
        Column::from(lists.finish().into_series()).cast(&Self::dtype())
    }

    /// The array column of a text column of numbers separated by spaces (a CSV table).
    pub fn from_text(column: &Column) -> PolarsResult<Column> {
        let parsed: Vec<Option<Vec<f32>>> = column
            .str()?
            .iter()
            .map(|cell| {
                cell.map(|text| {
                    text.split_ascii_whitespace()
                        .map(str::parse::<f32>)
                        .collect::<Result<Vec<f32>, _>>()
                        .map_err(|e| polars_err!(ComputeError: "column `{}`: {}", column.name(), e))
                })
                .transpose()
            })
            .collect::<PolarsResult<_>>()?;
        Self::of_slices(column.name(), parsed.iter().map(Option::as_deref))
    }
}

impl<const N: usize> Codec for Floats<N> {
    type Value = Vec<f32>;
    fn column<'a>(
        name: &str,
        cells: impl Iterator<Item = Option<&'a Vec<f32>>>,
    ) -> PolarsResult<Column> {
        let cells: Vec<Option<&[f32]>> = cells.map(|cell| cell.map(Vec::as_slice)).collect();
        Self::of_slices(name, cells.into_iter())
    }
    fn cells(column: &Column) -> PolarsResult<Vec<Option<Vec<f32>>>> {
        let column = match column.dtype() {
            DataType::String => Self::from_text(column)?,
            _ => column.cast(&Self::dtype())?,
        };
        let lists = column.cast(&DataType::List(Box::new(DataType::Float32)))?;
        lists
            .list()?
            .series_iter()
            .map(|cell| {
                cell.map(|values| {
                    values.f32()?.iter().collect::<Option<Vec<f32>>>().ok_or_else(
                        || polars_err!(ComputeError: "column `{}`: a null number", column.name()),
                    )
                })
                .transpose()
            })
            .collect()
    }
}

/// The frame as CSV holds it: every fixed-size list column as text, its numbers separated by
/// spaces (`f32`'s shortest text, which reads back exactly).
pub fn csv_frame(frame: &DataFrame) -> PolarsResult<DataFrame> {
    let columns = frame
        .columns()
        .iter()
        .map(|column| match column.dtype() {
            DataType::Array(..) => {
                let lists = column.cast(&DataType::List(Box::new(DataType::Float32)))?;
                let texts: Vec<Option<String>> = lists
                    .list()?
                    .series_iter()
                    .map(|cell| {
                        cell.map(|values| {
                            Ok::<_, PolarsError>(
                                values
                                    .f32()?
                                    .iter()
                                    .map(|v| v.map_or_else(String::new, |v| v.to_string()))
                                    .collect::<Vec<_>>()
                                    .join(" "),
                            )
                        })
                        .transpose()
                    })
                    .collect::<PolarsResult<_>>()?;
                Ok(Column::new(column.name().clone(), texts))
            }
            _ => Ok(column.clone()),
        })
        .collect::<PolarsResult<Vec<Column>>>()?;
    DataFrame::new(frame.height(), columns)
}

/// The schema as CSV holds it: fixed-size lists as text ([`csv_frame`]).
pub fn csv_schema(schema: &Schema) -> Schema {
    schema
        .iter()
        .map(|(name, dtype)| {
            let dtype = match dtype {
                DataType::Array(..) => DataType::String,
                other => other.clone(),
            };
            (name.clone(), dtype)
        })
        .collect()
}

/// The values of any column as text (categoricals, enums, numbers and dates alike): for
/// grouping by a column named at run time (`stats --by`).
pub fn column_texts(frame: &DataFrame, name: &str) -> PolarsResult<Vec<Option<String>>> {
    let column = frame.column(name)?.cast(&DataType::String)?;
    Ok(column
        .str()?
        .iter()
        .map(|cell| cell.map(str::to_owned))
        .collect())
}
