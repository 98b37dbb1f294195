//! Enum codes of the ledgers: the stored value is the upper-case code, the UI shows the label.

use crate::i18n::Lang;

/// One code of an enumeration with its labels.
#[derive(Debug, PartialEq, Eq)]
pub struct CodeInfo {
    /// The stored and JSON value, e.g. `MAJOR`.
    pub code: &'static str,
    /// 中文标签.
    pub zh: &'static str,
    /// English label.
    pub en: &'static str,
}

/// An enumeration as data, so that forms, pickers and validation can be generated from it.
#[derive(Debug, PartialEq, Eq)]
pub struct EnumDef {
    /// The enum's name (for messages and docs).
    pub name: &'static str,
    /// Its codes in display order.
    pub codes: &'static [CodeInfo],
}

impl EnumDef {
    /// The code info for `code`, if it is one of this enum's codes.
    pub fn find(&self, code: &str) -> Option<&'static CodeInfo> {
        self.codes.iter().find(|c| c.code == code)
    }

    /// The label of `code` in `lang`, or the code itself when unknown.
    pub fn label(&self, code: &str, lang: Lang) -> String {
        self.find(code).map(|c| lang.pick(c.zh, c.en).to_string()).unwrap_or_else(|| code.to_string())
    }

    /// All codes joined with `/`, for messages.
    pub fn code_list(&self) -> String {
        self.codes.iter().map(|c| c.code).collect::<Vec<_>>().join("/")
    }
}

macro_rules! codes {
    ($(#[$m:meta])* $name:ident { $($variant:ident = $code:literal, $zh:literal, $en:literal;)* }) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum $name { $(#[doc = $zh] $variant),* }
        impl $name {
            /// Every value, in display order.
            pub const ALL: &'static [Self] = &[$(Self::$variant),*];
            /// The enum as data (codes and labels).
            pub const DEF: EnumDef = EnumDef {
                name: stringify!($name),
                codes: &[$(CodeInfo { code: $code, zh: $zh, en: $en }),*],
            };
            /// The stored code.
            pub fn code(self) -> &'static str {
                match self { $(Self::$variant => $code),* }
            }
            /// Parses a stored code.
            pub fn from_code(s: &str) -> Option<Self> {
                match s { $($code => Some(Self::$variant),)* _ => None }
            }
            /// The label in `lang`.
            pub fn label(self, lang: Lang) -> &'static str {
                match self { $(Self::$variant => lang.pick($zh, $en)),* }
            }
        }
    };
}

