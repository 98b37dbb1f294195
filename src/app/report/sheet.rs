//! The report for spreadsheets (docs/REPORTS.md, "Formats"): CSV in UTF-8 with a BOM (Excel and
//! WPS read a file without one as the local code page and garble Chinese), and XLSX with a sheet
//! per ledger (headers in the user's language, column widths, the header row frozen) and a
//! sheet of the definitions.

use rust_xlsxwriter::{Format, Workbook, XlsxError};

use super::format::definitions;
use super::{Column, LEDGERS, Report, columns, ledger_label};
use crate::app::present::width;
use crate::domain::figures::Counts;
use crate::i18n::{Lang, tr};

/// The UTF-8 byte order mark.
pub const BOM: &[u8] = b"\xEF\xBB\xBF";

/// A cell of a spreadsheet: a count, a rate (percent) or none.
fn cell(c: Column, counts: &Counts) -> Option<f64> {
    match c {
        Column::Count(f) => Some(counts.get(f) as f64),
        Column::Rate(r) => counts.rate(r),
    }
}

/// The report as one CSV table: the group, then every ledger's columns (headed `ledger·figure`),
/// a row per group and the total. Rates are written `60.0%`, which spreadsheets read as
/// percentages; a rate with nothing due, and a ledger's cells in a row of another ledger's
/// category, are empty.
pub fn csv(r: &Report, lang: Lang) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new().from_writer(BOM.to_vec());
    let cols: Vec<(super::Kind, Column)> =
        LEDGERS.into_iter().flat_map(|l| columns(l).into_iter().map(move |c| (l, c))).collect();
    let mut head = vec![tr(lang, &format!("report.by.{}", r.by.name()), &[])];
    head.extend(cols.iter().map(|(l, c)| format!("{}·{}", ledger_label(*l, lang), c.label(lang))));
    let mut rows = vec![head];
    let line = |label: &str, counts: &Counts, keep: &dyn Fn(super::Kind) -> bool| {
        let mut l = vec![label.to_string()];
        l.extend(cols.iter().map(|(ledger, c)| match (keep(*ledger), c) {
            (false, _) => String::new(),
            (true, Column::Count(_)) => c.cell(counts),
            (true, Column::Rate(_)) => cell(*c, counts).map(|p| format!("{p:.1}%")).unwrap_or_default(),
        }));
        l
    };
    for row in &r.rows {
        rows.push(line(&row.label, &row.counts, &|l| row.in_ledger(l)));
    }
    rows.push(line(&tr(lang, "report.total", &[]), &r.total, &|_| true));
    for l in rows {
        // writing to a Vec fails only if memory does
        let _ = w.write_record(&l);
    }
    w.into_inner().unwrap_or_default()
}

/// Column width in Excel's units (a character of the default font): the widest cell, a Chinese
/// character counting two, plus a margin.
fn col_width(cells: impl Iterator<Item = usize>) -> f64 {
    (cells.max().unwrap_or(0) + 2).clamp(6, 60) as f64
}

/// The report as an XLSX workbook.
pub fn xlsx(r: &Report, lang: Lang) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let bold_pct = Format::new().set_bold().set_num_format("0.0%");
    let pct = Format::new().set_num_format("0.0%");
    for ledger in LEDGERS {
        let cols = columns(ledger);
        let ws = wb.add_worksheet();
        ws.set_name(ledger_label(ledger, lang))?;
        let by = tr(lang, &format!("report.by.{}", r.by.name()), &[]);
        ws.write_string_with_format(0, 0, &by, &bold)?;
        for (i, c) in cols.iter().enumerate() {
            ws.write_string_with_format(0, i as u16 + 1, c.label(lang), &bold)?;
        }
        let rows: Vec<(String, &Counts, bool)> = r
            .rows
            .iter()
            .filter(|row| row.in_ledger(ledger))
            .map(|row| (row.label.clone(), &row.counts, false))
            .chain(std::iter::once((tr(lang, "report.total", &[]), &r.total, true)))
            .collect();
        for (n, (label, counts, total)) in rows.iter().enumerate() {
            let y = n as u32 + 1;
            if *total {
                ws.write_string_with_format(y, 0, label, &bold)?;
            } else {
                ws.write_string(y, 0, label)?;
            }
            for (i, c) in cols.iter().enumerate() {
                let x = i as u16 + 1;
                match (cell(*c, counts), c, total) {
                    (None, _, _) => {}
                    (Some(v), Column::Rate(_), false) => {
                        ws.write_number_with_format(y, x, v / 100.0, &pct)?;
                    }
                    (Some(v), Column::Rate(_), true) => {
                        ws.write_number_with_format(y, x, v / 100.0, &bold_pct)?;
                    }
                    (Some(v), Column::Count(_), false) => {
                        ws.write_number(y, x, v)?;
                    }
                    (Some(v), Column::Count(_), true) => {
                        ws.write_number_with_format(y, x, v, &bold)?;
                    }
                }
            }
        }
        ws.set_column_width(0, col_width(std::iter::once(width(&by)).chain(rows.iter().map(|r| width(&r.0)))))?;
        for (i, c) in cols.iter().enumerate() {
            ws.set_column_width(i as u16 + 1, col_width([width(&c.label(lang)), 8].into_iter()))?;
        }
        ws.set_freeze_panes(1, 1)?;
    }
    let ws = wb.add_worksheet();
    ws.set_name(tr(lang, "report.defs", &[]))?;
    let head = ["report.defs.ledger", "report.defs.figure", "report.defs.key", "report.defs.definition"];
    for (i, k) in head.iter().enumerate() {
        ws.write_string_with_format(0, i as u16, tr(lang, k, &[]), &bold)?;
    }
    let defs = definitions(lang);
    for (n, (ledger, c, def)) in defs.iter().enumerate() {
        let y = n as u32 + 1;
        ws.write_string(y, 0, ledger)?;
        ws.write_string(y, 1, c.label(lang))?;
        ws.write_string(y, 2, c.name())?;
        ws.write_string(y, 3, def)?;
    }
    let footer = tr(lang, "report.title", &[&r.period.to_string(), &r.as_of.to_string()]);
    ws.write_string(defs.len() as u32 + 2, 0, footer)?;
    ws.set_column_width(0, col_width(defs.iter().map(|d| width(&d.0))))?;
    ws.set_column_width(1, col_width(defs.iter().map(|d| width(&d.1.label(lang)))))?;
    ws.set_column_width(2, col_width(defs.iter().map(|d| d.1.name().len())))?;
    ws.set_column_width(3, 80)?;
    ws.set_freeze_panes(1, 0)?;
    wb.save_to_buffer()
}
