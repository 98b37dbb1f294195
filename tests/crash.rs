//! Store robustness (issue 6): the real binary killed with SIGKILL in the middle of `add`s, an
//! interrupted sled snapshot, a truncated or bit-flipped `db/db`, a killed `demo`. Whatever
//! happens, a command ends (no hang), never panics, and either refuses with a message or shows
//! every record the store acknowledged — never a silently smaller store.
//!
//! Scaling (the defaults keep CI lean on 2 cores):
//! - `GRIDLOG_CRASH_ROUNDS` / `GRIDLOG_CRASH_ADDS`: rounds and adds per round of the kill test
//!   (default 2 × 100; the `#[ignore]`d long variant uses 5 × 200 unless these say more);
//! - `GRIDLOG_CRASH_FLIPS`: how many byte-flip cases (default 6);
//! - `GRIDLOG_CRASH_SEED`: the seed of the kill test (default: from the clock, printed);
//! - `GRIDLOG_CRASH_TIMEOUT_S`: how long one command may take before it counts as a hang (60).
//!
//! Long run: `cargo test --release --test crash -- --ignored`.

#![cfg(unix)]

#[allow(dead_code)]
mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::io::{Read, Write};
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::Store;
use serde_json::{Value, json};

// ---------------------------------------------------------------------------------------------
// Running the binary with a timeout

const KINDS: [&str; 6] = ["household", "person", "visit", "demand", "dispute", "hazard"];

fn env_num(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.trim().parse().ok()).unwrap_or(default)
}

fn timeout() -> Duration {
    Duration::from_secs(env_num("GRIDLOG_CRASH_TIMEOUT_S", 60))
}

/// `gridlog --data-dir DIR --lang LANG`, the locale variables cleared.
fn gridlog(dir: &Path, lang: &str) -> Command {
    let mut c = Command::new(assert_cmd::cargo::cargo_bin("gridlog"));
    c.arg("--data-dir").arg(dir).args(["--lang", lang]);
    for v in ["LC_ALL", "LC_MESSAGES", "LANG", "GRIDLOG_DATA_DIR", "GRIDLOG_CACHE_MB"] {
        c.env_remove(v);
    }
    c
}

/// What one run gave. `code` is `None` when the process died of a signal (or was killed by us
/// after `hung`).
#[derive(Debug)]
struct Run {
    args: String,
    code: Option<i32>,
    signal: Option<i32>,
    hung: bool,
    stdout: String,
    stderr: String,
}

impl Run {
    /// One line for a problem report: the command, exit, and the start of stderr.
    fn describe(&self) -> String {
        let how = match (self.hung, self.code, self.signal) {
            (true, _, _) => format!("HUNG (killed after {:?})", timeout()),
            (_, Some(c), _) => format!("exit {c}"),
            (_, None, s) => format!("died of signal {s:?}"),
        };
        format!("`gridlog {}`: {how}; stderr: {:?}", self.args, snippet(&self.stderr, 400))
    }

    fn panicked(&self) -> bool {
        self.code == Some(101) || self.stderr.contains("panicked")
    }
}

fn snippet(s: &str, max: usize) -> String {
    let s = s.trim();
    match s.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
}

/// Runs `gridlog --data-dir DIR --lang en ARGS` (with `stdin`), killing it after [`timeout`].
fn run(dir: &Path, args: &[&str], stdin: Option<&str>) -> Run {
    run_lang(dir, "en", args, stdin)
}

