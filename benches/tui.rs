//! TUI budgets (docs/PERFORMANCE.md): start to first complete frame, key press to frame while
//! moving through a list, bytes written per row moved, idle output, peak RSS, and search per
//! keystroke — on the 100k and 1M-record demo stores that `cargo bench --bench cli` builds
//! (built here too when missing).
//!
//! ```text
//! cargo bench --bench tui                            # 100k and 1M stores
//! GRIDLOG_BENCH_MAX=100000 cargo bench --bench tui   # skip the 1M store
//! ```
//!
//! The real binary runs in a pseudo-terminal (the end-to-end tests' harness); the first frame
//! is complete when its footer has arrived. The baseline is the bare sled program on a database
//! of the same bytes on disk (benches/bare_sled.rs), run as its own process in the same run.
//! Search is timed in process through `App::search`, as the TUI calls it per keystroke.
//!
//! Cold start: with the page cache dropped (`/proc/sys/vm/drop_caches`, needs root; skipped
//! otherwise, or with `GRIDLOG_BENCH_COLD=0`) and the binary read back in, what the TUI has
//! read when its first frame is complete (`/proc/PID/io`: read calls, bytes asked for, bytes
//! from storage) against a whole `gridlog list visit --limit 20` (the same counters, read once
//! it has exited and before it is reaped). Budget (issue 7): the first frame reads at most 2×
//! what a list page reads.

#[path = "bare_sled.rs"]
mod bare_sled;
#[path = "../tests/pty/mod.rs"]
mod pty;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use gridlog::app::App;
use gridlog::i18n::Lang;
use gridlog::store::Options;
use pty::{Key, Launch};

const GRIDLOG: &str = env!("CARGO_BIN_EXE_gridlog");
const RUNS: usize = 10;
const MOVES: usize = 40;
const QUERIES: [&str; 8] = ["z", "zs", "zha", "zhang", "张", "张三", "5678", "三组"];

fn median(xs: &mut [f64]) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs.get(xs.len() / 2).copied().unwrap_or(f64::NAN)
}

fn p99(xs: &mut [f64]) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs.get((xs.len() * 99).div_ceil(100).saturating_sub(1)).copied().unwrap_or(f64::NAN)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn data_dir() -> PathBuf {
    std::env::var_os("GRIDLOG_BENCH_DIR").map(PathBuf::from).unwrap_or_else(|| {
        let target = Path::new(GRIDLOG).parent().and_then(Path::parent).unwrap_or(Path::new("target"));
        target.join("bench-data")
    })
}

fn demo_store(records: usize) -> Result<PathBuf, String> {
    let dir = data_dir().join(format!("demo-{records}"));
    if !dir.join("db").exists() {
        eprintln!("building the {records}-record demo store…");
        let ok = Command::new(GRIDLOG)
            .args(["--data-dir"])
            .arg(&dir)
            .args(["demo", "--records", &records.to_string(), "--seed", "1"])
            .status()
            .map_err(|e| e.to_string())?
            .success();
        if !ok {
            return Err("demo failed".into());
        }
    }
    Ok(dir)
}

/// The pid of the gridlog process started on `dir` (to read its peak RSS from /proc).
fn pid_of(dir: &Path) -> Option<u32> {
    let needle = dir.to_string_lossy().to_string();
    for e in std::fs::read_dir("/proc").ok()?.flatten() {
        let Ok(pid) = e.file_name().to_string_lossy().parse::<u32>() else { continue };
        let cmd = std::fs::read(e.path().join("cmdline")).unwrap_or_default();
        let cmd = String::from_utf8_lossy(&cmd).replace('\0', " ");
        if cmd.starts_with(GRIDLOG) && cmd.contains(&needle) {
            return Some(pid);
        }
    }
    None
}

fn peak_rss_mb(pid: u32) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map(|kb| kb / 1024.0)
        .unwrap_or(f64::NAN)
}

/// What a process has read so far (`/proc/PID/io`): read calls, bytes asked for, bytes that
/// came from storage (with the kernel's readahead).
#[derive(Clone, Copy, Default)]
struct Io {
    calls: f64,
    asked: f64,
    storage: f64,
}

/// Cold-start reads: medians of [`COLD_RUNS`] runs.
struct Cold {
    tui: Io,
    tui_ms: f64,
    list: Io,
    list_ms: f64,
}

