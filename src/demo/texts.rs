//! The demo's word pools: names, addresses and the Chinese texts of visits, demands, disputes
//! and hazards, kept apart from the generator that picks from them.

use super::templates::{DemandTpl, DisputeTpl, HazardTpl};

/// Common surnames. 曾 (zēng), 单 (shàn) and 解 (xiè) are read differently as surnames; they are
/// also drawn on their own below so that they turn up regularly.
pub(super) const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "高", "林",
    "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾", "肖", "田", "董", "袁", "潘", "于",
    "蒋", "蔡", "余", "杜", "叶", "程", "苏", "魏", "吕", "丁", "任", "沈", "姚", "卢", "姜", "崔", "钟", "谭", "陆",
    "汪", "范", "金", "石", "廖", "贾", "夏", "韦", "付", "方", "白", "邹", "孟", "熊", "秦", "邱", "江", "尹", "薛",
    "段", "雷", "侯", "龙", "史", "陶", "黎", "贺", "顾", "毛", "郝", "龚", "邵", "万", "钱", "严", "武", "戴", "莫",
    "孔", "向", "汤", "单", "解", "俞", "章", "应", "楼", "盛", "查", "仇",
];

/// The village's big families (同姓聚居).
pub(super) const VILLAGE_SURNAMES: &[&str] = &["潘", "陈", "吴"];

pub(super) const POLYPHONIC_SURNAMES: &[&str] = &["曾", "单", "解"];

pub(super) const OLD_M: &[&str] = &[
    "建国", "建华", "国强", "国平", "德明", "德福", "长贵", "根生", "水生", "金根", "福根", "荣华", "和平", "春生",
    "秋生", "宝林", "永福", "有才", "树林", "志刚",
];

pub(super) const OLD_F: &[&str] = &[
    "秀英", "桂英", "秀兰", "玉兰", "桂兰", "凤英", "菊英", "月娥", "金花", "彩凤", "翠花", "爱华", "美英", "素珍",
    "秀珍", "银花", "杏花",
];

pub(super) const MID_M: &[&str] = &[
    "伟", "强", "磊", "军", "勇", "刚", "杰", "涛", "明", "超", "斌", "鹏", "辉", "华", "东", "林", "海军", "建军",
    "志强", "文斌", "永强", "海涛", "晓东", "建平", "卫东", "国庆", "红兵", "立新", "小军",
];

pub(super) const MID_F: &[&str] = &[
    "丽", "芳", "敏", "静", "艳", "娟", "霞", "燕", "红", "梅", "琴", "英", "丽华", "春梅", "海燕", "雪梅", "晓燕",
    "美玲", "红霞", "丽娟", "小红", "秀芳", "慧", "玲",
];

pub(super) const YOUNG_M: &[&str] = &[
    "子轩", "浩然", "宇航", "梓豪", "一鸣", "俊杰", "浩宇", "子豪", "宇轩", "博文", "思远", "皓轩", "天佑", "嘉豪",
    "明轩",
];

pub(super) const YOUNG_F: &[&str] = &[
    "子涵", "欣怡", "梓涵", "诗琪", "雨桐", "一诺", "语嫣", "梦琪", "思彤", "佳怡", "可馨", "欣妍", "雨萱", "若汐",
    "晨曦",
];

/// Full names written with a middle dot (Uyghur families who settled in the village).
pub(super) const DOT_M: &[&str] =
    &["买买提·艾力", "艾力·买买提", "阿不都·热合曼", "艾克拜尔·吐尔逊", "努尔买买提·卡德尔", "吐尔逊·阿西木"];
pub(super) const DOT_F: &[&str] =
    &["古丽米拉·吐尔逊", "热依拉·艾力", "阿依古丽·买买提", "帕提古丽·阿不都", "迪丽努尔·卡德尔"];