codes!(
    /// 性别.
    Gender { M = "M", "男", "male"; F = "F", "女", "female"; }
);
codes!(
    /// Person tags; see [`Tag::is_sensitive`].
    Tag {
        ElderlyAlone = "ELDERLY_ALONE", "独居/空巢老人", "elderly living alone";
        LeftBehindChild = "LEFT_BEHIND_CHILD", "留守儿童", "left-behind child";
        Dibao = "DIBAO", "低保", "minimum living allowance";
        Tekun = "TEKUN", "特困", "extreme poverty support";
        Disabled = "DISABLED", "残疾人", "disabled";
        Veteran = "VETERAN", "退役军人", "veteran";
        Correction = "CORRECTION", "社区矫正", "community correction";
        Released = "RELEASED", "刑满释放", "released prisoner";
        Smi = "SMI", "严重精神障碍", "severe mental illness";
        Drug = "DRUG", "吸毒", "drug use";
        Other = "OTHER", "其他", "other";
    }
);
impl Tag {
    /// Sensitive personal information: needs a stated basis (依据) and is masked in exports.
    pub fn is_sensitive(self) -> bool {
        matches!(self, Tag::LeftBehindChild | Tag::Correction | Tag::Released | Tag::Smi | Tag::Drug)
    }
}
codes!(
    /// 受理来源.
    DisputeSource {
        Applied = "APPLIED", "当事人申请", "applied";
        Proactive = "PROACTIVE", "主动排查", "found proactively";
        Police = "POLICE", "公安移交", "from the police";
        Court = "COURT", "法院委托", "entrusted by a court";
        Gov = "GOV", "政府指定", "assigned by government";
    }
);
codes!(
    /// 纠纷类别.
    DisputeCategory {
        MarriageFamily = "MARRIAGE_FAMILY", "婚姻家庭", "marriage and family";
        Neighbor = "NEIGHBOR", "邻里", "neighbours";
        HousingHomestead = "HOUSING_HOMESTEAD", "房屋宅基地", "housing and homestead";
        LandForest = "LAND_FOREST", "山林土地", "land and forest";
        Contract = "CONTRACT", "合同", "contract";
        Business = "BUSINESS", "生产经营", "business";
        Damages = "DAMAGES", "损害赔偿", "damages";
        LandRequisition = "LAND_REQUISITION", "征地拆迁", "land requisition";
        Labor = "LABOR", "劳动争议", "labour";
        Traffic = "TRAFFIC", "道路交通", "road traffic";
        Medical = "MEDICAL", "医疗", "medical";
        PropertyMgmt = "PROPERTY_MGMT", "物业", "property management";
        Environment = "ENVIRONMENT", "环境污染", "pollution";
        Consumer = "CONSUMER", "消费", "consumer";
        Other = "OTHER", "其他", "other";
    }
);
codes!(
    /// 当事人角色.
    PartyRole { Applicant = "APPLICANT", "申请人", "applicant"; Respondent = "RESPONDENT", "被申请人", "respondent"; }
);
codes!(
    /// 风险等级.
    Risk {
        Red = "RED", "红色·立即上报", "red: report at once";
        Orange = "ORANGE", "橙色·当日处置", "orange: act today";
        Yellow = "YELLOW", "黄色·网格内化解", "yellow: resolve in the grid";
    }
);
codes!(
    /// 调解结果.
    Outcome {
        Agreed = "AGREED", "达成协议", "agreed";
        Terminated = "TERMINATED", "调解终止", "terminated";
        Withdrawn = "WITHDRAWN", "撤回", "withdrawn";
        Referred = "REFERRED", "移交", "referred";
    }
);
codes!(
    /// 协议形式.
    AgreementForm { Written = "WRITTEN", "书面协议", "written"; Oral = "ORAL", "口头协议", "oral"; }
);
codes!(
    /// 履行情况.
    Performance {
        Pending = "PENDING", "待履行", "pending";
        Done = "DONE", "已履行", "done";
        Partial = "PARTIAL", "部分履行", "partly done";
        Defaulted = "DEFAULTED", "未履行", "defaulted";
    }
);
codes!(
    /// 纠纷状态.
    DisputeStatus {
        Registered = "REGISTERED", "已受理", "registered";
        Mediating = "MEDIATING", "调解中", "mediating";
        Agreed = "AGREED", "已达成协议", "agreed";
        Terminated = "TERMINATED", "调解终止", "terminated";
        FollowedUp = "FOLLOWED_UP", "已回访", "followed up";
        Closed = "CLOSED", "已结案", "closed";
        Escalated = "ESCALATED", "已上报", "escalated";
    }
);
codes!(
    /// 隐患责任主体.
    HazardOwner { Household = "HOUSEHOLD", "农户", "household"; Business = "BUSINESS", "经营单位", "business"; Public = "PUBLIC", "公共区域", "public"; }
);
codes!(
    /// 隐患类别.
    HazardCategory {
        Fire = "FIRE", "消防", "fire";
        Gas = "GAS", "燃气", "gas";
        Electric = "ELECTRIC", "用电", "electricity";
        Housing = "HOUSING", "危房", "unsafe housing";
        Geohazard = "GEOHAZARD", "地质灾害", "geohazard";
        Flood = "FLOOD", "防汛", "flood";
        Road = "ROAD", "道路交通", "road traffic";
        Production = "PRODUCTION", "安全生产", "work safety";
        FoodDrug = "FOOD_DRUG", "食品药品", "food and drugs";
        PublicOrder = "PUBLIC_ORDER", "治安", "public order";
        Other = "OTHER", "其他", "other";
    }
);
codes!(
    /// 隐患等级.
    HazardGrade { General = "GENERAL", "一般隐患", "general"; Major = "MAJOR", "重大隐患", "major"; }
);
codes!(
    /// 房屋安全等级 (HOUSING only).
    HouseRating { A = "A", "A级", "A"; B = "B", "B级", "B"; C = "C", "C级", "C"; D = "D", "D级", "D"; }
);
codes!(
    /// 复查结论.
    ReviewResult { Pass = "PASS", "合格", "pass"; Fail = "FAIL", "不合格", "fail"; }
);
codes!(
    /// 隐患状态.
    HazardStatus {
        Found = "FOUND", "已发现", "found";
        Rectifying = "RECTIFYING", "整改中", "rectifying";
        AwaitingReview = "AWAITING_REVIEW", "待复查", "awaiting review";
        ReviewFailed = "REVIEW_FAILED", "复查未通过", "review failed";
        Closed = "CLOSED", "已销号", "closed";
    }
);
codes!(
    /// 走访类型.
    VisitType { Routine = "ROUTINE", "日常走访", "routine"; Focus = "FOCUS", "重点走访", "focus"; Followup = "FOLLOWUP", "回访", "follow-up"; }
);
codes!(
    /// 诉求渠道.
    Channel {
        Visit = "VISIT", "入户走访", "visit";
        Phone = "PHONE", "电话", "phone";
        WalkIn = "WALK_IN", "来访", "walk-in";
        Hotline12345 = "HOTLINE_12345", "12345热线", "12345 hotline";
        Assigned = "ASSIGNED", "上级交办", "assigned";
        Patrol = "PATROL", "巡查发现", "patrol";
    }
);
codes!(
    /// 诉求类型.
    DemandKind { Inquiry = "INQUIRY", "咨询", "inquiry"; Help = "HELP", "求助", "help"; Complaint = "COMPLAINT", "投诉", "complaint"; Suggestion = "SUGGESTION", "建议", "suggestion"; }
);
codes!(
    /// 诉求领域.
    DemandDomain {
        SocialAssist = "SOCIAL_ASSIST", "社会救助", "social assistance";
        ElderCare = "ELDER_CARE", "养老服务", "elder care";
        Medical = "MEDICAL", "医疗卫生", "health";
        EmploySocsec = "EMPLOY_SOCSEC", "就业社保", "jobs and social security";
        Education = "EDUCATION", "教育", "education";
        Housing = "HOUSING", "住房", "housing";
        Sanitation = "SANITATION", "环境卫生", "sanitation";
        Infra = "INFRA", "基础设施", "infrastructure";
        AgriLand = "AGRI_LAND", "农业土地", "farming and land";
        Safety = "SAFETY", "平安建设", "safety";
        Other = "OTHER", "其他", "other";
    }
);
codes!(
    /// 办理层级.
    Level { Grid = "GRID", "网格", "grid"; Village = "VILLAGE", "村", "village"; Township = "TOWNSHIP", "乡镇", "township"; County = "COUNTY", "县", "county"; }
);
impl Level {
    /// One step up (a county stays a county).
    pub fn up(self) -> Level {
        match self {
            Level::Grid => Level::Village,
            Level::Village => Level::Township,
            Level::Township | Level::County => Level::County,
        }
    }
}
codes!(
    /// 办理结果.
    ReplyResult { Resolved = "RESOLVED", "已解决", "resolved"; Partial = "PARTIAL", "部分解决", "partly resolved"; Explained = "EXPLAINED", "已解释说明", "explained"; LegalRoute = "LEGAL_ROUTE", "引导法律途径", "legal route"; }
);
codes!(
    /// 回访满意度.
    Satisfaction { Satisfied = "SATISFIED", "满意", "satisfied"; Basic = "BASIC", "基本满意", "basically satisfied"; Unsatisfied = "UNSATISFIED", "不满意", "unsatisfied"; Unreachable = "UNREACHABLE", "联系不上", "unreachable"; }
);
codes!(
    /// 诉求状态.
    DemandStatus {
        Received = "RECEIVED", "已受理", "received";
        OnSpotDone = "ON_SPOT_DONE", "当场办结", "done on the spot";
        Escalated = "ESCALATED", "已上报", "escalated";
        InProgress = "IN_PROGRESS", "办理中", "in progress";
        Answered = "ANSWERED", "已答复", "answered";
        FollowedUp = "FOLLOWED_UP", "已回访", "followed up";
        Closed = "CLOSED", "已办结", "closed";
        Reopened = "REOPENED", "重新办理", "reopened";
    }
);
codes!(
    /// Status of records without a lifecycle (households, people, visits).
    PlainStatus { Active = "ACTIVE", "在册", "active"; Recorded = "RECORDED", "已记录", "recorded"; }
);
codes!(
    /// Store role.
    Role { Village = "village", "村", "village"; Township = "township", "乡镇", "township"; County = "county", "县", "county"; }
);

