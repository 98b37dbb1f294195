//! Import (docs/BUNDLE.md, "Importing"): a bundle is checked whole before anything is written —
//! its bytes (hash, signature, format version) and then, before its events are decoded, its
//! signer (trusted, revoked or new), whether it is a demo bundle, and whether its producer's
//! place is related to this store's; then every record it carries must lie within its signer's
//! place and be one this store may hold; then it must not come from a copy of a store. Only
//! then is it planned and applied, in one transaction. A refusal changes nothing.

use std::io::{Read, Seek, Write as _};
use std::path::Path;

use super::export::{OUTBOX, RemoveOnDrop, io_error};

/// An encrypted bundle opened for import, beside the database (removed after the import, and
/// on the next open if a kill left it).
pub(crate) const OPENED: &str = ".opened-bundle.part";
use super::plan::{ImportPlan, PlanBuilder, ProducerInfo};
use super::refusal::{MAX_FILE, Refusal};
use super::signer::{ImportError, Signer, SignerState};
use crate::app::{App, AppError};
use crate::domain::DeviceId;
use crate::domain::check::division_covers;
use crate::events::Event;
use crate::store::{PeerEntry, StoreError, SyncMark};
use crate::sync::{BundleReader, Header};

/// How to import.
#[derive(Clone, Copy, Debug, Default)]
pub struct ImportOptions {
    /// Check and plan only; write nothing.
    pub dry_run: bool,
    /// Trust the bundle's signer if this store does not know it yet.
    pub trust_new: bool,
}

/// What an import did: a bundle's plan, or a statistics file's (a county store).
#[derive(Clone, Debug)]
pub enum Imported {
    /// A bundle.
    Bundle(ImportPlan),
    /// A statistics file.
    Stats(super::StatsImportPlan),
}

impl App {
    /// Reads, checks, plans and (unless `opts.dry_run`) applies the bundle in `path`.
    pub fn import_file(&self, path: &Path, opts: ImportOptions) -> Result<ImportPlan, AppError> {
        self.import_file_with(path, opts, &|_, _| true)
    }

    /// [`App::import_file`], telling `progress` how far it is (of a total that counts every
    /// event twice: checked, then written); returning false stops it ([`AppError::Cancelled`]):
    /// while checking, nothing was written; while writing, what was written is whole and the
    /// same file imported again completes it. A statistics file is refused here, before anything
    /// is written (the county imports them with [`App::import_any`]).
    pub fn import_file_with(
        &self,
        path: &Path,
        opts: ImportOptions,
        progress: &dyn Fn(u64, u64) -> bool,
    ) -> Result<ImportPlan, AppError> {
        match self.import_kind(path, opts, progress, false)? {
            Imported::Bundle(plan) => Ok(plan),
            Imported::Stats(_) => Err(AppError::Other("a statistics file was imported as a bundle".into())),
        }
    }

    /// Imports a bundle or, into a county store, a statistics file (docs/COUNTY.md): each kind
    /// is told by its magic, inside the envelope if it is sealed.
    pub fn import_any(
        &self,
        path: &Path,
        opts: ImportOptions,
        progress: &dyn Fn(u64, u64) -> bool,
    ) -> Result<Imported, AppError> {
        self.import_kind(path, opts, progress, true)
    }

    fn import_kind(
        &self,
        path: &Path,
        opts: ImportOptions,
        progress: &dyn Fn(u64, u64) -> bool,
        stats_ok: bool,
    ) -> Result<Imported, AppError> {
        let file = path.display().to_string();
        let refused = |why: Refusal| AppError::Refused { file: file.clone(), why: Box::new(why) };
        let size = std::fs::metadata(path).map_err(|e| read_error(path, &e, self.lang))?.len();
        if size > MAX_FILE {
            return Err(refused(Refusal::FileTooLarge { bytes: size }));
        }
        let stats = |bytes: &[u8], encrypted: bool| -> Result<Imported, ImportError> {
            if !stats_ok {
                let why = if self.is_county() { Refusal::StatsUseCli } else { Refusal::StatsNotHere };
                return Err(why.into());
            }
            let mut plan = self.import_stats(&file, bytes, opts)?;
            plan.encrypted = encrypted;
            Ok(Imported::Stats(plan))
        };
        let run = || -> Result<Imported, ImportError> {
            match self.open_sealed(path)? {
                Some(opened) => {
                    let plain = &opened.0;
                    let (src, is_stats) = self.open_telling_stats(plain)?;
                    if is_stats {
                        // a statistics file is small (its format's cap): read whole, as unsealed
                        drop(src);
                        let bytes = std::fs::read(plain).map_err(|e| read_error(plain, &e, self.lang))?;
                        return stats(&bytes, true);
                    }
                    let mut plan = self.import_from(&file, src, opts, progress)?;
                    plan.producer.encrypted = true;
                    Ok(Imported::Bundle(plan))
                }
                None => match self.open_telling_stats(path)? {
                    (_, true) => stats(&self.read_stats_file(path, size)?, false),
                    (src, false) => Ok(Imported::Bundle(self.import_from(&file, src, opts, progress)?)),
                },
            }
        };
        run().map_err(|e| match e {
            ImportError::Refused(why) => refused(why),
            ImportError::App(e) => e,
        })
    }

