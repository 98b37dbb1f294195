//! Records as the store keeps them: a block of up to [`crate::store::RECORDS_PER_BLOCK`]
//! records' events (the value of the `blocks` tree), each record's [`Summary`] (the `summary`
//! tree) and its entry in the open-work index, derived from the events; and the size limits
//! every write checks (docs/ARCHITECTURE.md, "Store layout"). Pure: no sled.

use serde::{Deserialize, Serialize};

use super::codec;
use super::error::{StoreError, corrupt};
use super::keys::BlockKey;
use super::tags;
use crate::domain::lifecycle::{category_of, due_on, is_open, primary_date};
use crate::domain::oversight;
use crate::domain::{Day, DeviceId, EntityId, Kind};
use crate::events::{Entity, Event, Op, fold};

/// The actions whose days the inbox shows (`domain::actions`).
const ESCALATE: &str = "escalate";
const REQUEST_EXTENSION: &str = "request_extension";
/// What the level above writes that a village must see: an instruction, a decision on an
/// extension request.
const FROM_ABOVE: [(&str, News); 3] = [
    ("instruct", News::Instruction),
    ("approve_extension", News::ExtensionDecision),
    ("refuse_extension", News::ExtensionDecision),
];

/// What the level above last wrote on a record that the village has not acted on yet.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum News {
    /// An instruction (批示).
    Instruction,
    /// A decision on an extension request (approved or refused: the record says which).
    ExtensionDecision,
}

/// The largest encoded (bincode) size of one event. The largest record the schema accepts —
/// a dispute with 50 parties, 20 mediators and its long texts at their limits, every character
/// 4 bytes of UTF-8 — encodes to about 56 KiB (a test checks it stays below a third of this):
/// an event above this size did not come from valid input.
pub const EVENT_MAX: usize = 256 << 10;

/// The largest uncompressed encoded size of one block (its 32 records and all their events),
/// checked before each write. Real blocks hold a few KB; 32 records each with dozens of long
/// sessions and notes stay below 4 MiB. At a quarter of [`codec::LIMIT`], every block written
/// can always be read back, and reading one costs at most a few tens of milliseconds.
pub const BLOCK_MAX: usize = 16 << 20;

/// Refuses an event larger than [`EVENT_MAX`].
pub fn check_event_size(ev: &Event) -> Result<(), StoreError> {
    let bytes = codec::to_bytes(ev).len();
    if bytes > EVENT_MAX {
        return Err(StoreError::TooLarge { what: "event", bytes, limit: EVENT_MAX });
    }
    Ok(())
}

/// The events of up to [`RECORDS_PER_BLOCK`] records.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Block {
    pub slots: Vec<Slot>,
}

/// One record's events (in arrival order; the fold sorts).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Slot {
    pub n: u32,
    pub events: Vec<Event>,
}

/// What lists need to know of a record without reading its block.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    /// Record number within its device.
    pub n: u32,
    /// Kind.
    pub kind: Kind,
    /// Its status code's stable tag (`tags.rs`; never a position in a code list).
    pub status: u8,
    /// Creation time (ms), for newest-first lists.
    pub created_ms: u64,
    /// Its own date (visit date, received, found).
    pub date: Option<Day>,
    /// When its next step is due, while open.
    pub due: Option<Day>,
    /// Still needs work.
    pub open: bool,
    /// Its category code's stable tag (see [`category_of`]; `tags::NONE`: none).
    pub category: u8,
    /// How it is named in a list, cut to [`TITLE_MAX`] characters: the dashboard shows the
    /// records due from their summaries, without reading their blocks (a cold start reads a
    /// few small summary pages instead of a 150 KB block page per record).
    pub title: String,
    /// An urgent demand (its warning window is shorter, `domain::due`): the dashboard tells
    /// from the summary, without reading the block.
    pub urgent: bool,
    /// Concurrent status changes wait for a decision (docs/ARCHITECTURE.md, "Concurrent status
    /// changes"): the record is open work whatever its status, and its open-work entry carries
    /// [`DECISION_BIT`], so the dashboard lists it first without folding anything.
    pub decision: bool,
    /// A person's record merged into another's and left out of lists, search and pickers
    /// (`domain::merged::is_hidden`), so that a resident registered twice is listed once.
    pub merged: bool,
    /// A 督办 waits for the village's answer (`domain::oversight`): open work whatever its
    /// status, listed first on the village's 首页.
    pub supervised: bool,
    /// An escalation waits for the level above's answer (`domain::oversight::waits_for_answer`):
    /// the township's inbox.
    pub waiting: bool,
    /// While it waits: the day of its latest escalation (`None`: a MAJOR hazard or a RED dispute
    /// waits from its own date), so the inbox reads summaries, not events.
    pub escalated_on: Option<Day>,
    /// While an extension request waits: the due date asked for, and the day it was asked.
    pub extension_asked: Option<(Day, Day)>,
    /// An instruction (批示) or a decision on an extension request from the level above that no
    /// change from another store has followed yet: on the village's 首页 until the village acts
    /// on the record (a note will do).
    pub news: Option<News>,
}

