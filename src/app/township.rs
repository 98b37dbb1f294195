//! The township (or county) at work over its villages' bundles (docs/ARCHITECTURE.md,
//! "Township"): one row per village (`villages`), the escalation inbox (`inbox`: 上报 and
//! extension requests, oldest first), and which store may write the level above's actions
//! (`domain::oversight`). A record's village is its creator device's division
//! (`Store::places`); a village's name comes from its bundles (peers) or its key entry.

use std::collections::BTreeMap;

use super::{App, AppError};
use crate::domain::day::add_one_month;
use crate::domain::due::state_of;
use crate::domain::oversight::{self, ABOVE_ONLY, ACTIONS};
use crate::domain::{Day, DeviceId, EntityId, Kind};
use crate::i18n::tr;

/// One village (for a county: one township) as the level above sees it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct VillageRow {
    /// Its division code.
    pub division: String,
    /// Its name, as its bundles or key gave it ("" when unknown).
    pub place: String,
    /// Records held of it (visits, demands, disputes, hazards, households, persons).
    pub records: u64,
    /// Its overdue demands, disputes and hazards (by `domain::due`, approved extensions
    /// applied).
    pub overdue: u64,
    /// Its escalations waiting for an answer from here (the inbox's 上报 rows).
    pub waiting: u64,
    /// Its extension requests waiting for a decision here.
    pub extension_requests: u64,
    /// When its newest bundle was written (its clock, ms), if one arrived.
    pub last_bundle_ms: Option<u64>,
    /// When that bundle was imported here (ms).
    pub last_import_ms: Option<u64>,
    /// It has sent nothing for more than a month: no bundle, or its newest one was written
    /// more than one calendar month before today.
    pub silent: bool,
    /// A county's row (a township): the villages its statistics files give figures for.
    pub villages: u64,
    /// A county's row: the day its newest statistics file's figures were computed for.
    pub as_of: Option<Day>,
}

/// Why a record is in the inbox.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum InboxReason {
    /// A MAJOR hazard (重大隐患).
    MajorHazard,
    /// A RED-risk dispute (红色风险).
    RedDispute,
    /// Escalated by the village (上报).
    Escalated,
    /// The village asks to extend its due date (延期申请).
    ExtensionRequest,
}

impl InboxReason {
    /// Every reason, for column widths.
    pub const ALL: [InboxReason; 4] =
        [InboxReason::MajorHazard, InboxReason::RedDispute, InboxReason::Escalated, InboxReason::ExtensionRequest];

    /// Its name's catalogue key.
    pub fn key(self) -> &'static str {
        match self {
            InboxReason::MajorHazard => "town.inbox.major",
            InboxReason::RedDispute => "town.inbox.red",
            InboxReason::Escalated => "town.inbox.escalated",
            InboxReason::ExtensionRequest => "town.inbox.extension",
        }
    }
}

/// One row of the inbox.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct InboxItem {
    /// The record.
    pub id: EntityId,
    /// Its kind.
    pub kind: Kind,
    /// Why it is here.
    pub reason: InboxReason,
    /// Its village's division code.
    pub division: String,
    /// Its village's name.
    pub place: String,
    /// Its title (the summary's).
    pub title: String,
    /// Since when it has waited: the day of its latest escalation (or request), else its own
    /// date (a MAJOR hazard's found_on, a RED dispute's received_on).
    pub since: Day,
    /// Days waited, today − since.
    pub waited_days: i32,
    /// Its due date now.
    pub due: Option<Day>,
    /// For an extension request: the date asked for.
    pub requested: Option<Day>,
}

/// Whether this store may write `action`: the level above's (`oversight::ABOVE_ONLY`) from a
/// township or county store, a village's answers from a village store. Other actions: yes.
pub fn check_role(role: &str, kind: Kind, action: &str, lang: crate::i18n::Lang) -> Result<(), AppError> {
    if !oversight::applies_to(kind) || !ACTIONS.contains(&action) {
        return Ok(());
    }
    let above = matches!(role, "township" | "county");
    let label = crate::domain::lifecycle::find_action(kind, action)
        .map(|a| if lang == crate::i18n::Lang::Zh { a.zh } else { a.en })
        .unwrap_or(action);
    match (ABOVE_ONLY.contains(&action), above) {
        (true, false) => Err(AppError::Usage(tr(lang, "town.above_only", &[label]))),
        (false, true) => Err(AppError::Usage(tr(lang, "town.village_only", &[label]))),
        _ => Ok(()),
    }
}

/// Each device's row: its village's (for a county: its township's) division code.
type Rows = BTreeMap<DeviceId, String>;
/// Each row's place name ("" when unknown).
type Names = BTreeMap<String, String>;

