//! The bare baseline: a plain sled 0.34.7 database, no gridlog code, sized to match a gridlog
//! store's bytes on disk. `list` on a big store is judged against the time this program takes to
//! open such a database and read 20 keys (sled's open time grows with bytes on disk, see
//! docs/ARCHITECTURE.md, "Store layout"; at equal bytes it also grows with the number of keys,
//! see docs/PERFORMANCE.md).
//!
//! ```text
//! cargo bench --bench bare_sled -- build DIR BYTES [fresh]  # create once (cached in DIR)
//! cargo bench --bench bare_sled -- read DIR                 # open, read the 20 newest keys, exit
//! cargo bench --bench bare_sled -- time DIR BYTES           # build if needed, time 30 `read`s
//! ```
//!
//! The database: 8-byte big-endian keys 0, 1, 2, … with 200-byte values, cache_capacity 16 MiB
//! (gridlog's default), written in batches of 2,000 keys through handles reopened every 100,000
//! keys (as gridlog's demo does, to bound sled's memory), until its files reach BYTES.
//!
//! `benches/cli.rs` includes this file as a module and re-executes itself with `--bare read DIR`,
//! so that both gridlog and this program are measured as whole processes.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

/// gridlog's default page cache.
pub const CACHE_BYTES: u64 = 16 << 20;
/// Bytes per value.
pub const VALUE_BYTES: usize = 200;
/// Keys read by `read`.
pub const READ_KEYS: usize = 20;
const BATCH_KEYS: u64 = 2_000;
const KEYS_PER_HANDLE: u64 = 100_000;
const MARKER: &str = "bare.txt";

/// A built (or reused) bare database.
#[derive(Clone, Debug)]
pub struct BareDb {
    /// The directory (the sled files are in `DIR/db`).
    pub dir: PathBuf,
    /// Keys written.
    pub keys: u64,
    /// Bytes of the files below `DIR/db`.
    pub bytes: u64,
    /// The size asked for.
    pub target: u64,
    /// Seconds spent building it, or `None` when an earlier build was reused.
    pub build_seconds: Option<f64>,
}

/// Total bytes of the files below `dir` (apparent size, as gridlog's `disk_usage` counts).
pub fn disk_bytes(dir: &Path) -> u64 {
    let Ok(rd) = std::fs::read_dir(dir) else { return 0 };
    rd.flatten()
        .map(|e| match e.file_type() {
            Ok(t) if t.is_dir() => disk_bytes(&e.path()),
            _ => e.metadata().map(|m| m.len()).unwrap_or(0),
        })
        .sum()
}

/// Opens the database. The builder reopens it between batches, and sled's I/O threads can hold
/// its file lock for a moment after a handle is dropped (as `store/open.rs` also allows for):
/// that refusal is waited out, up to 10 s.
fn open(dir: &Path) -> Result<sled::Db, String> {
    let deadline = Instant::now() + std::time::Duration::from_secs(10);
    loop {
        match sled::Config::new().path(dir.join("db")).cache_capacity(CACHE_BYTES).open() {
            Err(sled::Error::Io(e))
                if e.to_string().contains("could not acquire lock") && Instant::now() < deadline =>
            {
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            r => return r.map_err(|e| format!("{}: {e}", dir.display())),
        }
    }
}

fn value(i: u64) -> Vec<u8> {
    // xorshift: incompressible enough, deterministic.
    let mut x = i.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..VALUE_BYTES)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect()
}

fn read_marker(dir: &Path) -> Option<(u64, u64)> {
    let s = std::fs::read_to_string(dir.join(MARKER)).ok()?;
    let mut target = None;
    let mut keys = None;
    for line in s.lines() {
        match line.split_once('=') {
            Some(("target", v)) => target = v.parse().ok(),
            Some(("keys", v)) => keys = v.parse().ok(),
            _ => {}
        }
    }
    Some((target?, keys?))
}

/// The database already in `dir`, if one was built for a target within 2% of `target`.
pub fn cached(dir: &Path, target: u64) -> Option<BareDb> {
    let (t, keys) = read_marker(dir)?;
    (t.abs_diff(target) <= target / 50 && dir.join("db").exists()).then(|| BareDb {
        dir: dir.into(),
        keys,
        bytes: disk_bytes(&dir.join("db")),
        target,
        build_seconds: None,
    })
}