pub(super) const GROUPS: &[&str] =
    &["一组", "二组", "三组", "四组", "五组", "六组", "七组", "八组", "九组", "十组", "十一组", "十二组"];

pub(super) const MOBILE_PREFIXES: &[&str] = &[
    "130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "153", "155", "156", "157",
    "158", "159", "166", "173", "177", "180", "181", "182", "183", "186", "187", "188", "189", "191", "199",
];

pub(super) const TAG_CODES: [&str; 11] = [
    "ELDERLY_ALONE",
    "LEFT_BEHIND_CHILD",
    "DIBAO",
    "TEKUN",
    "DISABLED",
    "VETERAN",
    "CORRECTION",
    "RELEASED",
    "SMI",
    "DRUG",
    "OTHER",
];

pub(super) const ELDERLY_ALONE: u16 = 1 << 0;

pub(super) const LEFT_BEHIND_CHILD: u16 = 1 << 1;

pub(super) const DIBAO: u16 = 1 << 2;

pub(super) const TEKUN: u16 = 1 << 3;

pub(super) const DISABLED: u16 = 1 << 4;

pub(super) const VETERAN: u16 = 1 << 5;

pub(super) const CORRECTION: u16 = 1 << 6;

pub(super) const RELEASED: u16 = 1 << 7;

pub(super) const SMI: u16 = 1 << 8;

pub(super) const DRUG: u16 = 1 << 9;

pub(super) const OTHER_TAG: u16 = 1 << 10;

/// Tags that need a stated basis (依据).
pub(super) const SENSITIVE: u16 = LEFT_BEHIND_CHILD | CORRECTION | RELEASED | SMI | DRUG;

pub(super) const TAG_BASIS: [&str; 11] = [
    "",
    "父母外出务工，民政登记",
    "",
    "",
    "",
    "",
    "司法所社区矫正人员名单",
    "刑满释放人员安置帮教衔接通知",
    "卫健部门严重精神障碍患者管理名单",
    "公安部门社区戒毒康复人员通报",
    "",
];

pub(super) const ROUTINE_NOTES: &[&str] = &[
    "入户走访，了解家庭生产生活情况，宣传防范电信网络诈骗知识",
    "走访了解家庭近况，宣传垃圾分类和安全用电常识",
    "宣传城乡居民医保缴费政策，提醒按时缴费",
    "核对家庭成员和联系方式，更新户情信息",
    "宣传森林防火和禁止野外用火，发放告知书",
    "了解春耕生产情况，提醒注意农机安全",
    "宣传防汛避险知识，告知转移路线和安置点",
    "了解家庭就业情况，宣传镇里招聘会信息",
    "走访了解家庭近况，群众暂无诉求",
    "宣传移风易俗，倡导红白喜事简办",
    "宣传电动自行车安全充电，提醒不要在楼道和室内充电",
];

pub(super) const NOBODY_HOME: &str = "家中无人，电话联系后约定改日再访";

pub(super) const COLLEAGUES: &[&str] = &["村支书潘建国", "村医陈芳", "妇联主席吴丽", "民警沈磊", "村委委员陈海军"];

macro_rules! demand {
    ($w:literal, $kind:literal, $domain:literal, $content:literal, $reply:literal, $result:literal) => {
        (
            $w,
            DemandTpl {
                kind: $kind,
                domain: $domain,
                content: $content,
                reply: $reply,
                result: $result,
                urgent: false,
            },
        )
    };
    ($w:literal, $kind:literal, $domain:literal, $content:literal, $reply:literal, $result:literal, urgent) => {
        (
            $w,
            DemandTpl { kind: $kind, domain: $domain, content: $content, reply: $reply, result: $result, urgent: true },
        )
    };
}

