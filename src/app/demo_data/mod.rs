//! Deterministic demo data for one village (same seed, same today → same data).
//!
//! `generate` streams records in the JSON input form of `gridlog add KIND`, each with the
//! lifecycle actions that later happened to it. The stream is built for a million records on a
//! small machine: it keeps one `u32` per household (its record index, ~0.6 bytes per record),
//! the household whose members are being written, and two small rings of recent visits and
//! cases. Everything about a household and its members (names, ages, ID numbers, phones, tags)
//! is a pure function of `(seed, household number, today)`, so a later dispute or hazard can name
//! a resident again without the generator remembering them.
//!
//! Time runs over the 365 days before `today`: record `i` of `n` belongs to day
//! `today - 365 + 365·i/(n-1)`, so dates rise with `i`. Lifecycles stop at `today`: old cases
//! are mostly finished, recent ones are still open, and a few percent are stuck (overdue).
//! The registry (households and their members) is entered mostly early on: about 90% of the
//! records at the start, 20% at the end, 55% overall.
//!
//! The pseudo-random numbers come from a SplitMix64 written here, so the data never changes
//! with a dependency's version.

use std::fmt::Write as _;

use chrono::{Datelike, Days, NaiveDate};
use serde_json::{Map, Value, json};

/// The place the demo store belongs to.
pub const DEMO_PLACE: &str = "青石村";
/// 浙江省湖州市安吉县, a 镇 (105), a 村委会 (214).
pub const DEMO_DIVISION: &str = "330523105214";
/// The grid worker the demo store is initialised with.
pub const DEMO_WORKER: &str = "李秀英";
/// The worker's grid.
pub const DEMO_GRID: &str = "第一网格";

/// One record in the JSON input form of `gridlog add KIND`, with its later lifecycle actions.
pub struct DemoRecord {
    /// "household" | "person" | "visit" | "demand" | "dispute" | "hazard"
    pub kind: &'static str,
    /// The JSON object `gridlog add KIND` would read (see docs/SCHEMA.md).
    pub fields: Value,
    /// Lifecycle actions in order, as `gridlog act ID ACTION` would read them.
    pub actions: Vec<DemoAction>,
}

/// One lifecycle action of a [`DemoRecord`].
pub struct DemoAction {
    /// The action name, e.g. "assign", "session", "rectify".
    pub action: &'static str,
    /// The JSON object `gridlog act ID ACTION` would read (`{}` when it has no fields).
    pub payload: Value,
    /// The day the action happened (used for event timestamps); never after `today`.
    pub on: NaiveDate,
}

/// Streams `records` records. `id_of(i)` is the id that the i-th record (0-based, in the order
/// this iterator yields them) will get; use it for references (household, person, visit ids).
/// Every reference points to an EARLIER record of the right kind.
pub fn generate(
    seed: u64,
    records: usize,
    today: NaiveDate,
    id_of: Box<dyn Fn(usize) -> String>,
) -> impl Iterator<Item = DemoRecord> {
    Generator {
        seed,
        records,
        today,
        start: today - Days::new(365),
        id_of,
        rng: Rng(mix(seed, 0x00C0_FFEE)),
        next: 0,
        households: Vec::new(),
        block: None,
        visits: Ring::new(),
        cases: Ring::new(),
    }
}

// ---------------------------------------------------------------------------------------------
// Random numbers

/// SplitMix64 (Steele, Lea, Flood 2014).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in `0..n` (`n` > 0).
    fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next()) * u128::from(n)) >> 64) as u64
    }
    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.below(hi - lo + 1)
    }
    /// True with probability `per_mille`/1000.
    fn chance(&mut self, per_mille: u64) -> bool {
        self.below(1000) < per_mille
    }
    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len() as u64) as usize]
    }
    /// An index into `weights`, drawn in proportion to the weights.
    fn weighted(&mut self, weights: &[u32]) -> usize {
        let total: u64 = weights.iter().map(|w| u64::from(*w)).sum();
        let mut x = self.below(total);
        for (i, w) in weights.iter().enumerate() {
            let w = u64::from(*w);
            if x < w {
                return i;
            }
            x -= w;
        }
        weights.len() - 1
    }
}

fn mix(a: u64, b: u64) -> u64 {
    Rng(a ^ b.wrapping_mul(0xD6E8_FEB8_6659_FD93)).next()
}

