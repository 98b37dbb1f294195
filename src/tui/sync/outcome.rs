//! What a 同步 job ends in (docs/ARCHITECTURE.md, "TUI loop"): plain data that `update` turns
//! into a message or the next dialog. It imports nothing of the interface, so `action` can name
//! it without a circle.

use std::path::PathBuf;

use crate::app::sync::{ImportPlan, ProducerInfo};

/// A bundle file found, with what its verified header says, or why it cannot be read.
#[derive(Clone, Debug)]
pub struct BundleEntry {
    /// The file.
    pub path: PathBuf,
    /// Its producer, or the reason it is damaged (in the user's language).
    pub info: Result<ProducerInfo, String>,
}

/// A signer this store does not know yet, as the bundle names it.
#[derive(Clone, Debug)]
pub struct Signer {
    /// The bundle.
    pub path: PathBuf,
    /// The whole fingerprint (hex).
    pub fingerprint: String,
    /// Worker.
    pub worker: String,
    /// Place name.
    pub place: String,
    /// Division code.
    pub division: String,
}

/// How a 同步 job ended.
#[derive(Debug)]
pub enum Done {
    /// A bundle was written: the summary.
    Exported(String),
    /// The bundles found in these directories.
    Listed(Vec<PathBuf>, Vec<BundleEntry>),
    /// What importing would do (a dry run), and whether it trusts a new signer.
    Plan(Box<ImportPlan>, PathBuf, bool),
    /// A bundle was imported: the summary.
    Imported(String),
    /// The signer is not known: ask the user.
    Untrusted(Signer),
    /// The bundle was refused: the file and why.
    Refused(String, Vec<String>),
}
