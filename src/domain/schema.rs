//! The fields of every record kind, as data: name, labels, type and checks, required or
//! default, and the limits of text, amounts and lists.
//!
//! One description serves validation ([`super::parse`]: CLI and TUI take the same path), the
//! TUI's generated forms, labels ([`super::labels`]) and documentation. The payload fields of
//! lifecycle actions are described the same way in [`super::actions`].

use super::codes::*;
use super::value::Kind;
use crate::i18n::Lang;

/// How a field is typed and checked.
#[derive(Debug)]
pub enum FieldType {
    /// One line of text (≤ 200 characters); refused when it holds an ID or mobile number.
    Text,
    /// A person's name (1–40 characters).
    Name,
    /// Several lines (≤ 4,000 characters); same personal-data rule.
    LongText,
    /// A `YYYY-MM-DD` date, not in the future.
    Date,
    /// A date that may lie in the future (deadlines, due dates).
    FutureDate,
    /// One code of an enum.
    Enum(&'static EnumDef),
    /// Several codes of an enum.
    EnumList(&'static EnumDef),
    /// true / false.
    Bool,
    /// A whole number of fen ≥ 0.
    Amount,
    /// A phone number.
    Phone,
    /// A resident ID number.
    IdNumber,
    /// A reference to a record of this kind.
    Ref(Kind),
    /// References to records of these kinds.
    RefList(&'static [Kind]),
    /// A person id, or a plain name of someone not in the registry.
    PersonOrName,
    /// Dispute parties `[{name, role, person?}]`.
    Parties,
    /// A list of names.
    TextList,
}

/// What a missing optional field becomes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Default {
    /// Stays absent.
    Nothing,
    /// The store's worker.
    Worker,
    /// The store's grid.
    Grid,
    /// false.
    False,
}

/// One field of a record or an action.
#[derive(Debug)]
pub struct FieldSpec {
    /// JSON name.
    pub name: &'static str,
    /// 中文名.
    pub zh: &'static str,
    /// English name.
    pub en: &'static str,
    /// Type and checks.
    pub ty: FieldType,
    /// Must be present and non-empty.
    pub required: bool,
    /// Value when absent.
    pub default: Default,
}

impl FieldSpec {
    /// The label in `lang`.
    pub fn label(&self, lang: Lang) -> &'static str {
        lang.pick(self.zh, self.en)
    }
}

macro_rules! f {
    ($name:literal, $zh:literal, $en:literal, $ty:expr, req) => {
        FieldSpec { name: $name, zh: $zh, en: $en, ty: $ty, required: true, default: Default::Nothing }
    };
    ($name:literal, $zh:literal, $en:literal, $ty:expr, opt) => {
        FieldSpec { name: $name, zh: $zh, en: $en, ty: $ty, required: false, default: Default::Nothing }
    };
    ($name:literal, $zh:literal, $en:literal, $ty:expr, opt, $d:ident) => {
        FieldSpec { name: $name, zh: $zh, en: $en, ty: $ty, required: false, default: Default::$d }
    };
}

use FieldType as T;

/// 户.
pub static HOUSEHOLD: &[FieldSpec] = &[
    f!("address", "地址", "address", T::Text, req),
    f!("grid", "网格", "grid", T::Text, opt, Grid),
    f!("head", "户主", "head", T::Ref(Kind::Person), opt),
];
/// 人员.
pub static PERSON: &[FieldSpec] = &[
    f!("name", "姓名", "name", T::Name, req),
    f!("gender", "性别", "gender", T::Enum(&Gender::DEF), opt),
    f!("id_number", "身份证号", "ID number", T::IdNumber, opt),
    f!("phone", "电话", "phone", T::Phone, opt),
    f!("household", "所属户", "household", T::Ref(Kind::Household), opt),
    f!("tags", "标签", "tags", T::EnumList(&Tag::DEF), opt),
    f!("tag_basis", "标签依据", "basis for tags", T::Text, opt),
];
/// 走访.
pub static VISIT: &[FieldSpec] = &[
    f!("date", "走访日期", "date", T::Date, req),
    f!("visitor", "走访人", "visitor", T::Text, opt, Worker),
    f!("household", "走访户", "household", T::Ref(Kind::Household), req),
    f!("met", "见到的人", "people met", T::RefList(&[Kind::Person]), opt),
    f!("type", "走访类型", "type", T::Enum(&VisitType::DEF), req),
    f!("notes", "走访记录", "notes", T::LongText, opt),
    f!("links", "关联事项", "linked records", T::RefList(&[Kind::Demand, Kind::Dispute, Kind::Hazard]), opt),
];
/// 诉求.
pub static DEMAND: &[FieldSpec] = &[
    f!("received_on", "受理日期", "received on", T::Date, req),
    f!("channel", "渠道", "channel", T::Enum(&Channel::DEF), req),
    f!("requester", "诉求人", "requester", T::PersonOrName, req),
    f!("demand_kind", "诉求类型", "demand kind", T::Enum(&DemandKind::DEF), req),
    f!("domain", "诉求领域", "domain", T::Enum(&DemandDomain::DEF), req),
    f!("content", "诉求内容", "content", T::LongText, req),
    f!("urgent", "紧急", "urgent", T::Bool, opt, False),
    f!("visit", "来源走访", "visit", T::Ref(Kind::Visit), opt),
    f!("level", "办理层级", "handling level", T::Enum(&Level::DEF), opt),
    f!("due_on", "答复期限", "due on", T::FutureDate, opt),
];
/// 矛盾纠纷.
pub static DISPUTE: &[FieldSpec] = &[
    f!("received_on", "受理日期", "received on", T::Date, req),
    f!("source", "来源", "source", T::Enum(&DisputeSource::DEF), req),
    f!("category", "纠纷类别", "category", T::Enum(&DisputeCategory::DEF), req),
    f!("parties", "当事人", "parties", T::Parties, req),
    f!("facts", "基本事实", "facts", T::LongText, req),
    f!("claims", "争议事项", "claims", T::LongText, req),
    f!("risk", "风险等级", "risk", T::Enum(&Risk::DEF), req),
    f!("mediators", "调解员", "mediators", T::TextList, opt),
];
/// 安全隐患.
pub static HAZARD: &[FieldSpec] = &[
    f!("found_on", "发现日期", "found on", T::Date, req),
    f!("inspector", "排查人", "inspector", T::Text, opt, Worker),
    f!("location", "隐患部位", "location", T::Text, req),
    f!("owner", "责任主体", "owner", T::Enum(&HazardOwner::DEF), req),
    f!("category", "隐患类别", "category", T::Enum(&HazardCategory::DEF), req),
    f!("description", "隐患描述", "description", T::LongText, req),
    f!("grade", "隐患等级", "grade", T::Enum(&HazardGrade::DEF), req),
    f!("house_rating", "房屋等级", "house rating", T::Enum(&HouseRating::DEF), opt),
];

/// The fields of a record kind.
pub fn fields_of(kind: Kind) -> &'static [FieldSpec] {
    match kind {
        Kind::Household => HOUSEHOLD,
        Kind::Person => PERSON,
        Kind::Visit => VISIT,
        Kind::Demand => DEMAND,
        Kind::Dispute => DISPUTE,
        Kind::Hazard => HAZARD,
    }
}

