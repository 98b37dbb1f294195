//! Whole-process benchmarks of the `gridlog` binary against the budgets in docs/PERFORMANCE.md:
//! store footprint, `demo` time and peak RSS, `list visit --limit 20` against a bare sled
//! program on a database of the same bytes on disk, `list demand --query` against a plain
//! `list demand`, and `add visit`.
//!
//! ```text
//! cargo bench --bench cli                            # 10k, 100k and 1M-record stores (~2-3 min)
//! GRIDLOG_BENCH_MAX=100000 cargo bench --bench cli   # skip the 1M store
//! GRIDLOG_BENCH_FRESH=1 cargo bench --bench cli      # rebuild the stores (or pass `-- --fresh`)
//! ```
//!
//! Other knobs: `GRIDLOG_BENCH_RUNS` (timed runs per figure, default 30), `GRIDLOG_BENCH_COLD=0`
//! (skip the cold-cache round, which drops the page cache of the whole machine),
//! `GRIDLOG_BENCH_DIR` (default `target/bench-data`), `GRIDLOG_BENCH_ONLY=query` (only the
//! `list --query` figures).
//!
//! Stores are kept in the data directory and reused; `add` runs on copies. Child peak RSS
//! comes from `wait4`'s rusage. The bench re-executes itself with `--bare read DIR` to run the
//! bare program (benches/bare_sled.rs) as its own process.

#[path = "bare_sled.rs"]
mod bare_sled;
#[path = "proc.rs"]
mod proc;

use proc::{Res, Run, Stats, copy_dir, env_num, gridlog, mb_kb, ms, stats, verdict};

use std::fmt::Write as _;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use gridlog::app::App;
use gridlog::domain::Kind;
use gridlog::i18n::Lang;
use gridlog::store::Options;

const GRIDLOG: &str = env!("CARGO_BIN_EXE_gridlog");
const WARMUPS: usize = 3;
const COLD_RUNS: usize = 5;
const LIST_ARGS: [&str; 4] = ["list", "visit", "--limit", "20"];
/// `list --query` against a plain page of the same ledger: a word many demands contain, and one
/// that none does (the whole text form is scanned).
const PLAIN_DEMANDS: [&str; 4] = ["list", "demand", "--limit", "20"];
const QUERIES: [&str; 2] = ["路灯", "没有这个词"];

// Budgets.
const FOOTPRINT_B_PER_RECORD: f64 = 600.0;
const LIST_100K_MS: f64 = 40.0;
const LIST_1M_RATIO: f64 = 1.3;
const DEMO_1M_RSS_MB: f64 = 200.0;
const LIST_1M_RSS_MB: f64 = 60.0;
const QUERY_1M_RATIO: f64 = 3.0;
const QUERY_1M_RSS_MB: f64 = 60.0;
const ADD_MS: f64 = 20.0;

struct Config {
    data: PathBuf,
    fresh: bool,
    max: usize,
    runs: usize,
    cold: bool,
    load_start: String,
}

/// Runs `cmd` as a whole process: wall time from spawn to exit, and its peak RSS.
fn measure(cfg: &Config, cmd: &mut Command, stdin: Option<&[u8]>, capture: bool) -> Res<Run> {
    proc::measure(&cfg.data, cmd, stdin, capture)
}

/// This program again, as the bare program (`--bare ARGS…`).
fn self_cmd(args: &[&str]) -> Res<Command> {
    let mut c = Command::new(std::env::current_exe().map_err(|e| e.to_string())?);
    c.arg("--bare").args(args);
    Ok(c)
}

fn bare_read(dir: &Path) -> Res<Command> {
    let mut c = self_cmd(&["read"])?;
    c.arg(dir);
    Ok(c)
}

fn label(records: usize) -> String {
    match records {
        n if n >= 1_000_000 && n.is_multiple_of(1_000_000) => format!("{}M", n / 1_000_000),
        n if n >= 1_000 && n.is_multiple_of(1_000) => format!("{}k", n / 1_000),
        n => n.to_string(),
    }
}

