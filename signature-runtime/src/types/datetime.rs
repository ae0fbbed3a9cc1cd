//! Datetime text and values, in one place: the one ISO 8601 grammar ([`parse_iso`], numpy's),
//! and what each reader takes of it: [`Datetime::parse_numpy`] (`np.datetime64(s).item()`, for
//! parameters: a Python `date` or `datetime`, written back with `isoformat()`),
//! [`numpy_datetime_text`] (numpy's datetime64 cast of a tensor element) and
//! [`check_naive_datetime`] (the naive timestamps Strict takes for `datetime` columns, which
//! the MLflow modes build pandas' reading on); and [`pandas_datetime_text`], `pd.to_datetime`
//! of a text cell in the scoring server: this grammar first, then the forms dateutil guesses.

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
    /// Parses an ISO-8601 string the way `np.datetime64(s).item()` does: numpy's grammar
    /// ([`parse_iso`]), then `.item()`, which gives an integer instead of a date or datetime for
    /// a year outside 1..=9999 or a fraction finer than microseconds.
    ///
    /// Stricter than numpy where this reader always was (MLflow accepts these, we refuse them):
    /// no whitespace around the text, no sign, at least four year digits (the scoring checks
    /// take shorter years themselves), digits after a fraction's `.`; and a year of more than
    /// four digits is refused as `.item()` refuses the years beyond 9999.
    pub(crate) fn parse_numpy(text: &str) -> Result<Datetime, DatetimeParseError> {
        use DatetimeParseError::{NotADateOrDatetime, Unparseable};
        let iso = parse_iso(text.as_bytes()).ok_or(Unparseable)?;
        let empty_fraction = iso
            .time
            .and_then(|time| time.fraction)
            .is_some_and(<[u8]>::is_empty);
        if iso.padded || iso.signed || iso.year_digits < 4 || empty_fraction {
            return Err(Unparseable);
        }
        if iso.year_digits > 4 || !(1..=9999).contains(&iso.year) {
            return Err(NotADateOrDatetime);
        }
        let year = i32::try_from(iso.year).map_err(|_| NotADateOrDatetime)?;
        let date = NaiveDate::from_ymd_opt(year, iso.month.unwrap_or(1), iso.day.unwrap_or(1))
            .ok_or(Unparseable)?;
        let Some(time) = iso.time else {
            return Ok(Datetime::Date(date));
        };
        let fraction = time.fraction.unwrap_or_default();
        if fraction.len() > 6 {
            return Err(NotADateOrDatetime);
        }
        let time = NaiveTime::from_hms_nano_opt(
            time.hour,
            time.minute.unwrap_or(0),
            time.second.unwrap_or(0),
            fraction_nanoseconds(fraction),
        )
        .ok_or(Unparseable)?;
        let utc = date.and_time(time) - Duration::minutes(iso.offset.unwrap_or(0));
        if !(1..=9999).contains(&chrono::Datelike::year(&utc)) {
            return Err(NotADateOrDatetime);
        }
        Ok(Datetime::DateTime(utc))
    }
}

/// An ISO 8601 text as numpy's datetime64 parser (numpy 2.4) reads it: leading whitespace, a
/// signed year of any number of digits, then optionally `-MM`, `-DD`, `T` or a space and `hh`,
/// `:mm`, `:ss`, `.` and up to 18 digits, then `Z` or `±hh[[:]mm]`, then trailing whitespace
/// (only after a time). Fields are range-checked (a day within its month, proleptic Gregorian
/// with a year 0).
///
/// The one datetime grammar of the crate: numpy's own readings ([`Datetime::parse_numpy`],
/// [`numpy_datetime_text`]) and the naive form Strict takes ([`check_naive_datetime`]) are
/// each this grammar with their own limits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct IsoText<'a> {
    /// Whitespace before or after the text.
    pub(crate) padded: bool,
    /// A sign before the year.
    pub(crate) signed: bool,
    pub(crate) year_digits: usize,
    /// The year; saturates at the bounds of `i64`.
    pub(crate) year: i64,
    pub(crate) month: Option<u32>,
    pub(crate) day: Option<u32>,
    pub(crate) time: Option<IsoTime<'a>>,
    /// Minutes east of UTC, when the text ends in `Z` or an offset.
    pub(crate) offset: Option<i64>,
}

/// The time of an [`IsoText`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct IsoTime<'a> {
    pub(crate) hour: u32,
    pub(crate) minute: Option<u32>,
    pub(crate) second: Option<u32>,
    /// The digits after the seconds' `.`, possibly none.
    pub(crate) fraction: Option<&'a [u8]>,
}

