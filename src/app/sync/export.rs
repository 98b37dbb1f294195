//! Export (docs/ARCHITECTURE.md, "Sync"): the events a peer is not known to hold — or every
//! event with `--all` — of the records its place may see, streamed into a signed bundle. The file
//! is written whole before it gets its name, and a copy stays in the store's `outbox/` until a
//! peer acknowledges it (its next bundle's have-set covers it).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use ed25519_dalek::SigningKey;

use super::{PerKind, hex};
use crate::app::{App, AppError};
use crate::domain::check::{check_division, division_covers};
use crate::domain::{DeviceId, EntityId, Kind};
use crate::events::{Event, Op, VersionVector};
use crate::i18n::tr;
use crate::store::{OutboxEntry, SyncMark};
use crate::sync::{BundleId, BundleWriter, Header};

/// What `gridlog export` asks for.
#[derive(Clone, Debug, Default)]
pub struct ExportSpec {
    /// The file to write.
    pub out: PathBuf,
    /// Every event, not only what the peer is not known to hold (a backup).
    pub all: bool,
    /// Only records of this place (a division code, a place name or a signer's fingerprint).
    pub for_place: Option<String>,
}

/// What an export wrote.
#[derive(Clone, Debug, serde::Serialize)]
pub struct ExportReport {
    /// The file.
    pub path: String,
    /// The bundle's id (hex).
    pub bundle_id: String,
    /// Events inside.
    pub events: u64,
    /// Records they touch, per ledger.
    pub records: PerKind,
    /// The file's size in bytes.
    pub bytes: u64,
    /// The place it is for (division code), if one was named.
    pub target: Option<String>,
    /// Everything (`--all`) rather than what the peer is not known to hold.
    pub all: bool,
}

/// The folder beside the database that keeps sent bundles until they are acknowledged.
pub(super) const OUTBOX: &str = "outbox";

