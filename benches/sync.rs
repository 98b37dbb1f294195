//! Sync budgets of issue 9 (docs/PERFORMANCE.md, "Sync"), whole process, release binary:
//!
//! - `export --all` of a store of about 1,000,000 events: ≤ 10 s;
//! - the bundle's bytes per event (≤ 150) and its size against a JSON-lines export of the same
//!   events;
//! - `import` of that bundle into an empty store: ≤ 30 s and ≤ 150 MB peak RSS, and at least a
//!   third of the speed of a raw sled batch insert of the same events' bytes (a bare program,
//!   run as its own process in the same pass);
//! - an incremental export of 100 new events from that store (its peer acknowledged the rest):
//!   no more than a `list` page plus 100 ms.
//!
//! ```text
//! cargo bench --bench sync                                   # ~580k records ≈ 1M events
//! GRIDLOG_BENCH_SYNC_RECORDS=100000 cargo bench --bench sync # smaller
//! ```
//!
//! The stores live in `target/bench-data/sync-*` (the source store is reused between runs).

#[path = "proc.rs"]
mod proc;

use std::fmt::Write as _;
use std::io::{BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use gridlog::app::App;
use gridlog::domain::Kind;
use gridlog::i18n::Lang;
use gridlog::store::Options;
use gridlog::sync::BundleReader;
use proc::{Res, Run, copy_dir, env_num, gridlog, mb_kb, ms, stats, verdict};

const GRIDLOG: &str = env!("CARGO_BIN_EXE_gridlog");
const EXPORT_S: f64 = 10.0;
const IMPORT_S: f64 = 30.0;
const IMPORT_RSS_MB: f64 = 150.0;
const BYTES_PER_EVENT: f64 = 150.0;
const IMPORT_VS_RAW: f64 = 3.0;
const INCREMENTAL_EXTRA_MS: f64 = 100.0;
const NEW_EVENTS: usize = 100;
const RUNS: usize = 10;

fn run(data: &Path, cmd: &mut Command) -> Res<Run> {
    proc::measure(data, cmd, None, true)
}

fn json(r: &Run) -> Res<serde_json::Value> {
    serde_json::from_slice(&r.stdout).map_err(|e| format!("not JSON ({e}): {}", String::from_utf8_lossy(&r.stdout)))
}

/// The demo store of `records` records (built once, reused).
fn source(data: &Path, records: usize) -> Res<PathBuf> {
    let dir = data.join(format!("sync-src-{records}"));
    if dir.join("complete").exists() {
        return Ok(dir);
    }
    let _ = std::fs::remove_dir_all(&dir);
    eprintln!("building a demo store of {records} records …");
    run(data, gridlog(&dir).args(["demo", "--records", &records.to_string(), "--seed", "1"]))?;
    std::fs::write(dir.join("complete"), b"").map_err(|e| e.to_string())?;
    Ok(dir)
}

/// Writes every event's canonical bytes, length-prefixed, to `raw` (what the bare program
/// inserts) and returns (events, JSON-lines bytes of the same events).
fn extract(bundle: &Path, raw: &Path) -> Res<(u64, u64)> {
    let f = std::fs::File::open(bundle).map_err(|e| e.to_string())?;
    let mut r = BundleReader::open(BufReader::new(f)).map_err(|e| e.to_string())?;
    let mut out = std::io::BufWriter::new(std::fs::File::create(raw).map_err(|e| e.to_string())?);
    let (mut events, mut json_bytes) = (0u64, 0u64);
    for i in 0..r.chunk_count() {
        for e in r.read_chunk(i).map_err(|e| e.to_string())? {
            let bytes = e.canonical_bytes();
            out.write_all(&e.device.0.to_be_bytes()).map_err(|e| e.to_string())?;
            out.write_all(&e.seq.to_be_bytes()).map_err(|e| e.to_string())?;
            out.write_all(&(bytes.len() as u32).to_be_bytes()).map_err(|e| e.to_string())?;
            out.write_all(&bytes).map_err(|e| e.to_string())?;
            json_bytes += serde_json::to_vec(&e).map_err(|e| e.to_string())?.len() as u64 + 1;
            events += 1;
        }
    }
    out.flush().map_err(|e| e.to_string())?;
    Ok((events, json_bytes))
}

/// The bare program: inserts the events of `raw` into a new sled database in `dir`, in batches
/// of 50,000 keys (`device ‖ seq` → the event's bytes), then flushes.
fn bare_insert(raw: &Path, dir: &Path) -> Res<()> {
    let db = sled::Config::new().path(dir).cache_capacity(16 << 20).open().map_err(|e| e.to_string())?;
    let mut r = BufReader::new(std::fs::File::open(raw).map_err(|e| e.to_string())?);
    let mut batch = sled::Batch::default();
    let mut n = 0;
    let mut head = [0u8; 20];
    loop {
        match r.read_exact(&mut head) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => break,
            Err(e) => return Err(e.to_string()),
        }
        let len = u32::from_be_bytes(head[16..20].try_into().map_err(|_| "len")?) as usize;
        let mut v = vec![0u8; len];
        r.read_exact(&mut v).map_err(|e| e.to_string())?;
        batch.insert(&head[..16], v);
        n += 1;
        if n % 50_000 == 0 {
            db.apply_batch(std::mem::take(&mut batch)).map_err(|e| e.to_string())?;
        }
    }
    db.apply_batch(batch).map_err(|e| e.to_string())?;
    db.flush().map_err(|e| e.to_string())?;
    Ok(())
}

