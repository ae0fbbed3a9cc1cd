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
}