// ---------------------------------------------------------------------------------------------
// Stores.

struct Demo {
    records: usize,
    dir: PathBuf,
    seconds: f64,
    rss_kb: u64,
    reused: bool,
    bytes: u64,
    allocated: u64,
}

fn read_kv(path: &Path) -> Option<(f64, u64)> {
    let s = std::fs::read_to_string(path).ok()?;
    let get = |k: &str| s.lines().find_map(|l| l.strip_prefix(k)?.strip_prefix('='));
    Some((get("seconds")?.parse().ok()?, get("rss_kb")?.parse().ok()?))
}

/// Bytes actually allocated (st_blocks) below `dir`.
fn allocated_bytes(dir: &Path) -> u64 {
    let Ok(rd) = std::fs::read_dir(dir) else { return 0 };
    rd.flatten()
        .map(|e| match e.file_type() {
            Ok(t) if t.is_dir() => allocated_bytes(&e.path()),
            _ => e.metadata().map(|m| blocks_of(&m)).unwrap_or(0),
        })
        .sum()
}

#[cfg(unix)]
fn blocks_of(m: &std::fs::Metadata) -> u64 {
    use std::os::unix::fs::MetadataExt;
    m.blocks() * 512
}

#[cfg(not(unix))]
fn blocks_of(m: &std::fs::Metadata) -> u64 {
    m.len()
}

/// The demo store of `records` records: built with `gridlog demo` unless a complete one is
/// already there.
fn demo_store(cfg: &Config, records: usize) -> Res<Demo> {
    let dir = cfg.data.join(format!("demo-{records}"));
    let marker = cfg.data.join(format!("demo-{records}.txt"));
    let cached = if cfg.fresh { None } else { read_kv(&marker).filter(|_| dir.join("db").exists()) };
    let (seconds, rss_kb, reused) = match cached {
        Some((s, r)) => (s, r, true),
        None => {
            let _ = std::fs::remove_file(&marker);
            if dir.exists() {
                std::fs::remove_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
            }
            eprintln!("building the {}-record demo store…", label(records));
            let r = measure(
                cfg,
                gridlog(&dir).args(["demo", "--records", &records.to_string(), "--seed", "1"]),
                None,
                true,
            )?;
            eprint!("  {}", String::from_utf8_lossy(&r.stdout));
            std::fs::write(&marker, format!("seconds={}\nrss_kb={}\n", r.secs, r.rss_kb))
                .map_err(|e| format!("{}: {e}", marker.display()))?;
            (r.secs, r.rss_kb, false)
        }
    };
    let db = dir.join("db");
    Ok(Demo {
        records,
        bytes: bare_sled::disk_bytes(&db),
        allocated: allocated_bytes(&db),
        dir,
        seconds,
        rss_kb,
        reused,
    })
}

// ---------------------------------------------------------------------------------------------
// Measurements.

struct ListResult {
    records: usize,
    gridlog: Stats,
    gridlog_rss_kb: u64,
    gridlog_cpu: Stats,
    bare: Stats,
    bare_rss_kb: u64,
    bare_cpu: Stats,
    bare_db: bare_sled::BareDb,
    cold: Result<(Stats, Stats), String>,
}

/// Drops the page cache (root only; a container may refuse).
fn drop_caches() -> Res<()> {
    #[cfg(unix)]
    // SAFETY: sync has no preconditions.
    unsafe {
        libc::sync();
    }
    std::fs::write("/proc/sys/vm/drop_caches", "3").map_err(|e| format!("/proc/sys/vm/drop_caches: {e}"))
}

