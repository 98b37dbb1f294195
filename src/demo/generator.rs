//! The driver: one stream of records, in the order they are entered over the year, that keeps
//! a `u32` per household and two small rings of recent visits and cases (bounded memory for a
//! million records).

use chrono::{Days, NaiveDate};
use serde_json::{Map, Value, json};

use super::lifecycles::{DemandCase, HazardCase, Life, demand_flow, dispute_flow, hazard_flow};
use super::people::{Household, Role, given, household_plan, mobile, surname};
use super::rng::{Rng, mix};
use super::templates::{CaseKind, fill, focus_note, followup_note};
use super::texts::*;
use super::{DemoAction, DemoRecord, plus, ymd};

/// Members per household, on average (for the registry share).
const MEAN_MEMBERS: f64 = 2.76;

/// The first records are all registry, so that references have something to point to.
const REGISTRY_FIRST: usize = 12;

/// Streams `records` records. `id_of(i)` is the id that the i-th record (0-based, in the order
/// this iterator yields them) will get; use it for references (household, person, visit ids).
/// Every reference points to an EARLIER record of the right kind.
/// `worker` is the grid worker who writes them (visitor, mediator, inspector, reviewer).
pub fn generate(
    seed: u64,
    records: usize,
    today: NaiveDate,
    worker: &'static str,
    id_of: Box<dyn Fn(usize) -> String>,
) -> impl Iterator<Item = DemoRecord> {
    Generator {
        seed,
        worker,
        records,
        today,
        start: today - Days::new(365),
        id_of,
        rng: Rng::new(mix(seed, 0x00C0_FFEE)),
        next: 0,
        households: Vec::new(),
        block: None,
        visits: Ring::new(),
        cases: Ring::new(),
    }
}

/// A fixed-size ring of the most recent entries.
struct Ring<T: Copy> {
    items: Vec<T>,
    pos: usize,
}

impl<T: Copy> Ring<T> {
    const CAP: usize = 48;
    fn new() -> Self {
        Ring { items: Vec::with_capacity(Self::CAP), pos: 0 }
    }
    fn push(&mut self, x: T) {
        if self.items.len() < Self::CAP {
            self.items.push(x);
        } else {
            self.items[self.pos] = x;
            self.pos = (self.pos + 1) % Self::CAP;
        }
    }
    fn pick(&self, r: &mut Rng) -> Option<T> {
        if self.items.is_empty() { None } else { Some(r.pick(&self.items)) }
    }
}

/// The household whose members are being written.
struct Block {
    plan: Household,
    record: usize,
    next_member: usize,
}

#[derive(Clone, Copy)]
struct RecentVisit {
    record: u32,
    household: u32,
    date: NaiveDate,
}

#[derive(Clone, Copy)]
struct RecentCase {
    record: u32,
    kind: CaseKind,
    /// The household concerned, or `u32::MAX`.
    household: u32,
}

struct Generator {
    seed: u64,
    /// The grid worker who writes the records.
    worker: &'static str,
    records: usize,
    today: NaiveDate,
    start: NaiveDate,
    id_of: Box<dyn Fn(usize) -> String>,
    rng: Rng,
    next: usize,
    /// Record index of each household so far.
    households: Vec<u32>,
    block: Option<Block>,
    visits: Ring<RecentVisit>,
    cases: Ring<RecentCase>,
}

impl Iterator for Generator {
    type Item = DemoRecord;

    fn next(&mut self) -> Option<DemoRecord> {
        if self.next >= self.records {
            return None;
        }
        let i = self.next;
        self.next += 1;
        Some(if self.block.is_some() {
            self.person()
        } else if i < REGISTRY_FIRST || self.rng.below(1_000_000) < self.registry_ppm(i) {
            self.household(i)
        } else {
            match self.rng.weighted(&[25, 12, 4, 4]) {
                0 => self.visit(i),
                1 => self.demand(i),
                2 => self.dispute(i),
                _ => self.hazard(i),
            }
        })
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = self.records - self.next;
        (left, Some(left))
    }
}

impl Generator {
    /// The chance (per million) that a new household block starts at record `i`: the registry's
    /// share of records falls from 90% to 20% over the year (55% overall).
    fn registry_ppm(&self, i: usize) -> u64 {
        let t = i as f64 / self.records as f64;
        let share = 0.9 - 0.7 * t;
        let block = 1.0 + MEAN_MEMBERS;
        let p = share / (block * (1.0 - share) + share);
        (p * 1_000_000.0) as u64
    }

    /// The day record `i` belongs to.
    fn day(&self, i: usize) -> NaiveDate {
        let span = self.records.saturating_sub(1).max(1) as u64;
        plus(self.start, i as u64 * 365 / span)
    }

