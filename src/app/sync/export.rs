//! Export (docs/ARCHITECTURE.md, "Sync"): the events a peer is not known to hold — or every
//! event with `--all` — of the records its place may see, streamed into a signed bundle. The file
//! is written whole before it gets its name, and a copy stays in the store's `outbox/` until a
//! peer acknowledges it (its next bundle's have-set covers it).

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write as _;
use std::path::{Path, PathBuf};

use ed25519_dalek::SigningKey;

use super::{PerKind, hex};
use crate::app::{App, AppError};
use crate::domain::check::{check_division, division_covers};
use crate::domain::{DeviceId, EntityId, Kind};
use crate::events::{Event, Op, VersionVector};
use crate::i18n::tr;
use crate::store::{KeyEntry, OutboxEntry, SyncMark, Trust};
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
    /// Encrypt for this store's key (its fingerprint, or the first 8+ digits of a trusted
    /// one). Without it, a bundle for a place is encrypted for that place's trusted key, and
    /// any other (not `--all`) for the trusted key of the place above this one, when there is
    /// exactly one; a full backup (`--all` without `--for`) stays readable by a new store.
    pub encrypt_to: Option<String>,
    /// Never encrypt.
    pub plain: bool,
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
    /// The fingerprint of the store it is encrypted for, if it is.
    pub encrypted_for: Option<String>,
    /// Everything (`--all`) rather than what the peer is not known to hold.
    pub all: bool,
}

/// The folder beside the database that keeps sent bundles until they are acknowledged.
pub(super) const OUTBOX: &str = "outbox";

