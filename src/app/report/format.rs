//! The report written out: a table for people (one per ledger, in the user's language) and
//! JSON for machines (docs/REPORTS.md, "Formats"). CSV and XLSX are in `sheet`.

use serde_json::{Map, Value as J, json};

use super::{Column, LEDGERS, Report, columns, ledger_label};
use crate::app::present::{pad, width};
use crate::domain::figures::{Figure, RATES};
use crate::i18n::{Lang, tr};

/// The report as text tables, one per ledger, each with a total row; columns padded by display
/// width (a Chinese character is two columns).
pub fn table(r: &Report, lang: Lang) -> String {
    let mut out = tr(lang, "report.title", &[&r.period.to_string(), &r.as_of.to_string()]);
    out.push('\n');
    for ledger in LEDGERS {
        let cols = columns(ledger);
        let mut lines: Vec<Vec<String>> = Vec::new();
        let mut head = vec![tr(lang, &format!("report.by.{}", r.by.name()), &[])];
        head.extend(cols.iter().map(|c| c.label(lang)));
        lines.push(head);
        for row in r.rows.iter().filter(|row| row.in_ledger(ledger)) {
            let mut l = vec![row.label.clone()];
            l.extend(cols.iter().map(|c| c.cell(&row.counts)));
            lines.push(l);
        }
        let mut total = vec![tr(lang, "report.total", &[])];
        total.extend(cols.iter().map(|c| c.cell(&r.total)));
        lines.push(total);
        let widths: Vec<usize> =
            (0..lines[0].len()).map(|i| lines.iter().map(|l| width(&l[i])).max().unwrap_or(0)).collect();
        out.push('\n');
        out.push_str(&ledger_label(ledger, lang));
        out.push('\n');
        for l in &lines {
            let cells: Vec<String> = l.iter().zip(&widths).map(|(c, w)| pad(c, *w)).collect();
            out.push_str(cells.join("  ").trim_end());
            out.push('\n');
        }
    }
    out
}

fn figures_json(c: &crate::domain::figures::Counts) -> J {
    let mut figures = Map::new();
    for f in Figure::ALL {
        figures.insert(f.name().into(), json!(c.get(f)));
    }
    let mut rates = Map::new();
    for r in RATES {
        // a rate in percent, rounded to 0.1; null when nothing was due
        rates.insert(r.name.into(), json!(c.rate(r).map(|p| (p * 10.0).round() / 10.0)));
    }
    json!({"figures": figures, "rates": rates})
}

/// The report as JSON: the period, its days, the grouping, the day it was made, each row's
/// group (`village`, `grid`, `ledger` and `category` codes) with its figures and rates (percent,
/// one decimal; `null` when nothing was due), and the total.
pub fn json(r: &Report) -> J {
    let rows: Vec<J> = r
        .rows
        .iter()
        .map(|row| {
            let mut o = figures_json(&row.counts);
            let g = &row.group;
            o["village"] = json!(g.village);
            o["grid"] = json!(g.grid);
            o["ledger"] = json!(g.category.as_ref().map(|(k, _)| k.name()));
            o["category"] = json!(g.category.as_ref().map(|(_, c)| c));
            o["label"] = json!(row.label);
            o
        })
        .collect();
    json!({
        "period": r.period.to_string(),
        "first_day": r.period.first.to_string(),
        "last_day": r.period.last.to_string(),
        "as_of": r.as_of.to_string(),
        "by": r.by.name(),
        "rows": rows,
        "total": figures_json(&r.total),
    })
}

/// Every column with its definition, in ledger order (the definitions sheet, `--format table`'s
/// footnote is docs/REPORTS.md).
pub fn definitions(lang: Lang) -> Vec<(String, Column, String)> {
    let mut out = Vec::new();
    for ledger in LEDGERS {
        for c in columns(ledger) {
            out.push((ledger_label(ledger, lang), c, c.definition(lang)));
        }
    }
    out
}