    /// A day up to `back` days before record `i`'s day, not before the year began.
    fn day_back(&mut self, i: usize, back: u64) -> NaiveDate {
        let d = self.day(i) - Days::new(self.rng.range(0, back));
        d.max(self.start)
    }

    fn record(kind: &'static str, fields: Value, actions: Vec<DemoAction>) -> DemoRecord {
        DemoRecord { kind, fields, actions }
    }

    fn plan(&self, h: usize) -> Household {
        household_plan(self.seed, h, self.today)
    }

    /// A random household so far: (household number, its plan).
    fn any_household(&mut self) -> (usize, Household) {
        let h = self.rng.below(self.households.len() as u64) as usize;
        (h, self.plan(h))
    }

    /// The id of member `k` of household `h` (members follow their household record).
    fn member_id(&self, h: usize, k: usize) -> String {
        (self.id_of)(self.households[h] as usize + 1 + k)
    }

    /// An adult of the household who would speak for it: the head, sometimes the spouse.
    fn speaker(&mut self, plan: &Household) -> usize {
        let spouse = plan.members.get(1).is_some_and(|m| m.role == Role::Spouse);
        if spouse && self.rng.chance(350) { 1 } else { 0 }
    }

    fn household(&mut self, i: usize) -> DemoRecord {
        let h = self.households.len();
        let plan = self.plan(h);
        self.households.push(i as u32);
        let fields = json!({ "address": plan.address() });
        self.block = Some(Block { plan, record: i, next_member: 0 });
        Self::record("household", fields, Vec::new())
    }

    fn person(&mut self) -> DemoRecord {
        let Some(block) = self.block.as_mut() else { unreachable!("person() is called inside a block") };
        let k = block.next_member;
        block.next_member += 1;
        let household = block.record;
        let done = block.next_member >= block.plan.members.len();
        let m = &mut block.plan.members[k];
        let mut f = Map::new();
        f.insert("name".into(), Value::String(std::mem::take(&mut m.name)));
        f.insert("gender".into(), json!(if m.male { "M" } else { "F" }));
        if let Some(id) = m.id_number.take() {
            f.insert("id_number".into(), Value::String(id));
        }
        if let Some(phone) = m.phone.take() {
            f.insert("phone".into(), Value::String(phone));
        }
        let tags = m.tags;
        if done {
            self.block = None;
        }
        f.insert("household".into(), Value::String((self.id_of)(household)));
        if tags != 0 {
            let codes: Vec<Value> =
                (0..TAG_CODES.len()).filter(|b| tags & (1 << b) != 0).map(|b| json!(TAG_CODES[b])).collect();
            f.insert("tags".into(), Value::Array(codes));
            if tags & SENSITIVE != 0 {
                let basis: Vec<&str> =
                    (0..TAG_CODES.len()).filter(|b| SENSITIVE & tags & (1 << b) != 0).map(|b| TAG_BASIS[b]).collect();
                f.insert("tag_basis".into(), Value::String(basis.join("；")));
            }
        }
        Self::record("person", Value::Object(f), Vec::new())
    }

    fn visit(&mut self, i: usize) -> DemoRecord {
        let date = self.day(i);
        let linked = if self.rng.chance(100) { self.cases.pick(&mut self.rng) } else { None };
        let (h, plan) = match linked {
            Some(c) if c.household != u32::MAX => (c.household as usize, self.plan(c.household as usize)),
            _ => self.any_household(),
        };
        let focus = plan.tags() & !OTHER_TAG;
        let kind = if linked.is_some() {
            "FOLLOWUP"
        } else if focus != 0 && self.rng.chance(700) {
            "FOCUS"
        } else {
            "ROUTINE"
        };
        let nobody = kind == "ROUTINE" && self.rng.chance(60);
        let mut met = Vec::with_capacity(2);
        if !nobody {
            let first = self.speaker(&plan);
            met.push(json!(self.member_id(h, first)));
            if plan.members.len() > 1 && self.rng.chance(400) {
                let other = self.rng.below(plan.members.len() as u64) as usize;
                if other != first {
                    met.push(json!(self.member_id(h, other)));
                }
            }
        }
        let notes = match (kind, linked) {
            ("FOLLOWUP", Some(c)) => followup_note(&mut self.rng, c.kind),
            ("FOCUS", _) => focus_note(&mut self.rng, focus.trailing_zeros()),
            _ if nobody => NOBODY_HOME,
            _ => self.rng.pick(ROUTINE_NOTES),
        };
        let mut f = json!({
            "date": ymd(date),
            "household": (self.id_of)(self.households[h] as usize),
            "type": kind,
            "met": met,
            "notes": notes,
        });
        if self.rng.chance(120) || focus & SMI != 0 {
            let colleague = if focus & SMI != 0 { "村医陈芳" } else { self.rng.pick(COLLEAGUES) };
            f["visitor"] = json!(format!("{}、{colleague}", self.worker));
        }
        if let Some(c) = linked {
            f["links"] = json!([(self.id_of)(c.record as usize)]);
        }
        self.visits.push(RecentVisit { record: i as u32, household: h as u32, date });
        Self::record("visit", f, Vec::new())
    }