#[rustfmt::skip]
pub(super) static DEMANDS: &[(u32, DemandTpl)] = &[
    demand!(6, "INQUIRY", "SOCIAL_ASSIST", "咨询低保申请需要准备哪些材料", "已告知需提供户口簿、家庭收入情况等材料，可到村便民服务中心提交申请", "EXPLAINED"),
    demand!(6, "INQUIRY", "ELDER_CARE", "咨询高龄津贴如何申领，家中老人今年满八十周岁", "已告知携带户口簿到村便民服务中心登记，审核后按月发放", "EXPLAINED"),
    demand!(6, "INQUIRY", "EMPLOY_SOCSEC", "咨询城乡居民养老保险缴费档次和补缴政策", "已讲解今年缴费档次及补缴规定，发放政策明白纸", "EXPLAINED"),
    demand!(5, "INQUIRY", "MEDICAL", "咨询城乡居民医保异地就医备案如何办理", "已指导通过手机小程序办理备案，当场办理成功", "RESOLVED"),
    demand!(4, "INQUIRY", "EDUCATION", "咨询孩子秋季入学需要办理的手续", "已联系镇中心小学，告知报名时间和所需材料", "EXPLAINED"),
    demand!(4, "INQUIRY", "AGRI_LAND", "咨询耕地地力保护补贴什么时候发放", "已向镇农业农村办核实，告知预计发放时间", "EXPLAINED"),
    demand!(4, "INQUIRY", "HOUSING", "咨询农村建房审批需要走哪些流程", "已讲解宅基地和建房审批流程，告知先向村里提出书面申请", "EXPLAINED"),
    demand!(3, "INQUIRY", "OTHER", "咨询如何办理老年人公交卡", "已告知办理地点和所需材料", "EXPLAINED"),
    demand!(5, "HELP", "ELDER_CARE", "独居老人行动不便，请求帮助代购生活用品和药品", "已联系志愿者每周上门代购，并纳入重点关注", "RESOLVED"),
    demand!(4, "HELP", "SOCIAL_ASSIST", "家中老人住院，医疗费用负担较重，请求救助", "已协助申请临时救助，并指导办理大病保险报销", "PARTIAL"),
    demand!(4, "HELP", "MEDICAL", "老人需要办理慢性病门诊证，请求帮助", "已协助准备材料，送镇卫生院审核", "RESOLVED"),
    demand!(4, "HELP", "EMPLOY_SOCSEC", "家中有人失业，希望推荐就近务工岗位", "已推荐到镇工业园区企业面试，登记就业意向", "PARTIAL"),
    demand!(5, "HELP", "INFRA", "家门口路灯不亮，夜间出行不便", "已报村里安排电工维修，路灯恢复照明", "RESOLVED"),
    demand!(4, "HELP", "INFRA", "自来水水压低，用水高峰时段基本无水", "已联系供水站检查管网，更换减压阀，水压恢复正常", "RESOLVED"),
    demand!(3, "HELP", "HOUSING", "房屋屋顶漏雨，请求帮助申请危房改造", "已上报镇里安排鉴定，符合条件的纳入改造计划", "PARTIAL"),
    demand!(3, "HELP", "EDUCATION", "留守孩子学习跟不上，希望有人辅导功课", "已对接村里四点半课堂志愿者开展辅导", "RESOLVED"),
    demand!(2, "HELP", "SAFETY", "家中电线冒火花，请求尽快处理", "已联系电工当天上门检修，排除隐患", "RESOLVED", urgent),
    demand!(1, "HELP", "ELDER_CARE", "老人走失，家属请求帮助寻找", "已组织村干部和志愿者分头寻找，当晚找到老人", "RESOLVED", urgent),
    demand!(5, "COMPLAINT", "SANITATION", "{g}垃圾收集点清运不及时，气味较大", "已督促保洁员每日清运，并对收集点进行消杀", "RESOLVED"),
    demand!(3, "COMPLAINT", "SANITATION", "{g}有养殖户污水直排水沟，影响周边住户", "已会同镇生态环境部门现场检查，责令限期整改", "PARTIAL"),
    demand!(3, "COMPLAINT", "SAFETY", "夜间有人在村道飙车，噪音扰民且存在安全隐患", "已报派出所加强夜间巡逻，在路口增设减速带", "PARTIAL"),
    demand!(4, "COMPLAINT", "INFRA", "{g}村道路面破损坑洼，雨天积水严重", "已列入今年村道维修计划，先行填补坑洼", "PARTIAL"),
    demand!(2, "COMPLAINT", "AGRI_LAND", "土地流转租金未按时支付", "已联系流转方，约定本月内支付到位", "RESOLVED"),
    demand!(2, "COMPLAINT", "EMPLOY_SOCSEC", "在村里工地干活，工资被拖欠两个月", "已协调施工方结清大部分工资，其余可申请劳动仲裁", "LEGAL_ROUTE"),
    demand!(3, "COMPLAINT", "OTHER", "广场舞音响声音过大，影响休息", "已与广场舞队沟通，约定晚上八点半前结束并调低音量", "RESOLVED"),
    demand!(3, "SUGGESTION", "INFRA", "建议在{g}路口安装反光镜", "建议已采纳，报村委会列入议事日程", "EXPLAINED"),
    demand!(2, "SUGGESTION", "ELDER_CARE", "建议村居家养老服务站增加午餐供应", "已反馈村委会，正与镇养老服务中心协商", "PARTIAL"),
    demand!(2, "SUGGESTION", "SANITATION", "建议增加垃圾分类宣传和分类桶", "已增设分类桶，组织志愿者入户宣传", "RESOLVED"),
    demand!(2, "SUGGESTION", "OTHER", "建议在村文化礼堂增设儿童阅读角", "已纳入文化礼堂改造方案", "EXPLAINED"),
];