fn median_io(xs: &[Io]) -> Io {
    let m = |f: fn(&Io) -> f64| median(&mut xs.iter().map(f).collect::<Vec<_>>());
    Io { calls: m(|i| i.calls), asked: m(|i| i.asked), storage: m(|i| i.storage) }
}

const COLD_RUNS: usize = 5;

/// Empties the page cache, then reads the binary back in, so that only the store is cold.
#[cfg(unix)]
fn cold_cache() -> Result<(), String> {
    // SAFETY: sync has no preconditions.
    unsafe { libc::sync() };
    std::fs::write("/proc/sys/vm/drop_caches", "3").map_err(|e| format!("/proc/sys/vm/drop_caches: {e}"))?;
    std::fs::read(GRIDLOG).map(|_| ()).map_err(|e| e.to_string())
}

/// What process `pid` has read so far.
fn io_of(pid: u32) -> Option<Io> {
    let io = std::fs::read_to_string(format!("/proc/{pid}/io")).ok()?;
    let get = |k: &str| io.lines().find_map(|l| l.strip_prefix(k)).and_then(|v| v.trim().parse::<f64>().ok());
    Some(Io { calls: get("syscr:")?, asked: get("rchar:")?, storage: get("read_bytes:")? })
}

/// A whole `list visit --limit 20`: wall ms and what it read (read from `/proc/PID/io` once it
/// has exited and before it is reaped).
#[cfg(unix)]
fn list_cold(dir: &Path) -> Result<(f64, Io), String> {
    let t = Instant::now();
    let child = Command::new(GRIDLOG)
        .arg("--data-dir")
        .arg(dir)
        .args(["list", "visit", "--limit", "20"])
        .stdout(std::process::Stdio::null())
        .spawn()
        .map_err(|e| e.to_string())?;
    let pid = child.id() as libc::pid_t;
    // SAFETY: siginfo is plain old data; all-zero is a valid value.
    let mut info: libc::siginfo_t = unsafe { std::mem::zeroed() };
    // SAFETY: `pid` is our own child; WNOWAIT leaves it unreaped, so its /proc entry stays.
    if unsafe { libc::waitid(libc::P_PID, pid as libc::id_t, &mut info, libc::WEXITED | libc::WNOWAIT) } != 0 {
        return Err(format!("waitid: {}", std::io::Error::last_os_error()));
    }
    let took = ms(t.elapsed());
    let io = io_of(pid as u32).ok_or("no /proc/PID/io for list")?;
    let mut status: libc::c_int = 0;
    // SAFETY: reaps our own exited child.
    unsafe { libc::waitpid(pid, &mut status, 0) };
    Ok((took, io))
}

#[cfg(not(unix))]
fn cold_cache() -> Result<(), String> {
    Err("the cold round needs Linux (drop_caches, /proc)".into())
}

#[cfg(not(unix))]
fn list_cold(_dir: &Path) -> Result<(f64, Io), String> {
    Err("the cold round needs Linux (waitid, /proc)".into())
}

fn cold(dir: &Path, args: &[&str]) -> Result<Cold, String> {
    let (mut tb, mut tm, mut lb, mut lm) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for _ in 0..COLD_RUNS {
        // sled writes on every open, and the next open reads back what the previous process
        // left in its log: each measured process follows the same predecessor, a list page
        list_cold(dir)?;
        cold_cache()?;
        let (m, b) = list_cold(dir)?;
        lm.push(m);
        lb.push(b);
        list_cold(dir)?;
        cold_cache()?;
        let t = Instant::now();
        let mut app = Launch::gridlog(args).spawn();
        app.wait_screen("the first frame", pty::TIMEOUT, |s| s.contents().contains("q 退出"));
        tm.push(ms(t.elapsed()));
        tb.push(pid_of(dir).and_then(io_of).ok_or("no /proc/PID/io for the TUI")?);
        app.key(Key::Char('q'));
        app.wait_exit(pty::TIMEOUT);
    }
    Ok(Cold { tui: median_io(&tb), tui_ms: median(&mut tm), list: median_io(&lb), list_ms: median(&mut lm) })
}

struct Tui {
    records: usize,
    cold: Result<Cold, String>,
    first_frame: f64,
    bare: f64,
    key_median: f64,
    key_p99: f64,
    bytes_per_move: f64,
    idle_bytes: usize,
    rss_mb: f64,
    search: Vec<(String, f64)>,
    search_worst: f64,
}