fn run_lang(dir: &Path, lang: &str, args: &[&str], stdin: Option<&str>) -> Run {
    let mut c = gridlog(dir, lang);
    c.args(args).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = c.spawn().expect("spawn gridlog");
    let input = stdin.unwrap_or("").to_string();
    let mut w = child.stdin.take().expect("stdin");
    let writer = std::thread::spawn(move || {
        let _ = w.write_all(input.as_bytes());
    });
    let mut out = child.stdout.take().expect("stdout");
    let mut err = child.stderr.take().expect("stderr");
    let out_t = std::thread::spawn(move || {
        let mut b = Vec::new();
        let _ = out.read_to_end(&mut b);
        b
    });
    let err_t = std::thread::spawn(move || {
        let mut b = Vec::new();
        let _ = err.read_to_end(&mut b);
        b
    });
    let deadline = Instant::now() + timeout();
    let mut hung = false;
    let status = loop {
        if let Some(st) = child.try_wait().expect("try_wait") {
            break st;
        }
        if Instant::now() >= deadline {
            hung = true;
            let _ = child.kill();
            break child.wait().expect("wait");
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let _ = writer.join();
    Run {
        args: args.join(" "),
        code: if hung { None } else { status.code() },
        signal: status.signal(),
        hung,
        stdout: String::from_utf8_lossy(&out_t.join().unwrap_or_default()).into_owned(),
        stderr: String::from_utf8_lossy(&err_t.join().unwrap_or_default()).into_owned(),
    }
}

/// How a command on a damaged store ended, when it ended acceptably.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verdict {
    /// Exit 0: its output must then be complete.
    Ok,
    /// Exit 1 with a message on stderr.
    Refused,
}

/// Exit 0, or exit 1 with a message; anything else (a hang, a panic, exit 101, a signal, another
/// exit code, a silent exit 1) is a problem, recorded with `ctx`.
fn judge(ctx: &str, r: &Run, problems: &mut Vec<String>) -> Option<Verdict> {
    // Shown when the test fails (or with --nocapture): what every command said.
    eprintln!("{ctx}: {}", r.describe());
    let bad = |what: &str, problems: &mut Vec<String>| {
        problems.push(format!("{ctx}: {what}: {}", r.describe()));
        None
    };
    if r.hung {
        return bad("hang", problems);
    }
    if r.panicked() {
        return bad("panic", problems);
    }
    match r.code {
        Some(0) => Some(Verdict::Ok),
        Some(1) if !r.stderr.trim().is_empty() => Some(Verdict::Refused),
        Some(1) => bad("exit 1 without a message", problems),
        Some(_) => bad("expected exit 0 (complete) or 1 (refused with a message)", problems),
        None => bad("killed by a signal", problems),
    }
}

// ---------------------------------------------------------------------------------------------
// Files

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for e in std::fs::read_dir(from).expect("read_dir") {
        let e = e.expect("entry");
        let t = to.join(e.file_name());
        if e.file_type().expect("file type").is_dir() {
            copy_dir(&e.path(), &t);
        } else {
            std::fs::copy(e.path(), &t).expect("copy");
        }
    }
}

/// Every file under `dir`, by path relative to `dir`, with its bytes.
fn files_under(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<PathBuf, Vec<u8>>) {
        let Ok(rd) = std::fs::read_dir(dir) else { return };
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(root, &p, out);
            } else if let Ok(b) = std::fs::read(&p) {
                out.insert(p.strip_prefix(root).expect("under root").to_path_buf(), b);
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

/// The store's own files: everything but the lock and the log, which every command may touch.
fn store_contents(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut f = files_under(dir);
    f.retain(|p, _| !matches!(p.to_str(), Some("gridlog.lock" | "gridlog.lock.holder" | "gridlog.log")));
    f
}

/// The names in `db/` that start with `snap.`.
fn snap_files(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir.join("db"))
        .expect("read db/")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("snap."))
        .collect();
    v.sort();
    v
}

// ---------------------------------------------------------------------------------------------
// A tiny seeded RNG (splitmix64): no new dependency, same cases on every machine.

struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next() % (hi - lo + 1)
    }
}

// ---------------------------------------------------------------------------------------------
// 1. kill -9 during adds