/// Weighted choice from `(weight, item)` pairs.
fn choose<'a, T>(r: &mut Rng, items: &'a [(u32, T)]) -> &'a T {
    let total: u64 = items.iter().map(|(w, _)| u64::from(*w)).sum();
    let mut x = r.below(total);
    for (w, item) in items {
        let w = u64::from(*w);
        if x < w {
            return item;
        }
        x -= w;
    }
    &items[items.len() - 1].1
}

// ---------------------------------------------------------------------------------------------
// Small helpers

fn ymd(d: NaiveDate) -> Value {
    Value::String(format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day()))
}

fn plus(d: NaiveDate, days: u64) -> NaiveDate {
    d + Days::new(days)
}

/// Fills `{A}` `{B}` (party names), `{g}` (a group, e.g. 三组) and `{M}` (an amount in yuan).
fn fill(template: &str, a: &str, b: &str, g: &str, m: u64) -> String {
    let mut out = String::with_capacity(template.len() + 24);
    let mut rest = template;
    while let Some(p) = rest.find('{') {
        out.push_str(&rest[..p]);
        let tail = &rest[p..];
        match tail.as_bytes().get(1) {
            Some(b'A') => out.push_str(a),
            Some(b'B') => out.push_str(b),
            Some(b'g') => out.push_str(g),
            Some(b'M') => {
                let _ = write!(out, "{m}");
            }
            _ => {
                out.push('{');
                rest = &tail[1..];
                continue;
            }
        }
        rest = &tail[3..];
    }
    out.push_str(rest);
    out
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

// ---------------------------------------------------------------------------------------------
// Names, places, numbers

fn surname(r: &mut Rng) -> &'static str {
    match r.below(100) {
        0..=24 => r.pick(VILLAGE_SURNAMES),
        25..=30 => r.pick(POLYPHONIC_SURNAMES),
        _ => r.pick(SURNAMES),
    }
}

fn given(r: &mut Rng, male: bool, age: u64) -> &'static str {
    let pool = match (male, age) {
        (true, 60..) => OLD_M,
        (false, 60..) => OLD_F,
        (true, 25..) => MID_M,
        (false, 25..) => MID_F,
        (true, _) => YOUNG_M,
        (false, _) => YOUNG_F,
    };
    r.pick(pool)
}

fn mobile(r: &mut Rng) -> String {
    format!("{}{:08}", r.pick(MOBILE_PREFIXES), r.below(100_000_000))
}

/// The ISO 7064 MOD 11-2 check character of an ID number's first 17 digits.
fn id_check_char(first17: &[u8]) -> char {
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = first17.iter().zip(WEIGHTS).map(|(d, w)| u32::from(d - b'0') * w).sum();
    char::from(b"10X98765432"[(sum % 11) as usize])
}

/// A valid ID number of someone born on `birth` in this county; the 17th digit is odd for men.
fn id_number(r: &mut Rng, birth: NaiveDate, male: bool) -> String {
    let order = r.below(100) * 10 + r.below(5) * 2 + u64::from(male);
    let mut s = format!("{}{:04}{:02}{:02}{:03}", &DEMO_DIVISION[..6], birth.year(), birth.month(), birth.day(), order);
    let check = id_check_char(s.as_bytes());
    s.push(check);
    s
}

// ---------------------------------------------------------------------------------------------
// Households and their members

#[derive(Clone, Copy, PartialEq)]
enum Role {
    Head,
    Spouse,
    Parent,
    Child,
}

struct Member {
    name: String,
    male: bool,
    role: Role,
    tags: u16,
    id_number: Option<String>,
    phone: Option<String>,
}

/// Everything about one household, re-derivable from `(seed, h, today)`.
struct Household {
    group: usize,
    number: u64,
    members: Vec<Member>,
}

impl Household {
    fn address(&self) -> String {
        format!("{}{}号", GROUPS[self.group], self.number)
    }
    fn tags(&self) -> u16 {
        self.members.iter().fold(0, |t, m| t | m.tags)
    }
}

