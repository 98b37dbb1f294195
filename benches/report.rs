//! The report budget of issue 10 (docs/PERFORMANCE.md, "Reports"), whole process, release
//! binary: a township report over 30 villages and about 1,000,000 events, ≤ 2 s and ≤ 100 MB
//! peak RSS.
//!
//! ```text
//! cargo bench --bench report                                     # 30 × 19,334 records ≈ 1M events
//! GRIDLOG_BENCH_REPORT_RECORDS=60000 cargo bench --bench report  # smaller
//! ```
//!
//! The township store is built once in `target/bench-data/report-township-*` (reused between
//! runs): 30 demo villages (seeds 1–30, each its own device and division code) written by the
//! demo generator, their events imported into a township store through `Store::import`, the
//! write path every import takes (so the figures view is the one import keeps).

#[path = "proc.rs"]
mod proc;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use gridlog::app::report::{GroupBy, ReportSpec};
use gridlog::app::{App, InitSpec};
use gridlog::domain::Day;
use gridlog::domain::figures::Period;
use gridlog::events::Event;
use gridlog::i18n::Lang;
use gridlog::store::Options;
use proc::{Res, Run, env_num, mb_kb, ms, stats, verdict};

const GRIDLOG: &str = env!("CARGO_BIN_EXE_gridlog");
const VILLAGES: usize = 30;
const REPORT_S: f64 = 2.0;
const REPORT_RSS_MB: f64 = 100.0;
const RUNS: usize = 5;
const TODAY: &str = "2026-11-27";
/// Events per import transaction (as `app::sync::import`).
const BATCH: usize = 4_000;

fn now() -> u64 {
    Day::parse(TODAY).map(|d| d.start_unix_ms() as u64 + 10 * 3_600_000).unwrap_or(0)
}

fn err(e: impl std::fmt::Debug) -> String {
    format!("{e:?}")
}

/// The township store (built once): 30 villages' demo records imported.
fn township(data: &Path, records: usize) -> Res<(PathBuf, u64)> {
    let dir = data.join(format!("report-township-{records}"));
    if let Ok(n) = std::fs::read_to_string(dir.join("complete")) {
        return Ok((dir, n.trim().parse().unwrap_or(0)));
    }
    let _ = std::fs::remove_dir_all(&dir);
    let mut t = App::open(&dir, &Options::default(), Lang::En).map_err(err)?;
    t.set_clock(now);
    let spec = |role: &str, division: String, place: String| InitSpec {
        role: role.into(),
        division,
        place,
        worker: "乡镇综治中心".into(),
        grid: String::new(),
    };
    t.init(&spec("township", "330523105000".into(), "和平镇".into())).map_err(err)?;
    drop(t);
    let per_village = records / VILLAGES;
    let mut events_total = 0u64;
    for v in 0..VILLAGES {
        let started = Instant::now();
        let vdir = data.join("report-village");
        let _ = std::fs::remove_dir_all(&vdir);
        App::demo_at(&vdir, &Options::default(), Lang::En, per_village, v as u64 + 1, now, &|_| {}).map_err(err)?;
        let village = App::open_existing(&vdir, &Options::default(), Lang::En).map_err(err)?;
        let device = village.identity().ok_or("demo identity")?.device;
        let division = format!("330523105{:03}", 201 + v);
        let t = App::open_existing(&dir, &Options::default(), Lang::En).map_err(err)?;
        let mut batch: Vec<Event> = Vec::with_capacity(BATCH);
        for block in village.store().scan() {
            for (_, events) in block.map_err(err)?.records {
                batch.extend(events);
            }
            if batch.len() >= BATCH {
                events_total += batch.len() as u64;
                t.store().import(&batch, &[(device, division.clone())], now()).map_err(err)?;
                batch.clear();
            }
        }
        events_total += batch.len() as u64;
        t.store().import(&batch, &[(device, division.clone())], now()).map_err(err)?;
        drop(t);
        drop(village);
        eprintln!(
            "village {}/{VILLAGES}: {events_total} events so far ({:.0} s)",
            v + 1,
            started.elapsed().as_secs_f64()
        );
    }
    let _ = std::fs::remove_dir_all(data.join("report-village"));
    std::fs::write(dir.join("complete"), events_total.to_string()).map_err(err)?;
    Ok((dir, events_total))
}

fn report(data: &Path, dir: &Path, args: &[&str]) -> Res<Run> {
    let mut c = Command::new(GRIDLOG);
    c.arg("--data-dir").arg(dir).args(["--lang", "zh", "report"]).args(args).env("GRIDLOG_NOW", TODAY);
    proc::measure(data, &mut c, None, true)
}

