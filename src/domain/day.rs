//! Calendar days in the users' civil time (UTC+8), and the calendar arithmetic the ledgers
//! need: years and months, working days, one month later.
//!
//! Nobody slices date strings: a day's year, month and month label come from here
//! (docs/ARCHITECTURE.md, "Domain").

use std::fmt;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// The users' civil time zone, UTC+8, in seconds east of UTC. China has one time zone and
/// servers often run on UTC: "today" and every time shown use this offset, so they agree.
pub const CIVIL_OFFSET_SECS: i32 = 8 * 3600;

const MS_PER_DAY: i64 = 86_400_000;
const CIVIL_OFFSET_MS: i64 = CIVIL_OFFSET_SECS as i64 * 1000;

/// The civil time zone as a chrono offset (for showing clock times).
pub fn civil_offset() -> chrono::FixedOffset {
    chrono::FixedOffset::east_opt(CIVIL_OFFSET_SECS).expect("UTC+8 is a valid offset")
}

/// A calendar day, stored as days since 1970-01-01 (compact in bincode, ordered as dates are).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Day(pub i32);

const EPOCH_CE: i32 = 719_163; // days from 0001-01-01 to 1970-01-01

impl Day {
    /// From a chrono date.
    pub fn from_date(d: NaiveDate) -> Day {
        Day(d.num_days_from_ce() - EPOCH_CE)
    }
    /// As a chrono date.
    pub fn date(self) -> NaiveDate {
        NaiveDate::from_num_days_from_ce_opt(self.0 + EPOCH_CE).unwrap_or(NaiveDate::MIN)
    }
    /// The day `year`-`month`-`day`, when it exists (2月30日 does not).
    pub fn from_ymd(year: i32, month: u32, day: u32) -> Option<Day> {
        NaiveDate::from_ymd_opt(year, month, day).map(Day::from_date)
    }
    /// Parses `YYYY-MM-DD` strictly (2月30日 is refused).
    pub fn parse(s: &str) -> Option<Day> {
        let s = s.trim();
        if s.len() != 10 {
            return None;
        }
        NaiveDate::parse_from_str(s, "%Y-%m-%d").ok().map(Day::from_date)
    }
    /// `n` days later (or earlier when negative).
    pub fn plus(self, n: i32) -> Day {
        Day(self.0 + n)
    }
    /// The year (2026).
    pub fn year(self) -> i32 {
        self.date().year()
    }
    /// The month, 1–12.
    pub fn month(self) -> u32 {
        self.date().month()
    }
    /// The day of the month, 1–31.
    pub fn day(self) -> u32 {
        self.date().day()
    }
    /// The first day of this day's month.
    pub fn first_of_month(self) -> Day {
        self.plus(1 - self.day() as i32)
    }
    /// The first day of this day's year (1 January).
    pub fn first_of_year(self) -> Day {
        self.plus(1 - self.date().ordinal() as i32)
    }
    /// The month as `YYYY-MM` (`2026-11`), for titles and month counts.
    pub fn year_month(self) -> String {
        format!("{:04}-{:02}", self.year(), self.month())
    }
    /// The day of a millisecond Unix timestamp, in civil time (UTC+8).
    pub fn from_unix_ms(ms: u64) -> Day {
        Day(((ms as i64 + CIVIL_OFFSET_MS) / MS_PER_DAY) as i32)
    }
    /// Today in civil time, from a clock reading in milliseconds since the Unix epoch (UTC).
    pub fn today(now_unix_ms: u64) -> Day {
        Day::from_unix_ms(now_unix_ms)
    }
    /// The Unix timestamp (milliseconds) of this day's civil midnight (00:00 UTC+8).
    pub fn start_unix_ms(self) -> i64 {
        self.0 as i64 * MS_PER_DAY - CIVIL_OFFSET_MS
    }
    /// Monday = 1 … Sunday = 7.
    fn weekday(self) -> u32 {
        self.date().weekday().number_from_monday()
    }
}

impl fmt::Display for Day {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.date().format("%Y-%m-%d"))
    }
}

/// `n` working days (Monday to Friday) after `day`. Public holidays and 调休 are not modelled:
/// the due date may fall a day or two early around holidays, never late.
pub fn add_working_days(day: Day, n: u32) -> Day {
    let mut d = day;
    let mut left = n;
    while left > 0 {
        d = d.plus(1);
        if d.weekday() <= 5 {
            left -= 1;
        }
    }
    d
}