/// One party of a dispute.
pub static PARTY: &[FieldSpec] = &[
    f!("name", "姓名", "name", T::Name, req),
    f!("role", "角色", "role", T::Enum(&PartyRole::DEF), req),
    f!("person", "人员", "person", T::Ref(Kind::Person), opt),
];

/// The most characters of one line of text.
pub const TEXT_MAX: usize = 200;
/// The most characters of a person's name.
pub const NAME_MAX: usize = 40;
/// The most characters of several lines of text.
pub const LONG_TEXT_MAX: usize = 4000;
/// The largest amount in fen: 2^53 − 1, the largest whole number that every JSON tool reads
/// exactly (90 万亿元, far above any dispute).
pub const AMOUNT_MAX: i64 = (1 << 53) - 1;

/// The most items of each list field, by name (see docs/SCHEMA.md, "Limits"): far above any
/// real record — a dispute with 50 parties is already extraordinary — and small enough that
/// a record stays far below the event size limit. A list longer than its limit is refused
/// before any of its items is read.
pub static LIST_LIMITS: &[(&str, usize)] =
    &[("parties", 50), ("met", 50), ("links", 100), ("tags", 16), ("mediators", 20)];
/// The limit of a list field not named in [`LIST_LIMITS`].
pub const LIST_MAX: usize = 100;

/// The most items the list field `field` may hold.
pub fn list_max(field: &str) -> usize {
    let base = field.rsplit('.').next().unwrap_or(field);
    LIST_LIMITS.iter().find(|(n, _)| *n == base).map(|(_, m)| *m).unwrap_or(LIST_MAX)
}
