//! The words the data set is made of: cities and their weights, department names, Chinese names,
//! company names, industries, sources, levels, tags, titles, follow-up kinds and notes.

/// (region, province, city, weight): branches go to the heaviest cities first.
pub(super) const CITIES: &[(&str, &str, &str, u32)] = &[
    ("华东", "上海", "上海", 10),
    ("华北", "北京", "北京", 10),
    ("华南", "广东", "深圳", 9),
    ("华南", "广东", "广州", 8),
    ("华东", "浙江", "杭州", 6),
    ("西南", "四川", "成都", 6),
    ("华东", "江苏", "南京", 5),
    ("华东", "江苏", "苏州", 5),
    ("华中", "湖北", "武汉", 5),
    ("华北", "天津", "天津", 4),
    ("华中", "湖南", "长沙", 4),
    ("华中", "河南", "郑州", 4),
    ("西南", "重庆", "重庆", 4),
    ("西北", "陕西", "西安", 4),
    ("华东", "山东", "青岛", 4),
    ("华东", "浙江", "宁波", 3),
    ("华东", "安徽", "合肥", 3),
    ("华东", "山东", "济南", 3),
    ("华东", "福建", "厦门", 3),
    ("华南", "广东", "东莞", 3),
    ("华南", "广东", "佛山", 3),
    ("华东", "江苏", "无锡", 3),
    ("华北", "河北", "石家庄", 3),
    ("东北", "辽宁", "沈阳", 3),
    ("东北", "辽宁", "大连", 3),
    ("华东", "福建", "福州", 2),
    ("华东", "江西", "南昌", 2),
    ("华东", "浙江", "温州", 2),
    ("华东", "山东", "烟台", 2),
    ("华北", "山西", "太原", 2),
    ("华南", "广西", "南宁", 2),
    ("西南", "云南", "昆明", 2),
    ("西南", "贵州", "贵阳", 2),
    ("东北", "吉林", "长春", 2),
    ("东北", "黑龙江", "哈尔滨", 2),
    ("华北", "内蒙古", "呼和浩特", 1),
    ("华南", "海南", "海口", 1),
    ("华北", "河北", "唐山", 1),
    ("华中", "湖北", "宜昌", 1),
    ("西南", "四川", "绵阳", 1),
    ("西北", "甘肃", "兰州", 1),
    ("西北", "宁夏", "银川", 1),
    ("西北", "新疆", "乌鲁木齐", 1),
    ("西北", "青海", "西宁", 1),
];

/// Head-office departments and the role of the people in them.
pub(super) const HQ_DEPARTMENTS: &[(&str, &str, &str)] = &[
    ("财务部", "Finance", "finance"),
    ("市场部", "Marketing", "marketing"),
    ("行政部", "Administration", "executive"),
    ("客户服务中心", "Customer service centre", "service"),
    ("信息技术部", "IT", "administrator"),
    ("审计部", "Audit", "finance"),
];

/// A branch's departments: (suffix, English, role of its people).
pub(super) const BRANCH_DEPARTMENTS: &[(&str, &str, &str)] = &[
    ("销售部", "Sales", "branch_manager"),
    ("客服部", "Service", "service"),
    ("市场部", "Marketing", "marketing"),
    ("财务部", "Finance", "finance"),
];

pub(super) const DISTRICTS: &[&str] = &["东区", "西区", "南区", "北区", "中区", "新区", "高新区", "开发区"];

pub(super) const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "高",
    "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾", "肖", "田", "董", "袁",
    "潘", "蒋", "蔡", "余", "杜", "叶", "程", "苏", "魏", "吕", "丁", "任", "沈", "姚", "卢", "姜", "崔", "钟",
];
pub(super) const GIVEN: &[&str] = &[
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀英",
    "霞", "平", "刚", "桂英", "建华", "文", "华", "红", "志强", "建国", "晓明", "海燕", "丹", "萍", "鹏", "辉",
    "玲", "斌", "宇", "浩", "凯", "婷", "雪", "琳", "晨", "博", "欣", "怡", "子涵", "梓轩", "思远", "嘉怡",
    "一鸣", "雨桐", "俊杰", "文博", "佳琪", "国强", "丽华", "春梅", "永刚", "志明",
];

