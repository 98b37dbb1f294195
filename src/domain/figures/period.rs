//! A report's period: a month (`2026-11`), a quarter (`2026-Q4`) or a year (`2026`).

use std::fmt;

use crate::domain::day::Day;

/// A run of whole months.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Period {
    /// The first day.
    pub first: Day,
    /// The last day.
    pub last: Day,
    /// How it was written: month, quarter or year.
    pub span: Span,
}

/// How long a period is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Span {
    /// One month.
    Month,
    /// Three months.
    Quarter,
    /// A calendar year.
    Year,
}

impl Period {
    /// Reads `YYYY-MM`, `YYYY-Qn` or `YYYY` (`q` in either case).
    pub fn parse(s: &str) -> Option<Period> {
        let s = s.trim();
        let year = |y: &str| -> Option<i32> {
            (y.len() == 4 && y.bytes().all(|b| b.is_ascii_digit())).then(|| y.parse().ok()).flatten()
        };
        match s.split_once('-') {
            None => Period::of(Span::Year, year(s)?, 0),
            Some((y, q)) if q.len() == 2 && q.as_bytes()[0].eq_ignore_ascii_case(&b'q') => {
                Period::of(Span::Quarter, year(y)?, q[1..].parse().ok()?)
            }
            Some((y, m)) if m.len() == 2 && m.bytes().all(|b| b.is_ascii_digit()) => {
                Period::of(Span::Month, year(y)?, m.parse().ok()?)
            }
            _ => None,
        }
    }

    /// The period of `span` in `year` numbered `number`: a month 1–12, a quarter 1–4, or 0 for
    /// the year itself; `None` for any other number (or a year the calendar cannot hold).
    /// Inverse of [`Period::number`] (the statistics file stores a period this way).
    pub fn of(span: Span, year: i32, number: u32) -> Option<Period> {
        let (first_month, months) = match span {
            Span::Month if (1..=12).contains(&number) => (number, 1),
            Span::Quarter if (1..=4).contains(&number) => (3 * number - 2, 3),
            Span::Year if number == 0 => (1, 12),
            _ => return None,
        };
        let first = Day::from_ymd(year, first_month, 1)?;
        let end = first_month + months;
        let (ny, nm) = if end > 12 { (year.checked_add(1)?, end - 12) } else { (year, end) };
        Some(Period { first, last: Day::from_ymd(ny, nm, 1)?.plus(-1), span })
    }

    /// The period's number within its year: the month 1–12, the quarter 1–4, or 0 for a year.
    pub fn number(&self) -> u32 {
        match self.span {
            Span::Month => self.first.month(),
            Span::Quarter => self.first.month().div_ceil(3),
            Span::Year => 0,
        }
    }

    /// Whether `day` falls in the period.
    pub fn contains(&self, day: Day) -> bool {
        self.first <= day && day <= self.last
    }

    /// The first day of each month of the period that has begun by `as_of`.
    pub fn months_begun(&self, as_of: Day) -> Vec<Day> {
        let mut out = Vec::new();
        let mut m = self.first;
        while m <= self.last && m <= as_of {
            out.push(m);
            m = m.plus(31).first_of_month();
        }
        out
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.span {
            Span::Month => write!(f, "{}", self.first.year_month()),
            Span::Quarter => write!(f, "{}-Q{}", self.first.year(), self.first.month().div_ceil(3)),
            Span::Year => write!(f, "{}", self.first.year()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn of_builds_the_same_periods_as_their_labels() {
        assert_eq!(Period::of(Span::Month, 2026, 2), Period::parse("2026-02"));
        assert_eq!(Period::of(Span::Month, 2026, 12), Period::parse("2026-12"));
        assert_eq!(Period::of(Span::Quarter, 2026, 4), Period::parse("2026-Q4"));
        assert_eq!(Period::of(Span::Year, 2026, 0), Period::parse("2026"));
        let feb = Period::of(Span::Month, 2024, 2).unwrap();
        assert_eq!((feb.first.to_string(), feb.last.to_string()), ("2024-02-01".into(), "2024-02-29".into()));
        let q4 = Period::of(Span::Quarter, 2026, 4).unwrap();
        assert_eq!((q4.first.to_string(), q4.last.to_string()), ("2026-10-01".into(), "2026-12-31".into()));
    }

    #[test]
    fn of_refuses_numbers_outside_the_span() {
        for (span, n) in [(Span::Month, 0), (Span::Month, 13), (Span::Quarter, 0), (Span::Quarter, 5), (Span::Year, 1)]
        {
            assert_eq!(Period::of(span, 2026, n), None, "{span:?} {n}");
        }
        assert_eq!(Period::parse("2026-13"), None);
        assert_eq!(Period::parse("2026-Q0"), None);
    }

    #[test]
    fn number_is_the_inverse_of_of() {
        for (span, range) in [(Span::Month, 1..=12), (Span::Quarter, 1..=4), (Span::Year, 0..=0)] {
            for n in range {
                let p = Period::of(span, 2026, n).unwrap();
                assert_eq!((p.span, p.first.year(), p.number()), (span, 2026, n));
            }
        }
        assert_eq!(Period::parse("2026-Q3").unwrap().number(), 3);
    }
}
