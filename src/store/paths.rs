//! Where a store lives, and keeping it private (directories 0700, files 0600 on Unix).

use std::io;
use std::path::{Path, PathBuf};

/// Resolves the store directory: `--data-dir` (or `GRIDLOG_DATA_DIR`, which the CLI folds into
/// the same flag), else the platform data directory; `--profile NAME` selects
/// `profiles/NAME` below it so several workers can share one account.
pub fn resolve(data_dir: Option<&Path>, profile: Option<&str>) -> Result<PathBuf, String> {
    let base = match data_dir {
        Some(d) => d.to_path_buf(),
        None => directories::ProjectDirs::from("org", "gridlog", "gridlog")
            .map(|p| p.data_dir().to_path_buf())
            .ok_or_else(|| "no home directory: use --data-dir".to_string())?,
    };
    Ok(match profile {
        Some(p) => {
            if p.is_empty() || p.len() > 64 || !p.chars().all(|c| c.is_alphanumeric() || c == '-' || c == '_') {
                return Err(format!("--profile {p}"));
            }
            base.join("profiles").join(p)
        }
        None => base,
    })
}

/// Creates `dir` (and parents) and makes it readable by its owner only. Parents this call
/// creates are owner-only too, whatever the umask; parents that already exist are left alone.
pub fn ensure_private_dir(dir: &Path) -> io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)?;
    set_mode(dir, 0o700)
}

/// Makes every file below `dir` owner-only (sled creates its files with the umask).
pub fn make_private_tree(dir: &Path) -> io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let path = entry.path();
        if entry.file_type()?.is_dir() {
            set_mode(&path, 0o700)?;
            make_private_tree(&path)?;
        } else {
            set_mode(&path, 0o600)?;
        }
    }
    Ok(())
}

#[cfg(unix)]
fn set_mode(path: &Path, mode: u32) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
}

#[cfg(not(unix))]
fn set_mode(_: &Path, _: u32) -> io::Result<()> {
    Ok(())
}

/// New files of this process are owner-only from the start (umask 077), so nothing sled
/// writes later is ever readable by others.
pub fn restrict_umask() {
    #[cfg(unix)]
    // SAFETY: umask only changes the process's file-creation mask; it cannot fail.
    unsafe {
        libc::umask(0o077);
    }
}

/// Total bytes of the files below `dir` (the store's footprint on disk).
pub fn disk_usage(dir: &Path) -> u64 {
    let Ok(rd) = std::fs::read_dir(dir) else { return 0 };
    rd.flatten()
        .map(|e| match e.file_type() {
            Ok(t) if t.is_dir() => disk_usage(&e.path()),
            _ => e.metadata().map(|m| m.len()).unwrap_or(0),
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn created_parents_are_owner_only_even_under_umask_000() {
        use std::os::unix::fs::PermissionsExt;
        let tmp = tempfile::tempdir().unwrap();
        let leaf = tmp.path().join("share").join("gridlog").join("profiles").join("a");
        // SAFETY: umask only changes the file-creation mask; restored below.
        let old = unsafe { libc::umask(0) };
        let r = ensure_private_dir(&leaf);
        unsafe { libc::umask(old) };
        r.unwrap();
        for d in [
            tmp.path().join("share"),
            tmp.path().join("share/gridlog"),
            tmp.path().join("share/gridlog/profiles"),
            leaf,
        ] {
            let mode = std::fs::metadata(&d).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o700, "{}", d.display());
        }
    }

    #[test]
    fn profile_selects_a_subdirectory_and_bad_names_are_refused() {
        let d = Path::new("/x");
        assert_eq!(resolve(Some(d), None).unwrap(), PathBuf::from("/x"));
        assert_eq!(resolve(Some(d), Some("wang")).unwrap(), PathBuf::from("/x/profiles/wang"));
        assert!(resolve(Some(d), Some("../etc")).is_err());
        assert!(resolve(Some(d), Some("")).is_err());
    }

    #[cfg(unix)]
    #[test]
    fn private_dirs_are_0700() {
        use std::os::unix::fs::PermissionsExt;
        let t = tempfile::tempdir().unwrap();
        let d = t.path().join("a/b");
        ensure_private_dir(&d).unwrap();
        assert_eq!(std::fs::metadata(&d).unwrap().permissions().mode() & 0o777, 0o700);
    }
}
