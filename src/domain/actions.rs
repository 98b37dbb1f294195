//! The action tables: which lifecycle actions each kind of record has, their payload fields,
//! the statuses each is allowed from, and each kind's statuses. What an action changes, and
//! the rules that guard it, are in [`super::lifecycle`].

use super::codes::*;
use super::merged::merged_into;
use super::record::RecordState;
use super::schema::{Default, FieldSpec, FieldType as T};
use super::value::Kind;

/// A lifecycle action (`gridlog act ID ACTION`).
#[derive(Debug)]
pub struct ActionSpec {
    /// The CLI name.
    pub name: &'static str,
    /// 中文名.
    pub zh: &'static str,
    /// English name.
    pub en: &'static str,
    /// Payload fields.
    pub fields: &'static [FieldSpec],
    /// Statuses it is allowed from; empty: any status.
    pub from: &'static [&'static str],
}

macro_rules! f {
    ($name:literal, $zh:literal, $en:literal, $ty:expr, $req:literal) => {
        FieldSpec { name: $name, zh: $zh, en: $en, ty: $ty, required: $req, default: Default::Nothing }
    };
    ($name:literal, $zh:literal, $en:literal, $ty:expr, $req:literal, $d:ident) => {
        FieldSpec { name: $name, zh: $zh, en: $en, ty: $ty, required: $req, default: Default::$d }
    };
}

/// The statuses of a dispute still in mediation.
pub const OPEN_DISPUTE: &[&str] = &["REGISTERED", "MEDIATING", "ESCALATED"];

static DISPUTE_ACTIONS: &[ActionSpec] = &[
    ActionSpec {
        name: "session",
        zh: "调解记录",
        en: "mediation session",
        fields: &[
            f!("date", "调解日期", "date", T::Date, true),
            f!("mediator", "调解员", "mediator", T::Text, false, Worker),
            f!("notes", "调解情况", "notes", T::LongText, true),
        ],
        from: OPEN_DISPUTE,
    },
    ActionSpec {
        name: "agree",
        zh: "达成协议",
        en: "agreement",
        fields: &[
            f!("form", "协议形式", "form", T::Enum(&AgreementForm::DEF), true),
            f!("terms", "协议内容", "terms", T::LongText, true),
            f!("performance_method", "履行方式", "performance method", T::Text, true),
            f!("performance_place", "履行地点", "performance place", T::Text, false),
            f!("performance_deadline", "履行期限", "performance deadline", T::FutureDate, true),
            f!("amount_fen", "金额（分）", "amount (fen)", T::Amount, false),
            f!("effective_on", "生效日期", "effective on", T::Date, true),
        ],
        from: OPEN_DISPUTE,
    },
    ActionSpec {
        name: "confirm",
        zh: "司法确认",
        en: "judicial confirmation",
        fields: &[
            f!("applied_on", "申请日期", "applied on", T::Date, true),
            f!("court", "法院", "court", T::Text, true),
        ],
        from: &["AGREED", "FOLLOWED_UP"],
    },
    ActionSpec {
        name: "terminate",
        zh: "终止调解",
        en: "terminate",
        fields: &[
            f!("reason", "终止原因", "reason", T::LongText, true),
            f!("withdrawn", "当事人撤回", "withdrawn", T::Bool, false),
        ],
        from: OPEN_DISPUTE,
    },
    ActionSpec {
        name: "refer",
        zh: "移交",
        en: "refer",
        fields: &[
            f!("to", "移交单位", "referred to", T::Text, true),
            f!("reason", "移交原因", "reason", T::LongText, true),
        ],
        from: OPEN_DISPUTE,
    },
    ActionSpec {
        name: "followup",
        zh: "回访",
        en: "follow-up",
        fields: &[
            f!("date", "回访日期", "date", T::Date, true),
            f!("performance", "履行情况", "performance", T::Enum(&Performance::DEF), true),
            f!("satisfaction", "满意度", "satisfaction", T::Enum(&Satisfaction::DEF), true),
        ],
        from: &["AGREED", "FOLLOWED_UP"],
    },
    ActionSpec {
        name: "escalate",
        zh: "上报",
        en: "escalate",
        fields: &[f!("reason", "上报原因", "reason", T::LongText, true)],
        from: &["REGISTERED", "MEDIATING"],
    },
    ActionSpec { name: "close", zh: "结案", en: "close", fields: &[], from: &["FOLLOWED_UP", "TERMINATED"] },
];

