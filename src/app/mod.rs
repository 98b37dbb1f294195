//! The one API that the CLI and the TUI call: open a store, add and change records, list,
//! show, check. Validation happens in `domain`; persistence in `store`; this layer joins them
//! and owns "now".

mod dashboard;
mod decide;
mod demo;
mod demo_township;
mod doctor;
mod error;
mod list;
mod merge;
mod picker;
pub mod present;
mod raise;
pub mod report;
mod residents;
mod search;
pub mod sync;
mod table;
mod township;
mod view;

pub use dashboard::{Dashboard, DueItem, DueReason, DueState};
pub use decide::choices as decision_choices;
#[cfg(test)]
pub(crate) use decide::tests::closed_while_escalated;
pub use demo::DemoReport;
pub use demo_township::{DemoLevel, DemoScale};
pub use doctor::{DoctorReport, damaged_line};
pub use error::AppError;
pub use list::ListQuery;
pub use picker::HouseholdChoice;
pub use present::{hlc_time, mask};
pub use raise::Raised;
pub use search::{SEARCH_BUDGET, SearchResults};
pub use table::{REVEALS_FILE, Reveal, TableFormat, TableReport, TableSpec, table_columns};
pub use township::{InboxItem, InboxReason, VillageRow};
pub use view::RecordView;

use std::path::Path;

use crate::domain::lifecycle::{self, Change};
use crate::domain::{Ctx, Day, EntityId, Kind, Refs, check};
use crate::events::{Entity, Op, Write, fold, history};
use crate::i18n::{Lang, tr};
use crate::store::{Draft, Store, paths};
pub use crate::store::{Identity, Options};

/// The store directory: `data_dir`, else `GRIDLOG_DATA_DIR`, else the platform's data
/// directory; `profile` selects `profiles/NAME` below it.
pub fn data_dir(data_dir: Option<&Path>, profile: Option<&str>) -> Result<std::path::PathBuf, AppError> {
    paths::resolve(data_dir, profile).map_err(AppError::Other)
}

/// Makes what this process creates private (umask 077), and says whether `dir` may hold a log:
/// a command that may create a store creates `dir` (0700); the others log only where a store
/// already is, so a mistyped path stays untouched.
pub fn prepare_data_dir(dir: &Path, may_create: bool) -> bool {
    paths::restrict_umask();
    if may_create { paths::ensure_private_dir(dir).is_ok() } else { dir.join("db").is_dir() }
}

/// What `gridlog init` asks for.
#[derive(Clone, Debug)]
pub struct InitSpec {
    /// `village`, `township` or `county`.
    pub role: String,
    /// 12-digit division code.
    pub division: String,
    /// Place name.
    pub place: String,
    /// Worker name.
    pub worker: String,
    /// Grid name.
    pub grid: String,
}

/// The application on one open store.
pub struct App {
    store: Store,
    identity: Option<Identity>,
    lang: Lang,
    now_ms: fn() -> u64,
    /// The time budget of a keystroke's text scan (`None`: scan it all).
    search_budget: Option<std::time::Duration>,
}

/// The clock: the system's, or a fixed instant from `GRIDLOG_NOW` (`YYYY-MM-DD` or RFC 3339),
/// which tests, snapshots and the recorded demo use so that "today" and "overdue" are stable.
fn system_now_ms() -> u64 {
    static FIXED: std::sync::OnceLock<Option<u64>> = std::sync::OnceLock::new();
    let fixed = FIXED.get_or_init(|| {
        let v = std::env::var("GRIDLOG_NOW").ok()?;
        if let Some(d) = Day::parse(&v) {
            // 10:00 in UTC+8 on that day
            return Some((d.start_unix_ms() + 10 * 3_600_000) as u64);
        }
        chrono::DateTime::parse_from_rfc3339(v.trim()).ok().map(|t| t.timestamp_millis() as u64)
    });
    fixed.unwrap_or_else(|| {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis() as u64).unwrap_or(0)
    })
}

struct StoreRefs<'a>(&'a Store);
impl Refs for StoreRefs<'_> {
    fn kind_of(&self, id: EntityId) -> Option<Kind> {
        self.0.kind_of(id).ok().flatten()
    }
}

