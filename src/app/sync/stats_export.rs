//! `gridlog export --stats-only` (docs/COUNTY.md, "Export (township)"): a township's figures per
//! village and period, signed, for its county. Not a bundle: no record, event, name, ID number,
//! phone or free text is in it, only integers under figure ids, codes and place names. It is not
//! incremental and leaves nothing in the outbox: every file carries every period asked for, so
//! the newest one corrects what came before.

use std::io::Write as _;
use std::path::PathBuf;

use ed25519_dalek::SigningKey;

use super::export::{ExportSpec, write_atomically};
use super::hex;
use crate::app::report::stats::default_periods;
use crate::app::{App, AppError};
use crate::domain::figures::{DEFINITIONS, Period};
use crate::i18n::tr;
use crate::store::SyncMark;
use crate::sync::{BundleId, StatsHeader, StatsRow, write_stats};

/// What `gridlog export --stats-only` asks for.
#[derive(Clone, Debug, Default)]
pub struct StatsExportSpec {
    /// The file to write.
    pub out: PathBuf,
    /// The county it is for (a division code, a place name or a fingerprint): its trusted key
    /// seals the file.
    pub for_place: Option<String>,
    /// The periods; empty: every month, quarter and year of the previous and the current year.
    pub periods: Vec<Period>,
    /// Encrypt for this store's key (a fingerprint or its first 8+ digits of a trusted key).
    pub encrypt_to: Option<String>,
    /// Never encrypt.
    pub plain: bool,
}

/// What a statistics export wrote.
#[derive(Clone, Debug, serde::Serialize)]
pub struct StatsExportReport {
    /// The file.
    pub path: String,
    /// Its id (hex).
    pub file_id: String,
    /// The day the figures were computed for.
    pub as_of: String,
    /// Places (villages, and the township for its own records).
    pub places: u64,
    /// Periods.
    pub periods: u64,
    /// Rows (a place's whole figures or one category's, for one period).
    pub rows: u64,
    /// The file's size in bytes.
    pub bytes: u64,
    /// The fingerprint of the store it is encrypted for, if it is.
    pub encrypted_for: Option<String>,
}

impl App {
    /// Writes a township's statistics file (see the module's documentation).
    pub fn export_stats(&self, spec: &StatsExportSpec) -> Result<StatsExportReport, AppError> {
        let me = self.require_identity()?.clone();
        if me.role != "township" {
            return Err(AppError::Usage(tr(self.lang, "sync.stats_township_only", &[&me.role])));
        }
        let seed = self.store.signing_key()?.ok_or(AppError::NotInitialised)?;
        let target = match &spec.for_place {
            Some(p) => Some(self.resolve_place(p)?),
            None => None,
        };
        let today = self.today();
        let periods = if spec.periods.is_empty() { default_periods(today) } else { spec.periods.clone() };
        let stats = self.place_stats(&periods, today)?;
        let places = self.stats_places(&stats);
        let mut rows = Vec::new();
        for s in &stats {
            let place = places.binary_search_by(|(c, _)| c.as_str().cmp(&s.division)).unwrap_or_default() as u32;
            for (category, figures) in &s.rows {
                rows.push(StatsRow { place, period: s.period, category: category.clone(), figures: figures.clone() });
            }
        }
        rows.sort_by_key(row_order);
        let now = (self.now_ms)();
        let header = StatsHeader {
            id: BundleId::random().map_err(|e| AppError::Other(e.to_string()))?,
            created_ms: now,
            device: me.device,
            public_key: [0; 32],
            worker: me.worker.clone(),
            place: me.place.clone(),
            role: me.role.clone(),
            division: me.division.clone(),
            demo: me.demo,
            definitions: DEFINITIONS,
            as_of: today,
            places: places.clone(),
        };
        let bytes = write_stats(&header, &rows, &SigningKey::from_bytes(&seed)).map_err(|e| self.bundle_error(e))?;
        let as_bundle = ExportSpec {
            out: spec.out.clone(),
            all: false,
            for_place: spec.for_place.clone(),
            encrypt_to: spec.encrypt_to.clone(),
            plain: spec.plain,
        };
        let recipient = self.recipient(&as_bundle, target.as_deref())?;
        let bytes = match &recipient {
            Some(key) => crate::sync::seal(&bytes, key).map_err(|e| self.bundle_error(e))?,
            None => bytes,
        };
        write_atomically(&spec.out, self.lang, |f| f.write_all(&bytes))?;
        let path = spec.out.display().to_string();
        let target_place = target.as_deref().map(|t| self.place_name(t)).unwrap_or_default();
        let mark = SyncMark { ms: now, path: path.clone(), events: rows.len() as u64, place: target_place };
        self.store.set_last_stats_export(&mark)?;
        Ok(StatsExportReport {
            path,
            file_id: hex(&header.id.0),
            as_of: today.to_string(),
            places: places.len() as u64,
            periods: periods.len() as u64,
            rows: rows.len() as u64,
            bytes: bytes.len() as u64,
            encrypted_for: recipient.map(|k| hex(&k)),
        })
    }
}

/// The order rows are written in (docs/COUNTY.md): place, period, then ledger and code.
fn row_order(r: &StatsRow) -> (u32, u8, u16, u8, u8, String) {
    let p = crate::app::report::stats::period_key(&r.period);
    let (ledger, code) = match &r.category {
        None => (0, String::new()),
        Some((k, c)) => (k.tag(), c.clone()),
    };
    (r.place, p.kind, p.year, p.number, ledger, code)
}
