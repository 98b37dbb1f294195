//! Localised labels of fields and enum codes, in the context of a record kind and action: the
//! same name can mean different things (a review's `date` is 复查日期, a demand's `result` is
//! 办理结果).

use super::actions::{actions_of, all_action_fields, find_action, statuses_of};
use super::codes::*;
use super::schema::{FieldSpec, FieldType, PARTY, fields_of};
use super::value::Kind;
use crate::i18n::Lang;

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
    ("merged_into", "已并入", "merged into"),
    ("merges", "并入的记录", "merged records"),
    ("unmerges", "撤销合并的记录", "unmerged records"),
    ("record", "记录", "record"),
    ("instructions", "上级批示", "instructions"),
    ("instructed", "已批示的上报", "escalations answered"),
    ("supervision", "督办", "supervision"),
    ("supervisions", "督办记录", "supervisions"),
    ("supervision_answers", "督办反馈", "supervision answers"),
    ("extension_request", "延期申请", "extension request"),
    ("extension_requests", "延期申请记录", "extension requests"),
    ("extension", "已批准的延期", "approved extension"),
    ("extension_decisions", "延期审批", "extension decisions"),
    ("original_due_on", "原期限", "original due date"),
    ("due_on", "期限", "due on"),
    ("note", "意见", "note"),
    ("approved", "批准", "approved"),
];

/// The action whose payload a set or a composite field holds, for the right labels of its
/// items (a review's `date` is 复查日期, an instruction's 批示日期, an escalation's `reason`
/// 上报原因): the screen and `gridlog show` label them alike.
pub fn action_of_field(field: &str) -> Option<&'static str> {
    Some(match field {
        "sessions" => "session",
        "agreement" => "agree",
        "judicial_confirmation" => "confirm",
        "termination" => "terminate",
        "referral" => "refer",
        "followups" => "followup",
        "escalations" => "escalate",
        "rectification" => "rectify",
        "completion" => "complete",
        "reviews" => "review",
        "assignment" => "assign",
        "replies" => "reply",
        "reopenings" => "reopen",
        "notes" => "note",
        "instructions" => "instruct",
        "supervision" | "supervisions" => "supervise",
        "supervision_answers" => "answer_supervision",
        "extension_request" | "extension_requests" => "request_extension",
        _ => return None,
    })
}

/// The field descriptions of `action`'s payload, then of `kind`'s own fields and actions: the
/// same name can mean different things (a review's `date` is 复查日期, a demand's `result` is
/// 办理结果).
fn own_specs(kind: Option<Kind>, action: Option<&str>) -> impl Iterator<Item = &'static FieldSpec> {
    let in_action = kind.zip(action).and_then(|(k, a)| find_action(k, a)).into_iter().flat_map(|a| a.fields.iter());
    let own =
        kind.into_iter().flat_map(|k| fields_of(k).iter().chain(actions_of(k).iter().flat_map(|a| a.fields.iter())));
    in_action.chain(own)
}

/// Every kind's and action's field descriptions.
fn all_specs() -> impl Iterator<Item = &'static FieldSpec> {
    Kind::ALL.iter().flat_map(|k| fields_of(*k).iter()).chain(all_action_fields()).chain(PARTY.iter())
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
        (Some(k), "status") => Some(statuses_of(k)),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_labelled_in_the_context_of_their_record() {
        assert_eq!(code_label(Some(Kind::Demand), None, "result", "RESOLVED", Lang::Zh).as_deref(), Some("已解决"));
        assert_eq!(code_label(Some(Kind::Hazard), None, "result", "PASS", Lang::Zh).as_deref(), Some("合格"));
        assert_eq!(code_label(None, None, "outcome", "AGREED", Lang::En).as_deref(), Some("agreed"));
        assert_eq!(code_label(None, None, "notes", "AGREED", Lang::En), None, "free text is not a code");
        assert_eq!(code_label(Some(Kind::Hazard), None, "status", "FOUND", Lang::Zh).as_deref(), Some("已发现"));
    }

    #[test]
    fn a_field_is_labelled_by_its_action_first() {
        assert_eq!(label_of(Some(Kind::Hazard), Some("review"), "date"), Some(("复查日期", "date")));
        assert_eq!(label_of(Some(Kind::Dispute), Some("session"), "date"), Some(("调解日期", "date")));
        assert_eq!(screen_label(Some(Kind::Person), None, "parties[1].role", Lang::Zh), "角色");
        assert_eq!(field_label("id_number", Lang::Zh), "身份证号 id_number");
        assert_eq!(field_label("id_number", Lang::En), "id_number");
        assert_eq!(screen_label(None, None, "no_such_field", Lang::En), "no such field");
    }

    #[test]
    fn a_set_s_items_are_labelled_by_the_action_that_wrote_them() {
        let item = |kind, set, field| label_of(Some(kind), action_of_field(set), field).map(|(zh, _)| zh);
        assert_eq!(item(Kind::Dispute, "instructions", "date"), Some("批示日期"), "not the session's 调解日期");
        assert_eq!(item(Kind::Dispute, "escalations", "reason"), Some("上报原因"), "not the termination's");
        assert_eq!(item(Kind::Hazard, "reviews", "date"), Some("复查日期"));
        assert_eq!(item(Kind::Demand, "supervision_answers", "date"), Some("反馈日期"));
    }
}
