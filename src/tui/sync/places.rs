//! Where bundle files go and come from: removable media first (`/media/$USER/*`, then
//! `/run/media/$USER/*`), then the home directory; the import list also looks in the current
//! directory. `GRIDLOG_MEDIA_DIRS` (a path list) replaces the media and home directories, so
//! tests and unusual setups can name their own.

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use crate::i18n::{Lang, tr};

/// The environment variable that names the directories to use instead of media and home.
pub const MEDIA_DIRS_VAR: &str = "GRIDLOG_MEDIA_DIRS";

/// The directories a bundle is written to or looked for in, best first: those named by
/// `GRIDLOG_MEDIA_DIRS`, or else each mounted removable medium, then home.
pub fn candidate_dirs() -> Vec<PathBuf> {
    if let Some(v) = std::env::var_os(MEDIA_DIRS_VAR) {
        return std::env::split_paths(&v).filter(|p| p.is_dir()).collect();
    }
    let mut out = Vec::new();
    if cfg!(unix)
        && let Some(user) = std::env::var_os("USER").filter(|u| !u.is_empty())
    {
        for base in ["/media", "/run/media"] {
            out.extend(subdirs(&Path::new(base).join(&user)));
        }
    }
    if let Some(home) = directories::UserDirs::new().map(|u| u.home_dir().to_path_buf()) {
        out.push(home);
    }
    out
}

/// The directories under `dir` (a mount point per medium), sorted by name.
fn subdirs(dir: &Path) -> Vec<PathBuf> {
    let Ok(rd) = std::fs::read_dir(dir) else { return Vec::new() };
    let mut v: Vec<PathBuf> = rd.flatten().map(|e| e.path()).filter(|p| p.is_dir()).collect();
    v.sort();
    v
}

/// The suggested bundle file: `青石村-20261202-1530.gridlog` in the first directory.
pub fn default_export_path(dirs: &[PathBuf], place: &str, now_ms: u64) -> PathBuf {
    suggested(dirs, place, "", now_ms)
}

/// The suggested statistics file of a township for its county (docs/COUNTY.md):
/// `石门镇-统计-20261202-1530.gridlog` in the first directory.
pub fn default_stats_path(dirs: &[PathBuf], place: &str, lang: Lang, now_ms: u64) -> PathBuf {
    suggested(dirs, place, &tr(lang, "tui.sync.stats_file_tag", &[]), now_ms)
}

/// `{place}-{tag}-{civil time}.gridlog` (no tag: `{place}-{civil time}.gridlog`) in the first
/// directory, with no path separator or control character taken from the place's name.
fn suggested(dirs: &[PathBuf], place: &str, tag: &str, now_ms: u64) -> PathBuf {
    let stamp = crate::app::present::civil_ms(now_ms).replace(['-', ':'], "").replace(' ', "-");
    let clean =
        |s: &str| -> String { s.chars().filter(|c| !matches!(c, '/' | '\\' | ':') && !c.is_control()).collect() };
    let place = clean(place);
    let tag = clean(tag);
    let mut name = if place.is_empty() { "gridlog".to_string() } else { place };
    if !tag.is_empty() {
        name = format!("{name}-{tag}");
    }
    dirs.first().cloned().unwrap_or_default().join(format!("{name}-{stamp}.gridlog"))
}

/// Every `*.gridlog` file directly in `dirs` (each file once), newest first.
pub fn bundle_files(dirs: &[PathBuf]) -> Vec<PathBuf> {
    let mut found: Vec<(SystemTime, PathBuf)> = Vec::new();
    for dir in dirs {
        let Ok(rd) = std::fs::read_dir(dir) else { continue };
        for e in rd.flatten() {
            let path = e.path();
            let is_bundle = path.extension().is_some_and(|x| x.eq_ignore_ascii_case("gridlog"))
                && !path.file_name().is_some_and(|n| n.to_string_lossy().starts_with('.'));
            let Ok(meta) = e.metadata() else { continue };
            if !is_bundle || !meta.is_file() {
                continue;
            }
            let canonical = std::fs::canonicalize(&path).unwrap_or(path.clone());
            if found.iter().any(|(_, p)| std::fs::canonicalize(p).unwrap_or(p.clone()) == canonical) {
                continue;
            }
            found.push((meta.modified().unwrap_or(SystemTime::UNIX_EPOCH), path));
        }
    }
    found.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    found.into_iter().map(|(_, p)| p).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_suggested_name_carries_the_place_and_the_civil_time() {
        // 2026-12-02 07:30 UTC is 15:30 in UTC+8
        let ms = 1_796_196_600_000;
        let p = default_export_path(&[PathBuf::from("/media/li/U盘")], "青石村", ms);
        assert_eq!(p, PathBuf::from("/media/li/U盘/青石村-20261202-1530.gridlog"));
        let p = default_export_path(&[], "a/b", ms);
        assert_eq!(p, PathBuf::from("ab-20261202-1530.gridlog"), "no directory in a place's name");
        let p = default_stats_path(&[PathBuf::from("/media/li/U盘")], "石门镇", Lang::Zh, ms);
        assert_eq!(p, PathBuf::from("/media/li/U盘/石门镇-统计-20261202-1530.gridlog"), "a statistics file says so");
    }

    #[test]
    fn bundles_are_listed_newest_first_once_each_and_other_files_are_not() {
        let dir = tempfile::tempdir().expect("temp dir");
        let old = dir.path().join("old.gridlog");
        let new = dir.path().join("new.GRIDLOG");
        std::fs::write(&old, b"x").expect("write");
        std::fs::write(&new, b"y").expect("write");
        std::fs::write(dir.path().join("notes.txt"), b"z").expect("write");
        std::fs::write(dir.path().join(".half.gridlog"), b"z").expect("write");
        let t = SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_700_000_000);
        std::fs::File::options().write(true).open(&old).and_then(|f| f.set_modified(t)).expect("mtime");
        let twice = vec![dir.path().to_path_buf(), dir.path().to_path_buf()];
        assert_eq!(bundle_files(&twice), vec![new, old]);
    }
}
