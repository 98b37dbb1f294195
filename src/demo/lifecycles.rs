//! How a case's life is played out over the year: a demand is assigned, answered and followed
//! up; a dispute mediated, agreed and performed; a hazard rectified and reviewed. A life stops
//! at `today`: old cases are mostly finished, recent ones still open, a few stuck (overdue).

use chrono::NaiveDate;
use serde_json::{Value, json};

use super::rng::Rng;
use super::templates::{DemandTpl, DisputeTpl, HazardTpl, assignee, fill};
use super::texts::*;
use super::{DemoAction, plus, ymd};

/// Collects a record's actions; a step later than `today` has not happened yet and ends it.
pub(super) struct Life {
    today: NaiveDate,
    /// The grid worker who handles the case.
    worker: &'static str,
    last: NaiveDate,
    pub(super) acts: Vec<DemoAction>,
}

impl Life {
    pub(super) fn new(today: NaiveDate, worker: &'static str, start: NaiveDate) -> Self {
        Life { today, worker, last: start, acts: Vec::new() }
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

pub(super) struct DemandCase {
    pub(super) tpl: &'static DemandTpl,
    pub(super) urgent: bool,
}

/// Assigns (maybe escalates) and replies. `round` 0 is the first handling, later rounds follow
/// a reopening or escalation.
fn demand_handle(r: &mut Rng, l: &mut Life, level: &mut usize, case: &DemandCase, round: u8) -> Option<()> {
    let d = if case.urgent { l.last } else { l.later(r, 0, 1) };
    if round == 0 {
        *level = (*level).max([0, 0, 0, 0, 0, 1, 1, 1, 2, 2][r.below(10) as usize]);
    }
    let mut assign = json!({ "level": LEVELS[*level], "assignee": assignee(r, l.worker, *level) });
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
            l.push("assign", d, json!({ "level": LEVELS[*level], "assignee": assignee(r, l.worker, *level) }))?;
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

pub(super) fn demand_flow(r: &mut Rng, l: &mut Life, case: &DemandCase) -> Option<()> {
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
        let sat = *r.choose(&[(700, "SATISFIED"), (190, "BASIC"), (70, "UNSATISFIED"), (40, "UNREACHABLE")]);
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

pub(super) fn dispute_flow(
    r: &mut Rng,
    l: &mut Life,
    tpl: &DisputeTpl,
    red: bool,
    mediators: &[&'static str],
) -> Option<()> {
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
    let sessions = *r.choose(&[(100, 0u64), (500, 1), (280, 2), (120, 3)]);
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
                    *r.choose(&[(880, "DONE"), (80, "PARTIAL"), (40, "DEFAULTED")])
                } else if r.chance(300) {
                    "DONE"
                } else {
                    "PENDING"
                };
                let sat = match perf {
                    "DEFAULTED" => "UNSATISFIED",
                    "DONE" => *r.choose(&[(800, "SATISFIED"), (200, "BASIC")]),
                    _ => *r.choose(&[(600, "SATISFIED"), (250, "BASIC"), (150, "UNSATISFIED")]),
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

pub(super) struct HazardCase {
    pub(super) tpl: &'static HazardTpl,
    pub(super) major: bool,
    pub(super) responsible: String,
    pub(super) phone: Option<String>,
}

pub(super) fn hazard_flow(r: &mut Rng, l: &mut Life, h: &HazardCase) -> Option<()> {
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
        let reviewer = if h.major || r.chance(500) { r.pick(REVIEWERS) } else { l.worker };
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
