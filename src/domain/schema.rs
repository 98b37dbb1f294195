//! The fields of every record kind and every lifecycle action, as data.
//!
//! One description serves validation (CLI and TUI take the same path), the TUI's generated
//! forms, and documentation. Parsing turns a JSON object into typed [`Value`]s or a list of
//! field-named problems.

use super::codes::*;
use super::error::{FieldError, Invalid, Problem};
use super::value::{Day, EntityId, Kind, Value};
use super::{Ctx, check};
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

/// Fields of action payloads and of nested values, for labels.
static OTHER_LABELS: &[(&str, &str, &str)] = &[
    ("status", "状态", "status"),
    ("date", "日期", "date"),
    ("mediator", "调解员", "mediator"),
    ("notes", "记录", "notes"),
    ("form", "协议形式", "form"),
    ("terms", "协议内容", "terms"),
    ("performance_method", "履行方式", "performance method"),
    ("performance_place", "履行地点", "performance place"),
    ("performance_deadline", "履行期限", "performance deadline"),
    ("amount_fen", "金额（分）", "amount (fen)"),
    ("effective_on", "生效日期", "effective on"),
    ("applied_on", "申请日期", "applied on"),
    ("court", "法院", "court"),
    ("reason", "原因", "reason"),
    ("withdrawn", "撤回", "withdrawn"),
    ("to", "移交单位", "referred to"),
    ("performance", "履行情况", "performance"),
    ("satisfaction", "满意度", "satisfaction"),
    ("measures", "整改措施", "measures"),
    ("responsible", "责任人", "responsible person"),
    ("responsible_phone", "责任人电话", "responsible person's phone"),
    ("deadline", "整改期限", "deadline"),
    ("interim_control", "临时管控措施", "interim control"),
    ("reviewer", "复查人", "reviewer"),
    ("result", "结论", "result"),
    ("assignee", "承办人", "assignee"),
    ("reply", "答复内容", "reply"),
    ("replied_on", "答复日期", "replied on"),
    ("text", "内容", "text"),
    ("name", "姓名", "name"),
    ("role", "角色", "role"),
    ("person", "人员", "person"),
    ("kind", "类型", "kind"),
    ("closed_on", "办结日期", "closed on"),
    ("assignment", "交办", "assignment"),
    ("replies", "答复记录", "replies"),
    ("sessions", "调解记录", "sessions"),
    ("followups", "回访记录", "follow-ups"),
    ("reviews", "复查记录", "reviews"),
    ("notes", "备注", "notes"),
    ("escalations", "上报记录", "escalations"),
    ("reopenings", "重新办理", "reopenings"),
    ("agreement", "调解协议", "agreement"),
    ("rectification", "整改方案", "rectification"),
    ("completion", "整改完成", "rectification done"),
    ("termination", "调解终止", "termination"),
    ("referral", "移交", "referral"),
    ("judicial_confirmation", "司法确认", "judicial confirmation"),
    ("outcome", "调解结果", "outcome"),
    ("escalated", "已上报", "escalated"),
    ("created_at", "登记时间", "created at"),
    ("place", "村/乡镇名称", "place name"),
    ("division", "区划代码", "division code"),
    ("worker", "网格员姓名", "worker"),
    ("role", "角色", "role"),
    ("grid", "网格", "grid"),
];

/// The field descriptions of `action`'s payload, then of `kind`'s own fields and actions: the
/// same name can mean different things (a review's `date` is 复查日期, a demand's `result` is
/// 办理结果).
fn own_specs(kind: Option<Kind>, action: Option<&str>) -> impl Iterator<Item = &'static FieldSpec> {
    let in_action = kind
        .zip(action)
        .and_then(|(k, a)| super::lifecycle::find_action(k, a))
        .into_iter()
        .flat_map(|a| a.fields.iter());
    let own = kind
        .into_iter()
        .flat_map(|k| fields_of(k).iter().chain(super::lifecycle::actions_of(k).iter().flat_map(|a| a.fields.iter())));
    in_action.chain(own)
}

/// Every kind's and action's field descriptions.
fn all_specs() -> impl Iterator<Item = &'static FieldSpec> {
    Kind::ALL.iter().flat_map(|k| fields_of(*k).iter()).chain(super::lifecycle::all_action_fields()).chain(PARTY.iter())
}

/// The (中文, English) label of a field in context (`parties[1].role` → `role`): the context's
/// own fields first, then names that are not form fields (sets, derived fields), then any field.
pub fn label_of(kind: Option<Kind>, action: Option<&str>, name: &str) -> Option<(&'static str, &'static str)> {
    let base = name.rsplit('.').next().unwrap_or(name);
    let base = base.split('[').next().unwrap_or(base);
    own_specs(kind, action)
        .find(|f| f.name == base)
        .map(|f| (f.zh, f.en))
        .or_else(|| OTHER_LABELS.iter().find(|(n, _, _)| *n == base).map(|(_, zh, en)| (*zh, *en)))
        .or_else(|| all_specs().find(|f| f.name == base).map(|f| (f.zh, f.en)))
}