/// Reads `text` by numpy's ISO 8601 grammar (see [`IsoText`]); `None` when numpy cannot.
pub(crate) fn parse_iso(text: &[u8]) -> Option<IsoText<'_>> {
    let mut c = TextCursor::new(text);
    c.skip_spaces();
    let leading = c.rest.len() != text.len();
    let negative = c.eat(b'-');
    let signed = negative || c.eat(b'+');
    let year_digits = c.digits();
    if year_digits.is_empty() {
        return None;
    }
    let magnitude = year_digits
        .iter()
        .try_fold(0i64, |v, d| {
            v.checked_mul(10)?.checked_add(i64::from(d - b'0'))
        })
        .unwrap_or(i64::MAX);
    let year = if negative { -magnitude } else { magnitude };
    let mut iso = IsoText {
        padded: leading,
        signed,
        year_digits: year_digits.len(),
        year,
        month: None,
        day: None,
        time: None,
        offset: None,
    };
    if c.done() {
        return Some(iso);
    }
    if !c.eat(b'-') {
        return None;
    }
    let month = c.two_digits().filter(|m| (1..=12).contains(m))?;
    iso.month = Some(month);
    if c.done() {
        return Some(iso);
    }
    if !c.eat(b'-') {
        return None;
    }
    let day = c.two_digits()?;
    if day == 0 || day > days_in_month(year, month) {
        return None;
    }
    iso.day = Some(day);
    if c.done() {
        return Some(iso);
    }
    if !(c.eat(b'T') || c.eat(b' ')) {
        return None;
    }
    let mut time = IsoTime {
        hour: c.two_digits().filter(|h| *h <= 23)?,
        minute: None,
        second: None,
        fraction: None,
    };
    if c.eat(b':') {
        time.minute = Some(c.two_digits().filter(|m| *m <= 59)?);
        if c.eat(b':') {
            time.second = Some(c.two_digits().filter(|s| *s <= 59)?);
            if c.eat(b'.') {
                let digits = c.digits();
                if digits.len() > 18 {
                    return None;
                }
                time.fraction = Some(digits);
            }
        }
    }
    iso.time = Some(time);
    if c.eat(b'Z') {
        iso.offset = Some(0);
    } else if let Some(sign) = c.peek().filter(|b| *b == b'+' || *b == b'-') {
        c.eat(sign);
        let hours = c.two_digits().filter(|h| *h <= 23)?;
        let colon = c.eat(b':');
        let minutes = c.two_digits();
        if colon || minutes.is_some() {
            minutes.filter(|m| *m <= 59)?;
        }
        let total = i64::from(hours * 60 + minutes.unwrap_or(0));
        iso.offset = Some(if sign == b'-' { -total } else { total });
    }
    let before = c.rest.len();
    c.skip_spaces();
    iso.padded |= c.rest.len() != before;
    c.done().then_some(iso)
}

/// What numpy's datetime64 parser reads in a string.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum DatetimeText {
    /// `""` or `NaT` in any case.
    NaT,
    /// `today` or `now` in any case.
    Clock,
    /// A date, possibly with a time: `partial` when only a year or a month, `offset` when it
    /// ends in `Z` or `±hh[:mm]`; the year saturates at the bounds of `i64`.
    Date {
        year: i64,
        partial: bool,
        offset: bool,
    },
}

/// numpy's reading of a string as a datetime64 (its cast of a tensor element): the words it
/// knows, then [`parse_iso`].
pub(crate) fn numpy_datetime_text(s: &str) -> Option<DatetimeText> {
    if s.is_empty() || s.eq_ignore_ascii_case("nat") {
        return Some(DatetimeText::NaT);
    }
    if s.eq_ignore_ascii_case("today") || s.eq_ignore_ascii_case("now") {
        return Some(DatetimeText::Clock);
    }
    let iso = parse_iso(s.as_bytes())?;
    Some(DatetimeText::Date {
        year: iso.year,
        partial: iso.day.is_none(),
        offset: iso.offset.is_some(),
    })
}

/// What `pd.to_datetime` makes of one text cell of an `object` column (pandas 3, dateutil 2.9),
/// the scoring server's cast of a `dataframe_*` column for `datetime`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum PandasDatetimeText {
    /// `""`: NaT.
    NaT,
    /// `now`, `today` (lower case only), or a time of day alone, which pandas dates today.
    Clock {
        /// `(hour, minute, second, nanosecond)` of a time alone; `None` for `now` and `today`.
        time_of_day: Option<(u32, u32, u32, u32)>,
    },
    /// A calendar instant (proleptic Gregorian), naive or with a timezone.
    Instant {
        /// `(year, month, day, hour, minute, second)`.
        fields: (i64, u32, u32, u32, u32, u32),
        /// The fraction of the second, in nanoseconds.
        nanosecond: u32,
        /// The text ends in `Z`, `UTC`, `GMT` or an offset: pandas makes the column
        /// timezone-aware.
        zoned: bool,
        /// The text is not the ISO form pandas reads without guessing (`2021-01-01`,
        /// `2021-01-01T10:00:00`...): pandas read it with dateutil's rules.
        guessed: bool,
    },
}

