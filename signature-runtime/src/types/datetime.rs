//! Datetime values as MLflow normalises them: the strings `np.datetime64(...)` parses, turned
//! into a Python `date` or `datetime` by `.item()`, and written back with `isoformat()`.

use std::fmt;

use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime};

/// A `datetime.date` or a naive `datetime.datetime`, as MLflow keeps datetime param values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Datetime {
    /// A calendar date (from `2023`, `2023-06` or `2023-06-26`).
    Date(NaiveDate),
    /// A timestamp with microsecond precision at most.
    DateTime(NaiveDateTime),
}

impl fmt::Display for Datetime {
    /// Python's `isoformat()`: microseconds only when not zero.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Datetime::Date(date) => write!(f, "{}", date.format("%Y-%m-%d")),
            Datetime::DateTime(at) => {
                write!(f, "{}", at.format("%Y-%m-%dT%H:%M:%S"))?;
                let micros = at.and_utc().timestamp_subsec_micros();
                if micros != 0 {
                    write!(f, ".{micros:06}")?;
                }
                Ok(())
            }
        }
    }
}

/// Why a string is not a datetime MLflow would keep.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum DatetimeParseError {
    /// numpy cannot parse it at all.
    Unparseable,
    /// numpy parses it, but `.item()` gives an integer: precision finer than microseconds, or
    /// a year outside 1..=9999.
    NotADateOrDatetime,
}

impl Datetime {
    /// Parses an ISO-8601 string the way `np.datetime64(s).item()` does.
    pub(crate) fn parse_numpy(text: &str) -> Result<Datetime, DatetimeParseError> {
        use DatetimeParseError::{NotADateOrDatetime, Unparseable};
        let mut cursor = Cursor { rest: text };
        let year_digits = cursor.digits(4, usize::MAX).ok_or(Unparseable)?;
        if year_digits.len() > 4 {
            // numpy reads `20230606` as the year 20230606, which no Python date can hold.
            return Err(NotADateOrDatetime);
        }
        let year: i32 = year_digits.parse().map_err(|_| Unparseable)?;
        let mut month = 1;
        let mut day = 1;
        let mut time: Option<NaiveTime> = None;
        let mut offset_minutes = 0i64;
        if cursor.eat('-') {
            month = cursor.number(2)?;
            if cursor.eat('-') {
                day = cursor.number(2)?;
                if cursor.eat('T') || cursor.eat(' ') {
                    let (parsed, finer_than_micros) = cursor.time()?;
                    if finer_than_micros {
                        return Err(NotADateOrDatetime);
                    }
                    time = Some(parsed);
                    offset_minutes = cursor.offset()?;
                }
            }
        }
        if !cursor.rest.is_empty() {
            return Err(Unparseable);
        }
        let date = NaiveDate::from_ymd_opt(year, month, day).ok_or(Unparseable)?;
        if !(1..=9999).contains(&year) {
            return Err(NotADateOrDatetime);
        }
        match time {
            None => Ok(Datetime::Date(date)),
            Some(time) => {
                let utc = date.and_time(time) - Duration::minutes(offset_minutes);
                if !(1..=9999).contains(&chrono::Datelike::year(&utc)) {
                    return Err(NotADateOrDatetime);
                }
                Ok(Datetime::DateTime(utc))
            }
        }
    }
}

struct Cursor<'a> {
    rest: &'a str,
}

impl<'a> Cursor<'a> {
    fn eat(&mut self, c: char) -> bool {
        match self.rest.strip_prefix(c) {
            Some(rest) => {
                self.rest = rest;
                true
            }
            None => false,
        }
    }

