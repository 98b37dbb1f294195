//! Whole-process measurement shared by the benches (`cli.rs`, `sync.rs`): run the release
//! binary as a child, its wall time, CPU time and peak RSS (`wait4`'s rusage), and sorted-sample
//! statistics.

#![allow(dead_code)]

use std::fs::File;
use std::io::{Read, Write};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Instant;

pub type Res<T> = Result<T, String>;

/// One finished child process.
pub struct Run {
    pub secs: f64,
    pub rss_kb: u64,
    /// User + system CPU seconds.
    pub cpu: f64,
    pub stdout: Vec<u8>,
}

pub fn env_num(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.replace('_', "").parse().ok()).unwrap_or(default)
}

/// Exit status, peak RSS (KiB) and CPU seconds of a finished child.
struct Exit {
    ok: bool,
    rss_kb: u64,
    cpu: f64,
}

#[cfg(unix)]
fn wait_child(child: &Child) -> Res<Exit> {
    let pid = child.id() as libc::pid_t;
    let mut status: libc::c_int = 0;
    // SAFETY: rusage is plain old data; all-zero is a valid value.
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    loop {
        // SAFETY: `pid` is our own unwaited child; both pointers are to live locals.
        let r = unsafe { libc::wait4(pid, &mut status, 0, &mut ru) };
        if r == pid {
            break;
        }
        let err = std::io::Error::last_os_error();
        if err.kind() != std::io::ErrorKind::Interrupted {
            return Err(format!("wait4: {err}"));
        }
    }
    let ok = libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0;
    let secs = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 * 1e-6;
    // ru_maxrss is in KiB on Linux.
    Ok(Exit { ok, rss_kb: ru.ru_maxrss.max(0) as u64, cpu: secs(ru.ru_utime) + secs(ru.ru_stime) })
}

#[cfg(not(unix))]
fn wait_child(child: &Child) -> Res<Exit> {
    let _ = child;
    Err("this bench needs wait4 (unix)".into())
}

/// Runs `cmd` as a whole process: wall time from spawn to exit, and its peak RSS.
pub fn measure(dir: &Path, cmd: &mut Command, stdin: Option<&[u8]>, capture: bool) -> Res<Run> {
    let err_path = dir.join("last-stderr.txt");
    let err_file = File::create(&err_path).map_err(|e| format!("{}: {e}", err_path.display()))?;
    cmd.stdin(if stdin.is_some() { Stdio::piped() } else { Stdio::null() })
        .stdout(if capture { Stdio::piped() } else { Stdio::null() })
        .stderr(err_file);
    let started = Instant::now();
    let mut child = cmd.spawn().map_err(|e| format!("{cmd:?}: {e}"))?;
    if let (Some(input), Some(mut pipe)) = (stdin, child.stdin.take()) {
        pipe.write_all(input).map_err(|e| e.to_string())?;
    }
    let mut stdout = Vec::new();
    if let Some(mut pipe) = child.stdout.take() {
        pipe.read_to_end(&mut stdout).map_err(|e| e.to_string())?;
    }
    let Exit { ok, rss_kb, cpu } = wait_child(&child)?;
    let secs = started.elapsed().as_secs_f64();
    if !ok {
        let err = std::fs::read_to_string(&err_path).unwrap_or_default();
        return Err(format!("{cmd:?} failed:\n{err}"));
    }
    Ok(Run { secs, rss_kb, cpu, stdout })
}

/// Sorted-sample statistics.
#[derive(Clone, Copy, Default)]
pub struct Stats {
    pub median: f64,
    pub p90: f64,
    pub n: usize,
}

pub fn stats(xs: &[f64]) -> Stats {
    let mut v = xs.to_vec();
    v.sort_by(f64::total_cmp);
    if v.is_empty() {
        return Stats::default();
    }
    let median = if v.len() % 2 == 1 { v[v.len() / 2] } else { (v[v.len() / 2 - 1] + v[v.len() / 2]) / 2.0 };
    let p90 = v[((v.len() as f64 * 0.9).ceil() as usize).clamp(1, v.len()) - 1];
    Stats { median, p90, n: v.len() }
}

pub fn ms(s: f64) -> String {
    format!("{:.1} ms", s * 1e3)
}

pub fn mb_kb(kb: u64) -> f64 {
    kb as f64 / 1024.0
}

pub fn verdict(ok: bool) -> &'static str {
    if ok { "pass" } else { "**FAIL**" }
}

/// The release binary the benches measure.
pub const GRIDLOG: &str = env!("CARGO_BIN_EXE_gridlog");

/// `gridlog --data-dir DIR --lang en`.
pub fn gridlog(dir: &Path) -> Command {
    let mut c = Command::new(GRIDLOG);
    c.arg("--data-dir").arg(dir).arg("--lang").arg("en");
    c
}

/// Copies the directory `from` (a store) to `to`, recursively.
pub fn copy_dir(from: &Path, to: &Path) -> Res<()> {
    let io = |p: &Path, e: std::io::Error| format!("{}: {e}", p.display());
    std::fs::create_dir_all(to).map_err(|e| io(to, e))?;
    for entry in std::fs::read_dir(from).map_err(|e| io(from, e))? {
        let entry = entry.map_err(|e| io(from, e))?;
        let target = to.join(entry.file_name());
        if entry.file_type().map_err(|e| io(&entry.path(), e))?.is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), &target).map_err(|e| io(&entry.path(), e))?;
        }
    }
    Ok(())
}
