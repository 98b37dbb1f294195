//! `gridlog demo --township` and `gridlog --demo=township`: a demo township over demo villages,
//! so that a township office can try its screens (首页's rows per village, the inbox, 报表)
//! before its villages send anything; `--county` / `--demo=county`: a demo county over demo
//! townships' statistics files. Each village is made as `gridlog demo` makes one, in a
//! scratch folder in the township's store directory, and reaches the township as a real
//! village's records do: an exported bundle, imported through the whole import path
//! (signature, place, plan, one transaction per chunk). Then the township answers a few
//! escalations and puts a few overdue records under 督办.

use std::path::{Path, PathBuf};
use std::time::Instant;

use super::demo::{DemoReport, DemoVillage, demo_identity, init_spec};
use super::sync::{ExportSpec, ImportOptions, StatsExportSpec};
use super::{App, AppError, ListQuery};
use crate::demo::township::{EXTENSION_REASONS, INSTRUCTIONS, SUPERVISION_NOTES};
use crate::demo::{DEMO_COUNTY, DEMO_COUNTY_TOWNSHIPS, DEMO_TOWNSHIP, DemoTownship};
use crate::domain::Kind;
use crate::i18n::{Lang, tr};
use crate::store::Options;

/// Which store a demo above the village makes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DemoLevel {
    /// A township over demo villages.
    Township,
    /// A county over demo townships.
    County,
}

/// Which demo township or county, and how big.
#[derive(Clone, Copy, Debug)]
pub struct DemoScale {
    /// A township or a county.
    pub level: DemoLevel,
    /// Villages per township (1 to [`DemoScale::MAX_VILLAGES`]; a county's smaller townships
    /// have fewer).
    pub villages: usize,
    /// Records per village.
    pub records: usize,
    /// The first village's seed; the next villages take the next seeds.
    pub seed: u64,
}

impl DemoScale {
    /// The demo township has this many villages to draw from.
    pub const MAX_VILLAGES: usize = DEMO_TOWNSHIP.villages.len();
    /// Villages when none is asked for.
    pub const DEFAULT_VILLAGES: usize = 6;

    fn check(&self, lang: Lang) -> Result<(), AppError> {
        if (1..=DemoScale::MAX_VILLAGES).contains(&self.villages) {
            return Ok(());
        }
        let max = DemoScale::MAX_VILLAGES.to_string();
        Err(AppError::Usage(tr(lang, "app.demo_villages", &[&self.villages.to_string(), &max])))
    }

    /// The villages of `township` a demo of this scale makes.
    fn villages_of(&self, township: &DemoTownship) -> usize {
        self.villages.min(township.villages.len())
    }

    /// Villages' records this demo writes (for a progress bar).
    pub fn records_of(&self) -> u64 {
        let townships = match self.level {
            DemoLevel::Township => &DEMO_COUNTY_TOWNSHIPS[..1],
            DemoLevel::County => &DEMO_COUNTY_TOWNSHIPS[..],
        };
        townships.iter().map(|t| (self.villages_of(t) * self.records) as u64).sum()
    }
}

