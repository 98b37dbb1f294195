//! `gridlog demo`: fills an empty store with a demo village, deterministically, through the same
//! validation as real input, in bounded memory (bulk batches; the database is reopened every
//! so often because sled's memory grows with what one handle has written). The records come
//! from the pure generator in `crate::demo`; this is the part that needs the store.

use std::path::Path;
use std::time::Instant;

use super::{App, AppError, InitSpec, change_op};
use crate::demo::{self, DemoPlace, DemoRecord, Rng};
use crate::domain::lifecycle::{plan_action, plan_create};
use crate::domain::{Ctx, Day, DeviceId, EntityId, Kind, Refs};
use crate::events::{Event, Hlc, Op, fold};
use crate::i18n::Lang;
use crate::store::{BulkWriter, Options};

/// What the demo wrote.
#[derive(Debug)]
pub struct DemoReport {
    /// Records written.
    pub records: usize,
    /// Events written.
    pub events: u64,
    /// The store's size on disk afterwards.
    pub disk_bytes: u64,
    /// Wall time.
    pub seconds: f64,
    /// The store's device.
    pub device: DeviceId,
}

const BATCH_BYTES: usize = 4 << 20;
const REOPEN_BYTES: usize = 48 << 20;

struct DemoRefs<'a> {
    device: DeviceId,
    kinds: &'a [Kind],
}
impl Refs for DemoRefs<'_> {
    fn kind_of(&self, id: EntityId) -> Option<Kind> {
        if id.device != self.device || id.n == 0 {
            return None;
        }
        self.kinds.get(id.n as usize - 1).copied()
    }
}

/// A demo village: who keeps it, how many records, from which seed.
#[derive(Clone, Copy, Debug)]
pub(super) struct DemoVillage {
    pub(super) place: DemoPlace,
    pub(super) records: usize,
    pub(super) seed: u64,
}

/// What `init` would be given for `place` in `role`.
pub(super) fn init_spec(place: &DemoPlace, role: &str) -> InitSpec {
    InitSpec {
        role: role.into(),
        division: place.division.into(),
        place: place.place.into(),
        worker: place.worker.into(),
        grid: place.grid.into(),
    }
}

/// The demo store's device id and signing key, derived from the seed (same seed, same store).
pub(super) fn demo_identity(seed: u64) -> (DeviceId, [u8; 32]) {
    let device = DeviceId(Rng::new(seed ^ 0x6772_6964_6c6f_6721).next_u64());
    let mut key = [0u8; 32];
    for (i, chunk) in key.chunks_mut(8).enumerate() {
        chunk.copy_from_slice(&Rng::new(seed.wrapping_add(i as u64 + 1)).next_u64().to_le_bytes());
    }
    (device, key)
}

/// 09:00 (UTC+8) on `day`, plus `offset_s` seconds.
fn ms_at(day: Day, hour: u64, offset_s: u64) -> u64 {
    let start = day.start_unix_ms();
    (start.max(0) as u64) + hour * 3_600_000 + offset_s * 1000
}

impl App {
    /// Creates the demo store in `dir`: refuses a store with real data; replaces an earlier or
    /// interrupted demo.
    pub fn demo(
        dir: &Path,
        opts: &Options,
        lang: Lang,
        records: usize,
        seed: u64,
        progress: &dyn Fn(u64),
    ) -> Result<DemoReport, AppError> {
        App::demo_at(dir, opts, lang, records, seed, super::system_now_ms, progress)
    }

    /// [`App::demo`] on a given clock (tests and snapshots: the same data every day).
    pub fn demo_at(
        dir: &Path,
        opts: &Options,
        lang: Lang,
        records: usize,
        seed: u64,
        now_ms: fn() -> u64,
        progress: &dyn Fn(u64),
    ) -> Result<DemoReport, AppError> {
        let spec = DemoVillage { place: demo::DEMO_VILLAGE, records, seed };
        App::demo_village_at(dir, opts, lang, &spec, now_ms, progress)
    }

    /// Opens the store in `dir` for a demo: refuses a store with real data, or a demo store
    /// with a worker's own entries; wipes an earlier or interrupted demo; then marks the store
    /// incomplete until the demo ends ([`Store::end_demo`](crate::store::Store)).
    pub(super) fn open_for_demo(dir: &Path, opts: &Options, lang: Lang, now_ms: fn() -> u64) -> Result<App, AppError> {
        let mut app = App::open_any(crate::store::Store::open(dir, opts)?, lang)?;
        app.now_ms = now_ms;
        match &app.identity {
            Some(id) if !id.demo => return Err(AppError::NotADemoStore),
            // a worker's own entries in the demo store are not wiped without a word
            Some(_) if !app.store.bulk_incomplete()? && !app.store.demo_untouched()? => {
                return Err(AppError::NotADemoStore);
            }
            Some(_) => app.store.wipe()?,
            None if app.store.bulk_incomplete()? => app.store.wipe()?,
            None if !app.store.is_empty()? => return Err(AppError::NotADemoStore),
            None => {}
        }
        app.identity = None;
        app.store.begin_bulk()?;
        Ok(app)
    }