fn list_vs_bare(cfg: &Config, demo: &Demo) -> Res<ListResult> {
    let bare_dir = cfg.data.join(format!("bare-{}", demo.records));
    eprintln!("bare sled database of {:.1} MB for the {} store…", demo.bytes as f64 / 1e6, label(demo.records));
    // Built in a child process: a child's peak RSS as wait4 reports it is never below its
    // parent's at spawn time, so this process stays small.
    let bare_db = match bare_sled::cached(&bare_dir, demo.bytes).filter(|_| !cfg.fresh) {
        Some(b) => {
            eprintln!("  reused: {} keys, {:.1} MB", b.keys, b.bytes as f64 / 1e6);
            b
        }
        None => {
            let mut cmd = self_cmd(&["build"])?;
            cmd.arg(&bare_dir).arg(demo.bytes.to_string()).arg("fresh");
            let r = measure(cfg, &mut cmd, None, false)?;
            let b = bare_sled::cached(&bare_dir, demo.bytes).ok_or("bare build left no database")?;
            eprintln!("  built: {} keys, {:.1} MB in {:.1} s", b.keys, b.bytes as f64 / 1e6, r.secs);
            bare_sled::BareDb { build_seconds: Some(r.secs), ..b }
        }
    };
    eprintln!("timing list vs bare on {} ({} + {} runs each, interleaved)…", label(demo.records), WARMUPS, cfg.runs);
    let (mut g, mut b) = (Vec::new(), Vec::new());
    let (mut g_cpu, mut b_cpu) = (Vec::new(), Vec::new());
    let (mut g_rss, mut b_rss) = (0, 0);
    for i in 0..WARMUPS + cfg.runs {
        let rg = measure(cfg, gridlog(&demo.dir).args(LIST_ARGS), None, false)?;
        let rb = measure(cfg, &mut bare_read(&bare_dir)?, None, false)?;
        if i >= WARMUPS {
            g.push(rg.secs);
            b.push(rb.secs);
            g_cpu.push(rg.cpu);
            b_cpu.push(rb.cpu);
        }
        g_rss = g_rss.max(rg.rss_kb);
        b_rss = b_rss.max(rb.rss_kb);
    }
    let cold = if cfg.cold {
        (|| {
            let (mut g, mut b) = (Vec::new(), Vec::new());
            for _ in 0..COLD_RUNS {
                drop_caches()?;
                g.push(measure(cfg, gridlog(&demo.dir).args(LIST_ARGS), None, false)?.secs);
                drop_caches()?;
                b.push(measure(cfg, &mut bare_read(&bare_dir)?, None, false)?.secs);
            }
            Ok((stats(&g), stats(&b)))
        })()
    } else {
        Err("skipped (GRIDLOG_BENCH_COLD=0)".into())
    };
    if let Err(e) = &cold {
        eprintln!("  cold-cache round not measured: {e}");
    }
    Ok(ListResult {
        records: demo.records,
        gridlog: stats(&g),
        gridlog_rss_kb: g_rss,
        gridlog_cpu: stats(&g_cpu),
        bare: stats(&b),
        bare_rss_kb: b_rss,
        bare_cpu: stats(&b_cpu),
        bare_db,
        cold,
    })
}

struct QueryResult {
    records: usize,
    query: &'static str,
    hits: usize,
    query_time: Stats,
    query_rss_kb: u64,
    plain: Stats,
    plain_rss_kb: u64,
}

/// `list demand --query Q --limit 20` against `list demand --limit 20`, interleaved.
fn query_vs_plain(cfg: &Config, demo: &Demo, query: &'static str) -> Res<QueryResult> {
    eprintln!("timing list --query {query} vs a plain list on {}…", label(demo.records));
    let args = ["list", "demand", "--query", query, "--limit", "20", "--json"];
    let out = gridlog(&demo.dir).args(args).output().map_err(|e| format!("list --query: {e}"))?;
    let hits = serde_json::from_slice::<serde_json::Value>(&out.stdout)
        .map_err(|e| format!("list --query --json: {e}"))?
        .as_array()
        .map_or(0, Vec::len);
    let (mut q, mut p) = (Vec::new(), Vec::new());
    let (mut q_rss, mut p_rss) = (0, 0);
    for i in 0..WARMUPS + cfg.runs {
        let rq = measure(cfg, gridlog(&demo.dir).args(&args[..6]), None, false)?;
        let rp = measure(cfg, gridlog(&demo.dir).args(PLAIN_DEMANDS), None, false)?;
        if i >= WARMUPS {
            q.push(rq.secs);
            p.push(rp.secs);
        }
        q_rss = q_rss.max(rq.rss_kb);
        p_rss = p_rss.max(rp.rss_kb);
    }
    Ok(QueryResult {
        records: demo.records,
        query,
        hits,
        query_time: stats(&q),
        query_rss_kb: q_rss,
        plain: stats(&p),
        plain_rss_kb: p_rss,
    })
}