fn bare_read_ms(dir: &Path) -> Result<f64, String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let t = Instant::now();
    let ok = Command::new(exe).args(["--bare", "read"]).arg(dir).output().map_err(|e| e.to_string())?;
    if !ok.status.success() {
        return Err(String::from_utf8_lossy(&ok.stderr).to_string());
    }
    Ok(ms(t.elapsed()))
}

fn measure(records: usize) -> Result<Tui, String> {
    let dir = demo_store(records)?;
    let bytes = bare_sled::disk_bytes(&dir.join("db"));
    let bare = bare_sled::build(&data_dir().join(format!("bare-{records}")), bytes, false)?;
    let d = dir.to_string_lossy().to_string();
    let args = ["--data-dir", d.as_str(), "--lang", "zh"];
    // start to first complete frame, interleaved with the bare baseline
    let (mut first, mut base) = (Vec::new(), Vec::new());
    for i in 0..RUNS + 2 {
        let t = Instant::now();
        let mut app = Launch::gridlog(&args).spawn();
        app.wait_screen("the first frame", pty::TIMEOUT, |s| s.contents().contains("q 退出"));
        let took = ms(t.elapsed());
        app.key(Key::Char('q'));
        app.wait_exit(pty::TIMEOUT);
        let b = bare_read_ms(&bare.dir)?;
        if i >= 2 {
            first.push(took);
            base.push(b);
        }
    }
    let cold = if std::env::var("GRIDLOG_BENCH_COLD").is_ok_and(|v| v == "0") {
        Err("skipped (GRIDLOG_BENCH_COLD=0)".to_string())
    } else {
        cold(&dir, &args)
    };
    // one long session: list navigation, bytes per move, idle, search, peak RSS
    let mut app = Launch::gridlog(&args).spawn();
    app.wait_for_text("q 退出");
    app.key(Key::Char('2'));
    app.wait_for_text("诉求内容");
    let (mut keys, mut per_move) = (Vec::new(), Vec::new());
    for _ in 0..MOVES {
        app.wait_idle(Duration::from_millis(30));
        let before = app.bytes_written();
        let t = Instant::now();
        app.send(b"j");
        // the frame is complete once output stops; latency is to its last byte
        let mut last = t;
        let mut seen = before;
        loop {
            let now = app.bytes_written();
            if now != seen {
                seen = now;
                last = Instant::now();
            } else if seen > before && last.elapsed() > Duration::from_millis(15) {
                break;
            } else if t.elapsed() > Duration::from_secs(5) {
                return Err("no frame after a key press".into());
            }
            std::thread::sleep(Duration::from_micros(200));
        }
        keys.push(ms(last - t));
        per_move.push((seen - before) as f64);
    }
    app.wait_idle(Duration::from_millis(100));
    let idle_from = app.bytes_written();
    std::thread::sleep(Duration::from_millis(1500));
    let idle_bytes = app.bytes_written() - idle_from;
    app.key(Key::Char('/'));
    app.send_str("zs");
    app.wait_for_text("张三");
    let rss_mb = pid_of(&dir).map(peak_rss_mb).unwrap_or(f64::NAN);
    app.key(Key::Esc);
    app.key(Key::Char('q'));
    app.wait_exit(pty::TIMEOUT);
    // search per keystroke, in process
    let gl = App::open(&dir, &Options::default(), Lang::Zh).map_err(|e| format!("{e:?}"))?;
    let mut search = Vec::new();
    for q in QUERIES {
        let mut xs: Vec<f64> = (0..7)
            .map(|_| {
                let t = Instant::now();
                let _ = gl.search(q, 50);
                ms(t.elapsed())
            })
            .collect();
        search.push((q.to_string(), median(&mut xs)));
    }
    let search_worst = search.iter().map(|(_, x)| *x).fold(0.0, f64::max);
    Ok(Tui {
        records,
        cold,
        first_frame: median(&mut first),
        bare: median(&mut base),
        key_median: median(&mut keys.clone()),
        key_p99: p99(&mut keys),
        bytes_per_move: median(&mut per_move),
        idle_bytes,
        rss_mb,
        search,
        search_worst,
    })
}

