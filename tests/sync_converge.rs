//! Sync through real bundle files among a township and two of its villages, at the library
//! level (docs/BUNDLE.md, "Importing"; docs/ARCHITECTURE.md, "Event kernel"): whatever the
//! order, duplication and loss of bundles, and however the stores' clocks are skewed, full
//! sync rounds end with every replica of a record identical; importing a bundle twice is
//! importing it once; a village never receives another village's records; a copied store
//! is caught.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};

use gridlog::app::sync::{ExportSpec, ImportOptions, ImportPlan, Refusal, hex};
use gridlog::app::{App, AppError, InitSpec, ListQuery, Options};
use gridlog::domain::{Day, DeviceId, EntityId, Kind};
use gridlog::i18n::Lang;
use gridlog::sync::{Bundle, open as open_sealed, sealed_for};
use proptest::prelude::*;
use serde_json::{Value, json};

const VILLAGE_A: &str = "330782105203";
const VILLAGE_B: &str = "330782105204";
const TOWNSHIP: &str = "330782105000";
const HOUR: i64 = 3_600_000;

// --- stores -----------------------------------------------------------------------------------

/// 2026-11-27 12:00 UTC+8: the shared clock's start. Every date the tests enter is days
/// before it, so no skew makes one lie in the future.
fn start_ms() -> u64 {
    Day::parse("2026-11-27").map(|d| d.0 as u64 * 86_400_000 + 4 * HOUR as u64).unwrap_or(0)
}

/// The clock of the stores of the convergence test: a shared "now" each step advances, plus
/// a skew of its own per store (A, B, township). Only that test reads these.
static NOW: AtomicU64 = AtomicU64::new(0);
static SKEW: [AtomicI64; 3] = [AtomicI64::new(0), AtomicI64::new(0), AtomicI64::new(0)];

fn skewed(i: usize) -> u64 {
    NOW.load(Ordering::SeqCst).saturating_add_signed(SKEW[i].load(Ordering::SeqCst))
}
fn clock_a() -> u64 {
    skewed(0)
}
fn clock_b() -> u64 {
    skewed(1)
}
fn clock_t() -> u64 {
    skewed(2)
}
const CLOCKS: [fn() -> u64; 3] = [clock_a, clock_b, clock_t];

/// The clock of the other tests: fixed.
fn fixed_now() -> u64 {
    start_ms()
}

fn open(dir: &Path, clock: fn() -> u64) -> App {
    let mut app = App::open(dir, &Options::default(), Lang::En).expect("open the store");
    app.set_clock(clock);
    app
}

fn init(dir: &Path, division: &str, clock: fn() -> u64) -> App {
    let (role, place, worker) = match division {
        VILLAGE_A => ("village", "青石村", "李秀英"),
        VILLAGE_B => ("village", "白沙村", "陈国强"),
        _ => ("township", "石门镇", "王乡长"),
    };
    let mut app = open(dir, clock);
    let spec = InitSpec {
        role: role.into(),
        division: division.into(),
        place: place.into(),
        worker: worker.into(),
        grid: "第一网格".into(),
    };
    app.init(&spec).expect("init");
    app
}

/// Trusts each other's keys: the villages the township's, the township the villages'.
fn introduce(villages: &[&App], township: &App) {
    let fp = |a: &App| a.public_key_hex().unwrap().expect("a key");
    for v in villages {
        v.trust_key(&fp(township)).unwrap();
        township.trust_key(&fp(v)).unwrap();
    }
}

fn device(app: &App) -> DeviceId {
    app.identity().expect("initialised").device
}

/// Writes a bundle from `app` to `out` (incremental; for one place with `for_place`).
fn export(app: &App, out: &Path, for_place: Option<&str>) -> PathBuf {
    let spec = ExportSpec { out: out.to_path_buf(), for_place: for_place.map(String::from), ..Default::default() };
    app.export(&spec, &|_, _| true).unwrap_or_else(|e| panic!("export to {}: {e:?}", out.display()));
    out.to_path_buf()
}