struct AddResult {
    records: usize,
    process: Stats,
    process_cpu: Stats,
    rss_kb: u64,
    in_process: Stats,
    open_secs: f64,
}

fn visit_json(household: &str) -> serde_json::Value {
    let today = chrono::Local::now().date_naive().format("%Y-%m-%d").to_string();
    serde_json::json!({
        "date": today,
        "household": household,
        "type": "ROUTINE",
        "notes": "了解老人身体情况，提醒注意冬季用火安全",
    })
}

/// `add visit` on a copy of the demo store: whole process, then in-process through the library.
fn add(cfg: &Config, demo: &Demo) -> Res<AddResult> {
    let dir = cfg.data.join(format!("add-{}", demo.records));
    if dir.exists() {
        std::fs::remove_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    copy_dir(&demo.dir, &dir)?;
    let out = measure(cfg, gridlog(&dir).args(["list", "household", "--limit", "1", "--json"]), None, true)?;
    let rows: serde_json::Value = serde_json::from_slice(&out.stdout).map_err(|e| format!("list household: {e}"))?;
    let household = rows[0]["id"].as_str().ok_or("no household in the demo store")?.to_string();
    let input = visit_json(&household);
    let bytes = input.to_string().into_bytes();
    eprintln!("timing add visit on a copy of the {} store ({} + {} runs)…", label(demo.records), WARMUPS, cfg.runs);
    let mut t = Vec::new();
    let mut cpu = Vec::new();
    let mut rss = 0;
    for i in 0..WARMUPS + cfg.runs {
        let r = measure(cfg, gridlog(&dir).args(["add", "visit"]), Some(&bytes), true)?;
        if i >= WARMUPS {
            t.push(r.secs);
            cpu.push(r.cpu);
        }
        rss = rss.max(r.rss_kb);
    }
    let mut cmd = Command::new(std::env::current_exe().map_err(|e| e.to_string())?);
    cmd.arg("--add-in-process").arg(&dir).arg((WARMUPS + cfg.runs).to_string());
    let out = measure(cfg, &mut cmd, Some(&bytes), true)?;
    let secs: Vec<f64> =
        String::from_utf8_lossy(&out.stdout).split_whitespace().filter_map(|t| t.parse().ok()).collect();
    let (open_secs, inproc) = secs.split_first().ok_or("no in-process figures")?;
    let inproc = inproc.get(WARMUPS..).unwrap_or_default();
    let _ = std::fs::remove_dir_all(&dir);
    Ok(AddResult {
        records: demo.records,
        process: stats(&t),
        process_cpu: stats(&cpu),
        rss_kb: rss,
        in_process: stats(inproc),
        open_secs: *open_secs,
    })
}

/// `--add-in-process DIR N`, JSON on stdin: opens the store through the library and adds the
/// record N times; prints the open time, then each add's, in seconds.
fn add_in_process(args: &[String]) -> Res<()> {
    let dir = PathBuf::from(args.first().ok_or("DIR")?);
    let n: usize = args.get(1).and_then(|a| a.parse().ok()).ok_or("N")?;
    let mut s = String::new();
    std::io::stdin().read_to_string(&mut s).map_err(|e| e.to_string())?;
    let input: serde_json::Value = serde_json::from_str(&s).map_err(|e| e.to_string())?;
    let started = Instant::now();
    let mut app = App::open(&dir, &Options::default(), Lang::En).map_err(|e| format!("open: {e:?}"))?;
    println!("{}", started.elapsed().as_secs_f64());
    for _ in 0..n {
        let started = Instant::now();
        app.add(Kind::Visit, &input).map_err(|e| format!("add: {e:?}"))?;
        println!("{}", started.elapsed().as_secs_f64());
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Report.

/// The source the binary was built from, as far as git can tell.
fn git_describe() -> String {
    Command::new("git")
        .args(["-C", env!("CARGO_MANIFEST_DIR"), "describe", "--always", "--dirty"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_else(|| "unknown".into())
}

/// The 1-, 5- and 15-minute load averages.
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".into())
}

/// This process's peak RSS (KiB).
fn self_hwm_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find_map(|l| l.strip_prefix("VmHWM:")?.trim().strip_suffix("kB")?.trim().parse().ok()))
        .unwrap_or(0)
}

fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("model name").map(|v| v.trim_start_matches([' ', '\t', ':']).to_string()))
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let mem = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|s| s.lines().find_map(|l| l.strip_prefix("MemTotal:").map(|v| v.trim().to_string())))
        .unwrap_or_default();
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0);
    format!("{cores} cores, {cpu}, {mem} RAM")
}