fn report(rows: &[Tui]) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "| store | first frame (median) | bare open+20 reads | budget | key→frame median / p99 | bytes per row moved | idle bytes in 1.5 s | peak RSS |"
    );
    let _ = writeln!(s, "|---|---|---|---|---|---|---|---|");
    for r in rows {
        let budget = if r.records >= 1_000_000 { r.bare * 1.3 + 20.0 } else { 60.0 };
        let _ = writeln!(
            s,
            "| {}k | {:.1} ms | {:.1} ms | ≤ {:.1} ms {} | {:.1} / {:.1} ms {} | {:.0} {} | {} {} | {:.1} MB {} |",
            r.records / 1000,
            r.first_frame,
            r.bare,
            budget,
            if r.first_frame <= budget { "pass" } else { "FAIL" },
            r.key_median,
            r.key_p99,
            if r.records < 1_000_000 || r.key_median <= 16.0 { "pass" } else { "FAIL" },
            r.bytes_per_move,
            if r.bytes_per_move <= 500.0 { "pass" } else { "FAIL" },
            r.idle_bytes,
            if r.idle_bytes == 0 { "pass" } else { "FAIL" },
            r.rss_mb,
            if r.records < 1_000_000 || r.rss_mb <= 60.0 { "pass" } else { "FAIL" },
        );
    }
    let _ = writeln!(
        s,
        "\nCold start ({COLD_RUNS} runs, medians; page cache dropped, binary read back in): what the TUI has read when its first frame is complete, against a whole `list visit --limit 20`. Budget: at most 2× in read calls and in bytes asked for; bytes from storage (the kernel's readahead included) are shown too:\n"
    );
    let _ = writeln!(
        s,
        "| store | first frame: calls / asked / from storage | time | list page: calls / asked / from storage | time | ratio calls / asked / storage | result |"
    );
    let _ = writeln!(s, "|---|---|---|---|---|---|---|");
    for r in rows {
        match &r.cold {
            Ok(c) => {
                let (t, l) = (c.tui, c.list);
                let ratio = |a: f64, b: f64| a / b;
                let ok = ratio(t.calls, l.calls) <= 2.0 && ratio(t.asked, l.asked) <= 2.0;
                let _ = writeln!(
                    s,
                    "| {}k | {:.0} / {:.2} MB / {:.2} MB | {:.0} ms | {:.0} / {:.2} MB / {:.2} MB | {:.0} ms | {:.2} / {:.2} / {:.2} | {} |",
                    r.records / 1000,
                    t.calls,
                    t.asked / 1e6,
                    t.storage / 1e6,
                    c.tui_ms,
                    l.calls,
                    l.asked / 1e6,
                    l.storage / 1e6,
                    c.list_ms,
                    ratio(t.calls, l.calls),
                    ratio(t.asked, l.asked),
                    ratio(t.storage, l.storage),
                    if ok { "pass" } else { "FAIL" }
                );
            }
            Err(e) => {
                let _ = writeln!(s, "| {}k | not measured: {e} | | | | | |", r.records / 1000);
            }
        }
    }
    let _ = writeln!(s, "\nSearch per keystroke (in process, median of 7; budget 30 ms at 100k, 100 ms at 1M):\n");
    let _ = writeln!(s, "| store | {} | worst |", QUERIES.join(" | "));
    let _ = writeln!(s, "|---|{}---|", "---|".repeat(QUERIES.len()));
    for r in rows {
        let cells: Vec<String> = r.search.iter().map(|(_, x)| format!("{x:.1}")).collect();
        let budget = if r.records >= 1_000_000 { 100.0 } else { 30.0 };
        let _ = writeln!(
            s,
            "| {}k | {} | {:.1} ms {} |",
            r.records / 1000,
            cells.join(" | "),
            r.search_worst,
            if r.search_worst <= budget { "pass" } else { "FAIL" }
        );
    }
    s
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "--bare") {
        bare_sled::main();
        return;
    }
    if !args.iter().any(|a| a == "--bench") {
        eprintln!("tui bench: run with `cargo bench --bench tui`");
        return;
    }
    let max: usize = std::env::var("GRIDLOG_BENCH_MAX").ok().and_then(|v| v.parse().ok()).unwrap_or(1_000_000);
    let mut rows = Vec::new();
    for records in [100_000, 1_000_000].into_iter().filter(|n| *n <= max) {
        match measure(records) {
            Ok(r) => rows.push(r),
            Err(e) => {
                eprintln!("tui bench ({records}): {e}");
                std::process::exit(1);
            }
        }
    }
    let table = report(&rows);
    let out = data_dir().join("tui-results.md");
    let _ = std::fs::write(&out, &table);
    println!("{table}");
}