    /// An encrypted bundle's content, opened with this store's key into a file of the store's
    /// folder (removed when the result is dropped), one chunk at a time: a bundle of a million
    /// events is never whole in memory (`None`: not encrypted). Encrypted for another store, or
    /// damaged anywhere: refused, naming it, and the opened part is removed.
    fn open_sealed(&self, path: &Path) -> Result<Option<RemoveOnDrop>, ImportError> {
        let mut head = [0u8; 8];
        let mut f = std::fs::File::open(path).map_err(|e| read_error(path, &e, self.lang))?;
        let n = f.read(&mut head).map_err(|e| read_error(path, &e, self.lang))?;
        if !crate::sync::is_sealed(&head[..n]) {
            return Ok(None);
        }
        f.rewind().map_err(|e| read_error(path, &e, self.lang))?;
        let size = f.metadata().map_err(|e| read_error(path, &e, self.lang))?.len();
        let seed = self.store.signing_key()?.ok_or(AppError::NotInitialised)?;
        let tmp = self.store.dir().join(OPENED);
        let opened = RemoveOnDrop(tmp.clone());
        let written = (|| {
            let mut out = std::io::BufWriter::with_capacity(1 << 16, std::fs::File::create(&tmp)?);
            let mut src = std::io::BufReader::with_capacity(1 << 16, f);
            let r = crate::sync::open_stream(&mut src, size, &seed, &mut out);
            out.flush()?;
            Ok::<_, std::io::Error>(r)
        })()
        .map_err(|e| io_error(&tmp, &e, self.lang))?;
        match written {
            Ok(_) => Ok(Some(opened)),
            Err(crate::sync::SealError::Bundle(e)) => Err(Refusal::Bundle(e).into()),
            Err(crate::sync::SealError::Io(e)) => Err(read_error(path, &e, self.lang).into()),
        }
    }

    /// Reads a bundle's verified header only (hash and signature checked, nothing decoded): for
    /// listing files before importing one.
    pub fn peek_bundle(&self, path: &Path) -> Result<ProducerInfo, AppError> {
        let file = path.display().to_string();
        let refused = |why: Refusal| AppError::Refused { file: file.clone(), why: Box::new(why) };
        let (header, encrypted) = match self.open_sealed(path) {
            Ok(Some(opened)) => {
                let plain = &opened.0;
                let (src, is_stats) = self.open_telling_stats(plain)?;
                if is_stats {
                    drop(src);
                    let bytes = std::fs::read(plain).map_err(|e| read_error(plain, &e, self.lang))?;
                    return self.peek_stats(&bytes, true, &refused);
                }
                (BundleReader::open(src).map(|r| r.header().clone()), true)
            }
            Ok(None) => {
                let (src, is_stats) = self.open_telling_stats(path)?;
                if is_stats {
                    let size = std::fs::metadata(path).map_err(|e| read_error(path, &e, self.lang))?.len();
                    let bytes = self.read_stats_file(path, size).map_err(|e| match e {
                        ImportError::Refused(why) => refused(why),
                        ImportError::App(e) => e,
                    })?;
                    return self.peek_stats(&bytes, false, &refused);
                }
                (BundleReader::open(src).map(|r| r.header().clone()), false)
            }
            Err(ImportError::Refused(why)) => return Err(refused(why)),
            Err(ImportError::App(e)) => return Err(e),
        };
        let mut info = ProducerInfo::of(&header.map_err(|e| refused(Refusal::Bundle(e)))?);
        info.encrypted = encrypted;
        Ok(info)
    }

    /// Opens `path` for reading from its start (buffered), telling a statistics file (`true`)
    /// from a bundle by its first bytes.
    fn open_telling_stats(&self, path: &Path) -> Result<(std::io::BufReader<std::fs::File>, bool), AppError> {
        let err = |e: std::io::Error| read_error(path, &e, self.lang);
        let mut src = std::fs::File::open(path).map_err(err)?;
        let mut head = Vec::with_capacity(8);
        (&mut src).take(8).read_to_end(&mut head).map_err(err)?;
        src.rewind().map_err(err)?;
        Ok((std::io::BufReader::with_capacity(1 << 16, src), crate::sync::is_stats(&head)))
    }

