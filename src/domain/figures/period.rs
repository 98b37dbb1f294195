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
        let months = |y: i32, m: u32, n: u32, span: Span| -> Option<Period> {
            let first = Day::from_ymd(y, m, 1)?;
            let (ny, nm) = if m + n > 12 { (y + 1, m + n - 12) } else { (y, m + n) };
            Some(Period { first, last: Day::from_ymd(ny, nm, 1)?.plus(-1), span })
        };
        match s.split_once('-') {
            None => months(year(s)?, 1, 12, Span::Year),
            Some((y, q)) if q.len() == 2 && q.as_bytes()[0].eq_ignore_ascii_case(&b'q') => {
                let q: u32 = q[1..].parse().ok().filter(|q| (1..=4).contains(q))?;
                months(year(y)?, 3 * q - 2, 3, Span::Quarter)
            }
            Some((y, m)) if m.len() == 2 && m.bytes().all(|b| b.is_ascii_digit()) => {
                let m: u32 = m.parse().ok().filter(|m| (1..=12).contains(m))?;
                months(year(y)?, m, 1, Span::Month)
            }
            _ => None,
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
