//! The 报表 tab driven by keys: a village with demands in two months opens the tab, steps back a
//! month, groups by grid, and exports the report to XLSX and to CSV through the prompt and the
//! job runner; a file name it cannot write says so in the user's language.

use std::path::Path;
use std::time::Duration;

use crossterm::event::{KeyCode, KeyEvent};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use super::{Overlay, Ui};
use crate::app::report::{Column, GroupBy, ReportSpec, ledger_label};
use crate::app::{App, InitSpec};
use crate::domain::figures::{Figure, Period};
use crate::domain::{Day, Kind};
use crate::i18n::Lang;
use crate::store::Options;
use crate::tui::action::Action;
use crate::tui::theme::Theme;

const WAIT: Duration = Duration::from_secs(60);

fn now() -> u64 {
    Day::parse("2026-11-27").expect("a valid day").0 as u64 * 86_400_000 + 2 * 3_600_000
}

/// A village with two demands received in November 2026 and one in October.
fn village(dir: &Path) -> App {
    let mut app = App::open(dir, &Options::default(), Lang::Zh).expect("open");
    app.set_clock(now);
    let spec = InitSpec {
        role: "village".into(),
        division: "330523105214".into(),
        place: "青石村".into(),
        worker: "李秀英".into(),
        grid: "第一网格".into(),
    };
    app.init(&spec).expect("init");
    for (day, content) in [("2026-11-20", "屋顶漏雨"), ("2026-11-26", "路灯不亮"), ("2026-10-10", "水管破裂")]
    {
        let input = serde_json::json!({"received_on": day, "channel": "PHONE", "requester": "王建国",
            "kind": "HELP", "domain": "ELDER_CARE", "content": content});
        app.add(Kind::Demand, &input).expect("a demand");
    }
    app
}

fn key(ui: &mut Ui, code: KeyCode) {
    ui.on_key(KeyEvent::from(code));
}

fn run_job(ui: &mut Ui) {
    while ui.job_running() {
        let ev = ui.jobs.recv_timeout(WAIT).expect("the job reports");
        ui.update(Action::Job(ev));
    }
}

fn screen(ui: &Ui) -> String {
    let mut term = Terminal::new(TestBackend::new(80, 24)).expect("terminal");
    let frame = term.draw(|f| ui.draw(f)).expect("draw");
    let buf = frame.buffer;
    (0..buf.area.height)
        .map(|y| (0..buf.area.width).map(|x| buf[(x, y)].symbol()).collect::<String>())
        .collect::<Vec<_>>()
        .join("\n")
        .replace(' ', "")
}

fn prompt(ui: &Ui) -> Option<(ReportSpec, String)> {
    match ui.stack.last() {
        Some(Overlay::ReportExport(p)) => Some((p.spec, p.path_text().display().to_string())),
        _ => None,
    }
}

/// The CSV's cell under `header` in the row whose first cell is `label`.
fn csv_cell(bytes: &[u8], label: &str, header: &str) -> String {
    let mut r = csv::Reader::from_reader(&bytes[3..]);
    let col = r.headers().expect("headers").iter().position(|h| h == header).expect("the column");
    let row = r.records().map(|x| x.expect("a row")).find(|x| &x[0] == label).expect("the row");
    row[col].to_string()
}

#[test]
fn the_reports_tab_steps_the_period_groups_by_grid_and_exports_xlsx_and_csv() {
    let (dir, out) = (tempfile::tempdir().expect("temp dir"), tempfile::tempdir().expect("temp dir"));
    let mut ui = Ui::new(village(dir.path()), Theme::new(true));
    ui.set_bundle_dirs(vec![out.path().to_path_buf()]);
    ui.update(Action::Resize(80, 24));

    key(&mut ui, KeyCode::Char('7'));
    let text = screen(&ui);
    assert!(text.contains("‹2026-11›") && text.contains("‹群众诉求›"), "this month's demands:\n{text}");
    assert!(text.contains("青石村") && text.contains("合计"), "a row for the village and the total:\n{text}");

    // ← steps back a month, → forward again, and not past this month
    key(&mut ui, KeyCode::Left);
    assert!(screen(&ui).contains("‹2026-10›"), "{}", screen(&ui));
    key(&mut ui, KeyCode::Right);
    key(&mut ui, KeyCode::Right);
    assert!(screen(&ui).contains("‹2026-11›"), "{}", screen(&ui));
    key(&mut ui, KeyCode::Left);
    // by grid the records are folded: a job, while the screen says so
    key(&mut ui, KeyCode::Char('g'));
    assert!(ui.job_running() && screen(&ui).contains("正在计算"), "computed as a job:\n{}", screen(&ui));
    run_job(&mut ui);
    let text = screen(&ui);
    assert!(text.contains("‹村（社区）·网格›") && text.contains("第一网格"), "a row per grid:\n{text}");
    assert_eq!(ui.tab(), super::Tab::Reports, "the arrows step the period, not the tabs");

    // x: the prompt, prefilled in the first place a file can go
    key(&mut ui, KeyCode::Char('x'));
    let (spec, path) = prompt(&ui).expect("the export prompt");
    let october = Period::parse("2026-10").expect("a period");
    assert_eq!(spec, ReportSpec { period: october, by: GroupBy::Grid });
    let xlsx = out.path().join("报表-2026-10-按网格.xlsx");
    assert_eq!(Path::new(&path), xlsx);
    key(&mut ui, KeyCode::Enter);
    assert!(ui.job_running() && ui.stack.is_empty(), "the prompt closes and the export runs as a job");
    run_job(&mut ui);
    let (msg, alert) = ui.status.clone().expect("where it went");
    assert!(!alert && msg.contains("已写入"), "{msg}");
    assert!(std::fs::read(&xlsx).expect("the workbook").starts_with(b"PK"), "an XLSX (zip) file");

    // the same as CSV: the extension chooses
    key(&mut ui, KeyCode::Char('g'));
    key(&mut ui, KeyCode::Char('x'));
    for _ in 0.."xlsx".len() {
        key(&mut ui, KeyCode::Backspace);
    }
    for c in "csv".chars() {
        key(&mut ui, KeyCode::Char(c));
    }
    let (_, path) = prompt(&ui).expect("the export prompt");
    assert_eq!(Path::new(&path), out.path().join("报表-2026-10-按类别.csv"));
    key(&mut ui, KeyCode::Enter);
    run_job(&mut ui);
    let bytes = std::fs::read(&path).expect("the CSV");
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "UTF-8 with a BOM");
    let header =
        format!("{}·{}", ledger_label(Kind::Demand, Lang::Zh), Column::Count(Figure::DemandsReceived).label(Lang::Zh));
    assert_eq!(csv_cell(&bytes, "合计", &header), "1", "October's one demand");

    // a name that is neither: refused, in the user's language, nothing written
    key(&mut ui, KeyCode::Char('x'));
    for _ in 0.."xlsx".len() {
        key(&mut ui, KeyCode::Backspace);
    }
    for c in "txt".chars() {
        key(&mut ui, KeyCode::Char(c));
    }
    key(&mut ui, KeyCode::Enter);
    run_job(&mut ui);
    let (msg, alert) = ui.status.clone().expect("why not");
    assert!(alert && msg.contains("须以 .xlsx 或 .csv 结尾"), "{msg}");
    assert!(!out.path().join("报表-2026-10-按类别.txt").exists());
}