    fn demand(&mut self, i: usize) -> DemoRecord {
        let tpl = self.rng.choose(DEMANDS);
        let channel = *self.rng.choose(&[
            (35, "VISIT"),
            (20, "PHONE"),
            (20, "WALK_IN"),
            (10, "HOTLINE_12345"),
            (5, "ASSIGNED"),
            (10, "PATROL"),
        ]);
        let via_visit = if channel == "VISIT" { self.visits.pick(&mut self.rng) } else { None };
        let channel = if channel == "VISIT" && via_visit.is_none() { "WALK_IN" } else { channel };
        let (received, h) = match via_visit {
            Some(v) => (v.date, Some(v.household as usize)),
            None => {
                let d = self.day_back(i, 2);
                let registered = channel != "HOTLINE_12345" || self.rng.chance(500);
                (
                    d,
                    if registered && self.rng.chance(900) {
                        Some(self.rng.below(self.households.len() as u64) as usize)
                    } else {
                        None
                    },
                )
            }
        };
        let requester = match h {
            Some(h) => {
                let plan = self.plan(h);
                let k = self.speaker(&plan);
                self.member_id(h, k)
            }
            None => {
                let s = surname(&mut self.rng);
                format!("{s}{}", if self.rng.chance(500) { "先生" } else { "女士" })
            }
        };
        let group = self.rng.pick(GROUPS);
        let mut f = json!({
            "received_on": ymd(received),
            "channel": channel,
            "requester": requester,
            "kind": tpl.kind,
            "domain": tpl.domain,
            "content": fill(tpl.content, "", "", group, 0),
        });
        let urgent = tpl.urgent || (tpl.kind == "HELP" && self.rng.chance(40));
        if urgent {
            f["urgent"] = json!(true);
        }
        if let Some(v) = via_visit {
            f["visit"] = json!((self.id_of)(v.record as usize));
        }
        let case = DemandCase { tpl, urgent };
        let mut life = Life::new(self.today, self.worker, received);
        let _ = demand_flow(&mut self.rng, &mut life, &case);
        self.cases.push(RecentCase {
            record: i as u32,
            kind: CaseKind::Demand,
            household: h.map_or(u32::MAX, |h| h as u32),
        });
        Self::record("demand", f, life.acts)
    }

