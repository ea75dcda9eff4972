//! Dates as the providers write them: `YYYY-MM-DD`, an ISO-8601 timestamp, `YYYYMMDD`, or the
//! MRZ's `YYMMDD` whose century must be resolved: a birth date lies in the past, an expiry date
//! near the capture date. Epoch milliseconds for the raw shape's request and completion times.

use chrono::{DateTime, Datelike, NaiveDate, Utc};

/// What a date is, which decides how a two-digit year is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateRole {
    /// A date of birth: the latest century that puts it on or before the reference date.
    Birth,
    /// An expiry date: the century that puts it nearest the reference date.
    Expiry,
}

/// Why a date did not parse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DateProblem {
    /// Not in a format this reader knows.
    Unreadable,
    /// The format is right but the day does not exist (`1990-02-30`).
    Impossible,
}

impl DateProblem {
    /// A short phrase for messages.
    pub fn describe(&self) -> &'static str {
        match self {
            DateProblem::Unreadable => "does not parse as a date",
            DateProblem::Impossible => "is not a real calendar day",
        }
    }
}

/// Parses a document date. `reference` is the capture date (or today) used to resolve the
/// century of `YYMMDD`.
pub fn parse_date(
    raw: &str,
    role: DateRole,
    reference: NaiveDate,
) -> Result<NaiveDate, DateProblem> {
    let t = raw.trim();
    let digits: String = t.chars().filter(char::is_ascii_digit).collect();
    let all_digits = digits.len() == t.len();
    // YYYY-MM-DD, also with `/` or `.` separators, or the date part of a timestamp.
    if t.is_ascii() && t.len() >= 10 {
        let head = &t.as_bytes()[..10];
        let sep = head[4];
        if matches!(sep, b'-' | b'/' | b'.')
            && head[7] == sep
            && (t.len() == 10 || matches!(t.as_bytes()[10], b'T' | b' ' | b't'))
        {
            return ymd(&t[0..4], &t[5..7], &t[8..10]);
        }
        // DD.MM.YYYY and DD/MM/YYYY.
        let sep = head[2];
        if t.len() == 10 && matches!(sep, b'.' | b'/') && head[5] == sep {
            return ymd(&t[6..10], &t[3..5], &t[0..2]);
        }
    }
    if all_digits && digits.len() == 8 {
        return ymd(&digits[0..4], &digits[4..6], &digits[6..8]);
    }
    if all_digits && digits.len() == 6 {
        let yy: i32 = digits[0..2].parse().map_err(|_| DateProblem::Unreadable)?;
        let (mm, dd) = (&digits[2..4], &digits[4..6]);
        let century = reference.year().div_euclid(100) * 100;
        let candidates: Vec<NaiveDate> = [century - 100, century, century + 100]
            .iter()
            .filter_map(|century| ymd(&(century + yy).to_string(), mm, dd).ok())
            .collect();
        if candidates.is_empty() {
            // Impossible in every century (month 13, day 32, 30 February in every year...).
            return Err(DateProblem::Impossible);
        }
        let chosen = match role {
            DateRole::Birth => candidates
                .iter()
                .copied()
                .filter(|d| *d <= reference)
                .max()
                .or_else(|| candidates.iter().copied().min()),
            DateRole::Expiry => candidates
                .iter()
                .copied()
                .min_by_key(|d| (*d - reference).num_days().abs()),
        };
        return chosen.ok_or(DateProblem::Unreadable);
    }
    Err(DateProblem::Unreadable)
}

fn ymd(y: &str, m: &str, d: &str) -> Result<NaiveDate, DateProblem> {
    let (y, m, d) = (
        y.parse::<i32>().map_err(|_| DateProblem::Unreadable)?,
        m.parse::<u32>().map_err(|_| DateProblem::Unreadable)?,
        d.parse::<u32>().map_err(|_| DateProblem::Unreadable)?,
    );
    NaiveDate::from_ymd_opt(y, m, d).ok_or(DateProblem::Impossible)
}

/// Parses an ISO-8601 / RFC 3339 timestamp (`2021-06-09T10:04:42Z`, with or without fraction
/// or offset, or a bare date taken as midnight UTC).
pub fn parse_timestamp(raw: &str) -> Option<DateTime<Utc>> {
    let t = raw.trim();
    if let Ok(dt) = DateTime::parse_from_rfc3339(t) {
        return Some(dt.with_timezone(&Utc));
    }
    for fmt in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M:%S%.fZ",
    ] {
        if let Ok(naive) = chrono::NaiveDateTime::parse_from_str(t, fmt) {
            return Some(naive.and_utc());
        }
    }
    NaiveDate::parse_from_str(t, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|n| n.and_utc())
}

/// Epoch milliseconds (or seconds, when the number is too small to be milliseconds of a date
/// after 1973) to a timestamp.
pub fn from_epoch(value: i64) -> Option<DateTime<Utc>> {
    if value.unsigned_abs() < 100_000_000_000 {
        DateTime::from_timestamp(value, 0)
    } else {
        DateTime::from_timestamp_millis(value)
    }
}

