//! The rows of a statistics file (docs/COUNTY.md, the layout table): `count u32`, then per row
//! `place u32 ‖ period kind u8 ‖ year u16 ‖ number u8 ‖ ledger u8 ‖ [code_len u8 ‖ code] ‖
//! F u16 ‖ F × (id u16, value u64)`, rows strictly increasing by
//! `(place, kind, year, number, ledger, code bytes)`.

use super::cursor::Cursor;
use super::error::{BundleError, Section};
use crate::domain::Kind;
use crate::domain::figures::{Period, Span};

/// A file holds at most this many rows.
pub const STATS_ROWS_MAX: u32 = 1 << 20;
/// A row holds at most this many figures.
pub const STATS_FIGURES_MAX: u16 = 1024;

/// One place's figures for one period, whole or for one category.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatsRow {
    /// The index of the place in [`super::StatsHeader::places`].
    pub place: u32,
    /// A month, a quarter or a year.
    pub period: Period,
    /// A ledger kind and one of its category codes; `None`: the place's whole figures.
    pub category: Option<(Kind, String)>,
    /// (figure id, value), ids strictly increasing.
    pub figures: Vec<(u16, u64)>,
}

/// The kinds a row may be broken down by: the ledgers (a household or a person has no category).
const LEDGERS: [Kind; 4] = [Kind::Visit, Kind::Demand, Kind::Dispute, Kind::Hazard];
/// A category code is at most this many bytes.
const CODE_MAX: usize = 32;
/// The fewest bytes a row takes (no category, no figures).
const ROW_MIN: usize = 4 + 1 + 2 + 1 + 1 + 2;
/// The bytes of one figure.
const FIGURE_LEN: usize = 2 + 8;

fn malformed(offset: usize, what: &'static str) -> BundleError {
    BundleError::Malformed { section: Section::Chunks, offset: offset as u64, what }
}

fn oversized(offset: usize, claimed: u64, cap: u64) -> BundleError {
    BundleError::Oversized { section: Section::Chunks, offset: offset as u64, claimed, cap }
}

fn span_tag(span: Span) -> u8 {
    match span {
        Span::Month => 0,
        Span::Quarter => 1,
        Span::Year => 2,
    }
}

/// The order rows are written in: `(place, kind, year, number, ledger, code bytes)`. Only for
/// rows whose period and category the format can hold (as decoded, or checked by `encode`).
fn order(row: &StatsRow) -> (u32, u8, i32, u32, u8, &[u8]) {
    let (ledger, code) = row.category.as_ref().map_or((0, &[][..]), |(k, c)| (k.tag(), c.as_bytes()));
    (row.place, span_tag(row.period.span), row.period.first.year(), row.period.number(), ledger, code)
}

/// Appends the rows to `out`; refuses a row whose period, category or figures the format
/// cannot hold, and a file growing past `max_len`. The rest of the rules are checked by the
/// writer decoding what it wrote.
pub(super) fn encode(out: &mut Vec<u8>, rows: &[StatsRow], max_len: usize) -> Result<(), BundleError> {
    let count = u32::try_from(rows.len())
        .ok()
        .filter(|n| *n <= STATS_ROWS_MAX)
        .ok_or_else(|| oversized(out.len(), rows.len() as u64, u64::from(STATS_ROWS_MAX)))?;
    out.extend_from_slice(&count.to_be_bytes());
    for row in rows {
        let at = out.len();
        let p = row.period;
        let year = u16::try_from(p.first.year()).ok();
        if year.and_then(|y| Period::of(p.span, i32::from(y), p.number())) != Some(p) {
            return Err(malformed(at, "period is not a whole month, quarter or year the format holds"));
        }
        out.extend_from_slice(&row.place.to_be_bytes());
        out.push(span_tag(p.span));
        out.extend_from_slice(&year.unwrap_or(0).to_be_bytes());
        out.push(p.number() as u8);
        match &row.category {
            None => out.push(0),
            Some((kind, code)) => {
                if !LEDGERS.contains(kind) {
                    return Err(malformed(at, "category of a kind that is not a ledger"));
                }
                let len = u8::try_from(code.len()).map_err(|_| malformed(at, "category code too long"))?;
                out.push(kind.tag());
                out.push(len);
                out.extend_from_slice(code.as_bytes());
            }
        }
        let figures = u16::try_from(row.figures.len())
            .ok()
            .filter(|n| *n <= STATS_FIGURES_MAX)
            .ok_or_else(|| oversized(out.len(), row.figures.len() as u64, u64::from(STATS_FIGURES_MAX)))?;
        out.extend_from_slice(&figures.to_be_bytes());
        for (id, value) in &row.figures {
            out.extend_from_slice(&id.to_be_bytes());
            out.extend_from_slice(&value.to_be_bytes());
        }
        if out.len() > max_len {
            return Err(oversized(at, out.len() as u64, max_len as u64));
        }
    }
    Ok(())
}