impl PandasDatetimeText {
    /// Whether the instant fits in `datetime64[ns]`, to which MLflow converts the parsed
    /// column (1677-09-21T00:12:43 to 2262-04-11T23:47:16).
    pub(crate) fn fits_nanoseconds(&self) -> bool {
        match self {
            PandasDatetimeText::Instant { fields, .. } => {
                ((1677, 9, 21, 0, 12, 44)..=(2262, 4, 11, 23, 47, 16)).contains(fields)
            }
            _ => true,
        }
    }

    /// The naive ISO text of the instant pandas reads, `now` being the current UTC time: what
    /// the model receives after MLflow's cast. `None` for NaT and for an instant with a
    /// timezone (which MLflow refuses).
    pub(crate) fn naive_text(&self, now: NaiveDateTime) -> Option<String> {
        let at = match *self {
            PandasDatetimeText::NaT | PandasDatetimeText::Instant { zoned: true, .. } => {
                return None;
            }
            PandasDatetimeText::Clock { time_of_day: None } => now,
            PandasDatetimeText::Clock {
                time_of_day: Some((hour, minute, second, nanosecond)),
            } => now
                .date()
                .and_hms_nano_opt(hour, minute, second, nanosecond)?,
            PandasDatetimeText::Instant {
                fields: (year, month, day, hour, minute, second),
                nanosecond,
                ..
            } => NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, month, day)?
                .and_hms_nano_opt(hour, minute, second, nanosecond)?,
        };
        Some(naive_iso_text(at))
    }
}

/// The current time in UTC, naive: what pandas and numpy read for `now` (the crate builds
/// chrono without its clock).
pub(crate) fn utc_now() -> NaiveDateTime {
    let since_epoch = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    chrono::DateTime::from_timestamp(
        i64::try_from(since_epoch.as_secs()).unwrap_or(i64::MAX),
        since_epoch.subsec_nanos(),
    )
    .map(|at| at.naive_utc())
    .unwrap_or_default()
}

/// `YYYY-MM-DDTHH:MM:SS[.fraction]`: the text of an instant MLflow's casts produce, which the
/// typed decode reads back.
pub(crate) fn naive_iso_text(at: NaiveDateTime) -> String {
    at.format("%Y-%m-%dT%H:%M:%S%.f").to_string()
}

/// Digits after a second's `.` as nanoseconds (digits past the ninth are dropped, as the cast to
/// `datetime64[ns]` drops them).
fn fraction_nanoseconds(digits: &[u8]) -> u32 {
    digits
        .iter()
        .chain(std::iter::repeat(&b'0'))
        .take(9)
        .fold(0, |value, digit| value * 10 + u32::from(digit - b'0'))
}

impl IsoText<'_> {
    /// The instant as numpy reads it (a missing month or day is the first, an offset is
    /// subtracted), as naive UTC ISO text; `None` for a year chrono cannot hold.
    pub(crate) fn naive_utc_text(&self) -> Option<String> {
        let date = NaiveDate::from_ymd_opt(
            i32::try_from(self.year).ok()?,
            self.month.unwrap_or(1),
            self.day.unwrap_or(1),
        )?;
        let time = self.time.map_or(Some(NaiveTime::MIN), |time| {
            NaiveTime::from_hms_nano_opt(
                time.hour,
                time.minute.unwrap_or(0),
                time.second.unwrap_or(0),
                fraction_nanoseconds(time.fraction.unwrap_or_default()),
            )
        })?;
        let utc = date
            .and_time(time)
            .checked_sub_signed(Duration::minutes(self.offset.unwrap_or(0)))?;
        Some(naive_iso_text(utc))
    }
}

