//! Application errors, their messages in the user's language and their exit codes.

use crate::domain::Invalid;
use crate::i18n::{Lang, tr};
use crate::store::StoreError;
use crate::store::lock::LockError;

/// What went wrong, for the person at the keyboard.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// Invalid input: one problem per field; nothing was written.
    #[error("invalid input")]
    Invalid(Invalid),
    /// The store has no identity yet.
    #[error("not initialised")]
    NotInitialised,
    /// `init` on an initialised store.
    #[error("already initialised")]
    AlreadyInitialised,
    /// The demo refuses a store with real data.
    #[error("store holds real data")]
    NotADemoStore,
    /// No record with that id.
    #[error("no record {0}")]
    NoSuchRecord(String),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Bad usage (the message is already in the user's language).
    #[error("{0}")]
    Usage(String),
    /// A demo store whose creation was interrupted (its directory named).
    #[error("interrupted demo at {0}")]
    DemoInterrupted(String),
    /// The user stopped a long task before it finished (nothing was changed).
    #[error("cancelled")]
    Cancelled,
    /// A bundle file refused whole (nothing of it was written).
    #[error("bundle {file} refused: {why:?}")]
    Refused {
        /// The file.
        file: String,
        /// Why.
        why: Box<crate::app::sync::Refusal>,
    },
    /// Of several bundle files, some were refused (each was reported as it came).
    #[error("some bundles refused")]
    SomeRefused,
    /// Anything else.
    #[error("{0}")]
    Other(String),
}

/// A storage failure in the user's language: what happened and what to do, never sled's
/// internals (those go to the log).
fn store_lines(e: &StoreError, lang: Lang) -> Vec<String> {
    tracing::error!("store error: {e:?}");
    let salvage = || tr(lang, "app.salvage_hint", &[]);
    match e {
        StoreError::NoStore(dir) => vec![tr(lang, "app.no_store", &[&dir.display().to_string()])],
        StoreError::Shrunk { acknowledged_events, present_events, acknowledged_records, present_records } => vec![
            tr(
                lang,
                "app.shrunk",
                &[
                    &acknowledged_events.to_string(),
                    &acknowledged_records.to_string(),
                    &present_events.to_string(),
                    &present_records.to_string(),
                ],
            ),
            salvage(),
        ],
        StoreError::Panicked(_) => vec![tr(lang, "app.engine_failed", &[]), salvage()],
        StoreError::Corrupt { .. } | StoreError::DamagedBlock { .. } => {
            vec![tr(lang, "app.corrupt", &[&e.to_string()]), salvage()]
        }
        StoreError::Sled(sled::Error::Io(err)) => vec![io_line(lang, "db", err)],
        StoreError::Sled(sled::Error::Corruption { at, .. }) => {
            let at = at.map(|a| format!("db @ {a}")).unwrap_or_else(|| "db".into());
            vec![tr(lang, "app.corrupt", &[&at]), salvage()]
        }
        StoreError::Sled(sled::Error::ReportableBug(m) | sled::Error::Unsupported(m)) => {
            vec![tr(lang, "app.corrupt", &[m]), salvage()]
        }
        StoreError::Io { path, err } => vec![io_line(lang, &path.display().to_string(), err)],
        other => vec![tr(lang, "app.store_error", &[&other.to_string()])],
    }
}

fn io_line(lang: Lang, what: &str, err: &std::io::Error) -> String {
    use std::io::ErrorKind as K;
    match (err.kind(), err.raw_os_error()) {
        (K::StorageFull | K::FileTooLarge | K::QuotaExceeded, _) | (_, Some(27 | 28)) => tr(lang, "app.disk_full", &[]),
        (K::PermissionDenied | K::ReadOnlyFilesystem, _) => tr(lang, "app.permission", &[what]),
        _ => tr(lang, "app.io", &[&format!("{what}: {}", err.kind())]),
    }
}

impl From<Invalid> for AppError {
    fn from(i: Invalid) -> AppError {
        AppError::Invalid(i)
    }
}

impl AppError {
    /// Exit code: 2 bad usage or invalid input, 4 store in use, 1 anything else.
    pub fn exit_code(&self) -> i32 {
        match self {
            AppError::Invalid(_)
            | AppError::NotInitialised
            | AppError::AlreadyInitialised
            | AppError::NotADemoStore
            | AppError::NoSuchRecord(_)
            | AppError::Usage(_) => 2,
            AppError::Store(StoreError::Locked(LockError::Held(_))) => 4,
            AppError::Store(StoreError::NoSuchRecord(_)) => 2,
            AppError::Store(StoreError::TooLarge { .. }) => 2,
            AppError::Store(StoreError::NoStore(_)) => 2,
            // a refused bundle
            AppError::Store(StoreError::Clash(_)) | AppError::Refused { .. } | AppError::SomeRefused => 3,
            AppError::Store(_) | AppError::Other(_) | AppError::DemoInterrupted(_) | AppError::Cancelled => 1,
        }
    }