/// Set in an open-work entry's status byte when the record needs a decision or waits on the
/// level above or for the village (a 督办, an escalation, an extension request: the summary
/// says which), so the dashboard and the inbox find them without folding anything. Status tags
/// stay below it (`tags.rs` issues far fewer than 128; a test checks it).
pub const DECISION_BIT: u8 = 0x80;

/// The characters of a record's title kept in its summary (more than a row can show).
pub const TITLE_MAX: usize = 40;

impl Summary {
    /// The category code (see [`category_of`]), if any.
    pub fn category_code(&self) -> Option<&'static str> {
        tags::code_of(self.category)
    }

    /// The status code.
    pub fn status_code(&self) -> &'static str {
        tags::code_of(self.status).unwrap_or("")
    }

    /// The status byte of its open-work entry: its status tag, with [`DECISION_BIT`] when it
    /// needs a decision or waits on someone ([`Summary::flagged`]).
    pub fn open_tag(&self) -> u8 {
        self.status | if self.flagged() { DECISION_BIT } else { 0 }
    }

    /// An extension request waits for the level above's decision.
    pub fn extension(&self) -> bool {
        self.extension_asked.is_some()
    }

    /// Needs a decision, or waits on the level above or on the village.
    pub fn flagged(&self) -> bool {
        self.decision || self.supervised || self.waiting || self.extension() || self.news.is_some()
    }

    /// Refuses a summary whose tags this build does not know for its kind (a newer build's).
    fn check_tags(&self, device: DeviceId) -> Result<(), StoreError> {
        let record = EntityId { device, n: self.n };
        let unknown = |what, tag: u8| StoreError::UnknownCode { record, what, code: format!("tag {tag}") };
        if !tags::is_status_of(self.kind, self.status) {
            return Err(unknown("status", self.status));
        }
        if !tags::is_category_of(self.kind, self.category) {
            return Err(unknown("category", self.category));
        }
        Ok(())
    }
}

/// The summaries of block `key` as stored, each checked to hold tags this build knows.
pub fn decode_summaries(key: BlockKey, v: &[u8]) -> Result<Vec<Summary>, StoreError> {
    let sums: Vec<Summary> = codec::decode(v).map_err(corrupt(format!("summary/{key}")))?;
    for s in &sums {
        s.check_tags(key.device)?;
    }
    Ok(sums)
}

/// A record's summary, and its open-work index entry (kind, due) while it is open.
pub type Views = (Summary, Option<(Kind, Option<Day>)>);

/// The summary and open-index entry that a record's events call for (`None` before its
/// creation event has arrived); a status or category this build has no tag for is refused.
pub fn views_of(id: EntityId, events: &[Event]) -> Result<Option<Views>, StoreError> {
    fold(id, events).map(|e| views_of_entity(id, &e, events)).transpose()
}

/// The latest instruction or extension decision among a record's events, when no change from
/// another store has followed it (the village has not acted on it yet).
fn unread_news(events: &[Event]) -> Option<News> {
    let news = |e: &Event| match &e.op {
        Op::Change { action, .. } => FROM_ABOVE.iter().find(|(a, _)| a == action).map(|(_, n)| *n),
        Op::Create { .. } => None,
    };
    let (last, kind) = events.iter().filter_map(|e| news(e).map(|n| (e, n))).max_by_key(|(e, _)| (e.hlc, e.device))?;
    let acted =
        events.iter().any(|e| matches!(&e.op, Op::Change { .. }) && e.device != last.device && e.hlc > last.hlc);
    (!acted).then_some(kind)
}

/// The day of the latest change by `action` among a record's events.
fn last_day_of(events: &[Event], action: &str) -> Option<Day> {
    events
        .iter()
        .filter(|e| matches!(&e.op, Op::Change { action: a, .. } if a == action))
        .map(|e| e.hlc.ms)
        .max()
        .map(Day::from_unix_ms)
}