fn import(app: &App, file: &Path) -> ImportPlan {
    app.import_file(file, ImportOptions::default()).unwrap_or_else(|e| panic!("import {}: {e:?}", file.display()))
}

const LEDGERS: [Kind; 3] = [Kind::Demand, Kind::Dispute, Kind::Hazard];

/// Every ledger record the store lists, by id.
fn listed(app: &App) -> Vec<EntityId> {
    let mut ids: Vec<EntityId> = LEDGERS
        .iter()
        .flat_map(|k| app.list(&ListQuery { kind: Some(*k), limit: 0, ..Default::default() }).unwrap())
        .map(|v| v.entity.id)
        .collect();
    ids.sort();
    ids
}

/// Events as `(device, seq, record)`.
type Held = Vec<(DeviceId, u64, EntityId)>;

/// Every event the store holds, from its have-set.
fn held_events(app: &App) -> Held {
    let have = app.store().have().unwrap();
    let mut out = Vec::new();
    for d in have.devices() {
        app.store()
            .events_after(d, 0, &mut |e| {
                out.push((e.device, e.seq, e.entity));
                true
            })
            .unwrap();
    }
    out.sort();
    out
}

/// What a user can see of a store's sync and records: for "nothing changed".
fn observable(app: &App) -> (Value, Vec<Value>, Held, String) {
    let status = serde_json::to_value(app.sync_status().unwrap()).unwrap();
    let records = listed(app).into_iter().map(|id| app.show_json(&app.view(id).unwrap(), true).unwrap()).collect();
    (status, records, held_events(app), format!("{:?}", app.store().places().unwrap()))
}

#[track_caller]
fn assert_healthy(app: &App, who: &str) {
    let report = app.doctor(&|_| true).unwrap();
    assert!(report.healthy(), "doctor on {who}: {:?}", report.problems);
}

// --- inputs -----------------------------------------------------------------------------------

fn add_input(kind: Kind, n: u64) -> Value {
    match kind {
        Kind::Demand => json!({"received_on": "2026-11-20", "channel": "PHONE", "requester": "王建国",
                               "kind": "HELP", "domain": "OTHER", "content": format!("村道路灯不亮{n}")}),
        Kind::Dispute => json!({"received_on": "2026-11-20", "source": "APPLIED", "category": "NEIGHBOR",
            "parties": [{"name": "张三", "role": "APPLICANT"}, {"name": "李四", "role": "RESPONDENT"}],
            "facts": format!("排水沟堵塞{n}"), "claims": "要求疏通", "risk": "YELLOW"}),
        _ => json!({"found_on": "2026-11-20", "location": format!("村口小卖部{n}"), "owner": "BUSINESS",
                    "category": "FIRE", "description": "灭火器过期", "grade": "GENERAL"}),
    }
}

