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
    /// Anything else.
    #[error("{0}")]
    Other(String),
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
            AppError::Store(_) | AppError::Other(_) => 1,
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
            AppError::Store(StoreError::Locked(LockError::Held(h))) => {
                vec![tr(lang, "app.locked", &[&h.pid, &h.tty, &h.since])]
            }
            AppError::Store(StoreError::NoSuchRecord(id)) => vec![tr(lang, "err.no_such_record", &[&id.to_string()])],
            AppError::Store(e) => vec![tr(lang, "app.store_error", &[&e.to_string()])],
            AppError::Usage(e) | AppError::Other(e) => vec![e.clone()],
        }
    }
}