/// Decodes the rows of `body` starting at byte `start` (to the end of `body`), each naming one
/// of `places` places.
pub(super) fn decode(body: &[u8], start: usize, places: usize) -> Result<Vec<StatsRow>, BundleError> {
    let mut c = Cursor::new(&body[start..]);
    let short = |at| malformed(at, "rows end early");
    let count = c.u32().ok_or_else(|| short(start))?;
    if count > STATS_ROWS_MAX {
        return Err(oversized(start, u64::from(count), u64::from(STATS_ROWS_MAX)));
    }
    if count as usize > c.remaining() / ROW_MIN {
        return Err(malformed(start, "more rows than the file holds"));
    }
    let mut rows: Vec<StatsRow> = Vec::with_capacity((count as usize).min(c.remaining() / 64));
    for _ in 0..count {
        let at = start + c.pos();
        let bad = |what| malformed(at, what);
        let place = c.u32().ok_or_else(|| short(at))?;
        if place as usize >= places {
            return Err(bad("place index out of range"));
        }
        let span = match c.u8().ok_or_else(|| short(at))? {
            0 => Span::Month,
            1 => Span::Quarter,
            2 => Span::Year,
            _ => return Err(bad("unknown period kind")),
        };
        let year = c.u16().ok_or_else(|| short(at))?;
        let number = c.u8().ok_or_else(|| short(at))?;
        let period = Period::of(span, i32::from(year), u32::from(number)).ok_or_else(|| bad("period out of range"))?;
        let category = match c.u8().ok_or_else(|| short(at))? {
            0 => None,
            tag => {
                let kind = Kind::from_tag(tag).filter(|k| LEDGERS.contains(k)).ok_or_else(|| bad("unknown ledger"))?;
                let len = c.u8().ok_or_else(|| short(at))? as usize;
                if len > CODE_MAX {
                    return Err(bad("category code too long"));
                }
                let code = c.take(len).ok_or_else(|| short(at))?;
                if !code.iter().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || *b == b'_') {
                    return Err(bad("category code holds a character other than A-Z, 0-9, _"));
                }
                Some((kind, String::from_utf8_lossy(code).into_owned()))
            }
        };
        let f_at = start + c.pos();
        let n = c.u16().ok_or_else(|| short(at))?;
        if n > STATS_FIGURES_MAX {
            return Err(oversized(f_at, u64::from(n), u64::from(STATS_FIGURES_MAX)));
        }
        if usize::from(n) > c.remaining() / FIGURE_LEN {
            return Err(malformed(f_at, "more figures than the file holds"));
        }
        let mut figures: Vec<(u16, u64)> = Vec::with_capacity(usize::from(n));
        for _ in 0..n {
            let (id, value) = (c.u16().ok_or_else(|| short(at))?, c.u64().ok_or_else(|| short(at))?);
            if figures.last().is_some_and(|(prev, _)| *prev >= id) {
                return Err(bad("figure ids not strictly increasing"));
            }
            figures.push((id, value));
        }
        let row = StatsRow { place, period, category, figures };
        if rows.last().is_some_and(|prev| order(prev) >= order(&row)) {
            return Err(bad("rows not in strictly increasing order"));
        }
        rows.push(row);
    }
    if c.remaining() != 0 {
        return Err(malformed(start + c.pos(), "bytes after the rows"));
    }
    Ok(rows)
}