/// The actions a step may try on a record of `kind`, with their input (`n` makes texts differ).
fn actions(kind: Kind, n: u64) -> Vec<(&'static str, Value)> {
    let note = ("note", json!({"text": format!("备注{n}")}));
    match kind {
        Kind::Demand => vec![
            ("assign", json!({"level": "TOWNSHIP", "assignee": "王乡长", "due_on": "2027-03-01"})),
            ("reply", json!({"reply": format!("已协调{n}"), "replied_on": "2026-11-21", "result": "RESOLVED"})),
            ("followup", json!({"date": "2026-11-22", "satisfaction": "SATISFIED"})),
            ("escalate", json!({"reason": format!("需乡镇协调{n}")})),
            ("close", json!({})),
            ("reopen", json!({"reason": "群众不满意"})),
            ("edit", json!({"content": format!("村道路灯不亮，已修改{n}")})),
            note,
        ],
        Kind::Dispute => vec![
            ("session", json!({"date": "2026-11-21", "notes": format!("调解{n}")})),
            (
                "agree",
                json!({"form": "WRITTEN", "terms": format!("协议{n}"), "performance_method": "一次性",
                             "performance_deadline": "2027-03-01", "effective_on": "2026-11-22"}),
            ),
            ("followup", json!({"date": "2026-11-23", "performance": "DONE", "satisfaction": "SATISFIED"})),
            ("escalate", json!({"reason": format!("上报{n}")})),
            ("terminate", json!({"reason": "当事人不愿调解"})),
            ("close", json!({})),
            note,
        ],
        _ => vec![
            ("rectify", json!({"measures": format!("更换灭火器{n}"), "deadline": "2027-03-01"})),
            ("complete", json!({"date": "2026-11-23"})),
            ("review", json!({"date": "2026-11-24", "reviewer": "张检查", "result": "PASS"})),
            ("review", json!({"date": "2026-11-24", "reviewer": "张检查", "result": "FAIL"})),
            ("escalate", json!({"reason": format!("上报{n}")})),
            ("close", json!({})),
            note,
        ],
    }
}

/// The input of action `name` on a record of `kind`.
fn input(kind: Kind, name: &str) -> Value {
    actions(kind, 0).into_iter().find(|(a, _)| *a == name).map(|(_, v)| v).expect("an action of the table")
}

// --- convergence ------------------------------------------------------------------------------

/// One step of the convergence test. Stores: 0 village A, 1 village B, 2 the township.
#[derive(Clone, Debug)]
enum Step {
    /// A village adds a demand, dispute or hazard.
    Add { village: usize, kind: usize },
    /// A store tries a few actions on a record it holds (refused ones change nothing).
    Act { store: usize, record: usize, actions: Vec<usize> },
    /// A village and the township act on the same record of that village before either has
    /// seen the other's change (a village closes what the township escalates or answers).
    Race { village: usize, record: usize, village_action: usize, township_action: usize },
    /// A bundle along a route — 0: A → township, 1: B → township (incremental), 2: township →
    /// A, 3: township → B (`--for` that village) — whose fate is: 0 imported at once, 1
    /// imported at once and kept to be imported again later, 2 left waiting, 3 lost.
    Send { route: usize, fate: usize },
    /// A store imports a bundle waiting for it; `keep` leaves the file to be imported again.
    Deliver { to: usize, pick: usize, keep: bool },
    /// A bundle is lost on the way.
    Lose { to: usize, pick: usize },
    /// Time passes.
    Wait { minutes: u64 },
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        3 => (0..2usize, 0..3usize).prop_map(|(village, kind)| Step::Add { village, kind }),
        5 => (0..3usize, any::<usize>(), prop::collection::vec(0..8usize, 1..4))
            .prop_map(|(store, record, actions)| Step::Act { store, record, actions }),
        2 => (0..2usize, any::<usize>(), 0..8usize, 0..8usize).prop_map(|(village, record, v, t)| Step::Race {
            village,
            record,
            village_action: v,
            township_action: t
        }),
        5 => (0..4usize, 0..4usize).prop_map(|(route, fate)| Step::Send { route, fate }),
        2 => (0..3usize, any::<usize>(), any::<bool>()).prop_map(|(to, pick, keep)| Step::Deliver { to, pick, keep }),
        1 => (0..3usize, any::<usize>()).prop_map(|(to, pick)| Step::Lose { to, pick }),
        1 => (1..90u64).prop_map(|minutes| Step::Wait { minutes }),
    ]
}

struct Net {
    _tmp: tempfile::TempDir,
    mail: PathBuf,
    apps: Vec<App>,
    inbox: [Vec<PathBuf>; 3],
    files: u64,
}