impl App {
    /// Writes a bundle to `spec.out` (see the module's documentation) and returns what it holds.
    /// `progress` is told the events written so far and at most how many there will be (those
    /// outside the place it is for are left out); returning false stops the export, and nothing
    /// is written.
    pub fn export(&self, spec: &ExportSpec, progress: &dyn Fn(u64, u64) -> bool) -> Result<ExportReport, AppError> {
        let me = self.require_identity()?.clone();
        self.not_on_county()?;
        let seed = self.store.signing_key()?.ok_or(AppError::NotInitialised)?;
        let target = match &spec.for_place {
            Some(p) => Some(self.resolve_place(p)?),
            None => None,
        };
        let known = if spec.all { VersionVector::new() } else { self.known_by(target.as_deref())? };
        let places = self.store.places()?;
        let have = self.store.have()?;
        let missing = have.difference(&known);
        let at_most = missing.len();
        // what this store holds, as far as the receiver may learn it: for one place, only the
        // devices of that place and this store's own (other villages' devices and counts are
        // not that village's business); enough to acknowledge what it sent
        let told = match &target {
            None => have.clone(),
            Some(t) => {
                let mut v = VersionVector::new();
                for d in have.devices() {
                    if d == me.device || places.get(&d).is_some_and(|p| division_covers(t, p)) {
                        for r in have.ranges(d) {
                            v.insert_range(d, r);
                        }
                    }
                }
                v
            }
        };

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
            have: told,
            includes: VersionVector::new(),
            divisions: Vec::new(),
        };
        let id = header.id;
        // the chunks wait in a temporary file of the outbox, not in memory
        let outbox = self.store.dir().join(OUTBOX);
        crate::store::paths::ensure_private_dir(&outbox).map_err(|e| io_error(&outbox, &e, self.lang))?;
        let spill_path = outbox.join(format!(".{}.spill", header.id));
        let spill = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(true)
            .open(&spill_path)
            .map_err(|e| io_error(&spill_path, &e, self.lang))?;
        let _cleanup = RemoveOnDrop(spill_path.clone());
        let mut writer = BundleWriter::spilling(header, &SigningKey::from_bytes(&seed), Box::new(spill));
        let mut devices: BTreeSet<DeviceId> = BTreeSet::from([me.device]);
        let mut kinds: BTreeMap<EntityId, Option<Kind>> = BTreeMap::new();
        let mut failed: Option<AppError> = None;
        let mut stopped = false;
        let mut take = |e: &Event| -> bool {
            // a signer sends only records of its own place and the places under it: its peers
            // refuse a bundle carrying any other (a township's record a village was sent)
            let in_scope = match (&target, places.get(&e.entity.device)) {
                (None, Some(p)) => division_covers(&me.division, p),
                (None, None) => true,
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
            if writer.len().is_multiple_of(4096) && !progress(writer.len(), at_most) {
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
        let recipient = self.recipient(spec, target.as_deref())?;
        // the bundle goes to the outbox first (whole, synced), then is copied to its destination
        let file = format!("{id}.gridlog");
        let kept = outbox.join(&file);
        write_atomically(&kept, self.lang, |f| {
            let mut out = std::io::BufWriter::with_capacity(1 << 16, f);
            writer.finish_to(&mut out)?;
            out.flush()
        })?;
        // kept in the outbox only once the export succeeds, and only if it carries events
        let mut outbox_copy = RemoveOnDrop(kept.clone());
        if let Some(key) = &recipient {
            // sealed as it is read, one chunk at a time: the bundle is never whole in memory
            crate::sync::check_recipient(key).map_err(|e| self.bundle_error(e))?;
            let plain_len = std::fs::metadata(&kept).map_err(|e| io_error(&kept, &e, self.lang))?.len();
            write_atomically(&kept, self.lang, |f| {
                let mut src = std::io::BufReader::with_capacity(1 << 16, std::fs::File::open(&kept)?);
                let mut out = std::io::BufWriter::with_capacity(1 << 16, f);
                crate::sync::seal_stream(&mut src, plain_len, key, &mut out).map_err(|e| match e {
                    crate::sync::SealError::Io(e) => e,
                    crate::sync::SealError::Bundle(b) => std::io::Error::other(b.key()),
                })?;
                out.flush()
            })?;
        }
        progress(events, events);
        write_atomically(&spec.out, self.lang, |f| {
            let mut src = std::fs::File::open(&kept)?;
            std::io::copy(&mut src, f).map(|_| ())
        })?;
        let bytes = std::fs::metadata(&spec.out).map(|m| m.len()).unwrap_or(0);
        let path = spec.out.display().to_string();
        if events > 0 {
            outbox_copy.keep();
            self.store.put_outbox(&OutboxEntry {
                id: id.0,
                created_ms: now,
                path: path.clone(),
                file,
                target: target.clone().unwrap_or_default(),
                includes,
                bytes,
            })?;
        }
        let target_place = target.as_deref().map(|t| self.place_name(t)).unwrap_or_default();
        self.store.set_last_export(&SyncMark { ms: now, path: path.clone(), events, place: target_place })?;
        Ok(ExportReport {
            path,
            bundle_id: hex(&id.0),
            events,
            records,
            bytes,
            target,
            encrypted_for: recipient.map(|k| hex(&k)),
            all: spec.all,
        })
    }

    /// The key a bundle is encrypted for (see [`ExportSpec::encrypt_to`]).
    pub(super) fn recipient(&self, spec: &ExportSpec, target: Option<&str>) -> Result<Option<[u8; 32]>, AppError> {
        if spec.plain {
            return Ok(None);
        }
        let me = self.require_identity()?;
        let trusted: Vec<KeyEntry> =
            self.store.key_entries()?.into_iter().filter(|k| k.trust == Trust::Trusted).collect();
        if let Some(given) = &spec.encrypt_to {
            let fp = super::normalize_fingerprint(given);
            if fp.len() == 64 {
                return super::key_of_fingerprint(&fp)
                    .map(Some)
                    .ok_or_else(|| AppError::Usage(tr(self.lang, "sync.bad_fingerprint", &[given])));
            }
            let found: Vec<&KeyEntry> =
                trusted.iter().filter(|k| fp.len() >= 8 && hex(&k.public_key).starts_with(&fp)).collect();
            return match found.as_slice() {
                [one] => Ok(Some(one.public_key)),
                [] => Err(AppError::Usage(tr(self.lang, "sync.no_such_key", &[given]))),
                _ => Err(AppError::Usage(tr(self.lang, "sync.ambiguous_key", &[given]))),
            };
        }
        let candidates: Vec<&KeyEntry> = match target {
            Some(t) => trusted.iter().filter(|k| k.division == t).collect(),
            None if spec.all => return Ok(None),
            // the place above (or a key trusted by its fingerprint before any bundle from it)
            None => trusted
                .iter()
                .filter(|k| {
                    k.division.is_empty() || (k.division != me.division && division_covers(&k.division, &me.division))
                })
                .collect(),
        };
        Ok(match candidates.as_slice() {
            [one] => Some(one.public_key),
            _ => None,
        })
    }

    /// A bundle error from `sync` as the user's message.
    pub(super) fn bundle_error(&self, e: crate::sync::BundleError) -> AppError {
        let args = e.args();
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        AppError::Other(tr(self.lang, e.key(), &args))
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
    pub(crate) fn place_name(&self, code: &str) -> String {
        if self.identity.as_ref().is_some_and(|i| i.division == code) {
            return self.identity.as_ref().map(|i| i.place.clone()).unwrap_or_default();
        }
        let keys = self.store.key_entries().unwrap_or_default();
        keys.iter().find(|k| k.division == code).map(|k| k.place.clone()).unwrap_or_else(|| code.to_string())
    }
}

/// Writes `path` whole with `fill`: into a temporary file beside it, synced, then renamed over
/// it, so a full disk or a pulled USB stick never leaves a half bundle under the real name.
pub(super) fn write_atomically(
    path: &Path,
    lang: crate::i18n::Lang,
    fill: impl FnOnce(&mut std::fs::File) -> std::io::Result<()>,
) -> Result<(), AppError> {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "bundle".into());
    let tmp = path.with_file_name(format!(".{name}.part"));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        fill(&mut f)?;
        f.sync_all()?;
        drop(f);
        std::fs::rename(&tmp, path)
    })();
    result.map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        io_error(path, &e, lang)
    })
}

/// Removes a file when dropped (a temporary file, whatever happens), unless told to keep it.
pub(super) struct RemoveOnDrop(pub(super) PathBuf);

impl RemoveOnDrop {
    fn keep(&mut self) {
        self.0 = PathBuf::new();
    }
}

impl Drop for RemoveOnDrop {
    fn drop(&mut self) {
        if !self.0.as_os_str().is_empty() {
            let _ = std::fs::remove_file(&self.0);
        }
    }
}

pub(super) fn io_error(path: &Path, err: &std::io::Error, lang: crate::i18n::Lang) -> AppError {
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