/// The `h`-th household (0-based) of the village.
fn household_plan(seed: u64, h: usize, today: NaiveDate) -> Household {
    let mut r = Rng(mix(seed ^ 0x4855_5348, h as u64));
    let group = r.below(GROUPS.len() as u64) as usize;
    // House numbers stay small in a village-sized demo and spread out in a stress test.
    let number = r.range(1, 98.max(h as u64 / 10));
    let dotted = h == 9 || r.chance(4);
    // The first households carry the names the search demo needs: 张三, 曾刚, 单…, 解….
    let family = match h {
        0 => "张",
        1 => "曾",
        2 => "单",
        3 => "解",
        _ => surname(&mut r),
    };
    // (role, male, age, takes the family surname)
    let mut specs: Vec<(Role, bool, u64, bool)> = Vec::with_capacity(6);
    let shape = if h < 4 { 3 } else { r.weighted(&[150, 200, 150, 280, 120, 100]) };
    let add_kids = |r: &mut Rng, specs: &mut Vec<(Role, bool, u64, bool)>, n: u64, lo: u64, hi: u64| {
        for _ in 0..n {
            specs.push((Role::Child, r.chance(520), r.range(lo, hi), true));
        }
    };
    match shape {
        // 独居老人
        0 => specs.push((Role::Head, r.chance(400), r.range(66, 92), false)),
        // 老年夫妇
        1 => {
            let a = r.range(62, 85);
            specs.push((Role::Head, true, a, true));
            specs.push((Role::Spouse, false, (a + r.range(0, 7)).saturating_sub(6).max(58), false));
        }
        // 夫妻
        2 => {
            let a = r.range(26, 58);
            specs.push((Role::Head, true, a, true));
            specs.push((Role::Spouse, false, (a + r.range(0, 7)).saturating_sub(5).max(22), false));
        }
        // 夫妻和子女
        3 => {
            let a = r.range(30, 52);
            specs.push((Role::Head, true, a, true));
            specs.push((Role::Spouse, false, (a + r.range(0, 7)).saturating_sub(5).max(24), false));
            let n = r.range(1, 2);
            add_kids(&mut r, &mut specs, n, 0, (a - 22).min(22));
        }
        // 三代同堂
        4 => {
            let a = r.range(30, 50);
            specs.push((Role::Head, true, a, true));
            specs.push((Role::Spouse, false, (a + r.range(0, 7)).saturating_sub(5).max(24), false));
            let f = a + r.range(22, 32);
            specs.push((Role::Parent, true, f, true));
            if r.chance(700) {
                specs.push((Role::Parent, false, (f + r.range(0, 6)).saturating_sub(4), false));
            }
            let n = r.range(1, 2);
            add_kids(&mut r, &mut specs, n, 0, (a - 22).min(16));
        }
        // 祖孙留守
        _ => {
            let a = r.range(58, 76);
            if r.chance(750) {
                specs.push((Role::Head, true, a, true));
                specs.push((Role::Spouse, false, (a + r.range(0, 6)).saturating_sub(4), false));
            } else {
                specs.push((Role::Head, false, a, false));
            }
            let n = r.range(1, 2);
            add_kids(&mut r, &mut specs, n, 3, 15);
        }
    }

    let household_dibao = r.chance(40);
    let empty_nest = shape == 1 && r.chance(500);
    let mut members = Vec::with_capacity(specs.len());
    for (k, &(role, male, age, same)) in specs.iter().enumerate() {
        let name = if dotted {
            r.pick(if male { DOT_M } else { DOT_F }).to_string()
        } else if h == 0 && k == 0 {
            "张三".to_string()
        } else if h == 1 && k == 0 {
            "曾刚".to_string()
        } else {
            let s = if same { family } else { surname(&mut r) };
            let g = given(&mut r, male, age);
            let mut n = String::with_capacity(s.len() + g.len());
            n.push_str(s);
            n.push_str(g);
            n
        };
        let mut tags = 0u16;
        if shape == 0 || empty_nest {
            tags |= ELDERLY_ALONE;
        }
        if shape == 0 && r.chance(100) {
            tags |= TEKUN;
        }
        if household_dibao && k == 0 && tags & TEKUN == 0 {
            tags |= DIBAO;
        }
        let parents_away = match shape {
            5 => 750,
            4 => 300,
            _ => 40,
        };
        if role == Role::Child && age < 16 && r.chance(parents_away) {
            tags |= LEFT_BEHIND_CHILD;
        }
        if r.chance(25) {
            tags |= DISABLED;
        }
        if male && (40..=85).contains(&age) && r.chance(50) {
            tags |= VETERAN;
        }
        if (22..60).contains(&age) {
            match r.below(1000) {
                0..=3 if male => tags |= CORRECTION,
                4..=7 if male => tags |= RELEASED,
                8..=10 => tags |= SMI,
                11 => tags |= DRUG,
                _ => {}
            }
        }
        if r.chance(5) {
            tags |= OTHER_TAG;
        }
        let id = if r.chance(500) {
            let days = age * 365 + age / 4 + r.range(1, 360);
            Some(id_number(&mut r, today - Days::new(days), male))
        } else {
            None
        };
        let phone = match age {
            0..=13 => None,
            14..=17 => r.chance(300).then(|| mobile(&mut r)),
            18..=70 => r.chance(880).then(|| mobile(&mut r)),
            _ => match r.below(100) {
                0..=34 => Some(mobile(&mut r)),
                35..=49 => Some(format!("0572-5{:06}", r.below(1_000_000))),
                _ => None,
            },
        };
        members.push(Member { name, male, role, tags, id_number: id, phone });
    }
    Household { group, number, members }
}