impl App {
    /// Writes a bundle to `spec.out` (see the module's documentation) and returns what it holds.
    /// `progress` is told the events written so far; returning false stops the export, and
    /// nothing is written.
    pub fn export(&self, spec: &ExportSpec, progress: &dyn Fn(u64) -> bool) -> Result<ExportReport, AppError> {
        let me = self.require_identity()?.clone();
        let seed = self.store.signing_key()?.ok_or(AppError::NotInitialised)?;
        let target = match &spec.for_place {
            Some(p) => Some(self.resolve_place(p)?),
            None => None,
        };
        let known = if spec.all { VersionVector::new() } else { self.known_by(target.as_deref())? };
        let places = self.store.places()?;
        let have = self.store.have()?;
        let missing = have.difference(&known);

        let now = (self.now_ms)();
        let header = Header {
            id: BundleId::random().map_err(|e| AppError::Other(e.to_string()))?,
            created_ms: now,
            device: me.device,
            public_key: [0; 32],
            worker: me.worker.clone(),
            place: me.place.clone(),
            role: me.role.clone(),
            division: me.division.clone(),
            demo: me.demo,
            have,
            includes: VersionVector::new(),
            divisions: Vec::new(),
        };
        let id = header.id;
        let mut writer = BundleWriter::new(header, &SigningKey::from_bytes(&seed));
        let mut devices: BTreeSet<DeviceId> = BTreeSet::from([me.device]);
        let mut kinds: BTreeMap<EntityId, Option<Kind>> = BTreeMap::new();
        let mut failed: Option<AppError> = None;
        let mut stopped = false;
        let mut take = |e: &Event| -> bool {
            let in_scope = match (&target, places.get(&e.entity.device)) {
                (None, _) => true,
                (Some(t), Some(p)) => division_covers(t, p),
                (Some(_), None) => false,
            };
            if !in_scope {
                return true;
            }
            if let Err(err) = writer.push(e) {
                failed = Some(AppError::Other(err.to_string()));
                return false;
            }
            devices.insert(e.device);
            devices.insert(e.entity.device);
            let kind = kinds.entry(e.entity).or_default();
            if let Op::Create { kind: k, .. } = &e.op {
                *kind = Some(*k);
            }
            if writer.len().is_multiple_of(4096) && !progress(writer.len()) {
                stopped = true;
                return false;
            }
            true
        };
        if known.is_empty() {
            // everything: block by block, so each record's events travel together and an
            // importer writes each block once
            'blocks: for block in self.store.scan() {
                for (_, events) in block?.records {
                    for e in &events {
                        if !take(e) {
                            break 'blocks;
                        }
                    }
                }
            }
        } else {
            // what the peer lacks: by the author log, no scan
            'runs: for device in missing.devices() {
                for run in missing.ranges(device) {
                    let mut more = true;
                    self.store.events_after(device, run.start().saturating_sub(1), &mut |e: &Event| {
                        if e.seq > *run.end() {
                            return false;
                        }
                        more = take(e);
                        more
                    })?;
                    if !more {
                        break 'runs;
                    }
                }
            }
        }
        if let Some(err) = failed {
            return Err(err);
        }
        if stopped {
            return Err(AppError::Cancelled);
        }
        let mut records = PerKind::default();
        for (entity, kind) in &kinds {
            let kind = match kind {
                Some(k) => Some(*k),
                None => self.store.kind_of(*entity)?,
            };
            if let Some(k) = kind {
                records.add(k);
            }
        }
        let events = writer.len();
        let includes = writer.includes().clone();
        writer.header_mut().divisions =
            devices.iter().filter_map(|d| places.get(d).map(|code| (*d, code.clone()))).collect();
        let bytes = writer.finish();
        progress(events);

        write_atomically(&spec.out, &bytes, self.lang)?;
        let path = spec.out.display().to_string();
        if events > 0 {
            let file = format!("{id}.gridlog");
            let dir = self.store.dir().join(OUTBOX);
            crate::store::paths::ensure_private_dir(&dir).map_err(|e| io_error(&dir, &e, self.lang))?;
            write_atomically(&dir.join(&file), &bytes, self.lang)?;
            self.store.put_outbox(&OutboxEntry {
                id: id.0,
                created_ms: now,
                path: path.clone(),
                file,
                target: target.clone().unwrap_or_default(),
                includes,
                bytes: bytes.len() as u64,
            })?;
        }
        let target_place = target.as_deref().map(|t| self.place_name(t)).unwrap_or_default();
        self.store.set_last_export(&SyncMark { ms: now, path: path.clone(), events, place: target_place })?;
        Ok(ExportReport {
            path,
            bundle_id: hex(&id.0),
            events,
            records,
            bytes: bytes.len() as u64,
            target,
            all: spec.all,
        })
    }

    /// What the peers of `target` (or, without one, every peer) are known to hold: the union of
    /// the have-sets of the peers of that place; without a place, what every peer holds.
    fn known_by(&self, target: Option<&str>) -> Result<VersionVector, AppError> {
        let peers = self.store.peers()?;
        let known = match target {
            Some(t) => peers.iter().filter(|p| p.division == t).fold(VersionVector::new(), |acc, p| acc.union(&p.have)),
            None => {
                let mut it = peers.iter();
                match it.next() {
                    None => VersionVector::new(),
                    Some(first) => it.fold(first.have.clone(), |acc, p| acc.difference(&acc.difference(&p.have))),
                }
            }
        };
        Ok(known)
    }

    /// A place named on the command line: a division code, a place name or a signer's
    /// fingerprint (or its first 8 or more hex digits), as a division code this store is
    /// related to (its own, one above it or one under it).
    pub fn resolve_place(&self, given: &str) -> Result<String, AppError> {
        let me = self.require_identity()?;
        let given = given.trim();
        let code = if check_division(given).is_ok() {
            Some(given.to_string())
        } else {
            let keys = self.store.key_entries()?;
            let peers = self.store.peers()?;
            let lower = given.to_ascii_lowercase();
            let by_fp = (lower.len() >= 8 && lower.bytes().all(|b| b.is_ascii_hexdigit()))
                .then(|| keys.iter().find(|k| hex(&k.public_key).starts_with(&lower)).map(|k| k.division.clone()))
                .flatten();
            by_fp
                .or_else(|| keys.iter().find(|k| k.place == given).map(|k| k.division.clone()))
                .or_else(|| peers.iter().find(|p| p.place == given).map(|p| p.division.clone()))
        };
        match code {
            Some(c) if division_covers(&me.division, &c) || division_covers(&c, &me.division) => Ok(c),
            Some(c) => Err(AppError::Usage(tr(self.lang, "sync.for_unrelated", &[&c, &me.division]))),
            None => Err(AppError::Usage(tr(self.lang, "sync.for_unknown", &[given]))),
        }
    }

    /// The name of the place with division `code`, as its signers said (or the code itself).
    pub(super) fn place_name(&self, code: &str) -> String {
        if self.identity.as_ref().is_some_and(|i| i.division == code) {
            return self.identity.as_ref().map(|i| i.place.clone()).unwrap_or_default();
        }
        let keys = self.store.key_entries().unwrap_or_default();
        keys.iter().find(|k| k.division == code).map(|k| k.place.clone()).unwrap_or_else(|| code.to_string())
    }
}

/// Writes `bytes` to `path` whole: into a temporary file beside it, synced, then renamed over
/// it, so a full disk or a pulled USB stick never leaves a half bundle under the real name.
pub(super) fn write_atomically(path: &Path, bytes: &[u8], lang: crate::i18n::Lang) -> Result<(), AppError> {
    use std::io::Write as _;
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "bundle".into());
    let tmp = path.with_file_name(format!(".{name}.part"));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        drop(f);
        std::fs::rename(&tmp, path)
    })();
    result.map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        io_error(path, &e, lang)
    })
}

fn io_error(path: &Path, err: &std::io::Error, lang: crate::i18n::Lang) -> AppError {
    use std::io::ErrorKind as K;
    let p = path.display().to_string();
    let line = match (err.kind(), err.raw_os_error()) {
        (K::StorageFull | K::FileTooLarge | K::QuotaExceeded, _) | (_, Some(27 | 28)) => {
            tr(lang, "sync.write_full", &[&p])
        }
        (K::PermissionDenied | K::ReadOnlyFilesystem, _) => tr(lang, "app.permission", &[&p]),
        _ => tr(lang, "sync.write_failed", &[&p, &err.kind().to_string()]),
    };
    AppError::Other(line)
}