/// The summary and open-index entry of a record folded from `events`; a status or category code
/// that is not one of its kind's codes with a tag (`tags.rs`) is refused, naming the record and
/// the code.
pub fn views_of_entity(id: EntityId, e: &Entity, events: &[Event]) -> Result<Views, StoreError> {
    let unknown = |what, code: &str| StoreError::UnknownCode { record: id, what, code: code.to_string() };
    let code = e.state.status();
    let status =
        tags::tag_of(code).filter(|t| tags::is_status_of(e.kind, *t)).ok_or_else(|| unknown("status", code))?;
    let category = match category_of(e.kind).and_then(|(field, _)| e.state.text(field)) {
        None => tags::NONE,
        Some(code) => {
            tags::tag_of(code).filter(|t| tags::is_category_of(e.kind, *t)).ok_or_else(|| unknown("category", code))?
        }
    };
    let decision = !e.decisions.is_empty();
    let supervised = crate::domain::oversight::pending_supervision(&e.state).is_some();
    let news = unread_news(events);
    let open = is_open(e.kind, &e.state) || decision || supervised || news.is_some();
    let due = due_on(e.kind, &e.state);
    let waiting = oversight::waits_for_answer(e.kind, &e.state);
    let extension_asked = oversight::pending_extension(&e.state).filter(|_| open).map(|(requested, _)| {
        (requested, last_day_of(events, REQUEST_EXTENSION).unwrap_or(Day::from_unix_ms(e.updated.ms)))
    });
    let summary = Summary {
        n: id.n,
        kind: e.kind,
        status,
        created_ms: e.created.ms,
        date: primary_date(e.kind, &e.state),
        due,
        open,
        category,
        title: e.state.title(e.kind).chars().take(TITLE_MAX).collect(),
        urgent: crate::domain::due::is_urgent(e.kind, &e.state),
        decision,
        merged: e.kind == Kind::Person && crate::domain::merged::is_hidden(id, &e.state),
        supervised,
        waiting,
        escalated_on: if waiting { last_day_of(events, ESCALATE) } else { None },
        extension_asked,
        news,
    };
    Ok((summary, open.then_some((e.kind, due))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn news_from_above_is_unread_until_another_store_changes_the_record_after_it() {
        use crate::events::Hlc;
        let (village, township) = (DeviceId(1), DeviceId(2));
        let entity = EntityId { device: village, n: 1 };
        let ev = |device, ms, action: &str| Event {
            device,
            seq: ms,
            hlc: Hlc { ms, count: 0 },
            worker: String::new(),
            entity,
            op: Op::Change { action: action.into(), set: vec![], add: vec![] },
        };
        let escalate = ev(village, 1, "escalate");
        let unread = |evs: &[Event]| unread_news(evs);
        assert_eq!(unread(std::slice::from_ref(&escalate)), None, "no instruction");
        let instruct = ev(township, 2, "instruct");
        assert_eq!(unread(&[escalate.clone(), instruct.clone()]), Some(News::Instruction));
        // the township's own later change (a 督办) is not the village acting on it
        assert!(unread(&[escalate.clone(), instruct.clone(), ev(township, 3, "supervise")]).is_some());
        assert_eq!(unread(&[escalate.clone(), instruct.clone(), ev(village, 3, "note")]), None);
        // a change the village made before the instruction does not answer it
        assert!(unread(&[instruct.clone(), ev(village, 1, "note")]).is_some());
        // a later decision on an extension is news again, of its kind
        let news = unread(&[instruct, ev(village, 3, "note"), ev(township, 4, "refuse_extension")]);
        assert_eq!(news, Some(News::ExtensionDecision));
    }

    #[test]
    fn no_status_tag_reaches_the_decision_bit() {
        // the open-work entry would read as another status needing a decision
        assert!((DECISION_BIT..=u8::MAX).all(|t| tags::code_of(t).is_none()));
        assert!(tags::tag_of("CLOSED").is_some_and(|t| t < DECISION_BIT));
    }

    #[test]
    fn the_largest_valid_record_encodes_far_below_the_event_limit() {
        use crate::domain::lifecycle::plan_create;
        use crate::domain::schema::{LONG_TEXT_MAX, NAME_MAX, TEXT_MAX, list_max};
        use crate::domain::{Ctx, NoRefs};
        use crate::events::{Hlc, Op};
        // every character 4 bytes of UTF-8 (CJK extension B), every list and text at its limit
        let wide = |n: usize| "𠀀".repeat(n);
        let parties: Vec<_> = (0..list_max("parties"))
            .map(|i| {
                let role = ["APPLICANT", "RESPONDENT"][i % 2];
                serde_json::json!({"name": wide(NAME_MAX), "role": role})
            })
            .collect();
        let input = serde_json::json!({
            "received_on": "2026-11-02", "source": "APPLIED", "category": "NEIGHBOR", "parties": parties,
            "facts": wide(LONG_TEXT_MAX), "claims": wide(LONG_TEXT_MAX), "risk": "YELLOW",
            "mediators": vec![wide(TEXT_MAX); list_max("mediators")],
        });
        let today = Day::parse("2026-11-27").unwrap();
        let worker = wide(NAME_MAX);
        let ctx = Ctx { today, worker: &worker, grid: "", refs: &NoRefs, lang: crate::i18n::Lang::En };
        let fields = plan_create(Kind::Dispute, &input, &ctx).expect("valid at every limit");
        let ev = Event {
            device: DeviceId(u64::MAX),
            seq: u64::MAX,
            hlc: Hlc::default(),
            worker,
            entity: EntityId { device: DeviceId(u64::MAX), n: u32::MAX },
            op: Op::Create { kind: Kind::Dispute, fields },
        };
        let bytes = codec::to_bytes(&ev).len();
        assert!(bytes < EVENT_MAX / 3, "the largest valid dispute encodes to {bytes} bytes");
        check_event_size(&ev).expect("within the limit");
    }
}