impl Net {
    fn new() -> Net {
        let tmp = tempfile::tempdir().unwrap();
        let mail = tmp.path().join("mail");
        std::fs::create_dir(&mail).unwrap();
        let apps: Vec<App> = [VILLAGE_A, VILLAGE_B, TOWNSHIP]
            .iter()
            .enumerate()
            .map(|(i, code)| init(&tmp.path().join(format!("store{i}")), code, CLOCKS[i]))
            .collect();
        introduce(&[&apps[0], &apps[1]], &apps[2]);
        Net { _tmp: tmp, mail, apps, inbox: Default::default(), files: 0 }
    }

    /// Exports along `route`, returning the recipient and the file.
    fn export(&mut self, route: usize) -> (usize, PathBuf) {
        self.files += 1;
        let out = self.mail.join(format!("{}-{route}.gridlog", self.files));
        let (from, to, scope) = match route {
            0 => (0, 2, None),
            1 => (1, 2, None),
            2 => (2, 0, Some(VILLAGE_A)),
            _ => (2, 1, Some(VILLAGE_B)),
        };
        (to, export(&self.apps[from], &out, scope))
    }

    /// Tries an action; one the record's status does not allow is refused and changes nothing.
    fn act(&mut self, store: usize, id: EntityId, pick: usize, n: u64) {
        let kind = self.apps[store].view(id).unwrap().entity.kind;
        let all = actions(kind, n);
        let (name, input) = &all[pick % all.len()];
        match self.apps[store].act(id, name, input) {
            Ok(_) | Err(AppError::Invalid(_)) => {}
            Err(e) => panic!("{name} on {id}: {e:?}"),
        }
    }

    fn run(&mut self, s: &Step, n: u64) {
        match *s {
            Step::Add { village, kind } => {
                let kind = LEDGERS[kind];
                self.apps[village].add(kind, &add_input(kind, n)).unwrap();
            }
            Step::Act { store, record, ref actions } => {
                let ids = listed(&self.apps[store]);
                if let Some(id) = ids.get(record % ids.len().max(1)) {
                    for pick in actions {
                        self.act(store, *id, *pick, n);
                    }
                }
            }
            Step::Race { village, record, village_action, township_action } => {
                let v = device(&self.apps[village]);
                let ids: Vec<EntityId> = listed(&self.apps[2]).into_iter().filter(|id| id.device == v).collect();
                if let Some(id) = ids.get(record % ids.len().max(1)) {
                    self.act(village, *id, village_action, n);
                    self.act(2, *id, township_action, n);
                }
            }
            Step::Send { route, fate } => {
                let (to, file) = self.export(route);
                if fate <= 1 {
                    import(&self.apps[to], &file);
                }
                if fate == 1 || fate == 2 {
                    self.inbox[to].push(file);
                }
            }
            Step::Deliver { to, pick, keep } => {
                if self.inbox[to].is_empty() {
                    return;
                }
                let i = pick % self.inbox[to].len();
                let file = if keep { self.inbox[to][i].clone() } else { self.inbox[to].remove(i) };
                import(&self.apps[to], &file);
            }
            Step::Lose { to, pick } => {
                if !self.inbox[to].is_empty() {
                    let i = pick % self.inbox[to].len();
                    self.inbox[to].remove(i);
                }
            }
            Step::Wait { minutes } => {
                NOW.fetch_add(minutes * 60_000, Ordering::SeqCst);
            }
        }
    }

    /// Full sync rounds (villages to the township, then the township to each village) until
    /// one brings nothing new; panics if that takes more than a few.
    fn settle(&mut self) {
        for _ in 0..4 {
            let mut new = 0;
            for route in 0..4 {
                let (to, file) = self.export(route);
                new += import(&self.apps[to], &file).new_total();
            }
            if new == 0 {
                return;
            }
        }
        panic!("sync rounds still bring new events after 4 rounds");
    }
}