fn bench() -> Res<String> {
    let records = env_num("GRIDLOG_BENCH_REPORT_RECORDS", 580_000);
    let target = Path::new(GRIDLOG).parent().and_then(Path::parent).unwrap_or(Path::new("target"));
    let data = target.join("bench-data");
    std::fs::create_dir_all(&data).map_err(err)?;
    // built in a child process, as a township's import is its own process: while the process
    // that wrote the store is alive, every other process opening it peaks at 125+ MB
    if !data.join(format!("report-township-{records}")).join("complete").exists() {
        let exe = std::env::current_exe().map_err(err)?;
        let ok = Command::new(exe)
            .arg("--build-township")
            .arg(&data)
            .arg(records.to_string())
            .status()
            .map_err(err)?
            .success();
        if !ok {
            return Err("building the township store failed".into());
        }
    }
    let (dir, events) = township(&data, records)?;
    let rows = |r: &Run| -> Res<usize> {
        let j: serde_json::Value = serde_json::from_slice(&r.stdout).map_err(err)?;
        Ok(j["rows"].as_array().map_or(0, Vec::len))
    };
    // `list` shows what opening the store costs (the first open after a views format change
    // rebuilds the views); then the measured runs.
    let list = |data: &Path| -> Res<Run> {
        let mut c = Command::new(GRIDLOG);
        c.arg("--data-dir").arg(&dir).args(["list", "demand", "--limit", "1"]);
        proc::measure(data, &mut c, None, true)
    };
    let before = list(&data)?;
    let mut rows_before = Vec::new();
    for args in [&["--period", "2026", "--format", "json"][..], &["--period", "2026-11"][..]] {
        let r = report(&data, &dir, args)?;
        rows_before.push(format!("`report {}`: {}, {:.0} MB", args.join(" "), ms(r.secs), mb_kb(r.rss_kb)));
    }
    let mut s = String::new();
    let _ = writeln!(
        s,
        "Township store: {VILLAGES} villages, {records} records, {events} events.\n\n\
         First opens after the import: `list demand --limit 1` {}, {:.0} MB; {}.\n",
        ms(before.secs),
        mb_kb(before.rss_kb),
        rows_before.join("; "),
    );
    let _ = writeln!(
        s,
        "| Report | Rows | Wall (median of {RUNS}; p90) | Peak RSS | Budget ≤ {REPORT_S} s, ≤ {REPORT_RSS_MB} MB |"
    );
    let _ = writeln!(s, "|---|---|---|---|---|");
    let cases: [(&str, &[&str], bool); 5] = [
        ("year by village, JSON", &["--period", "2026", "--format", "json"], true),
        ("month by village, table", &["--period", "2026-11"], true),
        ("year by category, JSON", &["--period", "2026", "--by", "category", "--format", "json"], true),
        ("year by grid, JSON", &["--period", "2026", "--by", "grid", "--format", "json"], true),
        ("year by village, XLSX", &["--period", "2026", "--format", "xlsx", "--out", "/dev/null"], true),
    ];
    let mut by_village = None;
    for (what, args, budget) in cases {
        let (mut secs, mut rss, mut n) = (Vec::new(), Vec::new(), 0usize);
        let runs = if budget { RUNS } else { 1 };
        for _ in 0..runs {
            let r = report(&data, &dir, args)?;
            if args.contains(&"json") {
                n = rows(&r)?;
            }
            secs.push(r.secs);
            rss.push(mb_kb(r.rss_kb));
        }
        let st = stats(&secs);
        let peak = rss.iter().copied().fold(0.0, f64::max);
        let ok = st.median <= REPORT_S && peak <= REPORT_RSS_MB;
        // by grid against by village, measured in the same run (the same machine load)
        let by_village = *by_village.get_or_insert((st.median, peak));
        let ratio = if what.contains("by grid") {
            format!(
                " ({:.1}× the time, {:.1}× the memory of by village)",
                st.median / by_village.0,
                peak / by_village.1
            )
        } else {
            String::new()
        };
        let _ = writeln!(
            s,
            "| {what} | {} | {} ({}) | {:.0} MB | {}{ratio} |",
            if n > 0 { n.to_string() } else { "—".into() },
            ms(st.median),
            ms(st.p90),
            peak,
            if budget { verdict(ok) } else { "outside the budget" }
        );
    }
    // the view's report by grid is the fold's, on this store (the fold is the reference)
    let mut app = App::open_existing(&dir, &Options::default(), Lang::Zh).map_err(err)?;
    app.set_clock(now);
    let spec = ReportSpec { period: Period::parse("2026").ok_or("period")?, by: GroupBy::Grid };
    let same = app.report(&spec).map_err(err)? == app.report_folded(&spec).map_err(err)?;
    let (cells, links) = (app.store().figure_keys(), app.store().link_keys());
    let _ = writeln!(
        s,
        "\nThe year by grid from the view equals the fold's (`App::report_folded`): {same}. \
         The views read: {cells} figures keys, {links} links keys."
    );
    if !same {
        return Err("the view's report by grid differs from the fold's".into());
    }
    Ok(s)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().is_some_and(|a| a == "--build-township") {
        let records = args.get(2).and_then(|n| n.parse().ok()).unwrap_or(0);
        if let Err(e) = township(Path::new(&args[1]), records) {
            eprintln!("township: {e}");
            std::process::exit(1);
        }
        return;
    }
    if args.iter().any(|a| a == "--bench") || args.is_empty() {
        let started = Instant::now();
        match bench() {
            Ok(table) => {
                println!("{table}");
                eprintln!("({:.0} s)", started.elapsed().as_secs_f64());
            }
            Err(e) => {
                eprintln!("report bench: {e}");
                std::process::exit(1);
            }
        }
    }
}