// ---------------------------------------------------------------------------------------------
// Text pools

/// Focus-visit notes by tag bit (index into `TAG_CODES`).
fn focus_note(r: &mut Rng, tag_bit: u32) -> &'static str {
    let pool: &[&str] = match tag_bit {
        0 => &[
            "看望独居老人，了解饮食起居和用药情况，检查用火用电安全",
            "老人身体状况尚可，叮嘱天冷注意保暖，留下网格员联系卡",
            "帮助老人预约家庭医生上门体检",
        ],
        1 => &[
            "走访留守儿童家庭，了解孩子学习和心理状况，与在外务工父母视频沟通",
            "了解孩子假期安排，提醒监护人注意防溺水",
        ],
        2 | 3 => &["了解救助金发放和家庭收支情况，宣传医疗救助政策", "核实家庭收入变化情况，做好动态管理"],
        4 => &["了解残疾人两项补贴落实和康复需求", "帮助联系辅具适配，了解出行困难"],
        5 => &["走访退役军人，了解生活情况，宣传优待政策", "为退役军人家庭更新光荣牌信息"],
        6 | 7 => &["按要求开展走访，了解近期生活和就业情况，情况稳定", "了解思想动态，协助联系就业岗位"],
        8 => &["会同村医走访，了解服药情况，监护人落实看护责任", "患者病情稳定，提醒监护人按时取药"],
        9 => &["配合社区戒毒康复工作开展走访，情况稳定"],
        _ => &["了解家庭特殊困难，做好记录"],
    };
    r.pick(pool)
}

#[derive(Clone, Copy)]
enum CaseKind {
    Demand,
    Dispute,
    Hazard,
}

fn followup_note(r: &mut Rng, k: CaseKind) -> &'static str {
    let pool: &[&str] = match k {
        CaseKind::Demand => &["回访此前反映的诉求，了解办理结果，群众表示认可", "回访诉求办理情况，问题已基本解决"],
        CaseKind::Dispute => &["回访调解协议履行情况，双方关系缓和", "回访纠纷当事人，情绪稳定，未见反复"],
        CaseKind::Hazard => &["复查隐患整改情况，整改措施已落实", "回访隐患整改进度，提醒按期完成"],
    };
    r.pick(pool)
}

struct DemandTpl {
    kind: &'static str,
    domain: &'static str,
    content: &'static str,
    reply: &'static str,
    result: &'static str,
    urgent: bool,
}

macro_rules! demand {
    ($w:literal, $kind:literal, $domain:literal, $content:literal, $reply:literal, $result:literal) => {
        (
            $w,
            DemandTpl {
                kind: $kind,
                domain: $domain,
                content: $content,
                reply: $reply,
                result: $result,
                urgent: false,
            },
        )
    };
    ($w:literal, $kind:literal, $domain:literal, $content:literal, $reply:literal, $result:literal, urgent) => {
        (
            $w,
            DemandTpl { kind: $kind, domain: $domain, content: $content, reply: $reply, result: $result, urgent: true },
        )
    };
}

fn assignee(r: &mut Rng, level: usize) -> &'static str {
    let pool: &[&str] = match level {
        0 => &[DEMO_WORKER],
        1 => &["村委会潘建国", "村民政专干吴丽", "村委委员陈海军"],
        2 => &["镇社会治理中心", "镇民政办", "镇农业农村办", "镇综合行政执法队"],
        _ => &["县信访局", "县住建局", "县人社局"],
    };
    r.pick(pool)
}

