//! What the demo township's officer and villages write beyond the villages' own records:
//! instructions (批示) on escalations, 督办 notes, and the reasons of extension requests.

/// 上级批示 on an escalation, one per record answered.
pub const INSTRUCTIONS: [&str; 4] = [
    "请镇综治办牵头，会同相关站所三日内现场处置，结果报镇。",
    "同意上报意见。请村先做好稳控和解释工作，镇里下周组织协调。",
    "请镇应急办立即派员复查，整改到位前落实临时管控措施。",
    "已转县相关部门，请村跟进并及时向群众反馈进度。",
];

/// 督办 notes.
pub const SUPERVISION_NOTES: [&str; 3] = [
    "超期未办结，请于期限内办结并书面反馈。",
    "群众多次反映，请村主要负责人牵头督办落实。",
    "请说明未按期办理原因，并提出整改时间表。",
];

/// Reasons of an extension request (延期申请).
pub const EXTENSION_REASONS: [&str; 2] =
    ["施工队伍未到位，需延期两周完成整改。", "当事人外出务工，需待其返乡后再次调解。"];
