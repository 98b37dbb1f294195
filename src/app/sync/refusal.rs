//! Why a bundle file is refused (docs/BUNDLE.md, "Importing"): every reason names the file and
//! says what to do, in the user's language; a refusal changes nothing in the store.

use crate::events::Clash;
use crate::i18n::{Lang, tr};
use crate::store::shared_device;
use crate::sync::BundleError;

/// A reason to refuse a bundle whole.
#[derive(Debug)]
pub enum Refusal {
    /// Damaged, forged, cut short, oversized or from a newer format (the reader's reason).
    Bundle(BundleError),
    /// The file is larger than any bundle may be.
    FileTooLarge {
        /// Its size.
        bytes: u64,
    },
    /// Signed by a key this store does not trust yet.
    UnknownSigner {
        /// The key's fingerprint (hex).
        fingerprint: String,
        /// Who the bundle says wrote it.
        worker: String,
        /// Their place.
        place: String,
        /// Their division code.
        division: String,
    },
    /// Signed by a key this store revoked.
    Revoked {
        /// The key's fingerprint.
        fingerprint: String,
        /// Their place.
        place: String,
    },
    /// Written by a demo store: a real store does not take demo data.
    Demo,
    /// The producer's place is not this store's, above it or under it.
    Unrelated {
        /// The producer's place name.
        place: String,
        /// Its division code.
        division: String,
    },
    /// The bundle carries a record of a place outside its signer's (a signer writes only
    /// records of its own place and the places under it).
    OutsideSigner {
        /// The record.
        record: String,
        /// The record's place (division code).
        division: String,
    },
    /// The bundle carries a record of a place that is not this store's (another village's).
    NotForThisStore {
        /// The record.
        record: String,
        /// The record's place.
        division: String,
    },
    /// The bundle carries a record whose place no one named.
    UnknownPlace {
        /// The record.
        record: String,
    },
    /// From a copy of a store sharing a device with what this store holds.
    Copy(Vec<Clash>),
    /// A bundle into a county store, which holds figures only (docs/COUNTY.md).
    CountyFiguresOnly,
    /// A statistics file into a village or township store (only a county store takes them).
    StatsNotHere,
    /// A statistics file offered where only bundles are taken (the TUI's import list): the
    /// county imports it with `gridlog import`.
    StatsUseCli,
    /// A statistics file not written by a township under this county.
    StatsNotTownship {
        /// The producer's place name.
        place: String,
        /// Its division code.
        division: String,
        /// Its role.
        role: String,
    },
    /// A statistics file with figures of a place outside its township.
    StatsOutside {
        /// The place's name.
        place: String,
        /// Its division code.
        division: String,
    },
    /// A statistics file whose figures these definitions cannot give (a part above its whole,
    /// an unknown category).
    StatsInvalid {
        /// The place's name and code.
        place: String,
        /// The period.
        period: String,
        /// What is wrong, in the user's language.
        what: String,
    },
}

impl Refusal {
    /// The reason in `lang` (the caller names the file first).
    pub fn lines(&self, lang: Lang) -> Vec<String> {
        match self {
            Refusal::Bundle(e) => {
                let mut args = e.args();
                if let Some(first) = args.first_mut()
                    && ["preamble", "header", "chunks", "trailer", "events"].contains(&first.as_str())
                {
                    *first = tr(lang, &format!("bundle.section.{first}"), &[]);
                }
                let args: Vec<&str> = args.iter().map(String::as_str).collect();
                vec![tr(lang, e.key(), &args)]
            }
            Refusal::FileTooLarge { bytes } => {
                vec![tr(lang, "sync.file_too_large", &[&(bytes >> 20).to_string(), &(MAX_FILE >> 20).to_string()])]
            }
            Refusal::UnknownSigner { fingerprint, worker, place, division } => vec![
                tr(lang, "sync.unknown_signer", &[&super::short_fingerprint(fingerprint), worker, place, division]),
                tr(lang, "sync.trust_hint", &[fingerprint]),
            ],
            Refusal::Revoked { fingerprint, place } => {
                vec![tr(lang, "sync.revoked", &[&super::short_fingerprint(fingerprint), place])]
            }
            Refusal::Demo => vec![tr(lang, "sync.demo", &[])],
            Refusal::Unrelated { place, division } => vec![tr(lang, "sync.unrelated", &[place, division])],
            Refusal::OutsideSigner { record, division } => vec![tr(lang, "sync.outside_signer", &[record, division])],
            Refusal::NotForThisStore { record, division } => {
                vec![tr(lang, "sync.not_for_this_store", &[record, division])]
            }
            Refusal::UnknownPlace { record } => vec![tr(lang, "sync.unknown_place", &[record])],
            Refusal::Copy(found) => {
                let device = shared_device(found).map(|d| d.to_string()).unwrap_or_default();
                vec![tr(lang, "app.bundle_copy", &[&device])]
            }
            Refusal::CountyFiguresOnly => vec![tr(lang, "sync.county_figures_only", &[])],
            Refusal::StatsNotHere => vec![tr(lang, "sync.stats_not_here", &[])],
            Refusal::StatsUseCli => vec![tr(lang, "sync.stats_use_cli", &[])],
            Refusal::StatsNotTownship { place, division, role } => {
                vec![tr(lang, "sync.stats_not_township", &[place, division, role])]
            }
            Refusal::StatsOutside { place, division } => vec![tr(lang, "sync.stats_outside", &[place, division])],
            Refusal::StatsInvalid { place, period, what } => {
                vec![tr(lang, "sync.stats_invalid", &[place, period, what])]
            }
        }
    }
}

/// A bundle file is at most this large (a 1,000,000-event bundle is about 100 MB).
pub const MAX_FILE: u64 = 2 << 30;