struct DisputeTpl {
    category: &'static str,
    /// 0: two households; 1: wife against husband; 2: old parent against the son's family.
    family: u8,
    /// A respondent that is not a resident (an organisation), or "".
    org: &'static str,
    facts: &'static str,
    claims: &'static str,
    terms: &'static str,
    method: &'static str,
    /// Amount range in yuan, (0, 0) when no money changes hands.
    yuan: (u64, u64),
}

macro_rules! dispute {
    ($w:literal, $cat:literal, $fam:literal, $org:literal, $facts:literal, $claims:literal, $terms:literal, $method:literal, $lo:literal, $hi:literal) => {
        (
            $w,
            DisputeTpl {
                category: $cat,
                family: $fam,
                org: $org,
                facts: $facts,
                claims: $claims,
                terms: $terms,
                method: $method,
                yuan: ($lo, $hi),
            },
        )
    };
}

struct HazardTpl {
    category: &'static str,
    owner: &'static str,
    /// For HOUSEHOLD: the part of the house; otherwise the place, with `{g}` for a group.
    spot: &'static str,
    description: &'static str,
    measures: &'static str,
    interim: &'static str,
    /// Chance (per mille) that it is MAJOR. HOUSING goes by the house rating instead: non-zero
    /// marks a dangerous house (rated C or D, MAJOR when D), zero a house needing repair (B or C).
    major: u64,
    /// May be put right on the spot (GENERAL only).
    quick: bool,
}

macro_rules! hazard {
    ($w:literal, $cat:literal, $owner:literal, $spot:literal, $desc:literal, $measures:literal, $interim:literal, $major:literal, $quick:literal) => {
        (
            $w,
            HazardTpl {
                category: $cat,
                owner: $owner,
                spot: $spot,
                description: $desc,
                measures: $measures,
                interim: $interim,
                major: $major,
                quick: $quick,
            },
        )
    };
}

// ---------------------------------------------------------------------------------------------
// Lifecycles

/// Collects a record's actions; a step later than `today` has not happened yet and ends it.
struct Life {
    today: NaiveDate,
    last: NaiveDate,
    acts: Vec<DemoAction>,
}

impl Life {
    fn new(today: NaiveDate, start: NaiveDate) -> Self {
        Life { today, last: start, acts: Vec::new() }
    }
    /// A day `lo..=hi` days after the last step.
    fn later(&self, r: &mut Rng, lo: u64, hi: u64) -> NaiveDate {
        plus(self.last, r.range(lo, hi))
    }
    fn push(&mut self, action: &'static str, on: NaiveDate, payload: Value) -> Option<()> {
        if on > self.today {
            return None;
        }
        self.last = self.last.max(on);
        self.acts.push(DemoAction { action, payload, on });
        Some(())
    }
}

struct DemandCase {
    tpl: &'static DemandTpl,
    urgent: bool,
}

/// Assigns (maybe escalates) and replies. `round` 0 is the first handling, later rounds follow
/// a reopening or escalation.
fn demand_handle(r: &mut Rng, l: &mut Life, level: &mut usize, case: &DemandCase, round: u8) -> Option<()> {
    let d = if case.urgent { l.last } else { l.later(r, 0, 1) };
    if round == 0 {
        *level = (*level).max([0, 0, 0, 0, 0, 1, 1, 1, 2, 2][r.below(10) as usize]);
    }
    let mut assign = json!({ "level": LEVELS[*level], "assignee": assignee(r, *level) });
    if *level >= 2 {
        assign["due_on"] = ymd(plus(d, 15));
    }
    l.push("assign", d, assign)?;
    if round == 0 {
        if r.chance(20) {
            return None; // still IN_PROGRESS: overdue once past due_on
        }
        if *level < 3 && r.chance(30) {
            let d = l.later(r, 1, 4);
            l.push("escalate", d, json!({ "reason": r.pick(DEMAND_ESCALATE) }))?;
            *level += 1;
            if r.chance(250) {
                return None; // still ESCALATED
            }
            let d = l.later(r, 0, 2);
            l.push("assign", d, json!({ "level": LEVELS[*level], "assignee": assignee(r, *level) }))?;
        }
    }
    let hi = match case.tpl.kind {
        "INQUIRY" | "HELP" => 3,
        _ => 12,
    } + if *level >= 2 { 6 } else { 0 };
    // Not on the day of receipt unless urgent: a same-day reply belongs to the on-the-spot path.
    let d = l.later(r, if case.urgent { 0 } else { 1 }, hi);
    let (reply, result) =
        if round == 0 { (case.tpl.reply, case.tpl.result) } else { (r.pick(SECOND_REPLIES), "RESOLVED") };
    l.push("reply", d, json!({ "reply": reply, "replied_on": ymd(d), "result": result }))
}