    /// A statistics file's bytes, read whole once its size is known to be within the format's
    /// cap (a file claiming to be one is not read into memory beyond it).
    fn read_stats_file(&self, path: &Path, size: u64) -> Result<Vec<u8>, ImportError> {
        let cap = crate::sync::STATS_FILE_MAX as u64;
        if size > cap {
            let e = crate::sync::BundleError::Oversized {
                section: crate::sync::Section::Preamble,
                offset: 0,
                claimed: size,
                cap,
            };
            return Err(Refusal::Bundle(e).into());
        }
        Ok(std::fs::read(path).map_err(|e| read_error(path, &e, self.lang))?)
    }

    /// A statistics file's verified header as a listing shows it (its rows as its events).
    fn peek_stats(
        &self,
        bytes: &[u8],
        encrypted: bool,
        refused: &dyn Fn(Refusal) -> AppError,
    ) -> Result<ProducerInfo, AppError> {
        let f = crate::sync::read_stats(bytes).map_err(|e| refused(Refusal::Bundle(e)))?;
        let h = f.header;
        Ok(ProducerInfo {
            fingerprint: h.fingerprint(),
            device: h.device.to_string(),
            worker: h.worker,
            place: h.place,
            role: h.role,
            division: h.division,
            created_ms: h.created_ms,
            demo: h.demo,
            events: f.rows.len() as u64,
            encrypted,
            stats: true,
        })
    }

    fn import_from<R: Read + Seek>(
        &self,
        file: &str,
        src: R,
        opts: ImportOptions,
        progress: &dyn Fn(u64, u64) -> bool,
    ) -> Result<ImportPlan, ImportError> {
        let me = self.require_identity()?.clone();
        // 1. the bytes: hash, signature, version; nothing decompressed yet
        let mut reader = BundleReader::open(src).map_err(Refusal::Bundle)?;
        let header = reader.header().clone();
        // 2. a county store holds figures only; demo, signer, place
        if self.is_county() {
            return Err(Refusal::CountyFiguresOnly.into());
        }
        if header.demo && !me.demo {
            return Err(Refusal::Demo.into());
        }
        let signer = self.signer_state(&Signer::of(&header), opts.trust_new)?;
        let related =
            division_covers(&me.division, &header.division) || division_covers(&header.division, &me.division);
        if !related {
            return Err(Refusal::Unrelated { place: header.place.clone(), division: header.division.clone() }.into());
        }
        let known = self.store.places()?;
        let mut accepted: Vec<(DeviceId, String)> = Vec::new();
        if !known.contains_key(&header.device) {
            accepted.push((header.device, header.division.clone()));
        }
        for (d, code) in &header.divisions {
            if !known.contains_key(d) && division_covers(&header.division, code) && *d != header.device {
                accepted.push((*d, code.clone()));
            }
        }
        let place_of = |d: DeviceId| known.get(&d).or_else(|| accepted.iter().find(|(a, _)| *a == d).map(|(_, c)| c));

        // 3. first pass over the events: the place of every record, copies, the plan
        let total = header.includes.len();
        let steps = if opts.dry_run { total } else { total * 2 };
        if !progress(0, steps) {
            return Err(AppError::Cancelled.into());
        }
        let mut plan = PlanBuilder::new(self.store.have()?);
        let mut done = 0;
        for i in 0..reader.chunk_count() {
            let events = reader.read_chunk(i).map_err(Refusal::Bundle)?;
            for e in &events {
                let record = e.entity.to_string();
                let Some(place) = place_of(e.entity.device) else {
                    return Err(Refusal::UnknownPlace { record }.into());
                };
                if !division_covers(&header.division, place) {
                    return Err(Refusal::OutsideSigner { record, division: place.clone() }.into());
                }
                // a store holds the records of its own place and the places under it only: a
                // village never takes another village's records, nor the township's own
                if !division_covers(&me.division, place) {
                    return Err(Refusal::NotForThisStore { record, division: place.clone() }.into());
                }
            }
            let clashes = self.store.import_clashes(&events)?;
            if !clashes.is_empty() {
                return Err(Refusal::Copy(clashes).into());
            }
            plan.add(self, &events)?;
            done += events.len() as u64;
            if !progress(done, steps) {
                return Err(AppError::Cancelled.into());
            }
        }
        reader.finish().map_err(Refusal::Bundle)?;
        let mut plan = plan.finish(file, &header, signer);
        if opts.dry_run {
            return Ok(plan);
        }

        // 4. second pass: written in batches, each one transaction with its views
        let now = (self.now_ms)();
        let batches = total.div_ceil(IMPORT_BATCH as u64).max(1);
        if batches > 1 {
            self.store.set_import_pending(Some(file))?;
        }
        // a large import indexes once at its end: each transaction would otherwise rewrite
        // most of the index's buckets (docs/PERFORMANCE.md, "Sync")
        let defer_index = total >= DEFER_INDEX_EVENTS;
        if defer_index {
            self.store.begin_deferred_index()?;
        }
        let mut batch: Vec<Event> = Vec::new();
        let mut places = accepted.clone();
        let write = |batch: &mut Vec<Event>, places: &mut Vec<(DeviceId, String)>| -> Result<(), ImportError> {
            let written = if defer_index {
                self.store.import_unindexed(batch, places, now)
            } else {
                self.store.import(batch, places, now)
            };
            match written {
                Ok(_) => {}
                Err(StoreError::Clash(found)) => return Err(Refusal::Copy(found).into()),
                Err(e) => return Err(AppError::from(e).into()),
            }
            places.clear();
            batch.clear();
            Ok(())
        };
        for i in 0..reader.chunk_count() {
            let events = reader.read_chunk(i).map_err(Refusal::Bundle)?;
            done += events.len() as u64;
            batch.extend(events);
            if batch.len() >= IMPORT_BATCH {
                write(&mut batch, &mut places)?;
                if !progress(done, steps) {
                    return Err(AppError::Cancelled.into());
                }
            }
        }
        write(&mut batch, &mut places)?;
        reader.finish().map_err(Refusal::Bundle)?;
        if defer_index {
            self.store.rebuild_search_index()?;
        }
        if batches > 1 {
            self.store.set_import_pending(None)?;
        }
        plan.applied = true;
        self.after_import(&header, signer, now, file, plan.new_total())?;
        progress(steps, steps);
        Ok(plan)
    }