impl App {
    /// Opens the store in `dir` (creating an empty one where there is none: `init` and the
    /// TUI's first run). A demo interrupted while it was being written is refused.
    pub fn open(dir: &Path, opts: &Options, lang: Lang) -> Result<App, AppError> {
        App::refuse_partial_demo(App::open_any(Store::open(dir, opts)?, lang)?)
    }

    /// Opens an existing store; where there is none, says so and creates nothing.
    pub fn open_existing(dir: &Path, opts: &Options, lang: Lang) -> Result<App, AppError> {
        App::refuse_partial_demo(App::open_any(Store::open_existing(dir, opts)?, lang)?)
    }

    fn open_any(store: Store, lang: Lang) -> Result<App, AppError> {
        // an encrypted bundle's plaintext, left by an import that was killed (docs/BUNDLE.md)
        let _ = std::fs::remove_file(store.dir().join(sync::OPENED_BUNDLE));
        let identity = store.identity()?;
        Ok(App { store, identity, lang, now_ms: system_now_ms, search_budget: Some(SEARCH_BUDGET) })
    }

    fn refuse_partial_demo(app: App) -> Result<App, AppError> {
        if app.store.bulk_incomplete()? {
            return Err(AppError::DemoInterrupted(app.store.dir().display().to_string()));
        }
        Ok(app)
    }

    /// Replaces the clock (tests).
    pub fn set_clock(&mut self, now_ms: fn() -> u64) {
        self.now_ms = now_ms;
    }

    /// Sets the time budget of [`App::search`]'s text scan (`None`: no budget). Snapshot tests
    /// use `None`, so that what a search shows does not depend on how busy the machine is.
    pub fn set_search_budget(&mut self, budget: Option<std::time::Duration>) {
        self.search_budget = budget;
    }

    /// The UI language.
    pub fn lang(&self) -> Lang {
        self.lang
    }

    /// The store's identity, if initialised.
    pub fn identity(&self) -> Option<&Identity> {
        self.identity.as_ref()
    }

    /// The open store (read-only helpers for reports and benchmarks).
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Today in civil time (UTC+8).
    pub fn today(&self) -> Day {
        Day::from_unix_ms((self.now_ms)())
    }

    fn require_identity(&self) -> Result<&Identity, AppError> {
        self.identity.as_ref().ok_or(AppError::NotInitialised)
    }

    /// Initialises the store: identity, a new random device id and an ed25519 signing key.
    pub fn init(&mut self, spec: &InitSpec) -> Result<&Identity, AppError> {
        if self.identity.is_some() || !self.store.is_empty()? {
            return Err(AppError::AlreadyInitialised);
        }
        let mut problems = Vec::new();
        use crate::domain::{FieldError, Problem};
        match (check::check_division(&spec.division), spec.role.as_str()) {
            (Err(p), _) => problems.push(FieldError::new("division", Problem::Division(p))),
            (Ok(level), role) => {
                let fits = matches!(
                    (level, role),
                    (check::DivisionLevel::Village, "village")
                        | (check::DivisionLevel::Township, "township")
                        | (check::DivisionLevel::County, "county")
                );
                if !fits && crate::domain::codes::Role::from_code(role).is_some() {
                    problems.push(FieldError::new("division", Problem::DivisionRole(role.to_string())));
                }
            }
        }
        if crate::domain::codes::Role::from_code(&spec.role).is_none() {
            problems.push(FieldError::new("role", Problem::NotInEnum(crate::domain::codes::Role::DEF.code_list())));
        }
        // the identity is printed in every history line: cleaned like any text field
        let mut spec = spec.clone();
        for (f, v) in [("place", &mut spec.place), ("worker", &mut spec.worker), ("grid", &mut spec.grid)] {
            match crate::domain::text::clean(v, false) {
                Ok(s) => *v = s.trim().to_string(),
                Err(b) => problems.push(FieldError::new(f, Problem::BidiControl(b.0))),
            }
        }
        for (f, v) in [("place", &spec.place), ("worker", &spec.worker)] {
            if v.trim().is_empty() && !problems.iter().any(|p| p.field == f) {
                problems.push(FieldError::new(f, Problem::Required));
            }
        }
        if !problems.is_empty() {
            return Err(AppError::Invalid(crate::domain::Invalid(problems)));
        }
        let mut seed = [0u8; 40];
        getrandom::fill(&mut seed).map_err(|e| AppError::Other(e.to_string()))?;
        let device = crate::domain::DeviceId(u64::from_le_bytes(seed[..8].try_into().unwrap_or_default()));
        let key: [u8; 32] = seed[8..].try_into().unwrap_or_default();
        self.init_with(&spec, device, key, false)
    }

