//! What can go wrong in the store, and the error of a sled transaction's closure.

use std::path::PathBuf;

use sled::transaction::ConflictableTransactionError;

use super::{codec, lock};
use crate::domain::{DeviceId, EntityId};

/// Store failures.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// An import refused whole: its events clash with what this store holds (a copy of a store
    /// that shares a device id).
    #[error("import refused: {0:?}")]
    Clash(Vec<crate::events::Clash>),
    /// Another process has the store open.
    #[error(transparent)]
    Locked(#[from] lock::LockError),
    /// sled failed (IO, disk full, corruption it detected).
    #[error("database: {0}")]
    Sled(#[from] sled::Error),
    /// A file-system operation failed.
    #[error("{path}: {err}")]
    Io {
        /// The path.
        path: PathBuf,
        /// The error.
        err: std::io::Error,
    },
    /// A stored value could not be decoded.
    #[error("damaged value at {what}: {err}")]
    Corrupt {
        /// Which value.
        what: String,
        /// Why.
        err: codec::CodecError,
    },
    /// The store has no identity yet (`gridlog init`).
    #[error("store not initialised")]
    NotInitialised,
    /// `init` on an initialised store.
    #[error("store already initialised")]
    AlreadyInitialised,
    /// The record does not exist.
    #[error("no record {0}")]
    NoSuchRecord(EntityId),
    /// A write would make one event or one block larger than its limit: refused, nothing
    /// written (see `blocks::EVENT_MAX`, `blocks::BLOCK_MAX`).
    #[error("the {what} would be {bytes} bytes encoded, above the limit of {limit}")]
    TooLarge {
        /// `event` or `block`.
        what: &'static str,
        /// Its encoded size.
        bytes: usize,
        /// The limit.
        limit: usize,
    },
    /// No store at this path (read commands create nothing).
    #[error("no store at {0}")]
    NoStore(PathBuf),
    /// The store holds less than it acknowledged (truncated or partly lost files).
    #[error("the store holds {present_events} of {acknowledged_events} acknowledged events")]
    Shrunk {
        /// Events acknowledged (watermark).
        acknowledged_events: u64,
        /// Events the database accounts for.
        present_events: u64,
        /// Records acknowledged.
        acknowledged_records: u64,
        /// Records the database accounts for.
        present_records: u64,
    },
    /// A block of records could not be decoded.
    #[error("block {device}-{block} (records from {device}-{first}) is damaged: {err}")]
    DamagedBlock {
        /// Its device.
        device: DeviceId,
        /// Its number.
        block: u32,
        /// The first record number it holds.
        first: u32,
        /// Why.
        err: codec::CodecError,
    },
    /// A record's status or category is a code this build does not know (events or views of a
    /// newer build, or a code list changed without a tag; see `tags.rs`): refused, never shown
    /// as another code.
    #[error("record {record}: unknown {what} code {code:?}")]
    UnknownCode {
        /// The record.
        record: EntityId,
        /// `status` or `category`.
        what: &'static str,
        /// The code as written (a stored tag this build does not know: `tag N`).
        code: String,
    },
    /// sled panicked (damaged files it did not expect); the message is its panic text.
    #[error("the database engine failed: {0}")]
    Panicked(String),
}

/// The error of a sled transaction's closure: an abort carries a [`StoreError`].
pub(super) type TxError = ConflictableTransactionError<StoreError>;

/// Maps a value that would not decode to [`StoreError::Corrupt`], naming it.
pub(super) fn corrupt(what: impl Into<String>) -> impl FnOnce(codec::CodecError) -> StoreError {
    let what = what.into();
    move |err| StoreError::Corrupt { what, err }
}
