//! Sync by bundle files, for the CLI and the TUI (docs/ARCHITECTURE.md, "Sync"; the format is
//! docs/BUNDLE.md): export what a peer is not known to hold, import a bundle after checking it
//! whole (signature, trust, demo, place and scope, copies), the signers this store trusts, and
//! the state the sync panel shows. The bundle format is `sync`'s alone; this layer decides
//! what goes in and what is accepted.
//!
//! Files: `export` (choosing events, writing the file and its outbox copy), `import` (checks
//! and apply, with `plan` building the plan and `signer` judging the signer), `keys` (trust), `status` (what has been sent and acknowledged), `refusal`
//! (why a bundle is refused, in the user's language), `stats_export` and `stats_import` (a
//! township's statistics file for its county, docs/COUNTY.md).

mod export;
mod import;
mod keys;
mod plan;
mod refusal;
mod signer;
mod stats_export;
mod stats_import;
mod status;
mod tui_support;

pub use export::{ExportReport, ExportSpec};
pub(crate) use import::OPENED as OPENED_BUNDLE;
pub use import::{ImportOptions, Imported};
pub use keys::{KeyInfo, OwnKey};
pub use plan::{ImportPlan, ProducerInfo};
pub use refusal::{MAX_FILE, Refusal};
pub use signer::SignerState;
pub use stats_export::{StatsExportReport, StatsExportSpec};
pub use stats_import::StatsImportPlan;
pub use status::{PeerStatus, SyncStatus};

use std::collections::BTreeMap;

use crate::domain::Kind;

/// The public key as hex: a store's fingerprint.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A fingerprint as typed (any case, spaces between groups) in its one form: lowercase hex.
pub fn normalize_fingerprint(given: &str) -> String {
    given.trim().to_ascii_lowercase().replace(' ', "")
}

/// The public key a whole fingerprint (64 hex digits) names; `None` for anything else.
pub fn key_of_fingerprint(fp: &str) -> Option<[u8; 32]> {
    let fp = normalize_fingerprint(fp);
    if fp.len() != 64 || !fp.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let mut key = [0u8; 32];
    for (i, b) in key.iter_mut().enumerate() {
        *b = u8::from_str_radix(&fp[2 * i..2 * i + 2], 16).ok()?;
    }
    Some(key)
}

/// The first 16 hex digits of a fingerprint in groups of four, for reading aloud and comparing
/// by eye (`3f9a 07c2 …`); commands take the whole fingerprint.
pub fn short_fingerprint(fp: &str) -> String {
    let head: String = fp.chars().take(16).collect();
    let groups: Vec<String> = head.as_bytes().chunks(4).map(|c| String::from_utf8_lossy(c).into_owned()).collect();
    groups.join(" ")
}

/// Counts per ledger, in ledger order (as JSON, by the ledgers' CLI names: `{"demand": 2}`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PerKind(pub BTreeMap<Kind, u64>);

impl serde::Serialize for PerKind {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.0.iter().map(|(k, n)| (k.name(), n)))
    }
}

impl PerKind {
    fn add(&mut self, kind: Kind) {
        *self.0.entry(kind).or_default() += 1;
    }

    /// The total over every ledger.
    pub fn total(&self) -> u64 {
        self.0.values().sum()
    }
}