fn demand_flow(r: &mut Rng, l: &mut Life, case: &DemandCase) -> Option<()> {
    if r.chance(20) {
        return None; // never handled: overdue once past due_on
    }
    let received = l.last;
    let mut level = 0usize;
    let on_spot = !case.urgent
        && r.chance(match case.tpl.kind {
            "INQUIRY" => 450,
            "HELP" => 120,
            _ => 30,
        });
    if on_spot {
        let reply = json!({ "reply": case.tpl.reply, "replied_on": ymd(received), "result": case.tpl.result });
        l.push("reply", received, reply)?;
        if r.chance(80) {
            return None; // answered on the spot, follow-up still to come
        }
    } else {
        demand_handle(r, l, &mut level, case, 0)?;
    }
    let mut round = 0u8;
    loop {
        let d = l.later(r, 1, 7);
        let sat = *choose(r, &[(700, "SATISFIED"), (190, "BASIC"), (70, "UNSATISFIED"), (40, "UNREACHABLE")]);
        l.push("followup", d, json!({ "date": ymd(d), "satisfaction": sat }))?;
        match sat {
            "UNREACHABLE" => {
                let d = l.later(r, 2, 5);
                let again = if r.chance(500) { "UNREACHABLE" } else { "SATISFIED" };
                l.push("followup", d, json!({ "date": ymd(d), "satisfaction": again }))?;
                break;
            }
            "UNSATISFIED" if round < 2 => {
                round += 1;
                let d = l.later(r, 0, 2);
                if level < 3 && r.chance(400) {
                    l.push("escalate", d, json!({ "reason": DEMAND_UNSATISFIED_ESCALATE }))?;
                    level += 1;
                    if r.chance(200) {
                        return None;
                    }
                } else {
                    l.push("reopen", d, json!({ "reason": r.pick(DEMAND_REOPEN) }))?;
                    if r.chance(100) {
                        return None;
                    }
                }
                demand_handle(r, l, &mut level, case, round)?;
            }
            "UNSATISFIED" => return None,
            _ => break,
        }
    }
    if r.chance(20) {
        return None; // followed up, not yet closed
    }
    let d = l.later(r, 0, 2);
    l.push("close", d, json!({}))
}