/// The label for the command line: in Chinese the JSON name follows, so that scripts can find
/// it (`身份证号 id_number`); in English the JSON name itself.
pub fn field_label(name: &str, lang: Lang) -> String {
    field_label_for(None, name, lang)
}

/// [`field_label`] in the context of a record kind.
pub fn field_label_for(kind: Option<Kind>, name: &str, lang: Lang) -> String {
    match (label_of(kind, None, name), lang) {
        (Some((zh, _)), Lang::Zh) => format!("{zh} {name}"),
        _ => name.to_string(),
    }
}

/// The label for the screen: the words only, in the UI language.
pub fn screen_label(kind: Option<Kind>, action: Option<&str>, name: &str, lang: Lang) -> String {
    label_of(kind, action, name).map(|(zh, en)| lang.pick(zh, en).to_string()).unwrap_or_else(|| name.replace('_', " "))
}

/// The label of an enum code stored in `field`, looking first at `action`'s and `kind`'s own
/// fields (derived fields such as `outcome` included); `None` when the field holds no code.
pub fn code_label(kind: Option<Kind>, action: Option<&str>, field: &str, code: &str, lang: Lang) -> Option<String> {
    let derived: Option<&EnumDef> = match (kind, field) {
        (_, "outcome") => Some(&Outcome::DEF),
        (_, "performance") => Some(&Performance::DEF),
        (_, "satisfaction") => Some(&Satisfaction::DEF),
        (_, "level") => Some(&Level::DEF),
        (Some(Kind::Demand), "result") => Some(&ReplyResult::DEF),
        (Some(Kind::Hazard), "result") => Some(&ReviewResult::DEF),
        _ => None,
    };
    if let Some(def) = derived {
        return def.find(code).map(|_| def.label(code, lang));
    }
    let specs = own_specs(kind, action).chain(all_specs());
    for s in specs.filter(|s| s.name == field) {
        if let FieldType::Enum(def) | FieldType::EnumList(def) = &s.ty
            && def.find(code).is_some()
        {
            return Some(def.label(code, lang));
        }
    }
    None
}

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

/// Unknown fields reported at most per object (a hostile input must not yield a line per key).
const UNKNOWN_REPORTED_MAX: usize = 20;

/// Parses the fields of `obj` against `specs`. With `partial` (an `edit`), absent fields are left
/// out and defaults are not applied; otherwise required fields must be present. Unknown fields
/// are refused. `rename` maps accepted aliases (a demand's `kind`) to field names.
pub fn parse_object(
    specs: &[FieldSpec],
    input: &serde_json::Value,
    ctx: &Ctx,
    partial: bool,
    rename: &[(&str, &str)],
) -> Result<Vec<(String, Value)>, Invalid> {
    let Some(obj) = input.as_object() else {
        return Err(FieldError::new("", Problem::NotAnObject).into());
    };
    let mut errors = Vec::new();
    let mut out = Vec::new();
    for key in obj.keys() {
        let name = rename.iter().find(|(a, _)| a == key).map(|(_, b)| *b).unwrap_or(key);
        if !specs.iter().any(|s| s.name == name) {
            errors.push(FieldError::new(key.clone(), Problem::UnknownField));
            if errors.len() >= UNKNOWN_REPORTED_MAX {
                break;
            }
        }
    }
    for spec in specs {
        let alias = rename.iter().find(|(_, b)| *b == spec.name).and_then(|(a, _)| obj.get(*a).map(|v| (*a, v)));
        // both spellings given (a demand's `kind` and `demand_kind`): they must say the same
        if let (Some(own), Some((alias_name, alias_value))) = (obj.get(spec.name), alias)
            && own != alias_value
        {
            let parsed = |v| parse_value(spec.name, &spec.ty, v, ctx).ok();
            // an invalid own value is reported below as such
            if parsed(own).is_some_and(|a| Some(a) != parsed(alias_value)) {
                errors.push(FieldError::new(spec.name, Problem::Disagrees(alias_name.to_string())));
                continue;
            }
        }
        let raw = obj.get(spec.name).or(alias.map(|(_, v)| v));
        let present = raw.is_some_and(|v| !is_empty(v));
        if !present {
            if partial {
                if raw.is_some() {
                    if spec.required {
                        errors.push(FieldError::new(spec.name, Problem::Required));
                    } else {
                        out.push((spec.name.to_string(), Value::Null));
                    }
                }
                continue;
            }
            if spec.required {
                errors.push(FieldError::new(spec.name, Problem::Required));
            } else {
                match spec.default {
                    Default::Nothing => {}
                    Default::Worker => out.push((spec.name.into(), Value::Text(ctx.worker.to_string()))),
                    Default::Grid if !ctx.grid.is_empty() => {
                        out.push((spec.name.into(), Value::Text(ctx.grid.to_string())))
                    }
                    Default::Grid => {}
                    Default::False => out.push((spec.name.into(), Value::Bool(false))),
                }
            }
            continue;
        }
        match parse_value(spec.name, &spec.ty, raw.unwrap_or(&serde_json::Value::Null), ctx) {
            Ok(v) => out.push((spec.name.to_string(), v)),
            Err(mut e) => errors.append(&mut e),
        }
    }
    if errors.is_empty() { Ok(out) } else { Err(Invalid(errors)) }
}