/// `pd.to_datetime` of one string: [`parse_iso`] for the ISO forms (four-digit year, nothing
/// before it), otherwise the forms dateutil's parser reads, with pandas' defaults
/// (`dayfirst=False`, `yearfirst=False`, a missing year is year 1, a missing day the 1st):
///
/// - one number: `YYYYMMDD`, `YYMMDD`, or a four-digit year;
/// - two numbers, one of four digits: a year and a month;
/// - three numbers separated by `-`, `/`, `.` or spaces: year first when the first has four
///   digits, otherwise month, day, year (day first when the first is above 12); a two-digit
///   year is the nearest one within 50 years from 2000 on;
/// - a month name (`Jan`, `January`, `Sept`) with a day and a year, or a year alone, in any
///   order; a weekday name, commas and ordinal suffixes (`1st`) are skipped;
/// - a time `HH:MM[:SS[.f]]`, optionally `am`/`pm`, after the date or alone (dated today);
///   then `Z`, `UTC`, `GMT` or `±HH[:]MM` for a timezone.
///
/// Everything else is refused, as pandas refuses most of it; the dateutil forms outside this
/// list are listed in docs/mlflow-differences.md.
pub(crate) fn pandas_datetime_text(s: &str) -> Option<PandasDatetimeText> {
    let trimmed = s.trim_matches(|c: char| c.is_ascii() && is_c_space(c as u8));
    if trimmed.is_empty() {
        return Some(PandasDatetimeText::NaT);
    }
    if trimmed == "now" || trimmed == "today" {
        return Some(PandasDatetimeText::Clock { time_of_day: None });
    }
    let bytes = trimmed.as_bytes();
    if bytes.len() >= 4
        && bytes[..4].iter().all(u8::is_ascii_digit)
        && let Some(iso) = parse_iso(bytes).filter(|iso| iso.year_digits == 4)
    {
        let time = iso.time.unwrap_or(IsoTime {
            hour: 0,
            minute: None,
            second: None,
            fraction: None,
        });
        return Some(PandasDatetimeText::Instant {
            fields: (
                iso.year,
                iso.month.unwrap_or(1),
                iso.day.unwrap_or(1),
                time.hour,
                time.minute.unwrap_or(0),
                time.second.unwrap_or(0),
            ),
            nanosecond: fraction_nanoseconds(time.fraction.unwrap_or_default()),
            zoned: iso.offset.is_some(),
            guessed: false,
        });
    }
    dateutil_text(&trimmed.to_ascii_lowercase())
}

/// One piece of a text as [`dateutil_text`] splits it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum DateToken<'a> {
    Number(&'a str),
    Word(&'a str),
    Mark(u8),
}

fn date_tokens(text: &str) -> Option<Vec<DateToken<'_>>> {
    let bytes = text.as_bytes();
    let mut tokens = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        let start = at;
        let b = bytes[at];
        if b.is_ascii_digit() {
            while at < bytes.len() && bytes[at].is_ascii_digit() {
                at += 1;
            }
            tokens.push(DateToken::Number(&text[start..at]));
        } else if b.is_ascii_alphabetic() {
            while at < bytes.len() && bytes[at].is_ascii_alphabetic() {
                at += 1;
            }
            tokens.push(DateToken::Word(&text[start..at]));
        } else if matches!(b, b'-' | b'/' | b'.' | b':' | b'+') {
            tokens.push(DateToken::Mark(b));
            at += 1;
        } else if is_c_space(b) || b == b',' {
            at += 1;
        } else {
            return None;
        }
    }
    Some(tokens)
}

const MONTH_NAMES: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

const WEEKDAY_NAMES: [&str; 7] = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

/// dateutil's month words: the full name, its first three letters, and `sept`.
fn month_of(word: &str) -> Option<u32> {
    let position = MONTH_NAMES
        .iter()
        .position(|name| *name == word || name[..3] == *word)
        .or_else(|| (word == "sept").then_some(8))?;
    u32::try_from(position + 1).ok()
}

fn is_weekday(word: &str) -> bool {
    WEEKDAY_NAMES
        .iter()
        .any(|name| *name == word || name[..3] == *word)
}