/// Checks what every replica must agree on once sync is quiet.
fn assert_converged(net: &Net) {
    let [a, b, t] = [&net.apps[0], &net.apps[1], &net.apps[2]];
    let township = listed(t);
    for (v, name) in [(a, "A"), (b, "B")] {
        let mine = listed(v);
        let theirs: Vec<EntityId> = township.iter().copied().filter(|id| id.device == device(v)).collect();
        assert_eq!(mine, theirs, "village {name} and the township list the same records of {name}");
        for id in &mine {
            let (view_v, history_v) = v.show(*id).unwrap();
            let (view_t, history_t) = t.show(*id).unwrap();
            assert_eq!(view_v.entity, view_t.entity, "record {id}: fields, status, conflicts");
            assert_eq!(history_v, history_t, "record {id}: history");
            assert_eq!(v.show_json(&view_v, true).unwrap(), t.show_json(&view_t, true).unwrap(), "record {id}");
        }
        let foreign: Vec<_> = held_events(v).into_iter().filter(|(_, _, rec)| rec.device != device(v)).collect();
        assert!(foreign.is_empty(), "village {name} holds events of records not its own: {foreign:?}");
    }
    assert_eq!(township.len(), listed(a).len() + listed(b).len(), "the township holds every village record");
    for (app, who) in [(a, "A"), (b, "B"), (t, "township")] {
        assert_healthy(app, who);
        // the sync panel: nothing unsent, every bundle acknowledged
        let status = app.sync_status().unwrap();
        assert_eq!((status.unsent, status.waiting, status.outbox.len()), (0, 0, 0), "sync status of {who}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 16,
        max_shrink_iters: 200,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn every_replica_ends_identical_whatever_the_order_loss_duplication_and_clock_skew_of_bundles(
        steps in prop::collection::vec(step(), 10..50),
        skews in prop::array::uniform3(-10 * HOUR..=10 * HOUR),
    ) {
        NOW.store(start_ms(), Ordering::SeqCst);
        for (s, k) in SKEW.iter().zip(skews) {
            s.store(k, Ordering::SeqCst);
        }
        let mut net = Net::new();
        for (n, s) in steps.iter().enumerate() {
            net.run(s, n as u64);
        }
        net.settle();
        // one clock for the comparison: what is overdue "today" is then the same everywhere
        for s in &SKEW {
            s.store(0, Ordering::SeqCst);
        }
        assert_converged(&net);
    }
}

// --- one scenario each --------------------------------------------------------------------------

/// Village A, village B and their township in `dir`, trusting each other, on the fixed clock.
fn trio(dir: &Path) -> (App, App, App) {
    let a = init(&dir.join("a"), VILLAGE_A, fixed_now);
    let b = init(&dir.join("b"), VILLAGE_B, fixed_now);
    let t = init(&dir.join("t"), TOWNSHIP, fixed_now);
    introduce(&[&a, &b], &t);
    (a, b, t)
}

fn add_demand(app: &mut App, n: u64) -> EntityId {
    app.add(Kind::Demand, &add_input(Kind::Demand, n)).unwrap().entity.id
}

fn refusal(result: Result<ImportPlan, AppError>) -> Refusal {
    match result {
        Err(AppError::Refused { why, .. }) => *why,
        other => panic!("the bundle must be refused, got {other:?}"),
    }
}

/// The records a store holds, each with its history: for "identical before and after".
fn records(app: &App) -> Vec<String> {
    listed(app).into_iter().map(|id| format!("{:?}", app.show(id).unwrap())).collect()
}

#[test]
fn a_village_closing_a_demand_while_the_township_escalates_it_ends_with_one_record_everywhere() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut a, _b, mut t) = trio(tmp.path());
    let id = add_demand(&mut a, 1);
    for name in ["reply", "followup"] {
        a.act(id, name, &input(Kind::Demand, name)).unwrap();
    }
    import(&t, &export(&a, &tmp.path().join("1.gridlog"), None));
    // neither has seen the other's change: the village closes, the township escalates
    a.act(id, "close", &json!({})).unwrap();
    t.act(id, "escalate", &json!({"reason": "群众要求乡镇督办"})).unwrap();
    import(&t, &export(&a, &tmp.path().join("2.gridlog"), None));
    import(&a, &export(&t, &tmp.path().join("3.gridlog"), Some(VILLAGE_A)));
    let (va, ha) = a.show(id).unwrap();
    let (vt, ht) = t.show(id).unwrap();
    assert_eq!((&va.entity, &ha), (&vt.entity, &ht), "one record on both sides");
    let actions: Vec<&str> = ha.iter().map(|h| h.action.as_str()).collect();
    assert!(actions.contains(&"close") && actions.contains(&"escalate"), "both changes are kept: {actions:?}");
    assert_healthy(&a, "A");
    assert_healthy(&t, "township");
}