impl App {
    /// A township or county store (the level above its villages).
    pub fn is_above(&self) -> bool {
        self.identity.as_ref().is_some_and(|i| matches!(i.role.as_str(), "township" | "county"))
    }

    fn require_above(&self) -> Result<&str, AppError> {
        let id = self.require_identity()?;
        if self.is_above() {
            Ok(&id.division)
        } else {
            Err(AppError::Usage(tr(self.lang, "town.not_above", &[&id.role])))
        }
    }

    /// The row a division belongs to, for this store: a county's rows are townships, a
    /// township's villages; `None` for this store's own place or another's.
    fn row_of(&self, division: &str) -> Option<String> {
        let id = self.identity.as_ref()?;
        let county = id.role == "county";
        let prefix = if county { &id.division[..6] } else { &id.division[..9] };
        if division == id.division || !division.starts_with(prefix) || division.len() != 12 {
            return None;
        }
        Some(if county { format!("{}000", &division[..9]) } else { division.to_string() })
    }

    /// Each device's row (its division's village), and the rows' names.
    fn rows(&self) -> Result<(Rows, Names), AppError> {
        let mut devices = BTreeMap::new();
        for (device, division) in self.store.places()? {
            if let Some(row) = self.row_of(&division) {
                devices.insert(device, row);
            }
        }
        let mut names = BTreeMap::new();
        for k in self.store.key_entries()? {
            if k.division.len() == 12 && self.row_of(&k.division).as_deref() == Some(k.division.as_str()) {
                names.insert(k.division.clone(), k.place.clone());
            }
        }
        for p in self.store.peers()? {
            if self.row_of(&p.division).as_deref() == Some(p.division.as_str()) {
                names.insert(p.division.clone(), p.place.clone());
            }
        }
        for row in devices.values() {
            names.entry(row.clone()).or_default();
        }
        Ok((devices, names))
    }

    /// The inbox (上报): escalations from every village waiting for an answer from here (MAJOR
    /// hazards, RED disputes, escalated demands and disputes) and extension requests waiting
    /// for a decision, oldest first. Reads the open-work index's flagged entries and their
    /// summaries (which keep the days shown: views format 13), no record's events.
    pub fn inbox(&self) -> Result<Vec<InboxItem>, AppError> {
        self.require_above()?;
        let today = self.today();
        let (devices, names) = self.rows()?;
        let mut flagged = Vec::new();
        for kind in [Kind::Demand, Kind::Dispute, Kind::Hazard] {
            self.store.walk_open_marked(kind, &mut |id, _, _, flag| {
                if flag && devices.contains_key(&id.device) {
                    flagged.push(id);
                }
                true
            })?;
        }
        let mut out = Vec::new();
        for (id, s) in self.store.summaries_of(&flagged)? {
            let division = devices.get(&id.device).cloned().unwrap_or_default();
            let place = names.get(&division).cloned().unwrap_or_default();
            let mut push = |reason, since: Day, requested| {
                out.push(InboxItem {
                    id,
                    kind: s.kind,
                    reason,
                    division: division.clone(),
                    place: place.clone(),
                    title: s.title.clone(),
                    since,
                    waited_days: today.0 - since.0,
                    due: s.due,
                    requested,
                });
            };
            if s.waiting {
                let reason = match s.kind {
                    _ if s.escalated_on.is_some() => InboxReason::Escalated,
                    Kind::Hazard => InboxReason::MajorHazard,
                    Kind::Dispute => InboxReason::RedDispute,
                    _ => InboxReason::Escalated,
                };
                push(reason, s.escalated_on.or(s.date).unwrap_or(today), None);
            }
            if let Some((requested, asked)) = s.extension_asked {
                push(InboxReason::ExtensionRequest, asked, Some(requested));
            }
        }
        out.sort_by_key(|i| (i.since, i.id, i.reason));
        Ok(out)
    }

    /// One row per village under this township (per township under this county), by division:
    /// records held, overdue, escalations and extension requests waiting here, the last bundle
    /// received and its date, and whether it has sent nothing for more than a month.
    pub fn villages(&self) -> Result<Vec<VillageRow>, AppError> {
        Ok(self.township_home()?.0)
    }

    /// Records under a 督办 that wait for the village's answer: in a township store, those it
    /// supervised (a village never writes one), in the dashboard's order.
    pub fn supervisions_waiting(&self) -> Result<Vec<EntityId>, AppError> {
        let items = self.dashboard()?.items;
        Ok(items.iter().filter(|i| i.reason == super::DueReason::Supervised).map(|i| i.id).collect())
    }