/// `add household` for address 一组N号 as a child process, stdin written and closed.
fn spawn_add(dir: &Path, n: usize) -> Child {
    let mut c = gridlog(dir, "en");
    c.args(["add", "household"]).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = c.spawn().expect("spawn gridlog add");
    let input = json!({"address": format!("一组{n}号"), "grid": "第一网格"}).to_string();
    let mut w = child.stdin.take().expect("stdin");
    // One small line: fits in the pipe buffer, so this never blocks.
    let _ = w.write_all(input.as_bytes());
    drop(w);
    child
}

/// Rounds of `adds` sequential `gridlog add household`s, about half of them SIGKILLed after a
/// random delay; after every round the store opens, lists every acknowledged (exit 0) id, and
/// `doctor` passes.
///
/// The delay is uniform in 1 ms ..= max(30 ms, 1.2 × the time an add takes), measured on this
/// build at the start of each round: the issue's 1–30 ms was measured on the release binary,
/// where an add takes a few ms; a debug add takes 20–50 ms, and kills in 1–30 ms alone could then
/// land only in start-up, never in the commit or sled's snapshot at close.
fn kill_during_adds(rounds: u64, adds: usize) {
    let seed = env_num("GRIDLOG_CRASH_SEED", {
        let t = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
        t.as_nanos() as u64
    });
    let mut rng = SplitMix(seed);
    let s = Store::new();
    let dir = s.dir().to_path_buf();
    let mut acknowledged: Vec<String> = Vec::new();
    let mut n = 0usize;
    let mut landed = 0usize;
    for round in 1..=rounds {
        let ctx = format!("round {round}/{rounds} (GRIDLOG_CRASH_SEED={seed})");
        // Calibrate: three adds that run to the end.
        let mut took = Duration::ZERO;
        for _ in 0..3 {
            n += 1;
            let t0 = Instant::now();
            let o = spawn_add(&dir, n).wait_with_output().expect("wait");
            took = took.max(t0.elapsed());
            let stderr = String::from_utf8_lossy(&o.stderr);
            assert_eq!(o.status.code(), Some(0), "{ctx}: an add that nobody killed failed: {stderr}");
            acknowledged.push(String::from_utf8_lossy(&o.stdout).trim().to_string());
        }
        let max_delay = (took.as_millis() as u64 * 6 / 5).max(30);
        let (mut killed, mut acked, mut failed) = (0usize, 0usize, Vec::new());
        for _ in 0..adds {
            n += 1;
            let mut child = spawn_add(&dir, n);
            let kill_it = rng.next().is_multiple_of(2);
            if kill_it {
                std::thread::sleep(Duration::from_millis(rng.range(1, max_delay)));
                // SIGKILL; harmless when it has already exited (it is not reaped yet).
                let _ = child.kill();
            }
            let o = child.wait_with_output().expect("wait");
            match o.status.code() {
                Some(0) => {
                    let id = String::from_utf8_lossy(&o.stdout).trim().to_string();
                    assert!(!id.is_empty() && !id.contains(char::is_whitespace), "{ctx}: add printed {id:?}");
                    acknowledged.push(id);
                    acked += 1;
                }
                None if kill_it => killed += 1,
                code => {
                    failed.push(format!(
                        "add #{n}: exit {code:?}: {}",
                        snippet(&String::from_utf8_lossy(&o.stderr), 300)
                    ));
                    // A store that no longer opens: the rest of the round tells nothing more.
                    if failed.len() >= 5 {
                        break;
                    }
                }
            }
        }
        // Informational: how many interrupted snapshots the kills left (kept outside db/ once
        // moved aside), i.e. whether the kills reached the moment issue 6 is about.
        let aside = files_under(&dir)
            .into_keys()
            .filter(|p| !p.starts_with("db") && p.to_string_lossy().contains("snap."))
            .count();
        eprintln!(
            "{ctx}: {acked} acknowledged, {killed} killed mid-run, kill delay 1..={max_delay} ms; \
             {aside} snapshot files kept outside db/ so far"
        );
        assert!(
            failed.is_empty(),
            "{ctx}: adds that were not killed failed ({killed} killed before):\n{}",
            failed.join("\n")
        );
        landed += killed;

        // The store opens and holds every acknowledged record.
        let list = run(&dir, &["list", "household", "--limit", "0", "--json"], None);
        assert_eq!(list.code, Some(0), "{ctx}: the store does not open after the kills: {}", list.describe());
        let v: Value = serde_json::from_str(&list.stdout).unwrap_or_else(|e| panic!("{ctx}: list is not JSON ({e})"));
        let listed: BTreeSet<String> = common::ids(&v).into_iter().collect();
        let missing: Vec<&String> = acknowledged.iter().filter(|id| !listed.contains(*id)).collect();
        assert!(
            missing.is_empty(),
            "{ctx}: {} of {} acknowledged ids are missing: {missing:?}",
            missing.len(),
            acknowledged.len()
        );
        let doctor = run(&dir, &["doctor"], None);
        assert_eq!(
            doctor.code,
            Some(0),
            "{ctx}: doctor after the kills: {}; stdout: {}",
            doctor.describe(),
            snippet(&doctor.stdout, 600)
        );
    }
    assert!(landed > 0, "no kill landed while an add was running (GRIDLOG_CRASH_SEED={seed}): the test tested nothing");
}