/// Whole years between `birth` and `on` (the age on that day).
pub fn age_on(birth: NaiveDate, on: NaiveDate) -> i32 {
    let mut age = on.year() - birth.year();
    if (on.month(), on.day()) < (birth.month(), birth.day()) {
        age -= 1;
    }
    age
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn formats_are_read() {
        let r = d(2021, 6, 9);
        assert_eq!(
            parse_date("2002-04-29", DateRole::Birth, r),
            Ok(d(2002, 4, 29))
        );
        assert_eq!(
            parse_date("2002-04-29T00:00:00Z", DateRole::Birth, r),
            Ok(d(2002, 4, 29))
        );
        assert_eq!(
            parse_date("20020429", DateRole::Birth, r),
            Ok(d(2002, 4, 29))
        );
        assert_eq!(
            parse_date("29.04.2002", DateRole::Birth, r),
            Ok(d(2002, 4, 29))
        );
        assert_eq!(
            parse_date("1990-02-30", DateRole::Birth, r),
            Err(DateProblem::Impossible)
        );
        assert_eq!(
            parse_date("yesterday", DateRole::Birth, r),
            Err(DateProblem::Unreadable)
        );
        assert_eq!(
            parse_date("", DateRole::Birth, r),
            Err(DateProblem::Unreadable)
        );
    }

    #[test]
    fn two_digit_years_follow_their_role() {
        let r = d(2021, 6, 9);
        assert_eq!(parse_date("740812", DateRole::Birth, r), Ok(d(1974, 8, 12)));
        assert_eq!(parse_date("020429", DateRole::Birth, r), Ok(d(2002, 4, 29)));
        // Born later this year in 2021 would be in the future: last century.
        assert_eq!(
            parse_date("211231", DateRole::Birth, r),
            Ok(d(1921, 12, 31))
        );
        assert_eq!(
            parse_date("120415", DateRole::Expiry, r),
            Ok(d(2012, 4, 15))
        );
        assert_eq!(parse_date("310101", DateRole::Expiry, r), Ok(d(2031, 1, 1)));
        assert_eq!(
            parse_date("991231", DateRole::Expiry, d(2001, 1, 1)),
            Ok(d(1999, 12, 31))
        );
        assert_eq!(
            parse_date("901332", DateRole::Birth, r),
            Err(DateProblem::Impossible)
        );
    }

    #[test]
    fn ages_count_whole_years() {
        assert_eq!(age_on(d(2002, 4, 29), d(2020, 4, 28)), 17);
        assert_eq!(age_on(d(2002, 4, 29), d(2020, 4, 29)), 18);
        assert_eq!(age_on(d(2000, 2, 29), d(2018, 2, 28)), 17);
        assert_eq!(age_on(d(2000, 2, 29), d(2018, 3, 1)), 18);
    }

    #[test]
    fn epochs_in_ms_or_s() {
        assert_eq!(
            from_epoch(1_623_233_082_000).unwrap().to_rfc3339(),
            "2021-06-09T10:04:42+00:00"
        );
        assert_eq!(
            from_epoch(1_623_233_082).unwrap().to_rfc3339(),
            "2021-06-09T10:04:42+00:00"
        );
    }

    proptest! {
        #[test]
        fn iso_dates_round_trip(days in 0i64..80_000) {
            let date = d(1900, 1, 1) + chrono::Duration::days(days);
            let text = date.format("%Y-%m-%d").to_string();
            prop_assert_eq!(parse_date(&text, DateRole::Birth, d(2020, 1, 1)), Ok(date));
            prop_assert_eq!(parse_date(&date.format("%Y%m%d").to_string(), DateRole::Expiry, d(2020, 1, 1)), Ok(date));
        }

        #[test]
        fn two_digit_birth_dates_are_never_after_the_reference(
            days in 0i64..36_000, refdays in 0i64..40_000
        ) {
            let reference = d(1950, 1, 1) + chrono::Duration::days(refdays);
            let date = reference - chrono::Duration::days(days);
            let text = date.format("%y%m%d").to_string();
            let parsed = parse_date(&text, DateRole::Birth, reference).unwrap();
            prop_assert!(parsed <= reference);
            // Within a century of the reference, the birth date comes back exactly.
            prop_assert_eq!(parsed, date);
        }

        #[test]
        fn two_digit_expiry_dates_land_within_fifty_years(
            offset in -18_000i64..18_000, refdays in 0i64..30_000
        ) {
            let reference = d(1960, 1, 1) + chrono::Duration::days(refdays);
            let date = reference + chrono::Duration::days(offset);
            let text = date.format("%y%m%d").to_string();
            prop_assert_eq!(parse_date(&text, DateRole::Expiry, reference), Ok(date));
        }

        #[test]
        fn arbitrary_text_never_panics(s in ".{0,24}") {
            let _ = parse_date(&s, DateRole::Birth, d(2020, 1, 1));
            let _ = parse_timestamp(&s);
        }
    }
}