/// The dateutil forms of [`pandas_datetime_text`], on lower-case text.
fn dateutil_text(text: &str) -> Option<PandasDatetimeText> {
    let tokens = date_tokens(text)?;
    let mut numbers: Vec<&str> = Vec::new();
    let mut month_name = None;
    let mut time: Option<(u32, u32, u32, u32)> = None;
    let mut zoned = false;
    let mut index = 0;
    while index < tokens.len() {
        match tokens[index] {
            DateToken::Number(digits) if tokens.get(index + 1) == Some(&DateToken::Mark(b':')) => {
                // A time of day: HH:MM[:SS[.fraction]] [am|pm].
                if time.is_some() {
                    return None;
                }
                let mut hour: u32 = digits.parse().ok().filter(|_| digits.len() <= 2)?;
                let two = |token: Option<&DateToken<'_>>, max: u32| match token {
                    Some(DateToken::Number(d)) if d.len() == 2 => {
                        d.parse::<u32>().ok().filter(|v| *v <= max)
                    }
                    _ => None,
                };
                let minute = two(tokens.get(index + 2), 59)?;
                index += 3;
                let mut second = 0;
                let mut nanosecond = 0;
                if tokens.get(index) == Some(&DateToken::Mark(b':')) {
                    second = two(tokens.get(index + 1), 59)?;
                    index += 2;
                    if tokens.get(index) == Some(&DateToken::Mark(b'.')) {
                        match tokens.get(index + 1) {
                            // dateutil keeps microseconds.
                            Some(DateToken::Number(digits)) => {
                                nanosecond =
                                    fraction_nanoseconds(&digits.as_bytes()[..digits.len().min(6)]);
                                index += 2;
                            }
                            _ => return None,
                        }
                    }
                }
                match tokens.get(index) {
                    Some(DateToken::Word(meridiem @ ("am" | "pm"))) => {
                        if !(1..=12).contains(&hour) {
                            return None;
                        }
                        hour = hour % 12 + if *meridiem == "pm" { 12 } else { 0 };
                        index += 1;
                    }
                    _ if hour > 23 => return None,
                    _ => {}
                }
                time = Some((hour, minute, second, nanosecond));
                continue;
            }
            DateToken::Number(digits) => {
                numbers.push(digits);
                // An ordinal suffix right after a day: `1st`, `22nd`.
                if let Some(DateToken::Word("st" | "nd" | "rd" | "th")) = tokens.get(index + 1) {
                    index += 1;
                }
            }
            DateToken::Word("z" | "utc" | "gmt") if time.is_some() => zoned = true,
            DateToken::Mark(b'+' | b'-') if time.is_some() => {
                // An offset after the time: ±HH[:]MM.
                match (tokens.get(index + 1), tokens.get(index + 2)) {
                    (Some(DateToken::Number(d)), _) if d.len() == 4 => index += 1,
                    (Some(DateToken::Number(h)), Some(DateToken::Mark(b':'))) if h.len() == 2 => {
                        match tokens.get(index + 3) {
                            Some(DateToken::Number(m)) if m.len() == 2 => index += 3,
                            _ => return None,
                        }
                    }
                    _ => return None,
                }
                zoned = true;
            }
            DateToken::Mark(b'-' | b'/' | b'.') => {}
            DateToken::Word(word) => match month_of(word) {
                Some(month) if month_name.is_none() => month_name = Some(month),
                _ if is_weekday(word) => {}
                _ => return None,
            },
            DateToken::Mark(_) => return None,
        }
        index += 1;
    }
    let (year, month, day) = match (month_name, numbers.as_slice()) {
        // A time alone is dated today.
        (None, []) if time.is_some() => {
            return Some(PandasDatetimeText::Clock { time_of_day: time });
        }
        (None, []) => return None,
        (None, [single]) => match single.len() {
            8 => (
                single[..4].parse().ok()?,
                single[4..6].parse().ok()?,
                single[6..].parse().ok()?,
            ),
            6 => three_numbers(&single[..2], &single[2..4], &single[4..])?,
            4 => (single.parse().ok()?, 1, 1),
            _ => return None,
        },
        (None, [first, second]) if first.len() == 4 => {
            (first.parse().ok()?, second.parse().ok()?, 1)
        }
        (None, [first, second, third]) => three_numbers(first, second, third)?,
        (Some(month), [year]) if year.len() == 4 => (year.parse().ok()?, month, 1),
        (Some(month), [first, second]) => {
            let (day, year) = if first.len() == 4 {
                (second, first)
            } else {
                (first, second)
            };
            (two_digit_year(year)?, month, day.parse().ok()?)
        }
        // No year: pandas dates it in year 1, outside what MLflow converts to nanoseconds.
        _ => return None,
    };
    if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) || year == 0 {
        return None;
    }
    let (hour, minute, second, nanosecond) = time.unwrap_or((0, 0, 0, 0));
    Some(PandasDatetimeText::Instant {
        fields: (year, month, day, hour, minute, second),
        nanosecond,
        zoned,
        guessed: true,
    })
}

/// A year as dateutil reads it: four digits as they are, one or two digits the nearest year
/// within 50 years of 2000 on (pandas' default century); anything else is no year.
fn two_digit_year(digits: &str) -> Option<i64> {
    let value: i64 = digits.parse().ok()?;
    match digits.len() {
        4 => Some(value),
        1 | 2 => Some(if 2000 + value > 2076 {
            1900 + value
        } else {
            2000 + value
        }),
        _ => None,
    }
}

/// Three numbers of a date: year first when the first has four digits (or is above 31),
/// otherwise month, day, year, or day, month, year when the first cannot be a month.
fn three_numbers(first: &str, second: &str, third: &str) -> Option<(i64, u32, u32)> {
    let [a, b, c]: [u32; 3] = [
        first.parse().ok()?,
        second.parse().ok()?,
        third.parse().ok()?,
    ];
    if first.len() == 4 || a > 31 {
        return Some((two_digit_year(first).or_else(|| Some(i64::from(a)))?, b, c));
    }
    let year = two_digit_year(third)?;
    if a > 12 {
        Some((year, b, a))
    } else {
        Some((year, a, b))
    }
}