/// The same day one calendar month later (31 Jan → 28/29 Feb): "一般一个月内调结".
pub fn add_one_month(day: Day) -> Day {
    day.date().checked_add_months(chrono::Months::new(1)).map(Day::from_date).unwrap_or(day.plus(30))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> Day {
        Day::parse(s).unwrap()
    }

    #[test]
    fn day_parses_real_dates_only() {
        assert_eq!(Day::parse("2024-02-29").map(|d| d.to_string()).as_deref(), Some("2024-02-29"));
        assert_eq!(Day::parse("2023-02-29"), None);
        assert_eq!(Day::parse("2024-02-30"), None);
        assert_eq!(Day::parse("2024-2-3"), None);
        assert_eq!(Day::parse("1970-01-01"), Some(Day(0)));
    }

    #[test]
    fn from_ymd_accepts_real_days_only_and_agrees_with_parse() {
        assert_eq!(Day::from_ymd(2026, 11, 27), Some(day("2026-11-27")));
        assert_eq!(Day::from_ymd(1970, 1, 1), Some(Day(0)));
        assert_eq!(Day::from_ymd(2024, 2, 29), Some(day("2024-02-29")), "2024 is a leap year");
        assert_eq!(Day::from_ymd(2023, 2, 29), None, "2023 is not");
        assert_eq!(Day::from_ymd(1900, 2, 29), None, "1900 is not (divisible by 100)");
        assert_eq!(Day::from_ymd(2000, 2, 29), Some(day("2000-02-29")), "2000 is (divisible by 400)");
        for (m, last) in [(1, 31), (2, 28), (3, 31), (4, 30), (5, 31), (6, 30), (7, 31), (8, 31), (9, 30)] {
            assert!(Day::from_ymd(2026, m, last).is_some(), "{m}/{last}");
            assert_eq!(Day::from_ymd(2026, m, last + 1), None, "{m}/{}", last + 1);
        }
        for (m, last) in [(10, 31), (11, 30), (12, 31)] {
            assert!(Day::from_ymd(2026, m, last).is_some(), "{m}/{last}");
            assert_eq!(Day::from_ymd(2026, m, last + 1), None, "{m}/{}", last + 1);
        }
        assert_eq!(Day::from_ymd(2026, 0, 1), None);
        assert_eq!(Day::from_ymd(2026, 13, 1), None);
        assert_eq!(Day::from_ymd(2026, 1, 0), None);
    }

    #[test]
    fn year_month_and_day_read_the_calendar() {
        let d = day("2026-11-27");
        assert_eq!((d.year(), d.month(), d.day()), (2026, 11, 27));
        let d = day("1969-12-31");
        assert_eq!((d.year(), d.month(), d.day()), (1969, 12, 31));
        assert_eq!(d, Day(-1));
        let d = day("2024-02-29");
        assert_eq!((d.year(), d.month(), d.day()), (2024, 2, 29));
    }

    #[test]
    fn first_of_month_and_year() {
        assert_eq!(day("2026-11-27").first_of_month(), day("2026-11-01"));
        assert_eq!(day("2026-11-01").first_of_month(), day("2026-11-01"));
        assert_eq!(day("2026-12-31").first_of_month(), day("2026-12-01"));
        assert_eq!(day("2024-02-29").first_of_month(), day("2024-02-01"));
        assert_eq!(day("2026-11-27").first_of_year(), day("2026-01-01"));
        assert_eq!(day("2026-01-01").first_of_year(), day("2026-01-01"));
        assert_eq!(day("2024-12-31").first_of_year(), day("2024-01-01"), "day 366 of a leap year");
        assert_eq!(day("1969-07-20").first_of_year(), day("1969-01-01"));
    }

    #[test]
    fn month_labels_are_zero_padded_and_roll_over_from_december_to_january() {
        assert_eq!(day("2026-11-27").year_month(), "2026-11");
        assert_eq!(day("2026-03-01").year_month(), "2026-03");
        let dec31 = day("2026-12-31");
        assert_eq!(dec31.year_month(), "2026-12");
        assert_eq!(dec31.plus(1).year_month(), "2027-01");
        assert_eq!(dec31.plus(1).first_of_year(), dec31.plus(1));
        assert_eq!(dec31.plus(1).first_of_month(), day("2027-01-01"));
        assert_eq!(day("2027-01-01").plus(-1).first_of_month(), day("2026-12-01"));
    }

    #[test]
    fn civil_days_begin_at_midnight_utc_plus_8() {
        let d = day("2026-11-27");
        let midnight = d.start_unix_ms();
        assert_eq!(midnight, 1_795_737_600_000 - 8 * 3_600_000, "2026-11-26T16:00:00Z");
        assert_eq!(Day::from_unix_ms(midnight as u64), d);
        assert_eq!(Day::from_unix_ms(midnight as u64 - 1), d.plus(-1));
        assert_eq!(Day::today(midnight as u64 + 86_400_000 - 1), d);
        assert_eq!(Day::today(midnight as u64 + 86_400_000), d.plus(1));
        assert_eq!(civil_offset().local_minus_utc(), CIVIL_OFFSET_SECS);
    }

    #[test]
    fn working_days_skip_weekends() {
        // 2026-11-27 is a Friday
        let fri = day("2026-11-27");
        assert_eq!(add_working_days(fri, 1).to_string(), "2026-11-30");
        assert_eq!(add_working_days(fri, 3).to_string(), "2026-12-02");
        assert_eq!(add_working_days(fri, 13).to_string(), "2026-12-16");
        assert_eq!(add_working_days(fri, 0), fri);
    }

    #[test]
    fn one_month_clamps_to_the_end_of_a_shorter_month() {
        assert_eq!(add_one_month(day("2026-01-31")).to_string(), "2026-02-28");
        assert_eq!(add_one_month(day("2024-01-31")).to_string(), "2024-02-29");
        assert_eq!(add_one_month(day("2026-11-27")).to_string(), "2026-12-27");
        assert_eq!(add_one_month(day("2026-12-15")).to_string(), "2027-01-15");
    }
}