    /// The message lines in `lang`.
    pub fn lines(&self, lang: Lang) -> Vec<String> {
        match self {
            AppError::Invalid(inv) => inv.lines(lang),
            AppError::NotInitialised => vec![tr(lang, "app.not_initialised", &[])],
            AppError::AlreadyInitialised => vec![tr(lang, "app.already_initialised", &[])],
            AppError::NotADemoStore => vec![tr(lang, "app.not_demo", &[])],
            AppError::NoSuchRecord(id) => vec![tr(lang, "err.no_such_record", &[id])],
            AppError::Store(StoreError::Locked(LockError::Held(h))) if h.pid == "?" => {
                vec![tr(lang, "app.locked_unknown", &[])]
            }
            AppError::Store(StoreError::Locked(LockError::Held(h))) => {
                vec![tr(lang, "app.locked", &[&h.pid, &h.tty, &h.since])]
            }
            AppError::Store(StoreError::NoSuchRecord(id)) => vec![tr(lang, "err.no_such_record", &[&id.to_string()])],
            AppError::Store(StoreError::TooLarge { what, bytes, limit }) => {
                let kib = |b: &usize| b.div_ceil(1024).to_string();
                let key = if *what == "block" { "app.too_large_block" } else { "app.too_large_event" };
                vec![tr(lang, key, &[&kib(bytes), &kib(limit)])]
            }
            AppError::Store(StoreError::Locked(LockError::Io { path, err })) => {
                vec![io_line(lang, &path.display().to_string(), err)]
            }
            AppError::Store(StoreError::Clash(found)) => {
                let device = crate::store::shared_device(found).map(|d| d.to_string()).unwrap_or_default();
                vec![tr(lang, "app.bundle_copy", &[&device])]
            }
            AppError::Store(StoreError::UnknownCode { record, what, code }) => {
                let what = match *what {
                    "status" => tr(lang, "app.code.status", &[]),
                    _ => tr(lang, "app.code.category", &[]),
                };
                vec![tr(lang, "app.unknown_code", &[&record.to_string(), &what, code])]
            }
            AppError::Store(e) => store_lines(e, lang),
            AppError::DemoInterrupted(dir) => vec![tr(lang, "app.demo_interrupted", &[dir])],
            AppError::Cancelled => vec![tr(lang, "app.cancelled", &[])],
            AppError::SomeRefused => vec![tr(lang, "sync.some_refused", &[])],
            AppError::Refused { file, why } => {
                let mut lines = vec![tr(lang, "sync.refused", &[file])];
                lines.extend(why.lines(lang));
                lines
            }
            AppError::Usage(e) | AppError::Other(e) => vec![e.clone()],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::lock::Holder;

    fn held(pid: &str) -> AppError {
        AppError::Store(StoreError::Locked(LockError::Held(Holder {
            pid: pid.into(),
            tty: if pid == "?" { "?".into() } else { "/dev/pts/3".into() },
            since: if pid == "?" { "?".into() } else { "08:30".into() },
        })))
    }

    #[test]
    fn a_lock_whose_holder_is_unknown_is_reported_without_question_marks() {
        for lang in [Lang::Zh, Lang::En] {
            let e = held("?");
            assert_eq!(e.exit_code(), 4);
            let lines = e.lines(lang).join("\n");
            assert!(!lines.contains('?') && !lines.contains('？'), "{lines}");
            let known = held("4242").lines(lang).join("\n");
            assert!(known.contains("4242") && known.contains("/dev/pts/3"), "{known}");
        }
    }

    #[test]
    fn storage_errors_say_what_to_do_in_the_users_language_without_engine_internals() {
        let full = std::io::Error::from_raw_os_error(28);
        let e = AppError::Store(StoreError::Sled(sled::Error::Io(full)));
        let zh = e.lines(Lang::Zh).join("\n");
        assert!(zh.contains("磁盘") && !zh.contains("Os {") && !zh.contains("code"), "{zh}");
        let corrupt = AppError::Store(StoreError::Sled(sled::Error::Corruption { at: None, bt: () }));
        let en = corrupt.lines(Lang::En).join("\n");
        assert!(en.contains("doctor --salvage") && !en.contains("backtrace"), "{en}");
    }

    #[test]
    fn a_code_from_a_newer_build_is_named_in_the_users_language() {
        let record = crate::domain::EntityId { device: crate::domain::DeviceId(7), n: 3 };
        let e = AppError::Store(StoreError::UnknownCode { record, what: "status", code: "tag 200".into() });
        let zh = e.lines(Lang::Zh).join("");
        assert!(zh.contains(&record.to_string()) && zh.contains("状态") && zh.contains("tag 200"), "{zh}");
        assert!(zh.contains("升级") && !zh.contains("status"), "{zh}");
        let en = e.lines(Lang::En).join("");
        assert!(en.contains("status") && en.contains("newer gridlog"), "{en}");
        assert_eq!(e.exit_code(), 1);
    }

    #[test]
    fn a_bundle_from_a_copied_store_is_refused_naming_the_shared_device() {
        let device = crate::domain::DeviceId(42);
        let e = AppError::Store(StoreError::Clash(vec![crate::events::Clash::SharedDevice { device, seq: 7 }]));
        assert_eq!(e.exit_code(), 3, "a refused bundle");
        let zh = e.lines(Lang::Zh).join("");
        assert!(zh.contains(&device.to_string()) && zh.contains("副本") && zh.contains("未导入"), "{zh}");
        assert!(e.lines(Lang::En).join("").contains("copy of a store"));
    }
}