    /// A demo village (`spec.place`) in `dir`, on a given clock; its device and key come from
    /// the seed.
    pub(super) fn demo_village_at(
        dir: &Path,
        opts: &Options,
        lang: Lang,
        spec: &DemoVillage,
        now_ms: fn() -> u64,
        progress: &dyn Fn(u64),
    ) -> Result<DemoReport, AppError> {
        let started = Instant::now();
        let (records, seed) = (spec.records, spec.seed);
        let mut app = App::open_for_demo(dir, opts, lang, now_ms)?;
        let (device, key) = demo_identity(seed);
        app.init_with(&init_spec(&spec.place, "village"), device, key, true)?;
        let now_ms = app.now_ms;
        let today = app.today();
        let worker = spec.place.worker.to_string();
        let grid = spec.place.grid.to_string();

        let mut kinds: Vec<Kind> = Vec::with_capacity(records);
        let mut events_written = 0u64;
        let mut seq = 0u64;
        let mut since_reopen = 0usize;
        let gen_records = demo::generate(
            seed,
            records,
            today.date(),
            spec.place.worker,
            Box::new(move |i| EntityId { device, n: i as u32 + 1 }.to_string()),
        );
        let mut writer = Some(BulkWriter::new(&app.store)?);
        // The writer borrows the store; to reopen we finish the batch, drop both and open again.
        let mut reopen_at: Option<usize> = None;
        let mut gen_iter = gen_records.enumerate();
        loop {
            if let Some(i) = reopen_at.take() {
                drop(writer.take());
                let dir = app.store.dir().to_path_buf();
                let identity = app.identity.take();
                drop(app);
                app = App::open_any(crate::store::Store::open(&dir, opts)?, lang)?;
                app.now_ms = now_ms;
                debug_assert_eq!(app.identity, identity);
                writer = Some(BulkWriter::new(&app.store)?);
                progress(i as u64);
            }
            let Some((i, rec)) = gen_iter.next() else { break };
            let w = writer.as_mut().ok_or_else(|| AppError::Other("demo writer".into()))?;
            let id = EntityId { device, n: i as u32 + 1 };
            let refs = DemoRefs { device, kinds: &kinds };
            let ctx = Ctx { today, worker: &worker, grid: &grid, refs: &refs, lang };
            let (kind, events) = build_record(&rec, id, i, &ctx, &mut seq).map_err(|e| {
                AppError::Other(format!("demo record {i} ({}): {}", rec.kind, e.lines(lang).join("; ")))
            })?;
            kinds.push(kind);
            events_written += events.len() as u64;
            w.push(id, events)?;
            if i % 1024 == 0 {
                progress(i as u64);
            }
            if w.at_block_boundary() && w.pending_bytes() >= BATCH_BYTES {
                since_reopen += w.pending_bytes();
                w.write_batch()?;
                if since_reopen >= REOPEN_BYTES {
                    since_reopen = 0;
                    reopen_at = Some(i + 1);
                }
            }
        }
        if let Some(w) = writer.take() {
            w.finish()?;
        }
        progress(records as u64);
        Ok(DemoReport {
            records,
            events: events_written,
            disk_bytes: app.store.disk_bytes(),
            seconds: started.elapsed().as_secs_f64(),
            device,
        })
    }
}

/// Validates one generated record and its actions exactly as `add` and `act` would, and
/// returns its events.
fn build_record(
    rec: &DemoRecord,
    id: EntityId,
    i: usize,
    ctx: &Ctx,
    seq: &mut u64,
) -> Result<(Kind, Vec<Event>), AppError> {
    let kind = Kind::from_name(rec.kind).ok_or_else(|| AppError::Other(format!("unknown kind {}", rec.kind)))?;
    let fields = plan_create(kind, &rec.fields, ctx)?;
    let day = ["date", "received_on", "found_on"]
        .iter()
        .find_map(|f| fields.iter().find(|(k, _)| k == f).and_then(|(_, v)| v.as_day()))
        .or_else(|| rec.actions.first().map(|a| Day::from_date(a.on).plus(-1)))
        .unwrap_or(ctx.today.plus(-365));
    let jitter = (i % 600) as u64;
    let mut next = |hlc_ms: u64, op: Op| {
        *seq += 1;
        Event {
            device: id.device,
            seq: *seq,
            hlc: Hlc { ms: hlc_ms, count: 0 },
            worker: ctx.worker.to_string(),
            entity: id,
            op,
        }
    };
    // Records of today are stamped just after midnight, so that nothing lies after "now"
    // while the data stays the same all day (same seed, same data).
    let stamp = |d: Day, hour: u64, offset_s: u64| {
        if d >= ctx.today { ms_at(ctx.today, 0, offset_s / 60) } else { ms_at(d, hour, offset_s) }
    };
    let mut events = vec![next(stamp(day, 9, jitter), Op::Create { kind, fields })];
    for (j, a) in rec.actions.iter().enumerate() {
        let entity = fold(id, &events).ok_or_else(|| AppError::Other("fold".into()))?;
        let on = Day::from_date(a.on).max(day);
        // the action happened on its own day: dates it sets (closed_on) are that day's
        let at = Ctx { today: on.min(ctx.today), worker: ctx.worker, grid: ctx.grid, refs: ctx.refs, lang: ctx.lang };
        let change = plan_action(kind, &entity.state, a.action, &a.payload, &at)?;
        let ms = stamp(on, 14, jitter + 60 * (j as u64 + 1));
        events.push(next(ms, change_op(&entity, a.action, change)));
    }
    Ok((kind, events))
}