fn is_empty(v: &serde_json::Value) -> bool {
    match v {
        serde_json::Value::Null => true,
        serde_json::Value::String(s) => s.trim().is_empty(),
        serde_json::Value::Array(a) => a.is_empty(),
        _ => false,
    }
}

/// Text as stored ([`super::text::clean`]): control and zero-width characters are dropped,
/// tabs become spaces, line breaks are kept only in multi-line fields, and bidirectional
/// controls are refused. The personal-data check runs on the cleaned text.
fn text(field: &str, v: &serde_json::Value, max: usize) -> Result<String, Vec<FieldError>> {
    let s = v.as_str().ok_or_else(|| vec![FieldError::new(field, Problem::NotText)])?;
    let s = super::text::clean(s, max == LONG_TEXT_MAX)
        .map_err(|b| vec![FieldError::new(field, Problem::BidiControl(b.0))])?;
    let s = s.trim();
    if s.chars().count() > max {
        return Err(vec![FieldError::new(field, Problem::TooLong(max))]);
    }
    if let Some(p) = check::find_pii(s) {
        return Err(vec![FieldError::new(field, Problem::PiiInText(p))]);
    }
    Ok(s.to_string())
}

fn reference(field: &str, v: &serde_json::Value, kinds: &[Kind], ctx: &Ctx) -> Result<EntityId, Vec<FieldError>> {
    let s = v.as_str().ok_or_else(|| vec![FieldError::new(field, Problem::NotText)])?;
    let fail = |p| vec![FieldError::new(field, p)];
    let id = EntityId::parse(s).ok_or_else(|| fail(Problem::NoSuchRecord(s.to_string())))?;
    match ctx.refs.kind_of(id) {
        None => Err(fail(Problem::NoSuchRecord(s.to_string()))),
        Some(k) if !kinds.contains(&k) => {
            Err(fail(Problem::WrongKind(kinds.iter().map(|k| k.label(ctx.lang)).collect::<Vec<_>>().join("/"))))
        }
        Some(_) => Ok(id),
    }
}

fn enum_code(field: &str, def: &EnumDef, v: &serde_json::Value) -> Result<String, Vec<FieldError>> {
    match v.as_str().map(str::trim).and_then(|s| def.find(s).or_else(|| def.find(&s.to_ascii_uppercase()))) {
        Some(c) => Ok(c.code.to_string()),
        None => Err(vec![FieldError::new(field, Problem::NotInEnum(def.code_list()))]),
    }
}

fn date(field: &str, v: &serde_json::Value, ctx: &Ctx, future_ok: bool) -> Result<Day, Vec<FieldError>> {
    let d = v.as_str().and_then(Day::parse).ok_or_else(|| vec![FieldError::new(field, Problem::NotDate)])?;
    if !future_ok && d > ctx.today {
        return Err(vec![FieldError::new(field, Problem::FutureDate)]);
    }
    Ok(d)
}

/// The items of a list field, refused whole — before any item is read — when there are more
/// than the field's limit.
fn list<'a>(field: &str, v: &'a serde_json::Value) -> Result<&'a Vec<serde_json::Value>, Vec<FieldError>> {
    let items = v.as_array().ok_or_else(|| vec![FieldError::new(field, Problem::NotList)])?;
    let max = list_max(field);
    if items.len() > max {
        return Err(vec![FieldError::new(field, Problem::TooMany(max))]);
    }
    Ok(items)
}