static HAZARD_ACTIONS: &[ActionSpec] = &[
    ActionSpec {
        name: "rectify",
        zh: "整改",
        en: "rectify",
        fields: &[
            f!("measures", "整改措施", "measures", T::LongText, true),
            f!("responsible", "责任人", "responsible person", T::Text, false),
            f!("responsible_phone", "责任人电话", "responsible person's phone", T::Phone, false),
            f!("deadline", "整改期限", "deadline", T::FutureDate, true),
            f!("interim_control", "临时管控措施", "interim control", T::LongText, false),
        ],
        from: &["FOUND", "REVIEW_FAILED"],
    },
    ActionSpec {
        name: "complete",
        zh: "整改完成",
        en: "rectification done",
        fields: &[f!("date", "完成日期", "date", T::Date, true), f!("notes", "完成情况", "notes", T::LongText, false)],
        from: &["RECTIFYING"],
    },
    ActionSpec {
        name: "review",
        zh: "复查",
        en: "review",
        fields: &[
            f!("date", "复查日期", "date", T::Date, true),
            f!("reviewer", "复查人", "reviewer", T::Text, true),
            f!("result", "复查结论", "result", T::Enum(&ReviewResult::DEF), true),
            f!("notes", "复查情况", "notes", T::LongText, false),
        ],
        from: &["RECTIFYING", "AWAITING_REVIEW"],
    },
    ActionSpec {
        name: "escalate",
        zh: "上报",
        en: "escalate",
        fields: &[f!("reason", "上报原因", "reason", T::LongText, true)],
        from: &["FOUND", "RECTIFYING", "AWAITING_REVIEW", "REVIEW_FAILED"],
    },
    ActionSpec {
        name: "close",
        zh: "销号",
        en: "close",
        fields: &[],
        from: &["FOUND", "RECTIFYING", "AWAITING_REVIEW"],
    },
];

/// The statuses of a demand not answered yet.
pub const UNANSWERED: &[&str] = &["RECEIVED", "IN_PROGRESS", "ESCALATED", "REOPENED"];

static DEMAND_ACTIONS: &[ActionSpec] = &[
    ActionSpec {
        name: "assign",
        zh: "交办",
        en: "assign",
        fields: &[
            f!("level", "办理层级", "handling level", T::Enum(&Level::DEF), true),
            f!("assignee", "承办人", "assignee", T::Text, true),
            f!("due_on", "答复期限", "due on", T::FutureDate, false),
        ],
        from: &["RECEIVED", "ESCALATED", "REOPENED"],
    },
    ActionSpec {
        name: "reply",
        zh: "答复",
        en: "reply",
        fields: &[
            f!("reply", "答复内容", "reply", T::LongText, true),
            f!("replied_on", "答复日期", "replied on", T::Date, true),
            f!("result", "办理结果", "result", T::Enum(&ReplyResult::DEF), true),
        ],
        from: UNANSWERED,
    },
    ActionSpec {
        name: "followup",
        zh: "回访",
        en: "follow-up",
        fields: &[
            f!("date", "回访日期", "date", T::Date, true),
            f!("satisfaction", "满意度", "satisfaction", T::Enum(&Satisfaction::DEF), true),
        ],
        from: &["ANSWERED", "ON_SPOT_DONE", "FOLLOWED_UP"],
    },
    ActionSpec {
        name: "escalate",
        zh: "上报",
        en: "escalate",
        fields: &[f!("reason", "上报原因", "reason", T::LongText, true)],
        from: &["RECEIVED", "IN_PROGRESS", "REOPENED", "FOLLOWED_UP"],
    },
    ActionSpec { name: "close", zh: "办结", en: "close", fields: &[], from: &["FOLLOWED_UP"] },
    ActionSpec {
        name: "reopen",
        zh: "重新办理",
        en: "reopen",
        fields: &[f!("reason", "原因", "reason", T::LongText, true)],
        from: &["ANSWERED", "ON_SPOT_DONE", "FOLLOWED_UP", "CLOSED"],
    },
];