fn dispute_flow(r: &mut Rng, l: &mut Life, tpl: &DisputeTpl, red: bool, mediators: &[&'static str]) -> Option<()> {
    if r.chance(15) {
        return None; // registered, nothing done yet
    }
    let mut escalated = false;
    if red {
        if r.chance(450) {
            let d = l.later(r, 0, 1);
            return l.push("refer", d, json!({ "to": POLICE_REFERRAL.0, "reason": POLICE_REFERRAL.1 }));
        }
        if r.chance(600) {
            l.push("escalate", l.last, json!({ "reason": RED_ESCALATE }))?;
            escalated = true;
        }
    }
    let sessions = *choose(r, &[(100, 0u64), (500, 1), (280, 2), (120, 3)]);
    for k in 0..sessions {
        let d = if k == 0 { l.later(r, 0, 4) } else { l.later(r, 3, 12) };
        let mut s = json!({ "date": ymd(d), "notes": r.pick(SESSION_NOTES) });
        if r.chance(500) {
            s["mediator"] = json!(r.pick(mediators));
        }
        l.push("session", d, s)?;
        if r.chance(100) {
            let d = l.later(r, 1, 4);
            l.push("note", d, json!({ "text": r.pick(DISPUTE_NOTES) }))?;
        }
        if r.chance(25) {
            return None; // still MEDIATING: overdue a month after receipt
        }
        if !escalated && k == 0 && r.chance(25) {
            let d = l.later(r, 0, 3);
            l.push("escalate", d, json!({ "reason": r.pick(DISPUTE_ESCALATE) }))?;
            escalated = true;
            if r.chance(300) {
                return None; // still ESCALATED
            }
        }
    }
    match r.weighted(&[780, 120, 100]) {
        0 => {
            let eff = l.later(r, 0, 3);
            let deadline = plus(eff, r.range(0, 45));
            let written = r.chance(700);
            let m = if tpl.yuan.1 > 0 { r.range(tpl.yuan.0 / 100, tpl.yuan.1 / 100) * 100 } else { 0 };
            // Party names are not repeated in the terms: they are in `parties`.
            let mut a = json!({
                "form": if written { "WRITTEN" } else { "ORAL" },
                "terms": fill(tpl.terms, "申请人", "被申请人", "", m),
                "performance_method": tpl.method,
                "performance_deadline": ymd(deadline),
                "effective_on": ymd(eff),
            });
            if m > 0 {
                a["amount_fen"] = json!(m * 100);
            }
            if r.chance(600) {
                a["performance_place"] = json!(r.pick(PLACES));
            }
            l.push("agree", eff, a)?;
            if written && r.chance(150) {
                let d = l.later(r, 1, 20);
                l.push("confirm", d, json!({ "applied_on": ymd(d), "court": COURT }))?;
            }
            for k in 0..3 {
                // The first follow-up comes soon; later ones once the deadline has passed.
                let d = l.later(r, 5, 20);
                let d = if k == 0 { d } else { d.max(plus(deadline, r.range(0, 5))) };
                let perf = if d >= deadline {
                    *choose(r, &[(880, "DONE"), (80, "PARTIAL"), (40, "DEFAULTED")])
                } else if r.chance(300) {
                    "DONE"
                } else {
                    "PENDING"
                };
                let sat = match perf {
                    "DEFAULTED" => "UNSATISFIED",
                    "DONE" => *choose(r, &[(800, "SATISFIED"), (200, "BASIC")]),
                    _ => *choose(r, &[(600, "SATISFIED"), (250, "BASIC"), (150, "UNSATISFIED")]),
                };
                l.push("followup", d, json!({ "date": ymd(d), "performance": perf, "satisfaction": sat }))?;
                match perf {
                    "DONE" => {
                        if r.chance(30) {
                            return None;
                        }
                        let d = l.later(r, 0, 3);
                        return l.push("close", d, json!({}));
                    }
                    "DEFAULTED" => return None,
                    _ => {}
                }
            }
            None
        }
        1 => {
            let d = l.later(r, 0, 5);
            let t = if r.chance(350) {
                json!({ "reason": WITHDRAW_REASON, "withdrawn": true })
            } else {
                json!({ "reason": r.pick(TERMINATE_REASONS) })
            };
            l.push("terminate", d, t)?;
            if r.chance(150) {
                return None;
            }
            let d = l.later(r, 0, 3);
            l.push("close", d, json!({}))
        }
        _ => {
            let d = l.later(r, 0, 3);
            let (to, reason) = if red { POLICE_REFERRAL } else { r.pick(REFERRALS) };
            l.push("refer", d, json!({ "to": to, "reason": reason }))
        }
    }
}

struct HazardCase {
    tpl: &'static HazardTpl,
    major: bool,
    responsible: String,
    phone: Option<String>,
}

fn hazard_flow(r: &mut Rng, l: &mut Life, h: &HazardCase) -> Option<()> {
    let found = l.last;
    if h.major {
        l.push("escalate", found, json!({ "reason": MAJOR_ESCALATE }))?;
    }
    if r.chance(20) {
        return None; // found, nothing done yet
    }
    if !h.major && h.tpl.quick && r.chance(300) {
        return l.push("close", found, json!({})); // put right on the spot
    }
    if !h.major && r.chance(15) {
        let d = l.later(r, 0, 3);
        l.push("escalate", d, json!({ "reason": GENERAL_ESCALATE }))?;
    }
    for attempt in 0..3 {
        let d = l.later(r, 0, 2);
        let span = if h.major { r.range(20, 60) } else { r.range(5, 20) };
        let mut p = json!({ "measures": h.tpl.measures, "deadline": ymd(plus(d, span)) });
        if h.major || r.chance(700) {
            p["responsible"] = json!(h.responsible);
            if let Some(phone) = &h.phone {
                p["responsible_phone"] = json!(phone);
            }
        }
        if h.major || r.chance(400) {
            p["interim_control"] = json!(h.tpl.interim);
        }
        l.push("rectify", d, p)?;
        if r.chance(30) {
            return None; // still RECTIFYING: overdue once past the deadline
        }
        let done = if r.chance(100) { l.later(r, span + 1, span + 10) } else { l.later(r, 1, span) };
        let mut c = json!({ "date": ymd(done) });
        if r.chance(600) {
            c["notes"] = json!(r.pick(COMPLETE_NOTES));
        }
        l.push("complete", done, c)?;
        if r.chance(25) {
            return None; // AWAITING_REVIEW
        }
        let d = l.later(r, 1, 7);
        let fail = attempt < 2 && r.chance(if attempt == 0 { 90 } else { 40 });
        let reviewer = if h.major || r.chance(500) { r.pick(REVIEWERS) } else { DEMO_WORKER };
        let notes = if fail { FAIL_NOTE } else { r.pick(PASS_NOTES) };
        let review = json!({ "date": ymd(d), "reviewer": reviewer, "result": if fail { "FAIL" } else { "PASS" }, "notes": notes });
        l.push("review", d, review)?;
        if !fail {
            return Some(());
        }
        if r.chance(100) {
            return None; // REVIEW_FAILED
        }
    }
    Some(())
}

// ---------------------------------------------------------------------------------------------
// The generator

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
            f["visitor"] = json!(format!("{DEMO_WORKER}、{colleague}"));
        }
        if let Some(c) = linked {
            f["links"] = json!([(self.id_of)(c.record as usize)]);
        }
        self.visits.push(RecentVisit { record: i as u32, household: h as u32, date });
        Self::record("visit", f, Vec::new())
    }

    fn demand(&mut self, i: usize) -> DemoRecord {
        let tpl = choose(&mut self.rng, DEMANDS);
        let channel = *choose(
            &mut self.rng,
            &[(35, "VISIT"), (20, "PHONE"), (20, "WALK_IN"), (10, "HOTLINE_12345"), (5, "ASSIGNED"), (10, "PATROL")],
        );
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
        let mut life = Life::new(self.today, received);
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
        let mut tpl = choose(&mut self.rng, DISPUTES);
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
        let risk = *choose(&mut self.rng, &[(60, "RED"), (200, "ORANGE"), (740, "YELLOW")]);
        let group = self.rng.pick(GROUPS);
        let mut facts = fill(tpl.facts, &names.0, &names.1, group, 0);
        match risk {
            "RED" => facts.push_str("。双方情绪激动，已发生推搡，存在民转刑风险"),
            "ORANGE" => facts.push_str("，矛盾有激化苗头"),
            _ => {}
        }
        let m = if tpl.yuan.1 > 0 { self.rng.range(tpl.yuan.0 / 100, tpl.yuan.1 / 100) * 100 } else { 0 };
        let source =
            *choose(&mut self.rng, &[(550, "APPLIED"), (300, "PROACTIVE"), (80, "POLICE"), (30, "COURT"), (40, "GOV")]);
        let mut mediators = vec![DEMO_WORKER];
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
        let mut life = Life::new(self.today, received);
        let _ = dispute_flow(&mut self.rng, &mut life, tpl, risk == "RED", &mediators);
        self.cases.push(RecentCase { record: i as u32, kind: CaseKind::Dispute, household: home });
        Self::record("dispute", f, life.acts)
    }

    fn hazard(&mut self, i: usize) -> DemoRecord {
        let found = self.day_back(i, 2);
        let tpl = choose(&mut self.rng, HAZARDS);
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
            0 => *choose(&mut self.rng, &[(60, "B"), (40, "C")]),
            _ => *choose(&mut self.rng, &[(40, "C"), (60, "D")]),
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
            f["inspector"] = json!(format!("{DEMO_WORKER}、{}", self.rng.pick(REVIEWERS)));
        }
        let case = HazardCase { tpl, major, responsible, phone };
        let mut life = Life::new(self.today, found);
        let _ = hazard_flow(&mut self.rng, &mut life, &case);
        self.cases.push(RecentCase { record: i as u32, kind: CaseKind::Hazard, household: home });
        Self::record("hazard", f, life.acts)
    }
}

// ---------------------------------------------------------------------------------------------

// after the macros the pools are written with
mod texts;
use texts::*;

#[cfg(test)]
mod tests;