/// Parses one value of type `ty` (exposed for the TUI's field-by-field validation).
pub fn parse_value(field: &str, ty: &FieldType, v: &serde_json::Value, ctx: &Ctx) -> Result<Value, Vec<FieldError>> {
    let one = |p| vec![FieldError::new(field, p)];
    Ok(match ty {
        T::Text => Value::Text(text(field, v, TEXT_MAX)?),
        T::Name => Value::Text(text(field, v, NAME_MAX)?),
        T::LongText => Value::Text(text(field, v, LONG_TEXT_MAX)?),
        T::Date => Value::Date(date(field, v, ctx, false)?),
        T::FutureDate => Value::Date(date(field, v, ctx, true)?),
        T::Enum(def) => Value::Text(enum_code(field, def, v)?),
        T::EnumList(def) => {
            let mut codes: Vec<String> = Vec::new();
            for (i, item) in list(field, v)?.iter().enumerate() {
                let c = enum_code(&format!("{field}[{i}]"), def, item)?;
                if !codes.contains(&c) {
                    codes.push(c);
                }
            }
            Value::List(codes.into_iter().map(Value::Text).collect())
        }
        T::Bool => Value::Bool(v.as_bool().ok_or_else(|| one(Problem::NotBool))?),
        T::Amount => match v.as_i64().filter(|n| *n >= 0) {
            Some(n) if n > AMOUNT_MAX => return Err(one(Problem::AmountTooLarge)),
            Some(n) => Value::Int(n),
            // a whole number above i64 (serde_json reads it as u64) is too large, not malformed
            None if v.is_u64() => return Err(one(Problem::AmountTooLarge)),
            None => return Err(one(Problem::NotAmount)),
        },
        T::Phone => {
            let s = v.as_str().ok_or_else(|| one(Problem::NotText))?;
            if !check::is_phone(s) {
                return Err(one(Problem::Phone));
            }
            Value::Text(s.trim().to_string())
        }
        T::IdNumber => {
            let s = v.as_str().ok_or_else(|| one(Problem::NotText))?;
            Value::Text(check::check_id_number(s, ctx.today).map_err(|p| one(Problem::IdNumber(p)))?)
        }
        T::Ref(kind) => Value::Ref(reference(field, v, &[*kind], ctx)?),
        T::RefList(kinds) => {
            let mut out = Vec::new();
            for (i, item) in list(field, v)?.iter().enumerate() {
                out.push(Value::Ref(reference(&format!("{field}[{i}]"), item, kinds, ctx)?));
            }
            Value::List(out)
        }
        T::PersonOrName => match v.as_str().and_then(EntityId::parse) {
            Some(_) => Value::Ref(reference(field, v, &[Kind::Person], ctx)?),
            None => Value::Text(text(field, v, TEXT_MAX)?),
        },
        T::TextList => {
            let mut out = Vec::new();
            for (i, item) in list(field, v)?.iter().enumerate() {
                out.push(Value::Text(text(&format!("{field}[{i}]"), item, TEXT_MAX)?));
            }
            Value::List(out)
        }
        T::Parties => {
            let mut out = Vec::new();
            let mut errors = Vec::new();
            for (i, item) in list(field, v)?.iter().enumerate() {
                match parse_object(PARTY, item, ctx, false, &[]) {
                    Ok(fields) => out.push(Value::Map(fields)),
                    Err(Invalid(errs)) => errors.extend(errs.into_iter().map(|mut e| {
                        e.field = format!("{field}[{i}].{}", e.field);
                        e
                    })),
                }
            }
            if !errors.is_empty() {
                return Err(errors);
            }
            Value::List(out)
        }
    })
}

/// One party of a dispute.
pub static PARTY: &[FieldSpec] = &[
    f!("name", "姓名", "name", T::Name, req),
    f!("role", "角色", "role", T::Enum(&PartyRole::DEF), req),
    f!("person", "人员", "person", T::Ref(Kind::Person), opt),
];

#[cfg(test)]
mod tests {
    use crate::domain::text::clean;

    #[test]
    fn codes_are_labelled_in_the_context_of_their_record() {
        use super::code_label;
        use crate::domain::Kind;
        use crate::i18n::Lang;
        assert_eq!(code_label(Some(Kind::Demand), None, "result", "RESOLVED", Lang::Zh).as_deref(), Some("已解决"));
        assert_eq!(code_label(Some(Kind::Hazard), None, "result", "PASS", Lang::Zh).as_deref(), Some("合格"));
        assert_eq!(code_label(None, None, "outcome", "AGREED", Lang::En).as_deref(), Some("agreed"));
        assert_eq!(code_label(None, None, "notes", "AGREED", Lang::En), None, "free text is not a code");
    }

    #[test]
    fn control_characters_are_dropped_and_line_breaks_kept_only_in_notes() {
        assert_eq!(clean("a\u{1b}[200~b\tc\r\nd", true).unwrap(), "a[200~b c\nd");
        assert_eq!(clean("a\nb", false).unwrap(), "a b");
    }
}
