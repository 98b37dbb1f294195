//! Opening safely on sled 0.34.7: repair what an interrupted snapshot leaves behind, and turn
//! sled's panics into errors.
//!
//! sled writes a snapshot to `db/snap.<lsn>.generating`, syncs it, renames it to
//! `db/snap.<lsn>`, then deletes older snapshots. On open it takes the highest-named `snap.*`
//! file, `.generating` included (sled `config.rs` `get_snapshot_files`, `pagecache/snapshot.rs`
//! `read_snapshot`), so a kill before the rename leaves a store that will not open ("Read
//! corrupted data at file offset None", upstream spacejam/sled#1527). Before sled opens, under
//! the store lock, [`repair_snapshots`] looks at every `.generating` file:
//! - its length and CRC trailer check out: a finished snapshot whose rename was lost; the
//!   rename is completed;
//! - they do not: an unfinished snapshot; it is moved aside into `damaged/` (never deleted:
//!   it is evidence), and sled falls back to the previous snapshot, which it deletes only after
//!   a rename.
//!
//! Snapshot file layout (sled 0.34.7 without the `compression` feature, as built here):
//! `[snapshot bytes][decompressed length: u64 LE][crc32 of the snapshot bytes: u32 LE]`.

use std::cell::RefCell;
use std::io;
use std::path::{Path, PathBuf};

/// What [`repair_snapshots`] did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct SnapshotRepair {
    /// Finished snapshots renamed to their final name.
    pub completed: Vec<PathBuf>,
    /// Unfinished snapshots moved aside (their new path).
    pub moved_aside: Vec<PathBuf>,
}

const GENERATING: &str = ".generating";
/// Where damaged or unfinished files are kept, below the store directory.
pub const DAMAGED_DIR: &str = "damaged";

/// Whether `bytes` are a whole sled snapshot: longer than its 12-byte trailer, with a CRC that
/// matches.
pub fn snapshot_is_complete(bytes: &[u8]) -> bool {
    let len = bytes.len();
    if len <= 12 {
        return false;
    }
    let body = &bytes[..len - 12];
    let mut crc = [0u8; 4];
    crc.copy_from_slice(&bytes[len - 4..]);
    crc32fast::hash(body) == u32::from_le_bytes(crc)
}

/// Completes or moves aside every `snap.*.generating` file in `db_dir` (see the module doc).
pub fn repair_snapshots(store_dir: &Path, db_dir: &Path) -> io::Result<SnapshotRepair> {
    let mut out = SnapshotRepair::default();
    let Ok(entries) = std::fs::read_dir(db_dir) else { return Ok(out) };
    let mut generating: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with("snap.") && n.ends_with(GENERATING))
        })
        .collect();
    generating.sort();
    for path in generating {
        let bytes = std::fs::read(&path)?;
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_string();
        if snapshot_is_complete(&bytes) {
            let target = db_dir.join(name.trim_end_matches(GENERATING));
            if target.exists() {
                // Same stable point written twice: keep the older copy as evidence.
                move_aside(store_dir, &target)?;
            }
            tracing::warn!("completing the interrupted rename of snapshot {}", path.display());
            std::fs::rename(&path, &target)?;
            out.completed.push(target);
        } else {
            tracing::warn!("moving aside the unfinished snapshot {} ({} bytes)", path.display(), bytes.len());
            out.moved_aside.push(move_aside(store_dir, &path)?);
        }
    }
    if !out.completed.is_empty() || !out.moved_aside.is_empty() {
        sync_dir(db_dir);
    }
    Ok(out)
}

/// Moves `path` into `store_dir/damaged/`, with a suffix that keeps it unique and keeps its
/// name from starting with sled's `snap.` prefix there.
pub fn move_aside(store_dir: &Path, path: &Path) -> io::Result<PathBuf> {
    let dir = store_dir.join(DAMAGED_DIR);
    super::paths::ensure_private_dir(&dir)?;
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("file");
    let stamp = chrono::Local::now().format("%Y%m%d-%H%M%S");
    let mut target = dir.join(format!("{stamp}-{name}"));
    let mut i = 1;
    while target.exists() {
        target = dir.join(format!("{stamp}-{i}-{name}"));
        i += 1;
    }
    std::fs::rename(path, &target)?;
    Ok(target)
}