/// A person's record merged into another person's (one resident registered twice, on two
/// devices) and taken out again (`domain::merged`). Bound to no status: `merge` is allowed
/// while the record is not merged, `unmerge` while it is ([`allowed_actions`]); the app checks
/// the other record (`app/merge.rs`) and writes both records' events in one commit.
static PERSON_ACTIONS: &[ActionSpec] = &[
    ActionSpec {
        name: "merge",
        zh: "合并",
        en: "merge",
        fields: &[f!("into", "并入的记录", "merge into", T::Ref(Kind::Person), true)],
        from: &[],
    },
    ActionSpec { name: "unmerge", zh: "撤销合并", en: "unmerge", fields: &[], from: &[] },
];

/// The level above's actions on a village's ledger records and the village's answers
/// (`domain::oversight`, docs/ARCHITECTURE.md "Township"): bound to no status; whether one is
/// allowed now is the record's state's to say (a 督办 to answer, a request to decide).
static OVERSIGHT_ACTIONS: &[ActionSpec] = &[
    ActionSpec {
        name: "instruct",
        zh: "上级批示",
        en: "instruct",
        fields: &[
            f!("text", "批示内容", "instruction", T::LongText, true),
            f!("date", "批示日期", "date", T::Date, true),
        ],
        from: &[],
    },
    ActionSpec {
        name: "supervise",
        zh: "督办",
        en: "supervise",
        fields: &[
            f!("note", "督办事项", "what to do", T::LongText, true),
            f!("due_on", "督办期限", "answer by", T::FutureDate, true),
        ],
        from: &[],
    },
    ActionSpec {
        name: "answer_supervision",
        zh: "督办反馈",
        en: "answer supervision",
        fields: &[
            f!("text", "办理情况", "what was done", T::LongText, true),
            f!("date", "反馈日期", "date", T::Date, true),
        ],
        from: &[],
    },
    ActionSpec {
        name: "request_extension",
        zh: "延期申请",
        en: "request extension",
        fields: &[
            f!("due_on", "申请延期至", "new due date", T::FutureDate, true),
            f!("reason", "延期理由", "reason", T::LongText, true),
        ],
        from: &[],
    },
    ActionSpec {
        name: "approve_extension",
        zh: "批准延期",
        en: "approve extension",
        fields: &[f!("note", "审批意见", "note", T::LongText, false)],
        from: &[],
    },
    ActionSpec {
        name: "refuse_extension",
        zh: "驳回延期",
        en: "refuse extension",
        fields: &[f!("reason", "驳回理由", "reason", T::LongText, true)],
        from: &[],
    },
];

/// The level above's actions and the village's answers, for the kinds that take them.
pub fn oversight_actions_of(kind: Kind) -> &'static [ActionSpec] {
    match kind {
        Kind::Demand | Kind::Dispute | Kind::Hazard => OVERSIGHT_ACTIONS,
        Kind::Household | Kind::Person | Kind::Visit => &[],
    }
}

/// `note`, allowed on every record.
pub static NOTE: ActionSpec = ActionSpec {
    name: "note",
    zh: "备注",
    en: "note",
    fields: &[f!("text", "备注内容", "text", T::LongText, true)],
    from: &[],
};
/// `edit`, allowed on every record; its fields are the kind's own.
pub static EDIT: ActionSpec = ActionSpec { name: "edit", zh: "修改", en: "edit", fields: &[], from: &[] };

/// `decide`, on a record whose concurrent status changes need a decision (docs/ARCHITECTURE.md,
/// "Concurrent status changes"): which of the two statuses stands. Never offered by the status
/// tables; the app plans it from the folded record's pending decisions, and a ledger's own
/// `decide` ([`find_action`]) offers its statuses as a choice.
pub static DECIDE: ActionSpec = ActionSpec {
    name: "decide",
    zh: "决定",
    en: "decide",
    fields: &[f!("status", "保留的状态", "status that stands", T::Text, true)],
    from: &[],
};