    /// After a bundle is written: its signer is known (and trusted if this import trusted it),
    /// its producer's have-set is merged into its peer entry, and bundles of this store that
    /// the peers now hold leave the outbox.
    fn after_import(&self, h: &Header, signer: SignerState, now: u64, file: &str, new: u64) -> Result<(), AppError> {
        if signer != SignerState::Own {
            self.remember_signer(&Signer::of(h), signer, now)?;
            let mut have = h.have.clone();
            let mut last_bundle_ms = h.created_ms;
            if let Some(p) = self.store.peer(h.device)? {
                have.merge(&p.have);
                last_bundle_ms = last_bundle_ms.max(p.last_bundle_ms);
            }
            self.store.put_peer(&PeerEntry {
                device: h.device,
                public_key: h.public_key,
                division: h.division.clone(),
                place: h.place.clone(),
                have,
                last_bundle_ms,
                last_import_ms: now,
            })?;
        }
        self.store.set_last_import(&SyncMark {
            ms: now,
            path: file.to_string(),
            events: new,
            place: h.place.clone(),
        })?;
        self.prune_outbox()?;
        Ok(())
    }

    /// Removes from the outbox every bundle whose events some peer (of its target place, if it
    /// had one) now holds.
    pub(super) fn prune_outbox(&self) -> Result<(), AppError> {
        let peers = self.store.peers()?;
        for entry in self.store.outbox()? {
            let acked = peers
                .iter()
                .filter(|p| entry.target.is_empty() || p.division == entry.target)
                .any(|p| p.have.includes(&entry.includes));
            if acked {
                let _ = std::fs::remove_file(self.store.dir().join(OUTBOX).join(&entry.file));
                self.store.remove_outbox(&entry.id)?;
            }
        }
        Ok(())
    }
}

/// Events written per transaction: a bundle of up to this many is imported in one transaction;
/// a larger one in several, each whole with its views, and a marker in the store names the file
/// until the last is written. The size trades memory for time (docs/PERFORMANCE.md, "Sync"):
/// with the index written per transaction, 10,000 took a 1M-event import 25.5 s and 183 MB,
/// 4,000 took 33 s and 143 MB; with the index deferred, the size hardly matters (2,000 and
/// 10,000 both about 20 s and 160 MB).
pub const IMPORT_BATCH: usize = 4_000;

/// From this many events on, an import leaves the search index alone while it writes and
/// rebuilds it once at the end (a rebuild reads every block: worth it only when most of the
/// index would be rewritten anyway).
pub const DEFER_INDEX_EVENTS: u64 = 100_000;

pub(super) fn read_error(path: &Path, err: &std::io::Error, lang: crate::i18n::Lang) -> AppError {
    let p = path.display().to_string();
    match err.kind() {
        std::io::ErrorKind::NotFound => AppError::Usage(crate::i18n::tr(lang, "sync.no_file", &[&p])),
        _ => AppError::Other(crate::i18n::tr(lang, "sync.read_failed", &[&p, &err.kind().to_string()])),
    }
}