    fn dispute(&mut self, i: usize) -> DemoRecord {
        let received = self.day_back(i, 3);
        let mut tpl = self.rng.choose(DISPUTES);
        let mut parties = Vec::with_capacity(3);
        let mut names = (String::new(), String::new());
        let mut home = u32::MAX;
        if tpl.family != 0 {
            // Both parties from one household: a wife and her husband, or a parent and the son.
            let (h, plan) = self.any_household();
            let (a, b) = if tpl.family == 1 { (1, 0) } else { (2, 0) };
            let fits = match plan.members.get(a) {
                Some(m) if tpl.family == 1 => m.role == Role::Spouse && !m.male && plan.members[0].male,
                Some(m) => m.role == Role::Parent && plan.members[0].male,
                None => false,
            };
            if fits {
                names = (plan.members[a].name.clone(), plan.members[b].name.clone());
                parties.push(json!({ "name": names.0, "role": "APPLICANT", "person": self.member_id(h, a) }));
                parties.push(json!({ "name": names.1, "role": "RESPONDENT", "person": self.member_id(h, b) }));
                home = h as u32;
            } else {
                tpl = &DISPUTES[0].1;
            }
        }
        if parties.is_empty() {
            let (h, plan) = self.any_household();
            let a = self.speaker(&plan);
            names.0 = plan.members[a].name.clone();
            parties.push(json!({ "name": names.0, "role": "APPLICANT", "person": self.member_id(h, a) }));
            home = h as u32;
            if !tpl.org.is_empty() {
                names.1 = tpl.org.to_string();
                parties.push(json!({ "name": names.1, "role": "RESPONDENT" }));
            } else {
                let respondents = if self.rng.chance(100) { 2 } else { 1 };
                for n in 0..respondents {
                    let (h2, plan2) = self.any_household();
                    let name = if h2 != h && !self.rng.chance(100) {
                        let b = self.speaker(&plan2);
                        let name = plan2.members[b].name.clone();
                        parties.push(json!({ "name": name, "role": "RESPONDENT", "person": self.member_id(h2, b) }));
                        name
                    } else {
                        // Not registered in this village.
                        let s = surname(&mut self.rng);
                        let age = self.rng.range(30, 60);
                        let name = format!("{s}{}", given(&mut self.rng, true, age));
                        parties.push(json!({ "name": name, "role": "RESPONDENT" }));
                        name
                    };
                    if n == 0 {
                        names.1 = name;
                    }
                }
            }
        }
        let risk = *self.rng.choose(&[(60, "RED"), (200, "ORANGE"), (740, "YELLOW")]);
        let group = self.rng.pick(GROUPS);
        let mut facts = fill(tpl.facts, &names.0, &names.1, group, 0);
        match risk {
            "RED" => facts.push_str("。双方情绪激动，已发生推搡，存在民转刑风险"),
            "ORANGE" => facts.push_str("，矛盾有激化苗头"),
            _ => {}
        }
        let m = if tpl.yuan.1 > 0 { self.rng.range(tpl.yuan.0 / 100, tpl.yuan.1 / 100) * 100 } else { 0 };
        let source =
            *self.rng.choose(&[(550, "APPLIED"), (300, "PROACTIVE"), (80, "POLICE"), (30, "COURT"), (40, "GOV")]);
        let mut mediators = vec![self.worker];
        if self.rng.chance(500) {
            mediators.push(self.rng.pick(DISPUTE_MEDIATORS));
        }
        let f = json!({
            "received_on": ymd(received),
            "source": source,
            "category": tpl.category,
            "parties": parties,
            "facts": facts,
            "claims": fill(tpl.claims, &names.0, &names.1, group, m),
            "risk": risk,
            "mediators": mediators,
        });
        let mut life = Life::new(self.today, self.worker, received);
        let _ = dispute_flow(&mut self.rng, &mut life, tpl, risk == "RED", &mediators);
        self.cases.push(RecentCase { record: i as u32, kind: CaseKind::Dispute, household: home });
        Self::record("dispute", f, life.acts)
    }

    fn hazard(&mut self, i: usize) -> DemoRecord {
        let found = self.day_back(i, 2);
        let tpl = self.rng.choose(HAZARDS);
        let mut home = u32::MAX;
        let (location, responsible, phone) = match tpl.owner {
            "HOUSEHOLD" => {
                let (h, mut plan) = self.any_household();
                home = h as u32;
                let location = format!("{}{}", plan.address(), tpl.spot);
                let head = &mut plan.members[0];
                let phone = head.phone.take().filter(|p| p.starts_with('1'));
                (location, std::mem::take(&mut head.name), phone)
            }
            "BUSINESS" => {
                let s = surname(&mut self.rng);
                let age = self.rng.range(30, 60);
                let male = self.rng.chance(600);
                let name = format!("{s}{}", given(&mut self.rng, male, age));
                (tpl.spot.to_string(), name, Some(mobile(&mut self.rng)))
            }
            _ => {
                let g = self.rng.pick(GROUPS);
                let phone = self.rng.chance(500).then(|| mobile(&mut self.rng));
                (fill(tpl.spot, "", "", g, 0), self.rng.pick(VILLAGE_CADRES).to_string(), phone)
            }
        };
        let rating = (tpl.category == "HOUSING").then(|| match tpl.major {
            0 => *self.rng.choose(&[(60, "B"), (40, "C")]),
            _ => *self.rng.choose(&[(40, "C"), (60, "D")]),
        });
        let major = match rating {
            Some(r) => r == "D",
            None => self.rng.chance(tpl.major),
        };
        let mut f = json!({
            "found_on": ymd(found),
            "location": location,
            "owner": tpl.owner,
            "category": tpl.category,
            "description": tpl.description,
            "grade": if major { "MAJOR" } else { "GENERAL" },
        });
        if let Some(r) = rating {
            f["house_rating"] = json!(r);
        }
        if self.rng.chance(150) {
            f["inspector"] = json!(format!("{}、{}", self.worker, self.rng.pick(REVIEWERS)));
        }
        let case = HazardCase { tpl, major, responsible, phone };
        let mut life = Life::new(self.today, self.worker, found);
        let _ = hazard_flow(&mut self.rng, &mut life, &case);
        self.cases.push(RecentCase { record: i as u32, kind: CaseKind::Hazard, household: home });
        Self::record("hazard", f, life.acts)
    }
}