macro_rules! decide {
    ($def:expr) => {
        ActionSpec {
            name: "decide",
            zh: "决定",
            en: "decide",
            fields: &[f!("status", "保留的状态", "status that stands", T::Enum(&$def), true)],
            from: &[],
        }
    };
}
static DECIDE_DEMAND: ActionSpec = decide!(DemandStatus::DEF);
static DECIDE_DISPUTE: ActionSpec = decide!(DisputeStatus::DEF);
static DECIDE_HAZARD: ActionSpec = decide!(HazardStatus::DEF);

/// The `decide` of a kind: its statuses as the choice.
fn decide_of(kind: Kind) -> &'static ActionSpec {
    match kind {
        Kind::Demand => &DECIDE_DEMAND,
        Kind::Dispute => &DECIDE_DISPUTE,
        Kind::Hazard => &DECIDE_HAZARD,
        Kind::Household | Kind::Person | Kind::Visit => &DECIDE,
    }
}

/// The lifecycle actions of a kind (without `edit` and `note`).
pub fn actions_of(kind: Kind) -> &'static [ActionSpec] {
    match kind {
        Kind::Dispute => DISPUTE_ACTIONS,
        Kind::Hazard => HAZARD_ACTIONS,
        Kind::Demand => DEMAND_ACTIONS,
        Kind::Person => PERSON_ACTIONS,
        Kind::Household | Kind::Visit => &[],
    }
}

/// Finds an action of a kind, `edit`, `note` and `decide` included.
pub fn find_action(kind: Kind, name: &str) -> Option<&'static ActionSpec> {
    actions_of(kind)
        .iter()
        .chain(oversight_actions_of(kind))
        .chain([&EDIT, &NOTE, decide_of(kind)])
        .find(|a| a.name == name)
}

/// Every action payload field (for labels).
pub fn all_action_fields() -> impl Iterator<Item = &'static FieldSpec> {
    [DISPUTE_ACTIONS, HAZARD_ACTIONS, DEMAND_ACTIONS, PERSON_ACTIONS, OVERSIGHT_ACTIONS]
        .into_iter()
        .flatten()
        .chain([&NOTE])
        .flat_map(|a| a.fields.iter())
}

/// The status a new record starts in.
pub fn initial_status(kind: Kind) -> &'static str {
    match kind {
        Kind::Household | Kind::Person => PlainStatus::Active.code(),
        Kind::Visit => PlainStatus::Recorded.code(),
        Kind::Demand => DemandStatus::Received.code(),
        Kind::Dispute => DisputeStatus::Registered.code(),
        Kind::Hazard => HazardStatus::Found.code(),
    }
}

/// The status codes a kind's records can have.
pub fn statuses_of(kind: Kind) -> &'static EnumDef {
    match kind {
        Kind::Household | Kind::Person | Kind::Visit => &PlainStatus::DEF,
        Kind::Demand => &DemandStatus::DEF,
        Kind::Dispute => &DisputeStatus::DEF,
        Kind::Hazard => &HazardStatus::DEF,
    }
}

/// The actions allowed in the record's current status, `edit` and `note` last; a person's
/// `merge` while it is not merged, `unmerge` while it is. The oversight actions
/// ([`oversight_actions_of`]) are bound to no status: a screen offers them by the store's role
/// and the record's state.
pub fn allowed_actions(kind: Kind, state: &RecordState) -> Vec<&'static str> {
    let status = state.status();
    let mut out: Vec<&str> = match kind {
        Kind::Person => vec![if merged_into(state).is_some() { "unmerge" } else { "merge" }],
        _ => actions_of(kind).iter().filter(|a| a.from.contains(&status)).map(|a| a.name).collect(),
    };
    out.extend(["edit", "note"]);
    out
}

/// The field a kind's lists filter by as "category" (dispute and hazard category, demand
/// domain, visit type), with its codes.
pub fn category_of(kind: Kind) -> Option<(&'static str, &'static EnumDef)> {
    match kind {
        Kind::Dispute => Some(("category", &DisputeCategory::DEF)),
        Kind::Hazard => Some(("category", &HazardCategory::DEF)),
        Kind::Demand => Some(("domain", &DemandDomain::DEF)),
        Kind::Visit => Some(("type", &VisitType::DEF)),
        Kind::Household | Kind::Person => None,
    }
}