fn report(demos: &[Demo], lists: &[ListResult], queries: &[QueryResult], adds: &[AddResult], cfg: &Config) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "### Run of {} on {}\n", chrono::Local::now().format("%Y-%m-%d %H:%M"), machine());
    let _ = writeln!(s, "Source: `{}` (git describe --always --dirty).\n", git_describe());
    let _ = writeln!(
        s,
        "Timed runs per figure: {} (after {WARMUPS} warm-ups). Load average at the start: {}; at the end: {}. \
         CPU = user + system time of the process (median).\n",
        cfg.runs,
        cfg.load_start,
        load_average()
    );

    let _ = writeln!(s, "#### Store footprint (bytes on disk per record, budget ≤ {FOOTPRINT_B_PER_RECORD} B)\n");
    let _ = writeln!(s, "| Records | Files under db/ | Allocated | B/record | Budget | Result |");
    let _ = writeln!(s, "|---:|---:|---:|---:|---:|:---|");
    for d in demos {
        let per = d.bytes as f64 / d.records as f64;
        let _ = writeln!(
            s,
            "| {} | {:.1} MB | {:.1} MB | {:.0} B | ≤ {FOOTPRINT_B_PER_RECORD} B | {} |",
            label(d.records),
            d.bytes as f64 / 1e6,
            d.allocated as f64 / 1e6,
            per,
            verdict(per <= FOOTPRINT_B_PER_RECORD)
        );
    }

    let _ = writeln!(s, "\n#### `gridlog demo --records N` (whole process)\n");
    let _ = writeln!(s, "| Records | Wall time | Peak RSS | Budget | Result |");
    let _ = writeln!(s, "|---:|---:|---:|---:|:---|");
    for d in demos {
        let rss = mb_kb(d.rss_kb);
        let (budget, result) = if d.records >= 1_000_000 {
            (format!("RSS ≤ {DEMO_1M_RSS_MB} MB"), verdict(rss <= DEMO_1M_RSS_MB))
        } else {
            ("—".to_string(), "—")
        };
        let cached = if d.reused { " (earlier run)" } else { "" };
        let _ =
            writeln!(s, "| {} | {:.1} s{cached} | {rss:.0} MB | {budget} | {result} |", label(d.records), d.seconds);
    }

    let _ = writeln!(
        s,
        "\n#### `gridlog list visit --limit 20` vs bare sled (open + read {} keys), whole processes, warm cache\n",
        bare_sled::READ_KEYS
    );
    let _ = writeln!(
        s,
        "| Store | gridlog median (p90) | bare median (p90) | Bare db | Ratio | CPU gridlog / bare | gridlog RSS | bare RSS | Budget | Result |"
    );
    let _ = writeln!(s, "|---:|---:|---:|---:|---:|---:|---:|---:|:---|:---|");
    for l in lists {
        let ratio = l.gridlog.median / l.bare.median;
        let rss = mb_kb(l.gridlog_rss_kb);
        let (budget, ok) = if l.records >= 1_000_000 {
            (
                format!("ratio ≤ {LIST_1M_RATIO}, RSS ≤ {LIST_1M_RSS_MB} MB"),
                ratio <= LIST_1M_RATIO && rss <= LIST_1M_RSS_MB,
            )
        } else {
            (format!("≤ {LIST_100K_MS} ms"), l.gridlog.median * 1e3 <= LIST_100K_MS)
        };
        let _ = writeln!(
            s,
            "| {} | {} ({}) | {} ({}) | {} keys, {:.1} MB | {ratio:.2} | {} / {} | {rss:.1} MB | {:.1} MB | {budget} | {} |",
            label(l.records),
            ms(l.gridlog.median),
            ms(l.gridlog.p90),
            ms(l.bare.median),
            ms(l.bare.p90),
            l.bare_db.keys,
            l.bare_db.bytes as f64 / 1e6,
            ms(l.gridlog_cpu.median),
            ms(l.bare_cpu.median),
            mb_kb(l.bare_rss_kb),
            verdict(ok)
        );
    }
    let _ = writeln!(
        s,
        "\nCold page cache (`echo 3 > /proc/sys/vm/drop_caches` before each run, {COLD_RUNS} runs each):\n"
    );
    let _ = writeln!(s, "| Store | gridlog median | bare median | Ratio |");
    let _ = writeln!(s, "|---:|---:|---:|---:|");
    for l in lists {
        match &l.cold {
            Ok((g, b)) => {
                let _ = writeln!(
                    s,
                    "| {} | {} | {} | {:.2} |",
                    label(l.records),
                    ms(g.median),
                    ms(b.median),
                    g.median / b.median
                );
            }
            Err(e) => {
                let _ = writeln!(s, "| {} | not measured: {e} | | |", label(l.records));
            }
        }
    }

    let _ = writeln!(
        s,
        "\n#### `gridlog list demand --query Q --limit 20` vs `gridlog list demand --limit 20`, same run, warm cache\n"
    );
    let _ = writeln!(
        s,
        "| Store | Query | Hits shown | query median (p90) | plain median (p90) | Ratio | query RSS | plain RSS | Budget | Result |"
    );
    let _ = writeln!(s, "|---:|:---|---:|---:|---:|---:|---:|---:|:---|:---|");
    for q in queries {
        let ratio = q.query_time.median / q.plain.median;
        let rss = mb_kb(q.query_rss_kb);
        let (budget, result) = if q.records >= 1_000_000 && q.hits >= 20 {
            (
                format!("ratio ≤ {QUERY_1M_RATIO}, RSS ≤ {QUERY_1M_RSS_MB} MB"),
                verdict(ratio <= QUERY_1M_RATIO && rss <= QUERY_1M_RSS_MB),
            )
        } else {
            ("—".to_string(), "—")
        };
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} ({}) | {} ({}) | {ratio:.2} | {rss:.1} MB | {:.1} MB | {budget} | {result} |",
            label(q.records),
            q.query,
            q.hits,
            ms(q.query_time.median),
            ms(q.query_time.p90),
            ms(q.plain.median),
            ms(q.plain.p90),
            mb_kb(q.plain_rss_kb),
        );
    }

    let _ = writeln!(s, "\n#### `gridlog add visit` (one record, flush included), on a copy of the store\n");
    let _ = writeln!(
        s,
        "| Store | Whole process median (p90) | CPU | RSS | In-process `App::add` median (p90) | `App::open` | Budget | Result |"
    );
    let _ = writeln!(s, "|---:|---:|---:|---:|---:|---:|:---|:---|");
    for a in adds {
        let _ = writeln!(
            s,
            "| {} | {} ({}) | {} | {:.1} MB | {} ({}) | {} | ≤ {ADD_MS} ms | {} |",
            label(a.records),
            ms(a.process.median),
            ms(a.process.p90),
            ms(a.process_cpu.median),
            mb_kb(a.rss_kb),
            ms(a.in_process.median),
            ms(a.in_process.p90),
            ms(a.open_secs),
            verdict(a.process.median * 1e3 <= ADD_MS)
        );
    }
    let n = adds.first().map(|a| a.process.n).unwrap_or(0);
    let _ = writeln!(s, "\n({n} timed adds per store.)");
    s
}