pub(super) const LEVELS: [&str; 4] = ["GRID", "VILLAGE", "TOWNSHIP", "COUNTY"];

pub(super) const DEMAND_ESCALATE: &[&str] =
    &["涉及多个部门职责，网格内无法解决", "超出村级处理权限，提请镇里协调", "需多部门联合处置，报上级协调"];
pub(super) const DEMAND_UNSATISFIED_ESCALATE: &str = "群众对答复不满意，需上级部门协调";

pub(super) const DEMAND_REOPEN: &[&str] = &["回访时群众反映问题仍未解决", "问题反复出现，重新办理"];

pub(super) const SECOND_REPLIES: &[&str] = &["经再次协调处理，问题已解决", "会同相关部门现场办理，已落实到位"];

macro_rules! dispute {
    ($w:literal, $cat:literal, $fam:literal, $org:literal, $facts:literal, $claims:literal, $terms:literal, $method:literal, $lo:literal, $hi:literal) => {
        (
            $w,
            DisputeTpl {
                category: $cat,
                family: $fam,
                org: $org,
                facts: $facts,
                claims: $claims,
                terms: $terms,
                method: $method,
                yuan: ($lo, $hi),
            },
        )
    };
}

#[rustfmt::skip]
pub(super) static DISPUTES: &[(u32, DisputeTpl)] = &[
    dispute!(30, "NEIGHBOR", 0, "", "双方系{g}邻居，{B}家翻建房屋时将排水沟改道，雨水流入{A}家院内，双方多次争吵", "要求{B}恢复排水沟原走向，并赔偿院墙受损损失", "{B}于约定期限内将排水沟恢复原状，并赔偿院墙修缮费{M}元，双方不再追究", "恢复原状并一次性支付", 500, 3000),
    dispute!(25, "NEIGHBOR", 0, "", "{B}长期在公共通道堆放柴草杂物，影响{A}家通行，双方发生口角", "要求{B}清理杂物，保持通道畅通", "{B}三日内清理通道杂物，今后不再占用公共通道", "清理障碍物", 0, 0),
    dispute!(15, "HOUSING_HOMESTEAD", 0, "", "{A}与{B}因宅基地界址不清发生争议，{B}家新砌围墙疑似越界约半米", "要求按原宅基地批准界址拆除越界围墙", "由村里组织现场丈量，{B}按丈量结果拆除越界部分围墙", "拆除越界部分", 0, 0),
    dispute!(12, "LAND_FOREST", 0, "", "{A}与{B}承包地相邻，{B}在地界处种植香樟树，遮挡{A}家庄稼采光", "要求{B}移除地界处树木", "{B}于冬季将地界处树木移栽，双方按承包合同界线耕种", "移栽树木", 0, 0),
    dispute!(6, "LAND_FOREST", 0, "", "{A}与{B}对{g}后山一片竹林的承包经营权有争议", "要求确认竹林承包经营权归属", "双方按林权证记载界线经营，争议部分由双方平均分配", "按林权证划界", 0, 0),
    dispute!(12, "MARRIAGE_FAMILY", 1, "", "{A}与丈夫{B}因家庭琐事及经济问题长期争吵，近日矛盾激化，{A}回娘家居住", "要求{B}改掉酗酒习惯，承担家庭开支", "{B}承诺戒酒，按月将工资交家庭统一支配；双方互相尊重，共同抚养子女", "承诺履行", 0, 0),
    dispute!(8, "MARRIAGE_FAMILY", 2, "", "{A}年迈多病，与儿子{B}因赡养和日常照料问题多次争吵", "要求{B}每月支付生活费并照料起居", "{B}每月支付{A}生活费{M}元，负责日常照料和就医陪护", "按月支付", 300, 800),
    dispute!(8, "LABOR", 0, "", "{A}在{B}承包的农房建设工地务工，工程完工后尚有工资未结清", "要求{B}支付拖欠工资{M}元", "{B}分两期支付拖欠工资{M}元", "分期支付", 3000, 20000),
    dispute!(10, "DAMAGES", 0, "", "{B}家散养的狗咬伤{A}，{A}就医花费医疗费用，双方就赔偿数额发生争议", "要求{B}赔偿医疗费、误工费共{M}元", "{B}一次性赔偿{A}医疗费、误工费{M}元", "一次性现金支付", 500, 5000),
    dispute!(6, "TRAFFIC", 0, "", "{A}驾驶电动自行车在村道与{B}驾驶的三轮车发生碰擦，双方对责任划分有分歧", "要求{B}承担车辆修理费和医疗费", "双方各承担一半修理费，{B}另行支付医疗费{M}元", "一次性支付", 300, 3000),
    dispute!(5, "CONTRACT", 0, "", "{A}向{B}订购苗木，货款已付清，但{B}至今未交付部分苗木", "要求{B}交付剩余苗木或退还货款{M}元", "{B}退还未交付苗木的货款{M}元", "转账支付", 1000, 8000),
    dispute!(4, "LAND_REQUISITION", 0, "镇村道拓宽工程指挥部", "{A}对村道拓宽工程占用承包地的青苗补偿标准有异议，拒绝配合施工", "要求按实际种植品种重新核定青苗补偿", "{B}会同村里重新清点青苗，按核定结果补偿{M}元", "一次性支付", 2000, 10000),
    dispute!(4, "ENVIRONMENT", 0, "", "{B}家养殖场的臭味和污水影响{A}家日常生活", "要求{B}治理污水、减少臭味", "{B}建设污水收集池，定期清运粪污，于约定期限前整改到位", "限期整改", 0, 0),
    dispute!(3, "BUSINESS", 0, "", "{A}与{B}合伙经营农家乐，因年终分红比例发生纠纷", "要求按出资比例重新核算分红", "双方按出资比例分配，{B}补付{A}分红{M}元", "一次性支付", 2000, 20000),
    dispute!(3, "CONSUMER", 0, "村口便民超市", "{A}在{B}购买的电饭煲使用一周即损坏，商家拒绝退换", "要求退货退款", "{B}为{A}更换同型号新电饭煲", "更换商品", 0, 0),
    dispute!(2, "OTHER", 0, "", "{A}与{B}因办酒席搭棚占用道路发生争执", "要求{B}赔礼道歉", "双方互相谅解，{B}当面赔礼道歉", "当面履行", 0, 0),
    dispute!(1, "PROPERTY_MGMT", 0, "村物业服务站", "{A}对安置小区物业费收取标准有异议，与{B}发生争执", "要求公开物业费收支明细", "{B}公开物业费收支明细，{A}按标准缴纳物业费", "公开明细、按期缴费", 0, 0),
    dispute!(1, "MEDICAL", 0, "镇卫生院", "{A}认为在{B}输液后出现不良反应，与院方就责任和费用发生争议", "要求院方承担后续治疗费用", "{B}减免部分治疗费用{M}元，{A}不再追究", "减免费用", 500, 3000),
];

