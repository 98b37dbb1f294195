//! `gridlog demo --township` and `gridlog --demo=township`: a demo township over demo villages,
//! so that a township office can try its screens (首页's rows per village, the inbox, 报表)
//! before its villages send anything. Each village is made as `gridlog demo` makes one, in a
//! scratch folder in the township's store directory, and reaches the township as a real village's records do: an exported bundle,
//! imported through the whole import path (signature, place, plan, one transaction per chunk).
//! Then the township answers a few escalations and puts a few overdue records under 督办.

use std::path::{Path, PathBuf};
use std::time::Instant;

use super::demo::{DemoReport, DemoVillage, demo_identity, init_spec};
use super::sync::{ExportSpec, ImportOptions};
use super::{App, AppError, ListQuery};
use crate::demo::township::{EXTENSION_REASONS, INSTRUCTIONS, SUPERVISION_NOTES};
use crate::demo::{DEMO_TOWNSHIP, DEMO_TOWNSHIP_VILLAGES};
use crate::domain::Kind;
use crate::i18n::{Lang, tr};
use crate::store::Options;

/// What a demo township holds.
#[derive(Clone, Copy, Debug)]
pub struct TownshipDemo {
    /// How many villages (1 to [`TownshipDemo::MAX_VILLAGES`]).
    pub villages: usize,
    /// Records per village.
    pub records: usize,
    /// The first village's seed; the next villages take the next seeds.
    pub seed: u64,
}

impl TownshipDemo {
    /// The demo township has this many villages to draw from.
    pub const MAX_VILLAGES: usize = DEMO_TOWNSHIP_VILLAGES.len();
    /// Villages when none is asked for.
    pub const DEFAULT_VILLAGES: usize = 6;
}

/// The township's own key is drawn apart from its villages' (seeds 1, 2, …).
const TOWNSHIP_SEED_SALT: u64 = 0x746f_776e_7368_6970;

/// Escalations the demo township answers, oldest first: a third of them (rounded up), at most
/// this many, and never the last one; the rest wait in its inbox.
const ANSWERED: usize = 3;
/// Overdue records it puts under 督办.
const SUPERVISED: usize = 2;

/// The villages' stores and bundles while they are made: a folder in the township's store
/// directory, removed when dropped; one left by a kill is removed by the next demo.
struct Scratch(PathBuf);

impl Scratch {
    fn new(store_dir: &Path, lang: Lang) -> Result<Scratch, AppError> {
        let path = store_dir.join("demo-villages");
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).map_err(|e| {
            AppError::Other(tr(lang, "app.demo_scratch", &[&path.display().to_string(), &e.to_string()]))
        })?;
        Ok(Scratch(path))
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

impl App {
    /// Creates the demo township in `dir` (see the module's documentation); refuses a store
    /// with real data, replaces an earlier or interrupted demo. `progress` is told the villages'
    /// records written so far, of `spec.villages × spec.records`.
    pub fn demo_township(
        dir: &Path,
        opts: &Options,
        lang: Lang,
        spec: &TownshipDemo,
        progress: &dyn Fn(u64),
    ) -> Result<DemoReport, AppError> {
        App::demo_township_at(dir, opts, lang, spec, super::system_now_ms, progress)
    }

    /// [`App::demo_township`] on a given clock.
    pub fn demo_township_at(
        dir: &Path,
        opts: &Options,
        lang: Lang,
        spec: &TownshipDemo,
        now_ms: fn() -> u64,
        progress: &dyn Fn(u64),
    ) -> Result<DemoReport, AppError> {
        if !(1..=TownshipDemo::MAX_VILLAGES).contains(&spec.villages) {
            let max = TownshipDemo::MAX_VILLAGES.to_string();
            return Err(AppError::Usage(tr(lang, "app.demo_villages", &[&spec.villages.to_string(), &max])));
        }
        let started = Instant::now();
        let mut app = App::open_for_demo(dir, opts, lang, now_ms)?;
        let (device, key) = demo_identity(spec.seed ^ TOWNSHIP_SEED_SALT);
        app.init_with(&init_spec(&DEMO_TOWNSHIP, "township"), device, key, true)?;
        let scratch = Scratch::new(dir, lang)?;
        let (mut records, mut events) = (0usize, 0u64);
        for (v, place) in DEMO_TOWNSHIP_VILLAGES.iter().take(spec.villages).enumerate() {
            let vdir = scratch.0.join(format!("village-{v}"));
            let village = DemoVillage { place: *place, records: spec.records, seed: spec.seed + v as u64 };
            let done = (v * spec.records) as u64;
            let made = App::demo_village_at(&vdir, opts, lang, &village, now_ms, &|n| progress(done + n))?;
            records += made.records;
            events += made.events;
            let bundle = scratch.0.join(format!("village-{v}.glb"));
            {
                let mut village = App::open(&vdir, opts, lang)?;
                village.now_ms = now_ms;
                if v % 3 == 1 {
                    village.demo_extension_request(v)?;
                }
                let out = ExportSpec { out: bundle.clone(), plain: true, ..ExportSpec::default() };
                village.export(&out, &|_, _| true)?;
            }
            app.import_file(&bundle, ImportOptions { dry_run: false, trust_new: true })?;
            let _ = std::fs::remove_dir_all(&vdir);
        }
        app.demo_oversight()?;
        app.store.end_demo()?;
        progress((spec.villages * spec.records) as u64);
        Ok(DemoReport {
            records,
            events,
            disk_bytes: app.store.disk_bytes(),
            seconds: started.elapsed().as_secs_f64(),
            device,
        })
    }

    /// A village asks to extend the due date of its most overdue hazard (or demand), so the
    /// township's inbox has a request to decide.
    fn demo_extension_request(&mut self, v: usize) -> Result<(), AppError> {
        let today = self.today();
        for kind in [Kind::Hazard, Kind::Demand] {
            let q = ListQuery { kind: Some(kind), overdue: true, limit: 1, ..ListQuery::default() };
            if let Some(r) = self.list(&q)?.into_iter().next() {
                let input = serde_json::json!({
                    "due_on": today.plus(14).to_string(),
                    "reason": EXTENSION_REASONS[v % EXTENSION_REASONS.len()],
                });
                self.act(r.entity.id, "request_extension", &input)?;
                return Ok(());
            }
        }
        Ok(())
    }

    /// The township answers its oldest escalations and puts its most overdue demands under 督办.
    fn demo_oversight(&mut self) -> Result<(), AppError> {
        let today = self.today().to_string();
        let escalations: Vec<_> = self.inbox()?.into_iter().filter(|i| i.requested.is_none()).collect();
        let answered = escalations.len().div_ceil(3).min(ANSWERED).min(escalations.len().saturating_sub(1));
        for (i, item) in escalations.into_iter().take(answered).enumerate() {
            let input = serde_json::json!({ "text": INSTRUCTIONS[i % INSTRUCTIONS.len()], "date": today });
            self.act(item.id, "instruct", &input)?;
        }
        let q = ListQuery { kind: Some(Kind::Demand), overdue: true, limit: SUPERVISED, ..ListQuery::default() };
        let due_on = self.today().plus(7).to_string();
        for (i, r) in self.list(&q)?.into_iter().enumerate() {
            let input = serde_json::json!({ "note": SUPERVISION_NOTES[i % SUPERVISION_NOTES.len()], "due_on": due_on });
            self.act(r.entity.id, "supervise", &input)?;
        }
        Ok(())
    }
}