pub(super) const PREFIXES: &[&str] = &[
    "华信", "中科", "东方", "远航", "博远", "天成", "金桥", "瑞丰", "新锐", "恒通", "联创", "世纪", "宏达", "星河",
    "安泰", "鼎盛", "明德", "嘉禾", "同力", "汇丰", "长城", "正泰", "永安", "宏图", "华联", "中天", "盛世", "万达",
    "海天", "蓝天", "金鼎", "华宇", "新华", "银河", "泰和", "德润", "九州", "百川", "振华", "腾飞", "鑫源", "润丰",
    "卓越", "兴业", "通达", "凯瑞", "启明", "云帆", "晨光", "锦程", "富达", "和信", "立德", "创新", "精诚", "宝丰",
];
pub(super) const SECOND: &[&str] = &["", "", "", "", "", "智", "达", "源", "诚", "盛", "泰", "邦", "捷", "联", "合", "信", "华", "众"];
/// (trade word in the name, industry)
pub(super) const TRADES: &[(&str, &str)] = &[
    ("科技", "software"),
    ("信息技术", "software"),
    ("网络", "software"),
    ("制造", "manufacturing"),
    ("机械", "manufacturing"),
    ("电子", "manufacturing"),
    ("精密", "manufacturing"),
    ("医疗器械", "healthcare"),
    ("医药", "healthcare"),
    ("物流", "logistics"),
    ("供应链", "logistics"),
    ("教育", "education"),
    ("培训", "education"),
    ("商贸", "retail"),
    ("零售", "retail"),
    ("新能源", "energy"),
    ("电力", "energy"),
    ("金融服务", "finance"),
    ("投资", "finance"),
    ("建筑工程", "construction"),
    ("装饰", "construction"),
    ("食品", "food"),
    ("餐饮管理", "food"),
    ("文化传媒", "media"),
];
pub(super) const SUFFIXES: &[(&str, u32)] = &[("有限公司", 60), ("股份有限公司", 15), ("集团有限公司", 8), ("有限责任公司", 10), ("分公司", 4), ("工作室", 3)];
pub(super) const SOURCES: &[(&str, u32)] = &[("website", 25), ("referral", 20), ("exhibition", 15), ("cold_call", 20), ("partner", 10), ("advertising", 6), ("event", 4)];
pub(super) const LEVELS: &[(&str, u32, f64)] = &[("A", 8, 2.0), ("B", 22, 1.4), ("C", 45, 0.9), ("D", 25, 0.5)];
pub(super) const TAGS: &[&str] = &["重点客户", "老客户", "有意向", "价格敏感", "展会获客", "需回访", "合作伙伴", "政府背景", "上市公司", "高潜力", "已签约", "竞品客户"];
pub(super) const TITLES: &[&str] = &["总经理", "副总经理", "采购经理", "财务总监", "技术负责人", "行政主管", "项目经理", "董事长助理", "IT经理", "销售总监"];
pub(super) const FOLLOW_UP_KINDS: &[(&str, u32)] = &[("call", 45), ("visit", 20), ("email", 10), ("message", 25)];
pub(super) const NOTES: &[&str] = &[
    "电话沟通，客户对新产品有兴趣，约定下周演示",
    "上门拜访，见到采购负责人，需求明确",
    "发送报价单，等待客户内部审批",
    "客户暂无预算，三个月后再联系",
    "微信沟通合同细节，法务在审",
    "邀请参加产品发布会，客户已确认",
    "回访使用情况，客户反馈良好",
    "客户提出价格异议，需申请折扣",
    "技术交流会，对接了IT部门",
    "催收尾款，客户承诺月底支付",
    "客户更换了对接人，重新建立联系",
    "节日问候，顺便了解明年计划",
];

pub(super) fn chinese_number(n: usize) -> String {
    const DIGITS: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match n {
        0..=9 => DIGITS[n].to_string(),
        10..=19 => format!("十{}", if n == 10 { "" } else { DIGITS[n - 10] }),
        20..=99 => format!("{}十{}", DIGITS[n / 10], if n % 10 == 0 { "" } else { DIGITS[n % 10] }),
        _ => n.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_in_chinese() {
        assert_eq!(chinese_number(1), "一");
        assert_eq!(chinese_number(10), "十");
        assert_eq!(chinese_number(12), "十二");
        assert_eq!(chinese_number(30), "三十");
        assert_eq!(chinese_number(47), "四十七");
    }
}