fn bench() -> Res<()> {
    let args: Vec<String> = std::env::args().collect();
    let data = std::env::var_os("GRIDLOG_BENCH_DIR").map(PathBuf::from).unwrap_or_else(|| {
        // target/release/gridlog → target/bench-data
        let target = Path::new(GRIDLOG).parent().and_then(Path::parent).unwrap_or(Path::new("target"));
        target.join("bench-data")
    });
    std::fs::create_dir_all(&data).map_err(|e| format!("{}: {e}", data.display()))?;
    let cfg = Config {
        data,
        fresh: args.iter().any(|a| a == "--fresh") || std::env::var("GRIDLOG_BENCH_FRESH").is_ok_and(|v| v == "1"),
        max: env_num("GRIDLOG_BENCH_MAX", 1_000_000),
        runs: env_num("GRIDLOG_BENCH_RUNS", 30).max(1),
        cold: std::env::var("GRIDLOG_BENCH_COLD").map_or(true, |v| v != "0"),
        load_start: load_average(),
    };
    eprintln!("gridlog: {GRIDLOG}\ndata: {}\nmachine: {}", cfg.data.display(), machine());
    let started = Instant::now();
    let mut demos = Vec::new();
    for records in [10_000, 100_000, 1_000_000].into_iter().filter(|n| *n <= cfg.max) {
        demos.push(demo_store(&cfg, records)?);
    }
    // GRIDLOG_BENCH_ONLY=query: the `list --query` figures alone.
    let only_query = std::env::var("GRIDLOG_BENCH_ONLY").is_ok_and(|v| v == "query");
    let mut lists = Vec::new();
    for d in demos.iter().filter(|d| d.records >= 100_000 && !only_query) {
        lists.push(list_vs_bare(&cfg, d)?);
    }
    let mut queries = Vec::new();
    for d in demos.iter().filter(|d| d.records >= 100_000) {
        for q in QUERIES {
            queries.push(query_vs_plain(&cfg, d, q)?);
        }
    }
    let mut adds = Vec::new();
    for d in demos.iter().filter(|_| !only_query) {
        adds.push(add(&cfg, d)?);
    }
    // wait4's peak RSS of a child counts what it inherited from this process before exec: the
    // floor under every RSS figure.
    let floor = measure(&cfg, &mut Command::new("true"), None, false).map(|r| r.rss_kb).unwrap_or(0);
    let mut table = report(&demos, &lists, &queries, &adds, &cfg);
    let _ = writeln!(
        table,
        "\nRSS is each child's peak (`wait4` rusage); its floor here (a `true` spawned the same way) is {:.1} MB, \
         and this bench process peaked at {:.1} MB.",
        mb_kb(floor),
        mb_kb(self_hwm_kb())
    );
    let out = cfg.data.join("results.md");
    std::fs::write(&out, &table).map_err(|e| format!("{}: {e}", out.display()))?;
    println!("{table}");
    eprintln!("({:.0} s; also written to {})", started.elapsed().as_secs_f64(), out.display());
    Ok(())
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "--bare") {
        bare_sled::main();
        return;
    }
    if args.first().is_some_and(|a| a == "--add-in-process") {
        if let Err(e) = add_in_process(&args[1..]) {
            eprintln!("add in process: {e}");
            std::process::exit(1);
        }
        return;
    }
    if !args.iter().any(|a| a == "--bench") {
        // `cargo test --benches` runs bench targets without `--bench`: nothing to test here.
        eprintln!("cli bench: run with `cargo bench --bench cli`");
        return;
    }
    if let Err(e) = bench() {
        eprintln!("cli bench: {e}");
        std::process::exit(1);
    }
}