    fn init_with(
        &mut self,
        spec: &InitSpec,
        device: crate::domain::DeviceId,
        key: [u8; 32],
        demo: bool,
    ) -> Result<&Identity, AppError> {
        let identity = Identity {
            role: spec.role.clone(),
            division: spec.division.trim().to_string(),
            place: spec.place.trim().to_string(),
            worker: spec.worker.trim().to_string(),
            grid: spec.grid.trim().to_string(),
            device,
            demo,
        };
        self.store.init(&identity, &key)?;
        Ok(self.identity.insert(identity))
    }

    /// The public half of the store's signing key, as hex (its fingerprint for trust).
    pub fn public_key_hex(&self) -> Result<Option<String>, AppError> {
        Ok(self.store.signing_key()?.map(|k| {
            let sk = ed25519_dalek::SigningKey::from_bytes(&k);
            sk.verifying_key().to_bytes().iter().map(|b| format!("{b:02x}")).collect()
        }))
    }

    fn ctx<'a>(&'a self, refs: &'a StoreRefs<'a>) -> Result<Ctx<'a>, AppError> {
        let id = self.require_identity()?;
        Ok(Ctx { today: self.today(), worker: &id.worker, grid: &id.grid, refs, lang: self.lang })
    }

    /// Validates and writes a new record; nothing is written when the input is invalid.
    pub fn add(&mut self, kind: Kind, input: &serde_json::Value) -> Result<RecordView, AppError> {
        self.not_on_county()?;
        let refs = StoreRefs(&self.store);
        let ctx = self.ctx(&refs)?;
        let fields = lifecycle::plan_create(kind, input, &ctx)?;
        if kind == Kind::Person {
            self.check_person(None, None, &fields, None)?;
        }
        let worker = ctx.worker.to_string();
        let events = self.store.commit(
            vec![Draft { entity: None, op: Op::Create { kind, fields } }],
            &worker,
            (self.now_ms)(),
        )?;
        let id = events[0].entity;
        // a demand that names the visit it came from is listed among that visit's links, so
        // each is one Enter from the other, however the demand was entered
        if kind == Kind::Demand
            && let Some(crate::domain::Value::Ref(visit)) = self.entity(id)?.state.get("visit").cloned()
            && let Err(e) = self.link_to_visit(visit, id)
        {
            tracing::warn!("demand {id} names visit {visit} but could not be linked from it: {e:?}");
        }
        self.view(id)
    }

    /// Parses a record id as the user typed it.
    pub fn parse_id(&self, s: &str) -> Result<EntityId, AppError> {
        EntityId::parse(s).ok_or_else(|| AppError::NoSuchRecord(s.to_string()))
    }

    /// The record, folded from its events.
    pub fn entity(&self, id: EntityId) -> Result<Entity, AppError> {
        let events = self.store.events_of(id)?;
        fold(id, &events).ok_or_else(|| AppError::NoSuchRecord(id.to_string()))
    }

    /// Validates and applies a lifecycle action (or `edit` / `note`) to record `id`.
    pub fn act(&mut self, id: EntityId, action: &str, input: &serde_json::Value) -> Result<RecordView, AppError> {
        self.not_on_county()?;
        if action == lifecycle::DECIDE.name {
            return self.decide(id, input);
        }
        let entity = self.entity(id)?;
        if merge::is_merge_action(entity.kind, action) {
            return self.merge_act(entity, action, input);
        }
        self.check_oversight_role(entity.kind, action)?;
        let refs = StoreRefs(&self.store);
        let ctx = self.ctx(&refs)?;
        // problems are named in the record's own context: a hazard's category is 隐患类别
        let change = lifecycle::plan_action(entity.kind, &entity.state, action, input, &ctx)
            .map_err(|e| e.in_context(entity.kind, Some(action)))?;
        if entity.kind == Kind::Person {
            self.check_person(Some(id), Some(&entity.state), &change.set, Some(action))?;
        }
        let worker = ctx.worker.to_string();
        let op = change_op(&entity, action, change);
        self.store.commit(vec![Draft { entity: Some(id), op }], &worker, (self.now_ms)())?;
        self.view(id)
    }

    /// The record with its derived state.
    pub fn view(&self, id: EntityId) -> Result<RecordView, AppError> {
        Ok(RecordView::new(self.entity(id)?, self.today()))
    }

    /// The record and its history.
    pub fn show(&self, id: EntityId) -> Result<(RecordView, Vec<crate::events::HistoryEntry>), AppError> {
        let events = self.store.events_of(id)?;
        let entity = fold(id, &events).ok_or_else(|| AppError::NoSuchRecord(id.to_string()))?;
        Ok((RecordView::new(entity, self.today()), history(&events)))
    }

    /// What `show --json` prints for record `id`: its JSON form, and for a visit what it raised
    /// (its links and the demands that name it, see [`App::raised`]).
    pub fn show_json(&self, view: &RecordView, reveal: bool) -> Result<serde_json::Value, AppError> {
        let mut j = view.to_json(reveal);
        if view.entity.kind == Kind::Visit
            && let Some(o) = j.as_object_mut()
        {
            let raised: Vec<String> = self.raised(view.entity.id)?.iter().map(|i| i.to_string()).collect();
            o.insert("raised".into(), serde_json::json!(raised));
        }
        Ok(j)
    }

    /// Checks that every event decodes and every view equals a fresh fold of the events.
    /// `progress` is called after each block with the number checked so far; when it returns
    /// false the check stops with [`AppError::Cancelled`].
    pub fn doctor(&self, progress: &dyn Fn(u64) -> bool) -> Result<DoctorReport, AppError> {
        doctor::run(&self.store, self.lang, progress)
    }

    /// About how many blocks [`App::doctor`] will walk (for a progress bar), from the store's
    /// own counters: cheap, never a scan.
    pub fn estimated_blocks(&self) -> u64 {
        self.store.estimated_blocks()
    }

    /// Copies every record that can still be read from the (damaged) store in `from` into a new
    /// store in `out`; the damaged store is not written.
    pub fn salvage(
        from: &Path,
        out: &Path,
        opts: &Options,
        lang: Lang,
    ) -> Result<crate::store::SalvageReport, AppError> {
        if std::fs::read_dir(out).is_ok_and(|mut d| d.next().is_some()) {
            return Err(AppError::Usage(tr(lang, "doctor.out_not_empty", &[&out.display().to_string()])));
        }
        Ok(crate::store::salvage(from, out, opts)?)
    }
}