    fn digits(&mut self, min: usize, max: usize) -> Option<&'a str> {
        let len = self
            .rest
            .bytes()
            .take_while(u8::is_ascii_digit)
            .count()
            .min(max);
        if len < min {
            return None;
        }
        let (digits, rest) = self.rest.split_at(len);
        self.rest = rest;
        Some(digits)
    }

    fn number(&mut self, width: usize) -> Result<u32, DatetimeParseError> {
        self.digits(width, width)
            .and_then(|d| d.parse().ok())
            .ok_or(DatetimeParseError::Unparseable)
    }

    /// `HH[:MM[:SS[.fraction]]]`; also says whether the fraction is finer than microseconds.
    fn time(&mut self) -> Result<(NaiveTime, bool), DatetimeParseError> {
        let hour = self.number(2)?;
        let (mut minute, mut second, mut nanos, mut finer) = (0, 0, 0, false);
        if self.eat(':') {
            minute = self.number(2)?;
            if self.eat(':') {
                second = self.number(2)?;
                if self.eat('.') {
                    let fraction = self
                        .digits(1, usize::MAX)
                        .ok_or(DatetimeParseError::Unparseable)?;
                    finer = fraction.len() > 6;
                    let micros = format!("{:0<6}", &fraction[..fraction.len().min(6)]);
                    nanos = micros.parse::<u32>().unwrap_or(0) * 1000;
                }
            }
        }
        NaiveTime::from_hms_nano_opt(hour, minute, second, nanos)
            .map(|t| (t, finer))
            .ok_or(DatetimeParseError::Unparseable)
    }

    /// `Z`, `±HH`, `±HHMM` or `±HH:MM`, in minutes east of UTC; nothing is UTC too.
    fn offset(&mut self) -> Result<i64, DatetimeParseError> {
        if self.eat('Z') {
            return Ok(0);
        }
        let sign = if self.eat('+') {
            1
        } else if self.eat('-') {
            -1
        } else {
            return Ok(0);
        };
        let hours = i64::from(self.number(2)?);
        self.eat(':');
        let minutes = if self.rest.is_empty() {
            0
        } else {
            i64::from(self.number(2)?)
        };
        Ok(sign * (hours * 60 + minutes))
    }
}

/// What is wrong with a datetime string, if anything.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum DatetimeMisfit {
    Malformed,
    HasTimezone,
}

/// `YYYY-MM-DD`, optionally `T` or a space and `HH:MM`, `HH:MM:SS` or `HH:MM:SS.f` (1 to 9
/// fraction digits), with valid fields; a timezone suffix is reported apart.
pub(crate) fn check_naive_datetime(text: &[u8]) -> Result<(), DatetimeMisfit> {
    use DatetimeMisfit::{HasTimezone, Malformed};
    let num = |range: std::ops::Range<usize>| -> Option<u32> {
        let digits = text.get(range)?;
        digits
            .iter()
            .all(u8::is_ascii_digit)
            .then(|| digits.iter().fold(0, |v, d| v * 10 + u32::from(d - b'0')))
    };
    let (Some(year), Some(month), Some(day)) = (num(0..4), num(5..7), num(8..10)) else {
        return Err(Malformed);
    };
    if text.get(4) != Some(&b'-') || text.get(7) != Some(&b'-') {
        return Err(Malformed);
    }
    if NaiveDate::from_ymd_opt(year as i32, month, day).is_none() {
        return Err(Malformed);
    }
    let mut rest = &text[10..];
    if rest.is_empty() {
        return Ok(());
    }
    if !matches!(rest[0], b'T' | b' ') {
        return Err(Malformed);
    }
    rest = &rest[1..];
    let field = |rest: &[u8], at: usize, limit: u32| -> bool {
        rest.get(at..at + 2)
            .filter(|d| d.iter().all(u8::is_ascii_digit))
            .is_some_and(|d| u32::from(d[0] - b'0') * 10 + u32::from(d[1] - b'0') <= limit)
    };
    if !(field(rest, 0, 23) && rest.get(2) == Some(&b':') && field(rest, 3, 59)) {
        return Err(Malformed);
    }
    rest = &rest[5..];
    if rest.first() == Some(&b':') {
        if !field(rest, 1, 59) {
            return Err(Malformed);
        }
        rest = &rest[3..];
        if rest.first() == Some(&b'.') {
            let digits = rest[1..].iter().take_while(|d| d.is_ascii_digit()).count();
            if !(1..=9).contains(&digits) {
                return Err(Malformed);
            }
            rest = &rest[1 + digits..];
        }
    }
    match rest.first() {
        None => Ok(()),
        Some(b'Z' | b'+' | b'-') if is_offset(rest) => Err(HasTimezone),
        Some(_) => Err(Malformed),
    }
}