pub(super) const DISPUTE_MEDIATORS: &[&str] = &["村调委会主任潘建国", "老党员吴德明", "乡贤陈长贵", "镇司法所沈律师"];

pub(super) const SESSION_NOTES: &[&str] = &[
    "分别听取双方陈述，核实相关事实，释法明理",
    "组织双方面对面调解，初步缩小分歧",
    "邀请老党员、乡贤参与调解，做通双方思想工作",
    "到现场查看情况，拍照留存，核对界址",
    "背靠背做工作，双方同意再协商",
    "联合镇司法所开展调解，讲解相关法律规定",
];

pub(super) const DISPUTE_NOTES: &[&str] =
    &["电话联系双方当事人，约定下次调解时间", "被申请人外出务工，暂时无法到场", "双方情绪平稳，同意等待调解"];
pub(super) const TERMINATE_REASONS: &[&str] =
    &["双方分歧较大，多次调解未能达成一致，告知可依法向人民法院起诉", "被申请人拒绝参加调解，调解终止"];
pub(super) const WITHDRAW_REASON: &str = "双方已自行和解，申请人撤回调解申请";

pub(super) const REFERRALS: &[(&str, &str)] = &[
    ("镇人民调解委员会", "案情复杂，涉及多方利益，移交镇调委会调处"),
    ("县人民法院", "当事人已向人民法院起诉，移交法院处理"),
];