#[test]
fn importing_a_bundle_twice_is_importing_it_once() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut a, _b, mut t) = trio(tmp.path());
    let first = add_demand(&mut a, 1);
    add_demand(&mut a, 2);
    a.act(first, "note", &json!({"text": "已上门了解"})).unwrap();
    let up = export(&a, &tmp.path().join("up.gridlog"), None);
    let once = import(&t, &up);
    assert_eq!((once.new_total(), once.duplicates, once.created.total()), (3, 0, 2));
    let after_once = (records(&t), held_events(&t));
    let twice = import(&t, &up);
    assert_eq!((twice.new_total(), twice.duplicates), (0, 3), "the second import finds every event held");
    assert_eq!((twice.created.total(), twice.updated.total()), (0, 0));
    assert_eq!((records(&t), held_events(&t)), after_once, "records and events as after the first import");
    // and the same the other way, with the township's answer
    t.act(first, "reply", &input(Kind::Demand, "reply")).unwrap();
    let down = export(&t, &tmp.path().join("down.gridlog"), Some(VILLAGE_A));
    assert_eq!(import(&a, &down).new_total(), 1);
    let after_once = (records(&a), held_events(&a));
    assert_eq!(import(&a, &down).new_total(), 0);
    assert_eq!((records(&a), held_events(&a)), after_once);
    assert_healthy(&a, "A");
    assert_healthy(&t, "township");
}

#[test]
fn a_village_never_receives_another_villages_records() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut a, mut b, mut t) = trio(tmp.path());
    let of_a = add_demand(&mut a, 1);
    let of_b = add_demand(&mut b, 2);
    import(&t, &export(&a, &tmp.path().join("a.gridlog"), None));
    import(&t, &export(&b, &tmp.path().join("b.gridlog"), None));
    for id in [of_a, of_b] {
        t.act(id, "reply", &input(Kind::Demand, "reply")).unwrap();
    }
    // the township's bundle for A carries A's records only: A's own events it lacks and the
    // township's answer, nothing of B's
    let for_a = export(&t, &tmp.path().join("for-a.gridlog"), Some(VILLAGE_A));
    let sealed = std::fs::read(&for_a).unwrap();
    let a_key = a.public_key_hex().unwrap().unwrap();
    assert_eq!(sealed_for(&sealed).map(|k| hex(&k)), Some(a_key), "encrypted for A (its trusted key)");
    let bundle = Bundle::read(&open_sealed(&sealed, &a.store().signing_key().unwrap().unwrap()).unwrap()).unwrap();
    let places = t.store().places().unwrap();
    assert!(bundle.events.iter().any(|e| e.entity == of_a && e.device == device(&t)), "the answer to A is inside");
    for e in &bundle.events {
        let place = places.get(&e.entity.device).map(String::as_str);
        assert_eq!(place, Some(VILLAGE_A), "event {}/{} of record {} is not A's", e.device, e.seq, e.entity);
    }
    assert!(!bundle.header.divisions.iter().any(|(d, _)| *d == device(&b)), "B's device is not even named");
    // a bundle without --for carries B's records too: A refuses it whole
    let everything = export(&t, &tmp.path().join("all.gridlog"), None);
    let before = observable(&a);
    match refusal(a.import_file(&everything, ImportOptions::default())) {
        Refusal::NotForThisStore { division, .. } => assert_eq!(division, VILLAGE_B),
        other => panic!("refused for another reason: {other:?}"),
    }
    assert_eq!(observable(&a), before, "nothing of the refused bundle was written");
    let plan = import(&a, &for_a);
    assert_eq!(plan.new_total(), 1, "the scoped bundle is taken");
    assert!(!listed(&a).contains(&of_b));
    assert_healthy(&a, "A");
}