/// What is wrong with a datetime string, if anything.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum DatetimeMisfit {
    Malformed,
    HasTimezone,
}

/// The naive timestamp MLflow's `datetime` holds, as Strict takes it: [`parse_iso`] limited to
/// `YYYY-MM-DD`, optionally `T` or a space and `HH:MM`, `HH:MM:SS` or `HH:MM:SS.f` (1 to 9
/// fraction digits), nothing around it; a timezone suffix is reported apart.
pub(crate) fn check_naive_datetime(text: &[u8]) -> Result<(), DatetimeMisfit> {
    let iso = parse_iso(text).ok_or(DatetimeMisfit::Malformed)?;
    let naive_form = !iso.padded
        && !iso.signed
        && iso.year_digits == 4
        && iso.day.is_some()
        && iso.time.is_none_or(|time| {
            time.minute.is_some()
                && time
                    .fraction
                    .is_none_or(|digits| (1..=9).contains(&digits.len()))
        });
    match (naive_form, iso.offset) {
        (false, _) => Err(DatetimeMisfit::Malformed),
        (true, Some(_)) => Err(DatetimeMisfit::HasTimezone),
        (true, None) => Ok(()),
    }
}

/// C's `isspace` in the "C" locale, which numpy's parsers skip.
pub(crate) fn is_c_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | 0x0B | 0x0C | b'\r')
}

fn days_in_month(year: i64, month: u32) -> u32 {
    // numpy's calendar is the proleptic Gregorian one, with a year 0.
    let leap = year.rem_euclid(4) == 0 && (year.rem_euclid(100) != 0 || year.rem_euclid(400) == 0);
    match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// A byte cursor for [`parse_iso`].
struct TextCursor<'a> {
    rest: &'a [u8],
}