pub(super) const POLICE_REFERRAL: (&str, &str) = ("镇派出所", "双方有肢体冲突，存在治安风险，移交公安机关处理");

pub(super) const DISPUTE_ESCALATE: &[&str] = &["涉及多个村，报镇综治中心协调", "矛盾有激化风险，报镇综治中心联合调处"];

pub(super) const RED_ESCALATE: &str = "风险等级高，立即报镇综治中心，防止民转刑";

pub(super) const PLACES: &[&str] = &["村委会调解室", "当事人家中", "镇司法所"];

pub(super) const COURT: &str = "安吉县人民法院";

macro_rules! hazard {
    ($w:literal, $cat:literal, $owner:literal, $spot:literal, $desc:literal, $measures:literal, $interim:literal, $major:literal, $quick:literal) => {
        (
            $w,
            HazardTpl {
                category: $cat,
                owner: $owner,
                spot: $spot,
                description: $desc,
                measures: $measures,
                interim: $interim,
                major: $major,
                quick: $quick,
            },
        )
    };
}

#[rustfmt::skip]
pub(super) static HAZARDS: &[(u32, HazardTpl)] = &[
    hazard!(18, "FIRE", "HOUSEHOLD", "厨房", "灶台旁堆放大量柴草，未配备灭火器", "清理灶旁柴草，配备灭火器一具", "告知户主用火时有人看管", 20, true),
    hazard!(18, "ELECTRIC", "HOUSEHOLD", "院内", "私拉电线给电动车充电，线路老化破损", "拆除私拉电线，更换老化线路，加装漏电保护器", "暂停室内充电，引导到集中充电点充电", 20, true),
    hazard!(10, "GAS", "HOUSEHOLD", "厨房", "液化气钢瓶与灶具连接软管老化开裂", "更换燃气软管，加装燃气泄漏报警器", "关闭钢瓶阀门，暂停使用", 30, true),
    hazard!(5, "HOUSING", "HOUSEHOLD", "住房", "土木结构老房墙体开裂，屋面漏雨，存在倒塌风险", "动员住户搬离，实施加固改造或拆除", "设置警示标志，住户暂住亲属家", 1, false),
    hazard!(5, "HOUSING", "HOUSEHOLD", "住房", "老房屋面瓦片松动，局部漏雨，檐口木构件腐朽", "修缮屋面，更换破损瓦片和腐朽构件", "雨天注意观察，避免在漏雨房间居住", 0, false),
    hazard!(4, "GEOHAZARD", "PUBLIC", "{g}后山边坡", "屋后山体边坡出现裂缝，雨后有碎石滑落", "清理危岩，修建挡土墙和截水沟", "设置警示牌，汛期专人巡查，强降雨时组织人员撤离", 400, false),
    hazard!(6, "FLOOD", "PUBLIC", "{g}村道旁排水沟", "排水沟淤积堵塞，降雨时道路积水", "清淤疏通排水沟", "设置积水警示标志", 0, true),
    hazard!(6, "ROAD", "PUBLIC", "{g}村道急弯处", "村道急弯处缺少警示标志和防护栏", "增设警示标志、反光镜和波形护栏", "放置临时警示锥桶", 100, false),
    hazard!(6, "PRODUCTION", "BUSINESS", "村口竹制品加工点", "加工车间与住宿区未分隔，存在三合一问题", "拆除车间内住宿设施，实现住人与生产分离", "禁止人员在车间内住宿", 300, false),
    hazard!(5, "FOOD_DRUG", "BUSINESS", "村口小卖部", "货架上有过期食品，未建立进货台账", "下架销毁过期食品，建立进货查验台账", "暂停销售相关食品", 0, true),
    hazard!(5, "PUBLIC_ORDER", "PUBLIC", "{g}村口", "路灯损坏，夜间照明不足，存在治安隐患", "更换损坏路灯", "安排夜间巡逻", 0, true),
    hazard!(4, "FIRE", "BUSINESS", "农家乐厨房", "厨房油烟管道油污积聚，灭火器过期", "清洗油烟管道，更换灭火器", "每日营业结束后清理灶台", 50, false),
    hazard!(5, "OTHER", "PUBLIC", "{g}池塘边", "池塘边无防护栏和警示标志，易发生溺水", "设置防护栏和警示牌", "安排志愿者暑期巡查", 0, false),
    hazard!(3, "ELECTRIC", "PUBLIC", "{g}变压器旁", "变压器围栏破损，周边杂草丛生", "修复围栏，清除杂草，设置高压危险标志", "设置临时隔离带", 100, false),
];

pub(super) const VILLAGE_CADRES: &[&str] = &["潘建国", "吴伟", "陈海军"];

/// Reviewers are never responsible for a rectification.
pub(super) const REVIEWERS: &[&str] = &["镇应急管理办周斌", "镇安监站沈杰", "镇村建办俞海涛"];

pub(super) const MAJOR_ESCALATE: &str = "重大隐患，报镇应急管理办挂牌督办";

pub(super) const GENERAL_ESCALATE: &str = "责任人拒不整改，报镇里协调处理";

pub(super) const COMPLETE_NOTES: &[&str] = &["已按要求完成整改，拍照留存", "整改完成，申请复查"];

pub(super) const PASS_NOTES: &[&str] = &["现场复查，整改到位，予以销号", "复查合格，隐患已消除"];

pub(super) const FAIL_NOTE: &str = "复查发现整改不彻底，要求继续整改";