/// Copies a closed store's directory, as a worker copying the folder to a second laptop would.
fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

#[test]
fn a_bundle_from_a_copied_store_is_refused_and_nothing_is_written() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut a, _b, t) = trio(tmp.path());
    add_demand(&mut a, 1);
    import(&t, &export(&a, &tmp.path().join("1.gridlog"), None));
    let original = a.store().dir().to_path_buf();
    drop(a);
    let copied = tmp.path().join("a-copy");
    copy_dir(&original, &copied);
    let (mut a, mut copy) = (open(&original, fixed_now), open(&copied, fixed_now));
    assert_eq!(device(&a), device(&copy), "the copy writes as the same device");
    // both write on: each numbers its next event and record the same
    add_demand(&mut a, 2);
    add_demand(&mut copy, 3);
    import(&t, &export(&a, &tmp.path().join("2.gridlog"), None));
    let from_copy = export(&copy, &tmp.path().join("3.gridlog"), None);
    let before = observable(&t);
    match refusal(t.import_file(&from_copy, ImportOptions::default())) {
        Refusal::Copy(clashes) => {
            assert!(!clashes.is_empty() && clashes.iter().all(|c| c.device() == device(&a)), "{clashes:?}")
        }
        other => panic!("refused for another reason: {other:?}"),
    }
    assert_eq!(observable(&t), before, "nothing of the copy's bundle was written");
    assert_eq!(listed(&t).len(), 2, "the township keeps the original's two records");
    assert_healthy(&t, "township");
}

/// A township's own record never reaches a village: a store holds the records of its own place
/// and the places under it only, so a township bundle carrying one is refused whole and the
/// village stays as it was; the village's own bundles and its backup are unaffected.
#[test]
fn a_village_refuses_the_townships_own_records_and_its_own_bundles_and_backup_still_go() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut a, _b, mut t) = trio(tmp.path());
    let notice = add_demand(&mut t, 1);
    let before = observable(&a);
    match a.import_file(&export(&t, &tmp.path().join("1.gridlog"), None), ImportOptions::default()) {
        Err(AppError::Refused { why, .. }) => {
            assert!(matches!(*why, Refusal::NotForThisStore { .. }), "{why:?}");
        }
        other => panic!("a township's own record was not refused: {other:?}"),
    }
    assert_eq!(observable(&a), before);
    assert!(!listed(&a).contains(&notice));
    let mine = add_demand(&mut a, 2);
    import(&t, &export(&a, &tmp.path().join("2.gridlog"), None));
    assert!(listed(&t).contains(&mine), "the village's own record reached the township");
    // a full backup restores into a new store of the village, with the village's records
    let backup = tmp.path().join("backup.gridlog");
    a.export(&ExportSpec { out: backup.clone(), all: true, ..Default::default() }, &|_, _| true).unwrap();
    let fresh = init(&tmp.path().join("fresh"), VILLAGE_A, fixed_now);
    fresh.import_file(&backup, ImportOptions { dry_run: false, trust_new: true }).unwrap();
    let own: Vec<EntityId> = listed(&a).into_iter().filter(|id| id.device == device(&a)).collect();
    assert_eq!(listed(&fresh), own);
    for id in own {
        assert_eq!(format!("{:?}", fresh.show(id).unwrap()), format!("{:?}", a.show(id).unwrap()), "record {id}");
    }
    assert_healthy(&fresh, "the restored store");
}