#[test]
fn adds_killed_with_sigkill_at_random_moments_lose_no_acknowledged_record_and_doctor_passes() {
    kill_during_adds(env_num("GRIDLOG_CRASH_ROUNDS", 2), env_num("GRIDLOG_CRASH_ADDS", 100) as usize);
}

#[test]
#[ignore = "long: 5 rounds of 200+ killed adds; run with --release -- --ignored"]
fn adds_killed_with_sigkill_long_run() {
    kill_during_adds(env_num("GRIDLOG_CRASH_ROUNDS", 5).max(5), env_num("GRIDLOG_CRASH_ADDS", 200).max(200) as usize);
}

// ---------------------------------------------------------------------------------------------
// 2. An interrupted sled snapshot

/// A closed store with `n` households; their ids.
fn store_with_households(n: usize) -> (Store, Vec<String>) {
    let s = Store::new();
    let ids =
        (1..=n).map(|i| s.add("household", &json!({"address": format!("一组{i}号"), "grid": "第一网格"}))).collect();
    (s, ids)
}

/// Every command opens the store and shows all of `ids`; `doctor` passes.
#[track_caller]
fn assert_opens_with(ctx: &str, dir: &Path, ids: &[String]) {
    let list = run(dir, &["list", "household", "--limit", "0", "--json"], None);
    assert_eq!(list.code, Some(0), "{ctx}: list: {}", list.describe());
    let v: Value = serde_json::from_str(&list.stdout).unwrap_or_else(|e| panic!("{ctx}: list is not JSON ({e})"));
    let listed: BTreeSet<String> = common::ids(&v).into_iter().collect();
    for id in ids {
        assert!(listed.contains(id), "{ctx}: {id} is missing from {listed:?}");
    }
    let show = run(dir, &["show", &ids[0], "--json"], None);
    assert_eq!(show.code, Some(0), "{ctx}: show: {}", show.describe());
    let doctor = run(dir, &["doctor"], None);
    assert_eq!(doctor.code, Some(0), "{ctx}: doctor: {}; stdout: {}", doctor.describe(), snippet(&doctor.stdout, 600));
}