#[cfg(unix)]
fn sync_dir(dir: &Path) {
    if let Ok(f) = std::fs::File::open(dir) {
        let _ = f.sync_all();
    }
}

#[cfg(not(unix))]
fn sync_dir(_: &Path) {}

thread_local! {
    /// Set while sled runs under [`guard`]: a panic there is caught and reported as an error,
    /// and its message is kept here instead of being printed over the user's screen.
    static GUARDED: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Runs `f` (a call into sled) and turns a panic inside it into `Err(message)`. The panic's
/// message goes to the log, not to the terminal.
pub fn guard<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    install_quiet_hook();
    GUARDED.with(|g| *g.borrow_mut() = Some(String::new()));
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    let msg = GUARDED.with(|g| g.borrow_mut().take()).unwrap_or_default();
    r.map_err(|_| msg)
}

fn install_quiet_hook() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let guarded = GUARDED.with(|g| {
                let mut g = g.borrow_mut();
                match g.as_mut() {
                    Some(slot) => {
                        *slot = info.to_string();
                        true
                    }
                    None => false,
                }
            });
            if guarded {
                tracing::error!("sled panicked: {info}");
            } else {
                previous(info);
            }
        }));
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snapshot(body: &[u8]) -> Vec<u8> {
        let mut b = body.to_vec();
        b.extend((body.len() as u64).to_le_bytes());
        b.extend(crc32fast::hash(body).to_le_bytes());
        b
    }

    #[test]
    fn a_finished_snapshot_whose_rename_was_lost_is_renamed() {
        let t = tempfile::tempdir().unwrap();
        let db = t.path().join("db");
        std::fs::create_dir_all(&db).unwrap();
        let bytes = snapshot(b"some snapshot state");
        std::fs::write(db.join("snap.00000000000000A0.generating"), &bytes).unwrap();
        std::fs::write(db.join("snap.0000000000000050"), snapshot(b"older")).unwrap();
        let r = repair_snapshots(t.path(), &db).unwrap();
        assert_eq!(r.completed, vec![db.join("snap.00000000000000A0")]);
        assert!(r.moved_aside.is_empty());
        assert_eq!(std::fs::read(db.join("snap.00000000000000A0")).unwrap(), bytes);
        assert!(!db.join("snap.00000000000000A0.generating").exists());
        assert!(db.join("snap.0000000000000050").exists(), "the older snapshot is sled's to delete");
    }

    #[test]
    fn an_unfinished_snapshot_is_moved_aside_and_kept() {
        let t = tempfile::tempdir().unwrap();
        let db = t.path().join("db");
        std::fs::create_dir_all(&db).unwrap();
        let mut cut = snapshot(b"a snapshot that was being written");
        cut.truncate(20);
        std::fs::write(db.join("snap.00000000000000A0.generating"), &cut).unwrap();
        std::fs::write(db.join("snap.00000000000000B0.generating"), b"").unwrap();
        let r = repair_snapshots(t.path(), &db).unwrap();
        assert!(r.completed.is_empty());
        assert_eq!(r.moved_aside.len(), 2);
        for p in &r.moved_aside {
            assert!(p.starts_with(t.path().join(DAMAGED_DIR)), "{p:?}");
            assert!(p.exists());
        }
        assert_eq!(std::fs::read_dir(&db).unwrap().count(), 0, "nothing named snap.* is left for sled to pick");
        let kept: Vec<u64> = r.moved_aside.iter().map(|p| std::fs::metadata(p).unwrap().len()).collect();
        assert!(kept.contains(&20) && kept.contains(&0));
    }

    #[test]
    fn a_flipped_byte_makes_a_snapshot_incomplete() {
        let mut b = snapshot(b"state");
        assert!(snapshot_is_complete(&b));
        b[1] ^= 0xff;
        assert!(!snapshot_is_complete(&b));
        assert!(!snapshot_is_complete(&[0; 12]));
    }

    #[test]
    fn a_panic_inside_the_guard_becomes_an_error_with_its_message() {
        let r: Result<(), String> = guard(|| panic!("node split beyond the file"));
        assert!(r.unwrap_err().contains("node split beyond the file"));
        assert_eq!(guard(|| 7), Ok(7));
    }
}
