//! The shapes of the case templates (demands, disputes, hazards) that `texts` fills in, the
//! filling of their placeholders, and the pickers of visit notes and assignees.

use std::fmt::Write as _;

use super::rng::Rng;

/// Fills `{A}` `{B}` (party names), `{g}` (a group, e.g. 三组) and `{M}` (an amount in yuan).
pub(super) fn fill(template: &str, a: &str, b: &str, g: &str, m: u64) -> String {
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

/// Focus-visit notes by tag bit (index into `TAG_CODES`).
pub(super) fn focus_note(r: &mut Rng, tag_bit: u32) -> &'static str {
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
pub(super) enum CaseKind {
    Demand,
    Dispute,
    Hazard,
}

pub(super) fn followup_note(r: &mut Rng, k: CaseKind) -> &'static str {
    let pool: &[&str] = match k {
        CaseKind::Demand => &["回访此前反映的诉求，了解办理结果，群众表示认可", "回访诉求办理情况，问题已基本解决"],
        CaseKind::Dispute => &["回访调解协议履行情况，双方关系缓和", "回访纠纷当事人，情绪稳定，未见反复"],
        CaseKind::Hazard => &["复查隐患整改情况，整改措施已落实", "回访隐患整改进度，提醒按期完成"],
    };
    r.pick(pool)
}

pub(super) struct DemandTpl {
    pub(super) kind: &'static str,
    pub(super) domain: &'static str,
    pub(super) content: &'static str,
    pub(super) reply: &'static str,
    pub(super) result: &'static str,
    pub(super) urgent: bool,
}

/// Who a demand is assigned to at `level` (0: the grid worker herself).
pub(super) fn assignee(r: &mut Rng, worker: &'static str, level: usize) -> &'static str {
    let own = [worker];
    let pool: &[&'static str] = match level {
        // a draw all the same, so the data stays what it was with one worker's name
        0 => &own,
        1 => &["村委会潘建国", "村民政专干吴丽", "村委委员陈海军"],
        2 => &["镇社会治理中心", "镇民政办", "镇农业农村办", "镇综合行政执法队"],
        _ => &["县信访局", "县住建局", "县人社局"],
    };
    r.pick(pool)
}

pub(super) struct DisputeTpl {
    pub(super) category: &'static str,
    /// 0: two households; 1: wife against husband; 2: old parent against the son's family.
    pub(super) family: u8,
    /// A respondent that is not a resident (an organisation), or "".
    pub(super) org: &'static str,
    pub(super) facts: &'static str,
    pub(super) claims: &'static str,
    pub(super) terms: &'static str,
    pub(super) method: &'static str,
    /// Amount range in yuan, (0, 0) when no money changes hands.
    pub(super) yuan: (u64, u64),
}

pub(super) struct HazardTpl {
    pub(super) category: &'static str,
    pub(super) owner: &'static str,
    /// For HOUSEHOLD: the part of the house; otherwise the place, with `{g}` for a group.
    pub(super) spot: &'static str,
    pub(super) description: &'static str,
    pub(super) measures: &'static str,
    pub(super) interim: &'static str,
    /// Chance (per mille) that it is MAJOR. HOUSING goes by the house rating instead: non-zero
    /// marks a dangerous house (rated C or D, MAJOR when D), zero a house needing repair (B or C).
    pub(super) major: u64,
    /// May be put right on the spot (GENERAL only).
    pub(super) quick: bool,
}