impl<'a> TextCursor<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        TextCursor { rest: bytes }
    }

    fn peek(&self) -> Option<u8> {
        self.rest.first().copied()
    }

    fn done(&self) -> bool {
        self.rest.is_empty()
    }

    fn eat(&mut self, b: u8) -> bool {
        if self.peek() == Some(b) {
            self.rest = &self.rest[1..];
            true
        } else {
            false
        }
    }

    fn skip_spaces(&mut self) {
        while self.peek().is_some_and(is_c_space) {
            self.rest = &self.rest[1..];
        }
    }

    fn digits(&mut self) -> &'a [u8] {
        let n = self.rest.iter().take_while(|b| b.is_ascii_digit()).count();
        let (digits, rest) = self.rest.split_at(n);
        self.rest = rest;
        digits
    }

    fn two_digits(&mut self) -> Option<u32> {
        match self.rest {
            [a, b, rest @ ..] if a.is_ascii_digit() && b.is_ascii_digit() => {
                self.rest = rest;
                Some(u32::from(a - b'0') * 10 + u32::from(b - b'0'))
            }
            _ => None,
        }
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

    // Measured with pandas 3.1 and dateutil 2.9 (`pd.to_datetime(pd.Series([s], dtype=object))`,
    // then `.dt.as_unit("ns")` as MLflow does).
    #[test]
    fn pandas_reads_datetime_text_as_dateutil_guesses() {
        let instant = |s: &str| match pandas_datetime_text(s) {
            Some(text @ PandasDatetimeText::Instant { fields, .. }) if text.fits_nanoseconds() => {
                let (y, mo, d, h, mi, se) = fields;
                Some(format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{se:02}"))
            }
            _ => None,
        };
        for (text, read) in [
            ("Jan 1 2021", "2021-01-01 00:00:00"),
            ("JANUARY 1, 2021", "2021-01-01 00:00:00"),
            ("1 January 2021", "2021-01-01 00:00:00"),
            ("Jan 2021", "2021-01-01 00:00:00"),
            ("2021 Jan 1", "2021-01-01 00:00:00"),
            ("Friday, Jan 1 2021", "2021-01-01 00:00:00"),
            ("1st Jan 2021", "2021-01-01 00:00:00"),
            ("20210101", "2021-01-01 00:00:00"),
            ("210101", "2001-01-21 00:00:00"),
            ("2101", "2101-01-01 00:00:00"),
            ("2021/1/1", "2021-01-01 00:00:00"),
            ("01/02/2021", "2021-01-02 00:00:00"),
            ("13/02/2021", "2021-02-13 00:00:00"),
            ("1/2/21", "2021-01-02 00:00:00"),
            ("01.02.2021", "2021-01-02 00:00:00"),
            ("2021.01.01", "2021-01-01 00:00:00"),
            ("2021-1-1", "2021-01-01 00:00:00"),
            ("2021-1", "2021-01-01 00:00:00"),
            ("2021 01 01", "2021-01-01 00:00:00"),
            ("1 2 3", "2003-01-02 00:00:00"),
            ("2021-01-01 10", "2021-01-01 10:00:00"),
            (" 2021-01-01", "2021-01-01 00:00:00"),
            ("Jan 1 2021 10:00 pm", "2021-01-01 22:00:00"),
        ] {
            assert_eq!(instant(text).as_deref(), Some(read), "{text:?}");
        }
        for clock in ["now", "today", "10:00", "10:00:00.5", "10:00 PM"] {
            assert!(
                matches!(
                    pandas_datetime_text(clock),
                    Some(PandasDatetimeText::Clock { .. })
                ),
                "{clock}"
            );
        }
        // Refused by pandas, or read as year 1 or 3000 and refused by the cast to nanoseconds.
        for refused in [
            "NOW",
            "Today",
            "tomorrow",
            "202101",
            "2021010",
            "1",
            "123",
            "12345",
            "1609459200",
            "25:00",
            "2021-13-01",
            "2021-02-30",
            "x",
            "2021-W01",
            "1e3",
            "1.5",
            "10am",
            "Jan",
            "1 2",
            "Monday",
            "3000-01-01",
            "0001-01-01",
            "-1",
        ] {
            assert_eq!(instant(refused), None, "{refused:?}");
            assert!(!matches!(
                pandas_datetime_text(refused),
                Some(PandasDatetimeText::Clock { .. })
            ));
        }
        assert!(matches!(
            pandas_datetime_text("2021-01-01 10:00:00 UTC"),
            Some(PandasDatetimeText::Instant { zoned: true, .. })
        ));
    }

    // Measured with numpy 2.4 (`np.array([s], dtype="datetime64")`).
    // What the model receives: pandas keeps nanoseconds from ISO text and microseconds from
    // dateutil's forms, and dates a time alone today.
    #[test]
    fn pandas_readings_become_the_text_the_model_receives() {
        let now = NaiveDate::from_ymd_opt(2026, 12, 3)
            .and_then(|day| day.and_hms_opt(6, 30, 0))
            .expect("a valid instant");
        let served = |s: &str| pandas_datetime_text(s).and_then(|text| text.naive_text(now));
        for (text, read) in [
            ("2021", "2021-01-01T00:00:00"),
            ("2021-05", "2021-05-01T00:00:00"),
            (
                " 2021-01-01T10:00:00.123456789",
                "2021-01-01T10:00:00.123456789",
            ),
            ("Jan 1 2021 10:00:00.2500009", "2021-01-01T10:00:00.250"),
            ("10:00:00.5", "2026-12-03T10:00:00.500"),
            ("10:00 pm", "2026-12-03T22:00:00"),
            ("now", "2026-12-03T06:30:00"),
        ] {
            assert_eq!(served(text).as_deref(), Some(read), "{text:?}");
        }
        for nothing in ["", "2021-01-01T10:00Z"] {
            assert_eq!(served(nothing), None, "{nothing:?}");
        }
        let utc = |s: &str| parse_iso(s.as_bytes()).and_then(|iso| iso.naive_utc_text());
        assert_eq!(
            utc("2021-05-01T10:00:00.5+02:00").as_deref(),
            Some("2021-05-01T08:00:00.500")
        );
        assert_eq!(utc("1999").as_deref(), Some("1999-01-01T00:00:00"));
        assert_eq!(utc("123456789"), None);
    }

    #[test]
    fn numpy_reads_datetime_text() {
        for accepted in [
            "5",
            "-5",
            "+5",
            "12345",
            "2021",
            "2021-01",
            "2021-01-01",
            "2020-02-29",
            "0000-02-29",
            "2021-01-01 10",
            "2021-01-01T10:00",
            "2021-01-01T10:00:00.",
            "2021-01-01T10:00:00.123456789012345678",
            "2021-01-01T10Z",
            "2021-01-01T10:00:00+01",
            "2021-01-01T10:00:00-0130",
            "2021-01-01T10:00:00+01:00 ",
            "2021-01-01T10 ",
            "\t\n 2021",
            "\u{b}2021",
        ] {
            assert!(
                matches!(
                    numpy_datetime_text(accepted),
                    Some(DatetimeText::Date { .. })
                ),
                "{accepted:?}"
            );
        }
        for refused in [
            "1.5",
            "1e3",
            "abc",
            "é",
            " 7 ",
            "1_000",
            "2021-1-1",
            "2021-W01",
            "2021-13-01",
            "2021-02-29",
            "1900-02-29",
            "2021-01-01 ",
            "2021-01-01Z",
            "2021-01-01T1000",
            "2021-01-01T24:00:00",
            "2021-01-01T10:60",
            "2021-01-01t10:00",
            "2021-01-01T10:00:00,5",
            "2021-01-01T10:00:00.1234567890123456789",
            "2021-01-01T10:00:00 Z",
            "2021-01-01T10:00:00+1",
            "2021-01-01T10:00:00+2400",
            "2021-01-01T10:00:00+0160",
            "2021-01-01T10:00:00+01:",
            " NaT",
            "\u{a0}2021",
            "  ",
            "-",
        ] {
            assert_eq!(numpy_datetime_text(refused), None, "{refused:?}");
        }
        assert_eq!(numpy_datetime_text(""), Some(DatetimeText::NaT));
        assert_eq!(numpy_datetime_text("NAT"), Some(DatetimeText::NaT));
        assert_eq!(numpy_datetime_text("Today"), Some(DatetimeText::Clock));
        assert_eq!(
            numpy_datetime_text("2021-01-01T00:00:00Z"),
            Some(DatetimeText::Date {
                year: 2021,
                partial: false,
                offset: true
            })
        );
        assert_eq!(
            numpy_datetime_text("-2021"),
            Some(DatetimeText::Date {
                year: -2021,
                partial: true,
                offset: false
            })
        );
    }

    #[test]
    fn each_reader_is_the_one_grammar_with_its_limits() {
        // What numpy refuses, every reader refuses, whatever it would take otherwise.
        for numpy_refuses in [
            "2023-06-26T13:05+99:99",
            "2023-06-26T13:05+24",
            "2023-06-26T13:05+:0530",
            "2023-06-26T01:00:00+01:",
            "2023-06-26T00:00:00.1234567890123456789",
        ] {
            assert_eq!(numpy_datetime_text(numpy_refuses), None, "{numpy_refuses}");
            assert_eq!(
                check_naive_datetime(numpy_refuses.as_bytes()),
                Err(DatetimeMisfit::Malformed),
                "{numpy_refuses}"
            );
            assert_eq!(
                Datetime::parse_numpy(numpy_refuses),
                Err(DatetimeParseError::Unparseable),
                "{numpy_refuses}"
            );
        }
        // What numpy reads but a reader's limits refuse.
        for (text, numpy, naive, params) in [
            (" 2023-06-26T13:05", true, false, false),
            ("+2023-06-26", true, false, false),
            ("2023-06", true, false, true),
            ("2023-06-26T13", true, false, true),
            ("2023-06-26T13:05:09.", true, false, false),
            ("2023-06-26T13:05:09.1234567", true, true, false),
            ("2023-06-26T13:05:09.123456", true, true, true),
            ("20230-06-26", true, false, false),
        ] {
            assert_eq!(numpy_datetime_text(text).is_some(), numpy, "{text:?}");
            assert_eq!(
                check_naive_datetime(text.as_bytes()).is_ok(),
                naive,
                "{text:?}"
            );
            assert_eq!(Datetime::parse_numpy(text).is_ok(), params, "{text:?}");
        }
    }

    proptest::proptest! {
        /// Every text a reader takes is one numpy reads, with the same date.
        #[test]
        fn readers_take_only_what_numpy_reads(text in "[ +-]?[0-9]{1,5}(-[0-9]{2}(-[0-9]{2}([T ][0-9]{2}(:[0-9]{2}(:[0-9]{2}(\\.[0-9]{0,10})?)?)?(Z|[+-][0-9]{2}(:?[0-9]{2})?)?)?)?)? ?") {
            let numpy = numpy_datetime_text(&text);
            if check_naive_datetime(text.as_bytes()).is_ok() {
                let is_full_date = matches!(numpy, Some(DatetimeText::Date { partial: false, offset: false, .. }));
                proptest::prop_assert!(is_full_date, "{text:?}");
            }
            if let Ok(at) = Datetime::parse_numpy(&text) {
                let year = match at {
                    Datetime::Date(date) => i64::from(chrono::Datelike::year(&date)),
                    Datetime::DateTime(at) => i64::from(chrono::Datelike::year(&at)),
                };
                let numpy_year = match numpy {
                    Some(DatetimeText::Date { year, .. }) => year,
                    other => return Err(proptest::test_runner::TestCaseError::fail(format!("{text:?}: {other:?}"))),
                };
                // An offset may move the instant across a new year.
                proptest::prop_assert!((year - numpy_year).abs() <= 1, "{text:?}");
            }
        }
    }
}