/// Creates the database in `dir` until its files reach `target` bytes, or reuses the one
/// already there (see [`cached`]) unless `fresh`.
pub fn build(dir: &Path, target: u64, fresh: bool) -> Result<BareDb, String> {
    if !fresh && let Some(b) = cached(dir, target) {
        return Ok(b);
    }
    let started = Instant::now();
    let io = |e: std::io::Error| format!("{}: {e}", dir.display());
    if dir.exists() {
        std::fs::remove_dir_all(dir).map_err(io)?;
    }
    std::fs::create_dir_all(dir).map_err(io)?;
    let mut keys = 0u64;
    'handles: loop {
        let db = open(dir)?;
        let first = keys;
        while keys - first < KEYS_PER_HANDLE {
            let mut batch = sled::Batch::default();
            for i in keys..keys + BATCH_KEYS {
                batch.insert(&i.to_be_bytes(), value(i));
            }
            keys += BATCH_KEYS;
            db.apply_batch(batch).map_err(|e| e.to_string())?;
            db.flush().map_err(|e| e.to_string())?;
            if disk_bytes(&dir.join("db")) >= target {
                break 'handles;
            }
        }
    }
    let bytes = disk_bytes(&dir.join("db"));
    std::fs::write(dir.join(MARKER), format!("target={target}\nkeys={keys}\nbytes={bytes}\n")).map_err(io)?;
    Ok(BareDb { dir: dir.into(), keys, bytes, target, build_seconds: Some(started.elapsed().as_secs_f64()) })
}

/// Opens the database and reads the [`READ_KEYS`] newest keys; returns the bytes read.
pub fn read(dir: &Path) -> Result<usize, String> {
    let db = open(dir)?;
    let mut bytes = 0;
    for kv in db.iter().rev().take(READ_KEYS) {
        let (k, v) = kv.map_err(|e| e.to_string())?;
        bytes += k.len() + v.len();
    }
    Ok(bytes)
}

/// Runs this program again (`--bare read DIR`) `runs` times after 3 warm-ups; returns the wall
/// times in seconds.
fn time_reads(dir: &Path, runs: usize) -> Result<Vec<f64>, String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let mut out = Vec::with_capacity(runs);
    for i in 0..runs + 3 {
        let started = Instant::now();
        let status = Command::new(&exe)
            .args(["--bare", "read"])
            .arg(dir)
            .stdout(Stdio::null())
            .status()
            .map_err(|e| e.to_string())?;
        let secs = started.elapsed().as_secs_f64();
        if !status.success() {
            return Err(format!("read {}: {status}", dir.display()));
        }
        if i >= 3 {
            out.push(secs);
        }
    }
    Ok(out)
}

fn bytes_arg(s: Option<&String>) -> Result<u64, String> {
    s.and_then(|s| s.parse().ok()).ok_or_else(|| "BYTES: a number of bytes".to_string())
}

/// Runs the program on its arguments (without the program name, `--bench` or `--bare`).
pub fn run(args: &[String]) -> Result<(), String> {
    let dir = args.get(1).map(PathBuf::from);
    match (args.first().map(String::as_str), dir) {
        (Some("build"), Some(dir)) => {
            let fresh = args.get(3).is_some_and(|a| a == "fresh");
            let b = build(&dir, bytes_arg(args.get(2))?, fresh)?;
            let took = b.build_seconds.map(|t| format!(", built in {t:.1} s")).unwrap_or_default();
            println!("{}: {} keys, {} bytes on disk (target {}){took}", b.dir.display(), b.keys, b.bytes, b.target);
        }
        (Some("read"), Some(dir)) => {
            let n = read(&dir)?;
            println!("read {READ_KEYS} keys, {n} bytes");
        }
        (Some("time"), Some(dir)) => {
            let b = build(&dir, bytes_arg(args.get(2))?, false)?;
            let mut t = time_reads(&dir, 30)?;
            t.sort_by(f64::total_cmp);
            println!(
                "{} keys, {:.1} MB on disk: open + read {READ_KEYS} keys, whole process, median {:.1} ms over {} runs",
                b.keys,
                b.bytes as f64 / 1e6,
                t[t.len() / 2] * 1e3,
                t.len()
            );
        }
        _ => {
            eprintln!("usage: bare_sled build DIR BYTES [fresh] | read DIR | time DIR BYTES");
        }
    }
    Ok(())
}

/// Entry point: `run` on the process's arguments.
pub fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| a != "--bench" && a != "--bare").collect();
    if let Err(e) = run(&args) {
        eprintln!("bare_sled: {e}");
        std::process::exit(1);
    }
}