fn is_offset(text: &[u8]) -> bool {
    match text {
        b"Z" => true,
        [b'+' | b'-', rest @ ..] => {
            let digits: Vec<u8> = rest.iter().copied().filter(|&b| b != b':').collect();
            matches!(digits.len(), 2 | 4) && digits.iter().all(u8::is_ascii_digit)
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn iso(text: &str) -> String {
        Datetime::parse_numpy(text).unwrap().to_string()
    }

    #[test]
    fn normalises_as_numpy_item_then_isoformat() {
        assert_eq!(iso("2023"), "2023-01-01");
        assert_eq!(iso("2023-06"), "2023-06-01");
        assert_eq!(iso("2023-06-26"), "2023-06-26");
        assert_eq!(iso("2023-06-26 00:00:00"), "2023-06-26T00:00:00");
        assert_eq!(iso("2023-06-26T13"), "2023-06-26T13:00:00");
        assert_eq!(iso("2023-06-26T13:05"), "2023-06-26T13:05:00");
        assert_eq!(iso("2023-06-26T00:00:00.5"), "2023-06-26T00:00:00.500000");
        assert_eq!(
            iso("2023-06-26T00:00:00.123456"),
            "2023-06-26T00:00:00.123456"
        );
        assert_eq!(iso("2023-06-26T01:00:00+02:00"), "2023-06-25T23:00:00");
        assert_eq!(iso("2023-06-26T01:00:00Z"), "2023-06-26T01:00:00");
    }

    #[test]
    fn rejects_what_numpy_or_item_rejects() {
        use DatetimeParseError::*;
        assert_eq!(Datetime::parse_numpy("invalid"), Err(Unparseable));
        assert_eq!(Datetime::parse_numpy("2023-13-01"), Err(Unparseable));
        assert_eq!(Datetime::parse_numpy("20230606"), Err(NotADateOrDatetime));
        assert_eq!(
            Datetime::parse_numpy("2023-06-26T00:00:00.123456789"),
            Err(NotADateOrDatetime)
        );
        assert_eq!(Datetime::parse_numpy(""), Err(Unparseable));
    }

    #[test]
    fn datetimes_are_iso_and_naive() {
        use DatetimeMisfit::*;
        for good in [
            "2023-06-26",
            "2023-06-26T13:05",
            "2023-06-26 13:05:09",
            "2023-06-26T13:05:09.123456789",
            "2024-02-29T00:00:00",
        ] {
            assert_eq!(check_naive_datetime(good.as_bytes()), Ok(()), "{good}");
        }
        for bad in [
            "2023",
            "2023-6-26",
            "2023-02-30",
            "2023-06-26T24:00",
            "2023-06-26T13",
            "2023-06-26T13:05:09.",
            "2023-06-26T13:05:09.1234567890",
            "26/06/2023",
            "2023-06-26x",
        ] {
            assert_eq!(
                check_naive_datetime(bad.as_bytes()),
                Err(Malformed),
                "{bad}"
            );
        }
        for zoned in [
            "2023-06-26T13:05:09Z",
            "2023-06-26T13:05+02:00",
            "2023-06-26T13:05:09-0500",
        ] {
            assert_eq!(
                check_naive_datetime(zoned.as_bytes()),
                Err(HasTimezone),
                "{zoned}"
            );
        }
    }
}