#[test]
fn an_unfinished_snapshot_is_moved_aside_and_the_store_opens_with_every_record() {
    let mut problems = Vec::new();
    for (what, bytes) in [
        ("empty", Vec::new()),
        ("garbage", {
            let mut r = SplitMix(6);
            (0..300).map(|_| r.next() as u8).collect::<Vec<u8>>()
        }),
        ("truncated", Vec::new()), // filled below: the first half of the store's real snapshot
    ] {
        let (s, ids) = store_with_households(5);
        let dir = s.dir();
        let bytes = if what == "truncated" {
            let snaps = snap_files(dir);
            let real = snaps.iter().find(|n| !n.ends_with(".generating")).expect("a snap file after 5 adds");
            let b = std::fs::read(dir.join("db").join(real)).expect("read snap");
            b[..b.len() / 2].to_vec()
        } else {
            bytes
        };
        // Sorts after every real snapshot name (snap.<16 upper-case hex digits>), as the
        // newest interrupted snapshot does.
        let name = "snap.FFFFFFFFFFFFFFFF.generating";
        std::fs::write(dir.join("db").join(name), &bytes).expect("write the unfinished snapshot");
        let before: BTreeSet<PathBuf> = files_under(dir).into_keys().collect();

        let ctx = format!("{what} `db/{name}` ({} bytes)", bytes.len());
        let list = run(dir, &["list", "household", "--limit", "0", "--json"], None);
        if list.code != Some(0) {
            problems.push(format!("{ctx}: the store does not open: {}", list.describe()));
            continue;
        }
        assert_opens_with(&ctx, dir, &ids);
        // Added to, the store keeps the new record too.
        let new = run(dir, &["add", "household"], Some(r#"{"address":"二组1号","grid":"第一网格"}"#));
        assert_eq!(new.code, Some(0), "{ctx}: add: {}", new.describe());
        let mut all = ids.clone();
        all.push(new.stdout.trim().to_string());
        assert_opens_with(&format!("{ctx}, after an add"), dir, &all);

        // Moved aside, not deleted: the name is gone from db/, the bytes are kept somewhere new.
        if snap_files(dir).iter().any(|n| n == name) {
            problems.push(format!("{ctx}: db/{name} is still there: {:?}", snap_files(dir)));
        }
        let after = files_under(dir);
        let kept = after.iter().any(|(p, b)| !before.contains(p) && *b == bytes);
        if !kept {
            problems.push(format!(
                "{ctx}: no new file under the store holds its {} bytes (deleted, not moved aside?); files: {:?}",
                bytes.len(),
                after.keys().collect::<Vec<_>>()
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn a_finished_snapshot_whose_rename_was_lost_is_renamed_and_the_store_opens() {
    let (s, ids) = store_with_households(5);
    let dir = s.dir();
    let snaps = snap_files(dir);
    assert_eq!(snaps.len(), 1, "one snapshot in a closed store: {snaps:?}");
    let real = &snaps[0];
    assert!(!real.ends_with(".generating"), "{snaps:?}");
    let generating = format!("{real}.generating");
    std::fs::rename(dir.join("db").join(real), dir.join("db").join(&generating)).expect("rename");

    let bytes = std::fs::read(dir.join("db").join(&generating)).expect("read");
    let lsn =
        |name: &str| u64::from_str_radix(name.trim_start_matches("snap.").trim_end_matches(".generating"), 16).ok();
    let x = lsn(real).expect("snap.<hex>");

    let list = run(dir, &["list", "household", "--limit", "0", "--json"], None);
    assert_eq!(list.code, Some(0), "the store opens: {}", list.describe());
    // Renamed back, not moved aside as if unfinished. sled may have written a newer snapshot
    // by the time the command ends (and deleted snap.X), so: no `.generating` is left, db/ has
    // snap.X or a newer one, and the bytes were not moved out of db/.
    let after = snap_files(dir);
    assert!(!after.iter().any(|n| n.ends_with(".generating")), "db/{generating} is left: db/ has {after:?}");
    assert!(
        after.iter().filter_map(|n| lsn(n)).any(|y| y >= x),
        "db/{generating} is renamed to db/{real} (or superseded by a newer snapshot): db/ has {after:?}"
    );
    let outside_db: Vec<PathBuf> =
        files_under(dir).into_iter().filter(|(p, b)| !p.starts_with("db") && *b == bytes).map(|(p, _)| p).collect();
    assert!(outside_db.is_empty(), "the finished snapshot was moved aside as if unfinished: {outside_db:?}");
    assert_opens_with(&format!("after renaming {generating}"), dir, &ids);
}

// ---------------------------------------------------------------------------------------------
// 3. and 4. A damaged db/db: truncated, or bytes flipped

/// A closed demo store and what it holds.
struct Baseline {
    _store: Store,
    /// Records per kind.
    counts: BTreeMap<&'static str, usize>,
    /// Some ids to `show`, with the length of their history.
    shown: Vec<(String, usize)>,
}

impl Baseline {
    fn total(&self) -> usize {
        self.counts.values().sum()
    }
}

fn demo_baseline(records: usize) -> Baseline {
    let s = Store::empty();
    let out = run(s.dir(), &["demo", "--records", &records.to_string(), "--seed", "5"], None);
    assert_eq!(out.code, Some(0), "demo: {}", out.describe());
    let mut counts = BTreeMap::new();
    let mut shown = Vec::new();
    for kind in KINDS {
        let l = run(s.dir(), &["list", kind, "--limit", "0", "--json"], None);
        assert_eq!(l.code, Some(0), "{}", l.describe());
        let ids = common::ids(&serde_json::from_str(&l.stdout).expect("JSON"));
        counts.insert(kind, ids.len());
        // The newest and the oldest of the kinds that are spread over the whole file.
        if matches!(kind, "household" | "dispute") && !ids.is_empty() {
            for id in [ids.first(), ids.last()].into_iter().flatten() {
                let sh = run(s.dir(), &["show", id, "--json"], None);
                assert_eq!(sh.code, Some(0), "{}", sh.describe());
                let v: Value = serde_json::from_str(&sh.stdout).expect("JSON");
                shown.push((id.clone(), v["history"].as_array().map_or(0, Vec::len)));
            }
        }
    }
    let b = Baseline { _store: s, counts, shown };
    assert_eq!(b.total(), records, "the demo wrote {records} records: {:?}", b.counts);
    let doctor = run(b._store.dir(), &["doctor"], None);
    assert_eq!(doctor.code, Some(0), "{}", doctor.describe());
    b
}

/// `list KIND` for every kind: each refused, or complete (`extra` households added since).
fn check_lists(ctx: &str, dir: &Path, base: &Baseline, extra: usize, problems: &mut Vec<String>) {
    for kind in KINDS {
        let r = run(dir, &["list", kind, "--limit", "0", "--json"], None);
        if judge(ctx, &r, problems) != Some(Verdict::Ok) {
            continue;
        }
        let want = base.counts[kind] + if kind == "household" { extra } else { 0 };
        match serde_json::from_str::<Value>(&r.stdout).ok().and_then(|v| v.as_array().map(Vec::len)) {
            Some(n) if n == want => {}
            Some(n) => problems
                .push(format!("{ctx}: `list {kind}` exits 0 with {n} of {want} records: a silently smaller store")),
            None => {
                problems.push(format!("{ctx}: `list {kind}` exits 0 without a JSON array: {}", snippet(&r.stdout, 200)))
            }
        }
    }
}

/// The commands a worker would run on a damaged store, in order, on the same copy (a command
/// that "repairs" the store must not let the next one see less): `list` of every kind, `show`,
/// `doctor`, `add`, `list` again; then `doctor --salvage --out NEW`, which must not write into
/// the damaged store and whose NEW store must open. `doctor` may pass only when every record is
/// there (a cut that only removed space sled no longer used loses nothing).
fn check_damaged(ctx: &str, dir: &Path, base: &Baseline, problems: &mut Vec<String>) {
    check_lists(ctx, dir, base, 0, problems);
    for (id, history) in &base.shown {
        let r = run(dir, &["show", id, "--json"], None);
        if judge(ctx, &r, problems) == Some(Verdict::Ok) {
            let v: Value = serde_json::from_str(&r.stdout).unwrap_or_default();
            let h = v["history"].as_array().map_or(0, Vec::len);
            if v["id"] != id.as_str() || h != *history {
                problems.push(format!(
                    "{ctx}: `show {id}` exits 0 with id {} and {h} of {history} history entries",
                    v["id"]
                ));
            }
        }
    }
    let doctor = run(dir, &["doctor"], None);
    match judge(ctx, &doctor, problems) {
        Some(Verdict::Ok) if !doctor.stdout.contains(&base.total().to_string()) => problems.push(format!(
            "{ctx}: doctor passes without counting all {} records: {}",
            base.total(),
            snippet(&doctor.stdout, 300)
        )),
        _ => {}
    }
    let add = run(dir, &["add", "household"], Some(r#"{"address":"九组99号","grid":"第一网格"}"#));
    let added = usize::from(judge(ctx, &add, problems) == Some(Verdict::Ok));
    check_lists(&format!("{ctx}, after an add that exited {:?}", add.code), dir, base, added, problems);

    // Salvage: exit 0 or 1, the damaged store untouched, the new store opens.
    let out = dir.parent().expect("parent").join("salvaged");
    let before = store_contents(dir);
    let r = run(dir, &["doctor", "--salvage", "--out", out.to_str().expect("utf-8 path")], None);
    judge(&format!("{ctx}, salvage"), &r, problems);
    let after = store_contents(dir);
    if before != after {
        let changed: Vec<&PathBuf> = before
            .keys()
            .chain(after.keys())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .filter(|p| before.get(*p) != after.get(*p))
            .collect();
        problems.push(format!("{ctx}: `doctor --salvage` wrote into the damaged store: {changed:?}"));
    }
    if out.exists() {
        let l = run(&out, &["list", "household", "--limit", "0", "--json"], None);
        if l.code != Some(0) {
            problems.push(format!("{ctx}: the salvaged store does not open: {}", l.describe()));
        }
    }
}

#[test]
fn a_truncated_store_is_refused_or_complete_never_silently_smaller_and_salvage_opens() {
    let base = demo_baseline(3000);
    let db_len = std::fs::metadata(base._store.dir().join("db/db")).expect("db/db").len();
    let mut problems = Vec::new();
    for pct in [10u64, 30, 60, 90] {
        let tmp = tempfile::tempdir().expect("tempdir");
        let dir = tmp.path().join("store");
        copy_dir(base._store.dir(), &dir);
        let cut = db_len * pct / 100;
        std::fs::OpenOptions::new()
            .write(true)
            .open(dir.join("db/db"))
            .expect("open db/db")
            .set_len(cut)
            .expect("truncate");
        let ctx = format!("db/db cut to {pct} % ({cut} of {db_len} bytes)");
        check_damaged(&ctx, &dir, &base, &mut problems);
    }
    assert!(problems.is_empty(), "{} problems:\n{}", problems.len(), problems.join("\n"));
}

#[test]
fn flipped_bytes_are_refused_or_complete_never_a_hang_a_panic_or_a_smaller_store() {
    let base = demo_baseline(3000);
    let db_len = std::fs::metadata(base._store.dir().join("db/db")).expect("db/db").len();
    let mut problems = Vec::new();
    for case in 1..=env_num("GRIDLOG_CRASH_FLIPS", 6) {
        let tmp = tempfile::tempdir().expect("tempdir");
        let dir = tmp.path().join("store");
        copy_dir(base._store.dir(), &dir);
        let path = dir.join("db/db");
        let mut bytes = std::fs::read(&path).expect("read db/db");
        let mut rng = SplitMix(case);
        let offsets: Vec<u64> = (0..4).map(|_| rng.range(0, db_len - 1)).collect();
        for &o in &offsets {
            bytes[o as usize] ^= 0xFF;
        }
        std::fs::write(&path, &bytes).expect("write db/db");
        let ctx = format!("case {case}: bytes flipped at {offsets:?} of {db_len}");
        check_damaged(&ctx, &dir, &base, &mut problems);
    }
    assert!(problems.is_empty(), "{} problems:\n{}", problems.len(), problems.join("\n"));
}

// ---------------------------------------------------------------------------------------------
// 5. A killed demo

#[test]
fn an_interrupted_demo_is_refused_with_a_message_and_a_new_demo_completes() {
    let s = Store::empty();
    let dir = s.dir();
    // ~300 ms into a 20,000-record demo; shorter or longer if this build is faster or slower,
    // so that the kill lands after the store exists and before the demo ends.
    let mut interrupted = false;
    for delay in [300u64, 150, 600, 75, 1200, 40] {
        let _ = std::fs::remove_dir_all(dir);
        let mut child = gridlog(dir, "en")
            .args(["demo", "--records", "20000"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn demo");
        std::thread::sleep(Duration::from_millis(delay));
        let _ = child.kill();
        let st = child.wait().expect("wait");
        if st.signal() == Some(SIGKILL) && dir.join("db").exists() {
            interrupted = true;
            break;
        }
    }
    assert!(interrupted, "could not kill a demo in the middle (it ended first, or had not started)");

    for (lang, args) in [
        ("en", &["list", "household"][..]),
        ("zh", &["list", "household"][..]),
        ("en", &["list", "visit", "--json"][..]),
        ("en", &["doctor"][..]),
    ] {
        let r = run_lang(dir, lang, args, None);
        assert!(!r.hung && !r.panicked(), "{}", r.describe());
        assert!(r.code.is_some_and(|c| c != 0), "an interrupted demo is refused: {}", r.describe());
        assert!(
            r.stderr.contains("demo"),
            "the message says the demo was interrupted and to run `gridlog demo` again: {}",
            r.describe()
        );
    }
    let add = run(dir, &["add", "household"], Some(r#"{"address":"一组1号"}"#));
    assert!(
        add.code.is_some_and(|c| c != 0) && add.stderr.contains("demo"),
        "add into an interrupted demo: {}",
        add.describe()
    );

    // A new demo replaces it and completes.
    let again = run(dir, &["demo", "--records", "500"], None);
    assert_eq!(again.code, Some(0), "demo again: {}", again.describe());
    let total: usize = KINDS
        .iter()
        .map(|k| {
            let l = run(dir, &["list", k, "--limit", "0", "--json"], None);
            assert_eq!(l.code, Some(0), "{}", l.describe());
            common::ids(&serde_json::from_str(&l.stdout).expect("JSON")).len()
        })
        .sum();
    assert_eq!(total, 500, "the new demo's records, nothing of the interrupted one");
    let doctor = run(dir, &["doctor"], None);
    assert_eq!(doctor.code, Some(0), "{}", doctor.describe());
}

const SIGKILL: i32 = 9;

#[test]
fn demo_refuses_a_store_made_with_init() {
    let (s, ids) = store_with_households(1);
    let r = run(s.dir(), &["demo", "--records", "50"], None);
    assert_eq!(r.code, Some(2), "{}", r.describe());
    assert!(!r.stderr.trim().is_empty(), "{}", r.describe());
    assert_opens_with("after the refused demo", s.dir(), &ids);
}

/// From the issue ("`demo` refuses a store that holds records it did not write"), beyond the
/// brief's five points: a demo store a worker has added to is not wiped by the next `demo`.
#[test]
fn demo_refuses_a_demo_store_holding_records_the_user_added() {
    let s = Store::empty();
    let d = run(s.dir(), &["demo", "--records", "100"], None);
    assert_eq!(d.code, Some(0), "{}", d.describe());
    let mine = s.add("household", &json!({"address": "我的一户", "grid": "第一网格"}));
    let r = run(s.dir(), &["demo", "--records", "100"], None);
    assert_eq!(r.code, Some(2), "a second demo over a user's record: {}", r.describe());
    assert_opens_with("after the refused demo", s.dir(), &[mine]);
}