/// Adds `n` visits in process (this store's own new events).
fn add_visits(dir: &Path, n: usize) -> Res<()> {
    let mut app = App::open_existing(dir, &Options::default(), Lang::En).map_err(|e| format!("{e:?}"))?;
    let household = app
        .list(&gridlog::app::ListQuery { kind: Some(Kind::Household), limit: 1, ..Default::default() })
        .map_err(|e| format!("{e:?}"))?
        .first()
        .map(|r| r.entity.id.to_string())
        .ok_or("no household")?;
    let today = app.today().to_string();
    for i in 0..n {
        let input = serde_json::json!({
            "date": today, "household": household, "type": "ROUTINE",
            "notes": format!("了解老人身体情况 {i}"),
        });
        app.add(Kind::Visit, &input).map_err(|e| format!("{:?}", e.lines(Lang::En)))?;
    }
    Ok(())
}

fn bench() -> Res<String> {
    let records = env_num("GRIDLOG_BENCH_SYNC_RECORDS", 580_000);
    let target = Path::new(GRIDLOG).parent().and_then(Path::parent).unwrap_or(Path::new("target"));
    let data = target.join("bench-data");
    std::fs::create_dir_all(&data).map_err(|e| e.to_string())?;
    let work = data.join("sync-work");
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work).map_err(|e| e.to_string())?;
    let src = source(&data, records)?;
    let a = work.join("a");
    copy_dir(&src, &a)?;

    // 1. export everything
    let full = work.join("full.gridlog");
    let r = run(&data, gridlog(&a).args(["export", "--all", "--json", "--out"]).arg(&full))?;
    let summary = json(&r)?;
    let bytes = summary["bytes"].as_u64().unwrap_or(0);
    let events = summary["events"].as_u64().unwrap_or(0);
    let export = (r.secs, r.rss_kb);

    // 2. the same events as JSON lines, and as raw bytes for the bare program
    let raw = work.join("raw.bin");
    let (extracted, json_bytes) = extract(&full, &raw)?;
    if extracted != events {
        return Err(format!("the bundle holds {extracted} events, the export said {events}"));
    }

    // 3. raw sled insert, then the import into an empty (demo) store, in the same pass
    let bare_dir = work.join("bare-db");
    let bare = proc::measure(
        &data,
        Command::new(std::env::current_exe().map_err(|e| e.to_string())?).arg("--bare-insert").arg(&raw).arg(&bare_dir),
        None,
        false,
    )?;
    let b = work.join("b");
    run(&data, gridlog(&b).args(["demo", "--records", "1", "--seed", "7"]))?;
    let imp = run(&data, gridlog(&b).args(["import", "--trust-new", "--json"]).arg(&full))?;
    let plan = json(&imp)?;
    let imported: u64 = plan[0]["new_events"].as_object().map_or(0, |m| m.values().filter_map(|v| v.as_u64()).sum());
    if imported != events {
        return Err(format!("imported {imported} of {events} events"));
    }

    // 4. acknowledgement, 100 new events, then an incremental export against a list page
    let ack = work.join("ack.gridlog");
    run(&data, gridlog(&b).args(["export", "--json", "--out"]).arg(&ack))?;
    run(&data, gridlog(&a).args(["import", "--trust-new", "--json"]).arg(&ack))?;
    add_visits(&a, NEW_EVENTS)?;
    let inc_file = work.join("inc.gridlog");
    let (mut inc, mut list) = (Vec::new(), Vec::new());
    let mut inc_events = 0;
    for i in 0..RUNS + 2 {
        let e = run(&data, gridlog(&a).args(["export", "--json", "--out"]).arg(&inc_file))?;
        let l = run(&data, gridlog(&a).args(["list", "visit", "--limit", "20"]))?;
        inc_events = json(&e)?["events"].as_u64().unwrap_or(0);
        if i >= 2 {
            inc.push(e.secs);
            list.push(l.secs);
        }
    }
    let (inc, list) = (stats(&inc), stats(&list));

    let mut s = String::new();
    let _ = writeln!(s, "Store: demo, {records} records, {events} events; bundle {:.1} MB.\n", bytes as f64 / 1e6);
    let _ = writeln!(s, "| Budget | Measured | Result |\n|---|---|---|");
    let _ = writeln!(
        s,
        "| `export --all` ≤ {EXPORT_S} s | {:.2} s, {:.0} MB peak RSS | {} |",
        export.0,
        mb_kb(export.1),
        verdict(export.0 <= EXPORT_S)
    );
    let per_event = bytes as f64 / events.max(1) as f64;
    let _ = writeln!(
        s,
        "| bundle ≤ {BYTES_PER_EVENT} B/event | {per_event:.1} B/event; JSON lines of the same events {:.1} B/event: **{:.2}×** of JSON | {} |",
        json_bytes as f64 / events.max(1) as f64,
        bytes as f64 / json_bytes.max(1) as f64,
        verdict(per_event <= BYTES_PER_EVENT)
    );
    let _ = writeln!(
        s,
        "| `import` into an empty store ≤ {IMPORT_S} s, ≤ {IMPORT_RSS_MB} MB | {:.2} s, {:.0} MB peak RSS | {} |",
        imp.secs,
        mb_kb(imp.rss_kb),
        verdict(imp.secs <= IMPORT_S && mb_kb(imp.rss_kb) <= IMPORT_RSS_MB)
    );
    let ratio = imp.secs / bare.secs.max(1e-9);
    let _ = writeln!(
        s,
        "| `import` ≥ 1/3 of a raw sled batch insert of the same bytes | raw {:.2} s ({:.0} MB): import takes **{ratio:.2}×** the raw time | {} |",
        bare.secs,
        mb_kb(bare.rss_kb),
        verdict(ratio <= IMPORT_VS_RAW)
    );
    let _ = writeln!(
        s,
        "| incremental export of {inc_events} new events ≤ a `list` page + {INCREMENTAL_EXTRA_MS} ms | {} vs list {} (median of {RUNS}; p90 {} vs {}) | {} |",
        ms(inc.median),
        ms(list.median),
        ms(inc.p90),
        ms(list.p90),
        verdict(inc.median <= list.median + INCREMENTAL_EXTRA_MS / 1e3)
    );
    Ok(s)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().is_some_and(|a| a == "--bare-insert") {
        if let Err(e) = bare_insert(Path::new(&args[1]), Path::new(&args[2])) {
            eprintln!("bare insert: {e}");
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
                eprintln!("sync bench: {e}");
                std::process::exit(1);
            }
        }
    }
}