/// Turns a planned change into an event operation: every written field carries the version
/// it replaces, so concurrent writes elsewhere show up as conflicts.
fn change_op(entity: &Entity, action: &str, change: Change) -> Op {
    Op::Change {
        action: action.to_string(),
        set: change
            .set
            .into_iter()
            .map(|(field, value)| Write { base: entity.versions.get(&field).copied(), field, value })
            .collect(),
        add: change.add,
    }
}

#[cfg(test)]
#[path = "app_tests.rs"]
pub(crate) mod tests;

/// Form drafts, saved as the worker types so that a crash, a kill or a lost SSH connection
/// loses nothing: one JSON file beside the database, replaced atomically.
impl App {
    fn draft_path(&self) -> std::path::PathBuf {
        self.store.dir().join("draft.json")
    }

    /// Saves the current form's draft.
    pub fn save_draft(&self, draft: &serde_json::Value) -> Result<(), AppError> {
        let path = self.draft_path();
        let tmp = path.with_extension("json.tmp");
        let io = |e: std::io::Error| AppError::Other(format!("{}: {e}", path.display()));
        std::fs::write(&tmp, serde_json::to_vec(draft).unwrap_or_default()).map_err(io)?;
        std::fs::rename(&tmp, &path).map_err(io)
    }

    /// The draft left by an earlier session, if any.
    pub fn load_draft(&self) -> Option<serde_json::Value> {
        let bytes = std::fs::read(self.draft_path()).ok()?;
        serde_json::from_slice(&bytes).ok()
    }

    /// Forgets the draft (saved or discarded).
    pub fn clear_draft(&self) {
        let _ = std::fs::remove_file(self.draft_path());
    }
}