/// Every enum, for completeness tests and documentation.
pub const ALL_ENUMS: &[&EnumDef] = &[
    &Gender::DEF,
    &Tag::DEF,
    &DisputeSource::DEF,
    &DisputeCategory::DEF,
    &PartyRole::DEF,
    &Risk::DEF,
    &Outcome::DEF,
    &AgreementForm::DEF,
    &Performance::DEF,
    &DisputeStatus::DEF,
    &HazardOwner::DEF,
    &HazardCategory::DEF,
    &HazardGrade::DEF,
    &HouseRating::DEF,
    &ReviewResult::DEF,
    &HazardStatus::DEF,
    &VisitType::DEF,
    &Channel::DEF,
    &DemandKind::DEF,
    &DemandDomain::DEF,
    &Level::DEF,
    &ReplyResult::DEF,
    &Satisfaction::DEF,
    &DemandStatus::DEF,
    &PlainStatus::DEF,
    &Role::DEF,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_has_both_labels_and_round_trips() {
        for def in ALL_ENUMS {
            for c in def.codes {
                assert!(!c.zh.is_empty() && !c.en.is_empty(), "{}.{} lacks a label", def.name, c.code);
                assert_eq!(def.find(c.code).map(|x| x.code), Some(c.code));
            }
        }
        for t in Tag::ALL {
            assert_eq!(Tag::from_code(t.code()), Some(*t));
        }
    }

    #[test]
    fn sensitive_tags_are_exactly_the_starred_ones() {
        let s: Vec<_> = Tag::ALL.iter().filter(|t| t.is_sensitive()).map(|t| t.code()).collect();
        assert_eq!(s, ["LEFT_BEHIND_CHILD", "CORRECTION", "RELEASED", "SMI", "DRUG"]);
    }

    #[test]
    fn escalation_goes_up_one_level_and_stops_at_county() {
        assert_eq!(Level::Grid.up(), Level::Village);
        assert_eq!(Level::Township.up(), Level::County);
        assert_eq!(Level::County.up(), Level::County);
    }
}