/// The township's own key is drawn apart from its villages' (seeds 1, 2, …).
const TOWNSHIP_SEED_SALT: u64 = 0x746f_776e_7368_6970;
/// The county's too.
const COUNTY_SEED_SALT: u64 = 0x636f_756e_7479;
/// Village seeds of one township are apart from the next township's by this much.
const SEEDS_PER_TOWNSHIP: u64 = 8;

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
    /// Creates the demo township or county in `dir` (see the module's documentation); refuses a
    /// store with real data, replaces an earlier or interrupted demo. `progress` is told the
    /// villages' records written so far (of [`DemoScale::records_of`]).
    pub fn demo_above(
        dir: &Path,
        opts: &Options,
        lang: Lang,
        scale: &DemoScale,
        progress: &dyn Fn(u64),
    ) -> Result<DemoReport, AppError> {
        App::demo_above_at(dir, opts, lang, scale, super::system_now_ms, progress)
    }

    /// [`App::demo_above`] on a given clock.
    pub fn demo_above_at(
        dir: &Path,
        opts: &Options,
        lang: Lang,
        scale: &DemoScale,
        now_ms: fn() -> u64,
        progress: &dyn Fn(u64),
    ) -> Result<DemoReport, AppError> {
        scale.check(lang)?;
        let started = Instant::now();
        let (app, made) = match scale.level {
            DemoLevel::Township => {
                let scratch = Scratch::new(dir, lang)?;
                App::make_township(dir, opts, lang, 0, scale, now_ms, &scratch.0, progress)?
            }
            DemoLevel::County => App::make_county(dir, opts, lang, scale, now_ms, progress)?,
        };
        Ok(DemoReport { disk_bytes: app.store.disk_bytes(), seconds: started.elapsed().as_secs_f64(), ..made })
    }

    /// The demo county in `dir`: each of its townships is made as the demo township is, in a
    /// scratch folder, and sends its statistics file, which the county imports as a real county
    /// does (docs/COUNTY.md). No village's records reach the county store.
    fn make_county(
        dir: &Path,
        opts: &Options,
        lang: Lang,
        scale: &DemoScale,
        now_ms: fn() -> u64,
        progress: &dyn Fn(u64),
    ) -> Result<(App, DemoReport), AppError> {
        let mut app = App::open_for_demo(dir, opts, lang, now_ms)?;
        let (device, key) = demo_identity(scale.seed ^ COUNTY_SEED_SALT);
        app.init_with(&init_spec(&DEMO_COUNTY, "county"), device, key, true)?;
        let scratch = Scratch::new(dir, lang)?;
        let (mut records, mut events, mut done) = (0usize, 0u64, 0u64);
        for t in 0..DEMO_COUNTY_TOWNSHIPS.len() {
            let tdir = scratch.0.join(format!("township-{t}"));
            let file = scratch.0.join(format!("township-{t}.stats"));
            {
                let base = done;
                let (township, made) =
                    App::make_township(&tdir, opts, lang, t, scale, now_ms, &scratch.0, &|n| progress(base + n))?;
                records += made.records;
                events += made.events;
                done += made.records as u64;
                township.export_stats(&StatsExportSpec { out: file.clone(), plain: true, ..Default::default() })?;
            }
            app.import_any(&file, ImportOptions { dry_run: false, trust_new: true }, &|_, _| true)?;
            let _ = std::fs::remove_dir_all(&tdir);
        }
        app.store.end_demo()?;
        Ok((app, DemoReport { records, events, disk_bytes: 0, seconds: 0.0, device }))
    }

    /// Makes the `t`-th demo township of the county in `dir`: its villages (in `scratch`) and
    /// their bundles, then the township's own answers. Returns the open township store.
    #[allow(clippy::too_many_arguments)]
    fn make_township(
        dir: &Path,
        opts: &Options,
        lang: Lang,
        t: usize,
        scale: &DemoScale,
        now_ms: fn() -> u64,
        scratch: &Path,
        progress: &dyn Fn(u64),
    ) -> Result<(App, DemoReport), AppError> {
        let township = &DEMO_COUNTY_TOWNSHIPS[t];
        let mut app = App::open_for_demo(dir, opts, lang, now_ms)?;
        let (device, key) = demo_identity((scale.seed + t as u64) ^ TOWNSHIP_SEED_SALT);
        app.init_with(&init_spec(&township.place, "township"), device, key, true)?;
        let (mut records, mut events) = (0usize, 0u64);
        for (v, place) in township.villages.iter().take(scale.villages_of(township)).enumerate() {
            let vdir = scratch.join(format!("village-{t}-{v}"));
            let seed = scale.seed + SEEDS_PER_TOWNSHIP * t as u64 + v as u64;
            let village = DemoVillage { place: *place, records: scale.records, seed };
            let done = (v * scale.records) as u64;
            let made = App::demo_village_at(&vdir, opts, lang, &village, now_ms, &|n| progress(done + n))?;
            records += made.records;
            events += made.events;
            let bundle = scratch.join(format!("village-{t}-{v}.glb"));
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
        progress(records as u64);
        let made = DemoReport { records, events, disk_bytes: 0, seconds: 0.0, device };
        Ok((app, made))
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