    /// A township's 首页: its rows per village and its inbox, the inbox read once for both.
    pub fn township_home(&self) -> Result<(Vec<VillageRow>, Vec<InboxItem>), AppError> {
        self.require_above()?;
        // a county has no records, hence no inbox
        let inbox = if self.is_county() { Vec::new() } else { self.inbox()? };
        Ok((self.villages_with(&inbox)?, inbox))
    }

    /// The rows per village with the inbox already read (they count its waiting items).
    fn villages_with(&self, inbox: &[InboxItem]) -> Result<Vec<VillageRow>, AppError> {
        let today = self.today();
        let (devices, names) = self.rows()?;
        let mut rows: BTreeMap<String, VillageRow> = names
            .iter()
            .map(|(division, place)| {
                let row = VillageRow {
                    division: division.clone(),
                    place: place.clone(),
                    records: 0,
                    overdue: 0,
                    waiting: 0,
                    extension_requests: 0,
                    last_bundle_ms: None,
                    last_import_ms: None,
                    silent: true,
                    villages: 0,
                    as_of: None,
                };
                (division.clone(), row)
            })
            .collect();
        for (device, row) in &devices {
            let n: u64 = self.store.record_counts(*device)?.iter().map(|(_, n)| n).sum();
            if let Some(r) = rows.get_mut(row) {
                r.records += n;
            }
        }
        for kind in [Kind::Demand, Kind::Dispute, Kind::Hazard] {
            self.store.walk_open(kind, &mut |id, due, _| {
                if state_of(due, false, today) == crate::domain::due::DueState::Overdue
                    && let Some(r) = devices.get(&id.device).and_then(|row| rows.get_mut(row))
                {
                    r.overdue += 1;
                }
                true
            })?;
        }
        for item in inbox {
            if let Some(r) = rows.get_mut(&item.division) {
                match item.reason {
                    InboxReason::ExtensionRequest => r.extension_requests += 1,
                    _ => r.waiting += 1,
                }
            }
        }
        for p in self.store.peers()? {
            let Some(r) = self.row_of(&p.division).and_then(|row| rows.get_mut(&row)) else { continue };
            if r.last_bundle_ms.is_none_or(|ms| p.last_bundle_ms > ms) {
                r.last_bundle_ms = Some(p.last_bundle_ms);
                r.last_import_ms = Some(p.last_import_ms);
            }
        }
        // a county's townships send statistics files, not bundles (docs/COUNTY.md): the newest
        // file of each is its last word
        let mut villages: BTreeMap<String, std::collections::BTreeSet<String>> = BTreeMap::new();
        for e in self.store.stats_entries()? {
            let Some(r) = self.row_of(&e.producer).and_then(|row| rows.get_mut(&row)) else { continue };
            if r.place.is_empty() {
                r.place = e.producer_place.clone();
            }
            if r.last_bundle_ms.is_none_or(|ms| e.created_ms > ms) {
                r.last_bundle_ms = Some(e.created_ms);
                r.as_of = Some(e.as_of);
            }
            if e.division != e.producer {
                villages.entry(r.division.clone()).or_default().insert(e.division);
            }
        }
        for (row, set) in villages {
            if let Some(r) = rows.get_mut(&row) {
                r.villages = set.len() as u64;
            }
        }
        for r in rows.values_mut() {
            r.silent = r.last_bundle_ms.is_none_or(|ms| add_one_month(Day::from_unix_ms(ms)) < today);
        }
        Ok(rows.into_values().collect())
    }

    /// The oversight actions a record's screen offers from this store: those its role writes
    /// ([`check_role`]) that the record's state allows now (`domain::offer::can_offer`: a 督办
    /// to answer, a request to decide, a due date to extend).
    pub fn oversight_offered(&self, kind: Kind, state: &crate::domain::RecordState) -> Vec<&'static str> {
        let Some(role) = self.identity.as_ref().map(|i| i.role.as_str()) else { return Vec::new() };
        let today = self.today();
        crate::domain::actions::oversight_actions_of(kind)
            .iter()
            .map(|a| a.name)
            .filter(|a| check_role(role, kind, a, self.lang).is_ok())
            .filter(|a| crate::domain::offer::can_offer(kind, state, a, today))
            .collect()
    }

    /// Refuses the level above's actions from a village store and the village's answers from a
    /// township or county store (`gridlog act` and the TUI's forms alike).
    pub(super) fn check_oversight_role(&self, kind: Kind, action: &str) -> Result<(), AppError> {
        let role = self.require_identity()?.role.clone();
        check_role(&role, kind, action, self.lang)
    }
}

#[cfg(test)]
#[path = "township_tests.rs"]
mod tests;
