//! One process per store: an advisory lock taken before sled opens, so a second process gets a
//! friendly message naming the holder (pid, terminal, since when) instead of sled's raw
//! `could not acquire lock`.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Who holds a store.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Holder {
    /// Process id.
    pub pid: String,
    /// Terminal (`/dev/pts/3`), or `-`.
    pub tty: String,
    /// Since when (local time).
    pub since: String,
}

/// The held lock; released when dropped (or when the process dies).
#[derive(Debug)]
pub struct StoreLock {
    _file: File,
}

/// Why the lock could not be taken.
#[derive(Debug, thiserror::Error)]
pub enum LockError {
    /// Another process holds it.
    #[error("store in use by pid {} ({}) since {}", .0.pid, .0.tty, .0.since)]
    Held(Holder),
    /// The lock file could not be opened.
    #[error("{path}: {err}")]
    Io {
        /// The lock file.
        path: PathBuf,
        /// The error.
        err: std::io::Error,
    },
}

const LOCK: &str = "gridlog.lock";
const HOLDER: &str = "gridlog.lock.holder";

/// Takes the store lock in `dir` without waiting for another process. A lock this process
/// released a moment ago may still be held for a few milliseconds by a child it is starting (a
/// forked child shares the lock until it runs its program, which closes it): when the holder is
/// this very process, it tries again for up to half a second before saying so.
pub fn acquire(dir: &Path) -> Result<StoreLock, LockError> {
    let mut tries = 0;
    loop {
        match try_acquire(dir) {
            Err(LockError::Held(h)) if h.pid == std::process::id().to_string() && tries < 50 => {
                tries += 1;
                std::thread::sleep(std::time::Duration::from_millis(10));
            }
            other => return other,
        }
    }
}

fn try_acquire(dir: &Path) -> Result<StoreLock, LockError> {
    let path = dir.join(LOCK);
    let io = |err| LockError::Io { path: path.clone(), err };
    let file = OpenOptions::new().create(true).truncate(false).write(true).open(&path).map_err(io)?;
    match file.try_lock() {
        Ok(()) => {
            let info = format!(
                "{}\n{}\n{}\n",
                std::process::id(),
                tty_name(),
                chrono::Local::now().format("%Y-%m-%d %H:%M:%S")
            );
            // The holder file is only informative; failing to write it must not stop the work.
            // Overwritten in place, then cut: truncating on open costs ~2 ms on ext4, a tenth
            // of a whole `gridlog add`.
            if let Ok(mut h) = OpenOptions::new().create(true).truncate(false).write(true).open(dir.join(HOLDER)) {
                let _ = h.write_all(info.as_bytes()).and_then(|_| h.set_len(info.len() as u64));
            }
            Ok(StoreLock { _file: file })
        }
        Err(std::fs::TryLockError::WouldBlock) => Err(LockError::Held(read_holder(dir))),
        Err(std::fs::TryLockError::Error(e)) => Err(io(e)),
    }
}

fn read_holder(dir: &Path) -> Holder {
    // The holder may be between taking the lock and writing its details: wait a moment.
    for _ in 0..10 {
        if let Ok(s) = std::fs::read_to_string(dir.join(HOLDER)) {
            let mut l = s.lines();
            if let (Some(pid), Some(tty), Some(since)) = (l.next(), l.next(), l.next()) {
                return Holder { pid: pid.into(), tty: tty.into(), since: since.into() };
            }
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    Holder { pid: "?".into(), tty: "?".into(), since: "?".into() }
}

#[cfg(unix)]
fn tty_name() -> String {
    for fd in 0..3 {
        if let Ok(p) = std::fs::read_link(format!("/proc/self/fd/{fd}")) {
            let s = p.to_string_lossy().to_string();
            if s.starts_with("/dev/pts") || s.starts_with("/dev/tty") {
                return s;
            }
        }
    }
    "-".into()
}

#[cfg(not(unix))]
fn tty_name() -> String {
    "-".into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_lock_in_the_same_directory_names_the_holder() {
        let t = tempfile::tempdir().unwrap();
        let held = acquire(t.path()).unwrap();
        match acquire(t.path()) {
            Err(LockError::Held(h)) => assert_eq!(h.pid, std::process::id().to_string()),
            other => panic!("expected Held, got {other:?}"),
        }
        drop(held);
        assert!(acquire(t.path()).is_ok(), "released on drop");
    }
}
