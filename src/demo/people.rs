//! The village's people: households and their members (names, ages, ID numbers, phones, tags),
//! each household a pure function of `(seed, household number, today)`.

use chrono::{Datelike, Days, NaiveDate};

use super::DEMO_DIVISION;
use super::rng::{Rng, mix};
use super::texts::*;
use crate::domain::check::id_check_char;

pub(super) fn surname(r: &mut Rng) -> &'static str {
    match r.below(100) {
        0..=24 => r.pick(VILLAGE_SURNAMES),
        25..=30 => r.pick(POLYPHONIC_SURNAMES),
        _ => r.pick(SURNAMES),
    }
}

pub(super) fn given(r: &mut Rng, male: bool, age: u64) -> &'static str {
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

pub(super) fn mobile(r: &mut Rng) -> String {
    format!("{}{:08}", r.pick(MOBILE_PREFIXES), r.below(100_000_000))
}

/// A valid ID number of someone born on `birth` in this county; the 17th digit is odd for men.
fn id_number(r: &mut Rng, birth: NaiveDate, male: bool) -> String {
    let order = r.below(100) * 10 + r.below(5) * 2 + u64::from(male);
    let mut s = format!("{}{:04}{:02}{:02}{:03}", &DEMO_DIVISION[..6], birth.year(), birth.month(), birth.day(), order);
    let check = id_check_char(s.as_bytes());
    s.push(check);
    s
}

#[derive(Clone, Copy, PartialEq)]
pub(super) enum Role {
    Head,
    Spouse,
    Parent,
    Child,
}

pub(super) struct Member {
    pub(super) name: String,
    pub(super) male: bool,
    pub(super) role: Role,
    pub(super) tags: u16,
    pub(super) id_number: Option<String>,
    pub(super) phone: Option<String>,
}

/// Everything about one household, re-derivable from `(seed, h, today)`.
pub(super) struct Household {
    group: usize,
    number: u64,
    pub(super) members: Vec<Member>,
}

impl Household {
    pub(super) fn address(&self) -> String {
        format!("{}{}号", GROUPS[self.group], self.number)
    }
    pub(super) fn tags(&self) -> u16 {
        self.members.iter().fold(0, |t, m| t | m.tags)
    }
}

/// The `h`-th household (0-based) of the village.
pub(super) fn household_plan(seed: u64, h: usize, today: NaiveDate) -> Household {
    let mut r = Rng::new(mix(seed ^ 0x4855_5348, h as u64));
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
