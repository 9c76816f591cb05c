//! A large, realistic data set for measuring the product at scale: a group with subsidiaries,
//! branches, departments and teams (closure table included), thousands of users in the built-in
//! roles, a million customers with contacts, follow-ups, tags, shares and per-branch pools.
//!
//! Everything is generated in Rust from one seed (same seed and end date, same data) and written
//! with multi-row `INSERT ... VALUES (...), (...)` statements in large transactions, on one
//! connection with explicit ids. The secondary indexes of the big tables are dropped during the
//! load and recreated afterwards from their stored definitions (same names, same SQL), then the
//! statistics are refreshed. Only into an empty, migrated database.

use std::collections::BTreeMap;
use std::time::Instant;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sqlx::{AnyConnection, Connection, Row};

use crate::accounts::passwords;
use crate::clock::DAY_MS;
use crate::db::{Db, Dialect};
use crate::error::{DomainError, DomainResult};
use crate::org::UnitKind;
use crate::roles::ensure_builtin_roles;

/// Every generated user's password.
pub const BENCH_PASSWORD: &str = "bench1234";

#[derive(Debug, Clone, PartialEq)]
pub struct BenchConfig {
    pub customers: usize,
    /// Average contacts per customer.
    pub contacts_per_customer: f64,
    /// Average follow-ups per customer.
    pub follow_ups_per_customer: f64,
    /// Org units in all (exactly this many).
    pub units: usize,
    /// Deepest level of the org tree, the group being level 1 (4 to 8).
    pub max_depth: usize,
    pub users: usize,
    pub seed: u64,
    /// Times are spread over the three years before this instant (UTC epoch ms).
    pub until_ms: i64,
}

impl Default for BenchConfig {
    fn default() -> Self {
        BenchConfig {
            customers: 1_000_000,
            contacts_per_customer: 1.5,
            follow_ups_per_customer: 1.5,
            units: 500,
            max_depth: 6,
            users: 10_000,
            seed: 1,
            until_ms: start_of_today_ms(),
        }
    }
}

/// The start of the current UTC day: the default end of the generated period.
pub fn start_of_today_ms() -> i64 {
    crate::clock::now_ms() / DAY_MS * DAY_MS
}

impl BenchConfig {
    fn validate(&self) -> DomainResult<()> {
        let bad = |field| Err(DomainError::invalid(field, "out_of_range"));
        if !(4..=8).contains(&self.max_depth) {
            return bad("max_depth");
        }
        if !(12..=100_000).contains(&self.units) {
            return bad("units");
        }
        if self.users < self.units + 10 || self.users > 10_000_000 {
            return bad("users");
        }
        if self.customers > 100_000_000 {
            return bad("customers");
        }
        for (v, field) in [(self.contacts_per_customer, "contacts_per_customer"), (self.follow_ups_per_customer, "follow_ups_per_customer")] {
            if !(0.0..=20.0).contains(&v) {
                return bad(field);
            }
        }
        Ok(())
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Summary {
    pub units: usize,
    pub max_depth: usize,
    pub branches: usize,
    pub users: usize,
    pub customers: usize,
    pub pooled: usize,
    pub contacts: usize,
    pub follow_ups: usize,
    pub tags: usize,
    pub shares: usize,
    pub pools: usize,
    /// Seconds per phase, in order.
    pub timings: Vec<(&'static str, f64)>,
    pub password: &'static str,
}

// ---------------------------------------------------------------------------------------------
// Vocabulary.

/// (region, province, city, weight): branches go to the heaviest cities first.
const CITIES: &[(&str, &str, &str, u32)] = &[
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
const HQ_DEPARTMENTS: &[(&str, &str, &str)] = &[
    ("财务部", "Finance", "finance"),
    ("市场部", "Marketing", "marketing"),
    ("行政部", "Administration", "executive"),
    ("客户服务中心", "Customer service centre", "service"),
    ("信息技术部", "IT", "administrator"),
    ("审计部", "Audit", "finance"),
];

/// A branch's departments: (suffix, English, role of its people).
const BRANCH_DEPARTMENTS: &[(&str, &str, &str)] = &[
    ("销售部", "Sales", "branch_manager"),
    ("客服部", "Service", "service"),
    ("市场部", "Marketing", "marketing"),
    ("财务部", "Finance", "finance"),
];

const DISTRICTS: &[&str] = &["东区", "西区", "南区", "北区", "中区", "新区", "高新区", "开发区"];

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "高",
    "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾", "肖", "田", "董", "袁",
    "潘", "蒋", "蔡", "余", "杜", "叶", "程", "苏", "魏", "吕", "丁", "任", "沈", "姚", "卢", "姜", "崔", "钟",
];
const GIVEN: &[&str] = &[
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀英",
    "霞", "平", "刚", "桂英", "建华", "文", "华", "红", "志强", "建国", "晓明", "海燕", "丹", "萍", "鹏", "辉",
    "玲", "斌", "宇", "浩", "凯", "婷", "雪", "琳", "晨", "博", "欣", "怡", "子涵", "梓轩", "思远", "嘉怡",
    "一鸣", "雨桐", "俊杰", "文博", "佳琪", "国强", "丽华", "春梅", "永刚", "志明",
];

const PREFIXES: &[&str] = &[
    "华信", "中科", "东方", "远航", "博远", "天成", "金桥", "瑞丰", "新锐", "恒通", "联创", "世纪", "宏达", "星河",
    "安泰", "鼎盛", "明德", "嘉禾", "同力", "汇丰", "长城", "正泰", "永安", "宏图", "华联", "中天", "盛世", "万达",
    "海天", "蓝天", "金鼎", "华宇", "新华", "银河", "泰和", "德润", "九州", "百川", "振华", "腾飞", "鑫源", "润丰",
    "卓越", "兴业", "通达", "凯瑞", "启明", "云帆", "晨光", "锦程", "富达", "和信", "立德", "创新", "精诚", "宝丰",
];
const SECOND: &[&str] = &["", "", "", "", "", "智", "达", "源", "诚", "盛", "泰", "邦", "捷", "联", "合", "信", "华", "众"];
/// (trade word in the name, industry)
const TRADES: &[(&str, &str)] = &[
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
const SUFFIXES: &[(&str, u32)] = &[("有限公司", 60), ("股份有限公司", 15), ("集团有限公司", 8), ("有限责任公司", 10), ("分公司", 4), ("工作室", 3)];
const SOURCES: &[(&str, u32)] = &[("website", 25), ("referral", 20), ("exhibition", 15), ("cold_call", 20), ("partner", 10), ("advertising", 6), ("event", 4)];
const LEVELS: &[(&str, u32, f64)] = &[("A", 8, 2.0), ("B", 22, 1.4), ("C", 45, 0.9), ("D", 25, 0.5)];
const TAGS: &[&str] = &["重点客户", "老客户", "有意向", "价格敏感", "展会获客", "需回访", "合作伙伴", "政府背景", "上市公司", "高潜力", "已签约", "竞品客户"];
const TITLES: &[&str] = &["总经理", "副总经理", "采购经理", "财务总监", "技术负责人", "行政主管", "项目经理", "董事长助理", "IT经理", "销售总监"];
const FOLLOW_UP_KINDS: &[(&str, u32)] = &[("call", 45), ("visit", 20), ("email", 10), ("message", 25)];
const NOTES: &[&str] = &[
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

fn chinese_number(n: usize) -> String {
    const DIGITS: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match n {
        0..=9 => DIGITS[n].to_string(),
        10..=19 => format!("十{}", if n == 10 { "" } else { DIGITS[n - 10] }),
        20..=99 => format!("{}十{}", DIGITS[n / 10], if n % 10 == 0 { "" } else { DIGITS[n % 10] }),
        _ => n.to_string(),
    }
}

// ---------------------------------------------------------------------------------------------
// Sampling.

/// Picks indexes with probability proportional to their weights.
struct Weighted {
    cumulative: Vec<f64>,
}

impl Weighted {
    fn new(weights: impl IntoIterator<Item = f64>) -> Weighted {
        let mut sum = 0.0;
        let cumulative = weights
            .into_iter()
            .map(|w| {
                sum += w.max(0.0);
                sum
            })
            .collect();
        Weighted { cumulative }
    }

    fn pick(&self, rng: &mut StdRng) -> usize {
        let total = *self.cumulative.last().expect("at least one weight");
        let x = rng.gen::<f64>() * total;
        self.cumulative.partition_point(|c| *c <= x).min(self.cumulative.len() - 1)
    }
}

fn pick<'a, T>(rng: &mut StdRng, items: &'a [T]) -> &'a T {
    &items[rng.gen_range(0..items.len())]
}

fn pick_weighted<'a, T>(rng: &mut StdRng, items: &'a [(T, u32)]) -> &'a T {
    let total: u32 = items.iter().map(|i| i.1).sum();
    let mut x = rng.gen_range(0..total);
    for (item, w) in items {
        if x < *w {
            return item;
        }
        x -= w;
    }
    &items[items.len() - 1].0
}

fn poisson(rng: &mut StdRng, mean: f64) -> usize {
    if mean <= 0.0 {
        return 0;
    }
    let limit = (-mean).exp();
    let (mut k, mut p) = (0, rng.gen::<f64>());
    while p > limit && k < 100 {
        k += 1;
        p *= rng.gen::<f64>();
    }
    k
}

/// A log-normal factor around 1: most people hold a typical book, a few hold far more.
fn skew(rng: &mut StdRng, sigma: f64) -> f64 {
    let (u1, u2): (f64, f64) = (rng.gen::<f64>().max(1e-12), rng.gen());
    let normal = (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos();
    (sigma * normal).exp()
}

fn person_name(rng: &mut StdRng) -> String {
    format!("{}{}", pick(rng, SURNAMES), pick(rng, GIVEN))
}

fn phone(rng: &mut StdRng) -> String {
    format!("1{}{:08}", rng.gen_range(30..=99), rng.gen_range(0..100_000_000u32))
}

// ---------------------------------------------------------------------------------------------
// The org tree and the people, planned in memory with ids 1.. in insertion order.

struct PlanUnit {
    parent: Option<usize>,
    kind: UnitKind,
    name: String,
    name_en: String,
    depth: usize,
    head: Option<usize>,
}

struct PlanUser {
    login: String,
    name: String,
    unit: usize,
    manager: Option<usize>,
    role: &'static str,
}

struct Branch {
    city: usize,
    unit: usize,
    /// Index into `BRANCH_DEPARTMENTS` order.
    departments: Vec<usize>,
    regions: Vec<usize>,
    teams: Vec<usize>,
    weight: f64,
    /// Users who hold customers here (team leads and sales reps).
    sellers: Vec<usize>,
    service: Vec<usize>,
}

struct Plan {
    units: Vec<PlanUnit>,
    users: Vec<PlanUser>,
    branches: Vec<Branch>,
}

impl Plan {
    fn add_unit(&mut self, parent: Option<usize>, kind: UnitKind, name: String, name_en: String) -> usize {
        let depth = parent.map_or(1, |p| self.units[p].depth + 1);
        self.units.push(PlanUnit { parent, kind, name, name_en, depth, head: None });
        self.units.len() - 1
    }

    fn add_user(&mut self, rng: &mut StdRng, prefix: &str, unit: usize, manager: Option<usize>, role: &'static str) -> usize {
        let n = self.users.len() + 1;
        let login = if prefix == "ceo" || prefix == "admin" && !self.users.iter().any(|u| u.login == "admin") {
            prefix.to_string()
        } else {
            format!("{prefix}{n:05}")
        };
        self.users.push(PlanUser { login, name: person_name(rng), unit, manager, role });
        n - 1
    }

    /// Makes a new user the head of `unit`.
    fn add_head(&mut self, rng: &mut StdRng, prefix: &str, unit: usize, manager: Option<usize>, role: &'static str) -> usize {
        let u = self.add_user(rng, prefix, unit, manager, role);
        self.units[unit].head = Some(u);
        u
    }
}

fn plan(cfg: &BenchConfig, rng: &mut StdRng) -> Plan {
    let n = cfg.units;
    let with_subsidiaries = cfg.max_depth >= 5;
    let with_regions = cfg.max_depth >= 6;
    let hq_count = (n / 60).clamp(3, HQ_DEPARTMENTS.len());
    let regions_of = |b: usize| {
        let mut r: Vec<&str> = (0..b).map(|i| CITIES[i % CITIES.len()].0).collect();
        r.sort_unstable();
        r.dedup();
        r.len()
    };
    // As many branches as leave at least one team each.
    let per_branch = 1 + BRANCH_DEPARTMENTS.len();
    let mut branch_count = ((n - 1 - hq_count) / 12).max(1);
    let fixed = |b: usize| 1 + hq_count + if with_subsidiaries { regions_of(b) } else { 0 } + b * per_branch;
    while branch_count > 1 && fixed(branch_count) + branch_count > n {
        branch_count -= 1;
    }
    let team_budget = n - fixed(branch_count);

    let mut p = Plan { units: Vec::new(), users: Vec::new(), branches: Vec::new() };
    let group = p.add_unit(None, UnitKind::Group, "集团总部".into(), "Group head office".into());
    let hq: Vec<usize> = HQ_DEPARTMENTS[..hq_count]
        .iter()
        .map(|(name, en, _)| p.add_unit(Some(group), UnitKind::Department, name.to_string(), en.to_string()))
        .collect();
    let mut subsidiaries: BTreeMap<&str, usize> = BTreeMap::new();
    for b in 0..branch_count {
        let (region, _, city, weight) = CITIES[b % CITIES.len()];
        let parent = if with_subsidiaries {
            *subsidiaries.entry(region).or_insert_with(|| {
                p.add_unit(Some(group), UnitKind::Subsidiary, format!("{region}子公司"), format!("{region} subsidiary"))
            })
        } else {
            group
        };
        // Cities beyond the list get a second branch.
        let round = b / CITIES.len();
        let name = if round == 0 { format!("{city}分公司") } else { format!("{city}第{}分公司", chinese_number(round + 1)) };
        let unit = p.add_unit(Some(parent), UnitKind::Branch, name, format!("Branch {}", b + 1));
        let departments = BRANCH_DEPARTMENTS
            .iter()
            .map(|(suffix, en, _)| p.add_unit(Some(unit), UnitKind::Department, format!("{city}{suffix}"), en.to_string()))
            .collect();
        let weight = weight as f64 * (0.7 + 0.6 * rng.gen::<f64>());
        p.branches.push(Branch { city: b % CITIES.len(), unit, departments, regions: vec![], teams: vec![], weight, sellers: vec![], service: vec![] });
    }
    // Teams (and regional sales centres in big branches) by branch weight, at least one each.
    let total_weight: f64 = p.branches.iter().map(|b| b.weight).sum();
    let extra = team_budget - branch_count;
    let mut shares: Vec<usize> = p.branches.iter().map(|b| 1 + (extra as f64 * b.weight / total_weight).floor() as usize).collect();
    let mut left = team_budget - shares.iter().sum::<usize>();
    let mut order: Vec<usize> = (0..branch_count).collect();
    order.sort_by(|a, b| p.branches[*b].weight.total_cmp(&p.branches[*a].weight));
    for i in order.iter().cycle() {
        if left == 0 {
            break;
        }
        shares[*i] += 1;
        left -= 1;
    }
    for (b, share) in shares.into_iter().enumerate() {
        let sales = p.branches[b].departments[0];
        let city = CITIES[p.branches[b].city].2;
        let region_count = if with_regions && share >= 5 { (share / 5).max(2) } else { 0 };
        let regions: Vec<usize> = (0..region_count)
            .map(|r| p.add_unit(Some(sales), UnitKind::Department, format!("{city}{}销售中心", DISTRICTS[r % DISTRICTS.len()]), format!("Sales centre {}", r + 1)))
            .collect();
        let teams = (0..share - region_count)
            .map(|t| {
                let parent = if regions.is_empty() { sales } else { regions[t % regions.len()] };
                p.add_unit(Some(parent), UnitKind::Team, format!("{city}销售{}组", chinese_number(t + 1)), format!("Sales team {}", t + 1))
            })
            .collect();
        p.branches[b].regions = regions;
        p.branches[b].teams = teams;
    }

    // People: heads first (so every manager's id is lower than their reports'), then staff.
    let ceo = p.add_head(rng, "ceo", group, None, "executive");
    let subsidiary_heads: BTreeMap<&str, usize> =
        subsidiaries.iter().map(|(region, unit)| (*region, p.add_head(rng, "sub", *unit, Some(ceo), "branch_manager"))).collect();
    let hq_heads: Vec<usize> = hq.iter().zip(HQ_DEPARTMENTS).map(|(unit, (_, _, role))| p.add_head(rng, "head", *unit, Some(ceo), role)).collect();
    let admin_unit = hq.get(4).copied().unwrap_or(hq[2]);
    let admin_head = hq_heads[hq.iter().position(|u| *u == admin_unit).unwrap_or(0)];
    let admins = (cfg.users / 3000).clamp(1, 5);
    for _ in 0..admins {
        p.add_user(rng, "admin", admin_unit, Some(admin_head), "administrator");
    }
    let mut team_leads = Vec::new();
    for b in 0..branch_count {
        let region = CITIES[p.branches[b].city].0;
        let above = subsidiary_heads.get(region).copied().unwrap_or(ceo);
        let manager = p.add_head(rng, "bm", p.branches[b].unit, Some(above), "branch_manager");
        let heads: Vec<usize> = p.branches[b]
            .departments
            .clone()
            .into_iter()
            .zip(BRANCH_DEPARTMENTS)
            .map(|(unit, (_, _, role))| p.add_head(rng, "head", unit, Some(manager), role))
            .collect();
        let region_heads: Vec<usize> =
            p.branches[b].regions.clone().into_iter().map(|unit| p.add_head(rng, "head", unit, Some(heads[0]), "branch_manager")).collect();
        for team in p.branches[b].teams.clone() {
            let parent = p.units[team].parent.expect("a team has a parent");
            let boss = region_heads.iter().copied().find(|h| p.users[*h].unit == parent).unwrap_or(heads[0]);
            let lead = p.add_head(rng, "lead", team, Some(boss), "sales_rep");
            p.branches[b].sellers.push(lead);
            team_leads.push((b, team, lead));
        }
        p.branches[b].service.push(heads[1]);
    }

    // The rest: about 2% head-office staff, 6% service, 2% marketing, 2% finance in branches,
    // the others sales reps in teams, bigger branches and some teams drawing more people.
    let rest = cfg.users.saturating_sub(p.users.len());
    let hq_staff = rest * 2 / 100;
    let (service, marketing, finance) = (rest * 6 / 100, rest * 2 / 100, rest * 2 / 100);
    let branch_pick = Weighted::new(p.branches.iter().map(|b| b.weight));
    let staffed_hq: Vec<usize> = (0..hq_count).filter(|i| ![2, 4].contains(i)).collect();
    for i in 0..hq_staff {
        let d = staffed_hq[i % staffed_hq.len()];
        p.add_user(rng, "staff", hq[d], Some(hq_heads[d]), HQ_DEPARTMENTS[d].2);
    }
    for (count, dept, prefix) in [(service, 1, "service"), (marketing, 2, "marketing"), (finance, 3, "finance")] {
        for _ in 0..count {
            let b = branch_pick.pick(rng);
            let unit = p.branches[b].departments[dept];
            let head = p.units[unit].head;
            let u = p.add_user(rng, prefix, unit, head, BRANCH_DEPARTMENTS[dept].2);
            if dept == 1 {
                p.branches[b].service.push(u);
            }
        }
    }
    let team_pick = Weighted::new(team_leads.iter().map(|(b, _, _)| p.branches[*b].weight * (0.5 + rng.gen::<f64>())));
    while p.users.len() < cfg.users {
        let (b, team, lead) = team_leads[team_pick.pick(rng)];
        let u = p.add_user(rng, "sales", team, Some(lead), "sales_rep");
        p.branches[b].sellers.push(u);
    }
    p
}

// ---------------------------------------------------------------------------------------------
// Writing rows.

#[derive(Debug, Clone)]
enum Value {
    Int(i64),
    Maybe(Option<i64>),
    Text(String),
}

impl From<i64> for Value {
    fn from(v: i64) -> Self {
        Value::Int(v)
    }
}
impl From<Option<i64>> for Value {
    fn from(v: Option<i64>) -> Self {
        Value::Maybe(v)
    }
}
impl From<String> for Value {
    fn from(v: String) -> Self {
        Value::Text(v)
    }
}
impl From<&str> for Value {
    fn from(v: &str) -> Self {
        Value::Text(v.to_string())
    }
}

/// Collects rows of one table and writes them as multi-row INSERTs, as many rows per statement
/// as the engine's limit on bound values allows.
struct Inserter {
    dialect: Dialect,
    table: &'static str,
    columns: &'static [&'static str],
    per_statement: usize,
    values: Vec<Value>,
    full_sql: Option<String>,
    written: usize,
}

impl Inserter {
    fn new(dialect: Dialect, table: &'static str, columns: &'static [&'static str]) -> Inserter {
        let max_binds = match dialect {
            Dialect::Sqlite => 32_766,
            Dialect::Postgres => 65_535,
        };
        let per_statement = (max_binds / columns.len()).min(4_000);
        Inserter { dialect, table, columns, per_statement, values: Vec::new(), full_sql: None, written: 0 }
    }

    fn sql(dialect: Dialect, table: &str, columns: &[&str], rows: usize) -> String {
        let width = columns.len();
        // SQLite binds plain `?` slots far faster than tens of thousands of numbered `$n` ones.
        let tuple = |r: usize| match dialect {
            Dialect::Sqlite => format!("({})", vec!["?"; width].join(",")),
            Dialect::Postgres => {
                let slots: Vec<String> = (1..=width).map(|c| format!("${}", r * width + c)).collect();
                format!("({})", slots.join(","))
            }
        };
        let tuples: Vec<String> = (0..rows).map(tuple).collect();
        format!("INSERT INTO {table} ({}) VALUES {}", columns.join(", "), tuples.join(","))
    }

    /// Queues a row; nothing is written before [`Inserter::flush`], so parents can be written
    /// before the rows that refer to them.
    fn push<const N: usize>(&mut self, row: [Value; N]) {
        debug_assert_eq!(N, self.columns.len(), "{}", self.table);
        self.values.extend(row);
    }

    /// Writes the queued rows, as many per statement as allowed.
    async fn flush(&mut self, conn: &mut AnyConnection) -> DomainResult<()> {
        let width = self.columns.len();
        let mut values = std::mem::take(&mut self.values).into_iter().peekable();
        while values.peek().is_some() {
            let batch: Vec<Value> = values.by_ref().take(self.per_statement * width).collect();
            let rows = batch.len() / width;
            let sql = if rows == self.per_statement {
                self.full_sql.get_or_insert_with(|| Self::sql(self.dialect, self.table, self.columns, rows)).clone()
            } else {
                Self::sql(self.dialect, self.table, self.columns, rows)
            };
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
            for v in batch {
                q = match v {
                    Value::Int(i) => q.bind(i),
                    Value::Maybe(i) => q.bind(i),
                    Value::Text(t) => q.bind(t),
                };
            }
            q.execute(&mut *conn).await?;
            self.written += rows;
        }
        Ok(())
    }
}

/// The secondary indexes of a table as (name, definition), read from the catalog.
async fn secondary_indexes(conn: &mut AnyConnection, dialect: Dialect, table: &str) -> DomainResult<Vec<(String, String)>> {
    let sql = match dialect {
        Dialect::Sqlite => "SELECT name, sql AS def FROM sqlite_master WHERE type = 'index' AND tbl_name = $1 AND sql IS NOT NULL ORDER BY name",
        Dialect::Postgres => {
            "SELECT indexname::text AS name, indexdef AS def FROM pg_indexes WHERE schemaname = current_schema() AND tablename = $1 \
             AND indexname NOT IN (SELECT conname::text FROM pg_constraint) ORDER BY indexname"
        }
    };
    let rows = sqlx::query(sql).bind(table).fetch_all(&mut *conn).await?;
    rows.iter().map(|r| Ok((r.try_get("name")?, r.try_get("def")?))).collect()
}

async fn exec(conn: &mut AnyConnection, sql: &str) -> DomainResult<()> {
    sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_string())).execute(&mut *conn).await?;
    Ok(())
}

/// Tables whose secondary indexes are dropped during the load.
const BULK_TABLES: &[&str] = &["customers", "contacts", "follow_ups", "customer_tags", "shares"];
/// Tables written with explicit ids (PostgreSQL's identity sequences are moved past them).
const ID_TABLES: &[&str] = &["org_units", "users", "pools", "pool_entry_rules", "customers", "contacts", "follow_ups", "shares"];

fn info(line: String) {
    tracing::info!(target: "bench_data", "{line}");
}

/// Generates the data set into an empty, migrated database.
pub async fn generate(db: &Db, cfg: &BenchConfig) -> DomainResult<Summary> {
    cfg.validate()?;
    let mut conn = db.pool().acquire().await?.detach();
    for table in ["users", "org_units", "customers"] {
        let n: i64 = sqlx::query(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) AS n FROM {table}"))).fetch_one(&mut conn).await?.try_get("n")?;
        if n > 0 {
            return Err(DomainError::Conflict("database_not_empty".into()));
        }
    }
    let dialect = db.dialect();
    // This connection is closed at the end, so its settings never reach the pool.
    match dialect {
        Dialect::Sqlite => {
            for pragma in ["PRAGMA foreign_keys = OFF", "PRAGMA synchronous = OFF", "PRAGMA cache_size = -262144"] {
                exec(&mut conn, pragma).await?;
            }
        }
        Dialect::Postgres => {
            exec(&mut conn, "SET maintenance_work_mem = '256MB'").await?;
            // Foreign keys are not checked row by row while loading data generated consistent
            // (needs a superuser; otherwise they are checked, which is only slower).
            if exec(&mut conn, "SET session_replication_role = replica").await.is_err() {
                info("foreign keys stay checked during the load (not a superuser)".into());
            }
        }
    }
    let mut dropped = Vec::new();
    for table in BULK_TABLES {
        for (name, def) in secondary_indexes(&mut conn, dialect, table).await? {
            exec(&mut conn, &format!("DROP INDEX {name}")).await?;
            dropped.push((name, def));
        }
    }
    let result = load(db, &mut conn, cfg).await;
    // Put the indexes back even when the load failed, so the schema stays whole.
    let started = Instant::now();
    info(format!("recreating {} indexes", dropped.len()));
    for (_, def) in &dropped {
        exec(&mut conn, def).await?;
    }
    let mut summary = result?;
    summary.timings.push(("indexes", started.elapsed().as_secs_f64()));
    let started = Instant::now();
    if dialect == Dialect::Postgres {
        for table in ID_TABLES {
            exec(&mut conn, &format!("SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT COALESCE(MAX(id), 0) + 1 FROM {table}), false)")).await?;
        }
        exec(&mut conn, "RESET session_replication_role").await.ok();
        info("VACUUM ANALYZE".into());
        exec(&mut conn, "VACUUM ANALYZE").await?;
    } else {
        info("ANALYZE".into());
        exec(&mut conn, "ANALYZE").await?;
        exec(&mut conn, "PRAGMA wal_checkpoint(TRUNCATE)").await?;
    }
    summary.timings.push(("analyze", started.elapsed().as_secs_f64()));
    conn.close().await.ok();
    Ok(summary)
}

async fn load(db: &Db, conn: &mut AnyConnection, cfg: &BenchConfig) -> DomainResult<Summary> {
    let dialect = db.dialect();
    let mut rng = StdRng::seed_from_u64(cfg.seed);
    let mut summary = Summary { password: BENCH_PASSWORD, ..Default::default() };
    let started = Instant::now();
    let p = plan(cfg, &mut rng);
    let hash = passwords::hash(BENCH_PASSWORD.to_string()).await?;
    let until = cfg.until_ms;
    let created = until - 3 * 365 * DAY_MS;

    let mut roles_tx = db.begin_write().await?;
    let roles = ensure_builtin_roles(&mut roles_tx).await?;
    roles_tx.commit().await?;
    let mut tx = conn.begin().await?;
    let mut units = Inserter::new(dialect, "org_units", &["id", "parent_id", "kind", "name", "name_en", "head_user_id", "active", "created_at", "updated_at"]);
    for (i, u) in p.units.iter().enumerate() {
        let row = [(i as i64 + 1).into(), u.parent.map(|x| x as i64 + 1).into(), u.kind.as_str().into(), u.name.clone().into(), u.name_en.clone().into(),
            u.head.map(|h| h as i64 + 1).into(), 1i64.into(), created.into(), created.into()];
        units.push(row);
    }
    units.flush(&mut tx).await?;
    // Closure: every unit with each of its ancestors and itself.
    let mut closure = Inserter::new(dialect, "org_unit_closure", &["ancestor_id", "descendant_id", "depth"]);
    for i in 0..p.units.len() {
        let (mut at, mut depth) = (Some(i), 0i64);
        while let Some(a) = at {
            closure.push([(a as i64 + 1).into(), (i as i64 + 1).into(), depth.into()]);
            at = p.units[a].parent;
            depth += 1;
        }
    }
    closure.flush(&mut tx).await?;
    summary.units = p.units.len();
    summary.max_depth = p.units.iter().map(|u| u.depth).max().unwrap_or(0);
    summary.branches = p.branches.len();

    let mut users = Inserter::new(dialect, "users", &["id", "login", "email", "display_name", "password_hash", "primary_unit_id", "manager_id", "active", "created_at", "updated_at"]);
    let mut user_roles = Inserter::new(dialect, "user_roles", &["user_id", "role_id"]);
    for (i, u) in p.users.iter().enumerate() {
        let id = i as i64 + 1;
        let row = [id.into(), u.login.clone().into(), format!("{}@bench.example.com", u.login).into(), u.name.clone().into(), hash.clone().into(),
            (u.unit as i64 + 1).into(), u.manager.map(|m| m as i64 + 1).into(), 1i64.into(), created.into(), created.into()];
        users.push(row);
        user_roles.push([id.into(), roles[u.role].into()]);
    }
    users.flush(&mut tx).await?;
    user_roles.flush(&mut tx).await?;
    summary.users = p.users.len();

    // One pool per branch, entered by province (and by city where a province has several branches).
    let mut province_branches: BTreeMap<&str, usize> = BTreeMap::new();
    for b in &p.branches {
        *province_branches.entry(CITIES[b.city].1).or_default() += 1;
    }
    let mut pools = Inserter::new(dialect, "pools", &["id", "unit_id", "name", "name_en", "max_held_per_user", "max_claims_per_day", "cooldown_days",
        "recycle_no_followup_days", "recycle_no_deal_days", "skip_if_open_deal", "remind_days_before", "active", "created_at", "updated_at"]);
    let mut rules = Inserter::new(dialect, "pool_entry_rules", &["id", "pool_id", "field", "value", "priority"]);
    let mut rule_id = 0i64;
    for (i, b) in p.branches.iter().enumerate() {
        let (_, province, city, _) = CITIES[b.city];
        let pool = i as i64 + 1;
        // Recycling stays off: a server started on this data would otherwise move many thousands.
        let row = [pool.into(), (b.unit as i64 + 1).into(), format!("{}公海", p.units[b.unit].name.trim_end_matches("分公司")).into(),
            format!("Pool {}", i + 1).into(), 500i64.into(), 20i64.into(), 7i64.into(), 0i64.into(), 0i64.into(), 1i64.into(), 0i64.into(),
            1i64.into(), created.into(), created.into()];
        pools.push(row);
        rule_id += 1;
        rules.push([rule_id.into(), pool.into(), "province".into(), province.into(), 10i64.into()]);
        if province_branches[province] > 1 {
            rule_id += 1;
            rules.push([rule_id.into(), pool.into(), "city".into(), city.into(), 5i64.into()]);
        }
    }
    pools.flush(&mut tx).await?;
    rules.flush(&mut tx).await?;
    summary.pools = p.branches.len();
    tx.commit().await?;
    summary.timings.push(("org, users, pools", started.elapsed().as_secs_f64()));
    info(format!(
        "{} units (depth {}), {} branches, {} users, {} pools in {:.1}s",
        summary.units, summary.max_depth, summary.branches, summary.users, summary.pools, started.elapsed().as_secs_f64()
    ));

    let started = Instant::now();
    load_customers(conn, dialect, cfg, &p, &mut rng, &mut summary).await?;
    summary.timings.push(("customers and related rows", started.elapsed().as_secs_f64()));
    Ok(summary)
}

async fn load_customers(conn: &mut AnyConnection, dialect: Dialect, cfg: &BenchConfig, p: &Plan, rng: &mut StdRng, summary: &mut Summary) -> DomainResult<()> {
    let until = cfg.until_ms;
    let span = 3 * 365 * DAY_MS;
    // Who holds customers, and how many: a log-normal book size per seller.
    let sellers: Vec<(usize, usize)> = p.branches.iter().enumerate().flat_map(|(b, br)| br.sellers.iter().map(move |u| (b, *u))).collect();
    let seller_pick = Weighted::new(sellers.iter().map(|_| skew(rng, 0.9)));
    let branch_pick = Weighted::new(p.branches.iter().map(|b| b.weight));
    let level_pick = Weighted::new(LEVELS.iter().map(|l| l.1 as f64));

    let mut customers = Inserter::new(dialect, "customers", &["id", "name", "kind", "industry", "province", "city", "address", "phone", "level", "source",
        "status", "owner_id", "unit_id", "created_at", "updated_at", "created_by", "pool_id", "owned_since", "previous_owner_id", "released_at",
        "last_follow_up_at", "open_deals"]);
    let mut contacts = Inserter::new(dialect, "contacts", &["id", "customer_id", "name", "title", "phone", "email", "created_at", "updated_at", "created_by"]);
    let mut follow_ups = Inserter::new(dialect, "follow_ups", &["id", "customer_id", "kind", "note", "next_at", "created_at", "created_by"]);
    let mut tags = Inserter::new(dialect, "customer_tags", &["customer_id", "tag", "created_at", "created_by"]);
    let mut shares = Inserter::new(dialect, "shares", &["id", "object", "record_id", "grantee_user_id", "grantee_unit_id", "access", "expires_at", "created_at", "created_by"]);
    let (mut contact_id, mut follow_up_id, mut share_id) = (0i64, 0i64, 0i64);

    const PER_TRANSACTION: usize = 50_000;
    let started = Instant::now();
    for chunk in (0..cfg.customers).step_by(PER_TRANSACTION) {
        let mut tx = conn.begin().await?;
        for i in chunk..(chunk + PER_TRANSACTION).min(cfg.customers) {
            let id = i as i64 + 1;
            let pooled = rng.gen_bool(0.05);
            let (branch, owner) = if pooled { (branch_pick.pick(rng), None) } else {
                let (b, u) = sellers[seller_pick.pick(rng)];
                (b, Some(u))
            };
            let br = &p.branches[branch];
            let (_, province, city, _) = CITIES[br.city];
            let unit = owner.map_or(br.unit, |u| p.users[u].unit);
            let someone_here = || br.sellers[0];
            let previous = if pooled && rng.gen_bool(0.6) { Some(*pick(rng, &br.sellers)) } else { None };
            let (level, _, follow_factor) = LEVELS[level_pick.pick(rng)];
            let (name, kind, industry) = if rng.gen_bool(0.04) {
                (person_name(rng), "person", "")
            } else {
                let (trade, industry) = *pick(rng, TRADES);
                let name = format!("{city}{}{}{trade}{}", pick(rng, PREFIXES), pick(rng, SECOND), pick_weighted(rng, SUFFIXES));
                (name, "company", industry)
            };
            let created_at = until - (span as f64 * rng.gen::<f64>().powf(1.4)) as i64;
            let by = owner.or(previous).unwrap_or_else(someone_here) as i64 + 1;

            // Follow-ups by the holder (now and then their team lead), at random times since creation.
            let mut last_follow_up = 0i64;
            for _ in 0..poisson(rng, cfg.follow_ups_per_customer * follow_factor) {
                follow_up_id += 1;
                let at = rng.gen_range(created_at..=until);
                last_follow_up = last_follow_up.max(at);
                let author = match owner {
                    Some(o) if rng.gen_bool(0.1) => p.users[o].manager.unwrap_or(o) as i64 + 1,
                    _ => by,
                };
                let next_at = rng.gen_bool(0.3).then(|| at + rng.gen_range(1..=14) * DAY_MS);
                let row = [follow_up_id.into(), id.into(), (*pick_weighted(rng, FOLLOW_UP_KINDS)).into(), (*pick(rng, NOTES)).into(), next_at.into(), at.into(), author.into()];
                follow_ups.push(row);
            }
            let updated_at = rng.gen_range(created_at..=until).max(last_follow_up);
            let released_at = pooled.then(|| rng.gen_range(last_follow_up.max(created_at)..=until));
            let address = format!("{city}市{}路{}号", pick(rng, PREFIXES), rng.gen_range(1..=999));
            let status = if rng.gen_bool(0.9) { "active" } else { "inactive" };
            let row = [id.into(), name.into(), kind.into(), industry.into(), province.into(), city.into(), address.into(), phone(rng).into(), level.into(),
                (*pick_weighted(rng, SOURCES)).into(), status.into(), owner.map(|o| o as i64 + 1).into(), (unit as i64 + 1).into(), created_at.into(),
                updated_at.into(), Some(by).into(), pooled.then_some(branch as i64 + 1).into(), owner.map(|_| created_at).into(),
                previous.map(|u| u as i64 + 1).into(), released_at.into(), last_follow_up.into(), i64::from(rng.gen_bool(0.05)).into()];
            customers.push(row);

            for _ in 0..poisson(rng, cfg.contacts_per_customer) {
                contact_id += 1;
                let at = rng.gen_range(created_at..=until);
                let row = [contact_id.into(), id.into(), person_name(rng).into(), (*pick(rng, TITLES)).into(), phone(rng).into(),
                    format!("contact{contact_id}@example.cn").into(), at.into(), at.into(), Some(by).into()];
                contacts.push(row);
            }
            if rng.gen_bool(0.2) {
                let first = rng.gen_range(0..TAGS.len());
                for k in 0..rng.gen_range(1..=3) {
                    tags.push([id.into(), TAGS[(first + k * 5) % TAGS.len()].into(), created_at.into(), Some(by).into()]);
                }
            }
            // About 1% are shared: with a colleague or a service agent, or with a department.
            if owner.is_some() && rng.gen_bool(0.01) {
                share_id += 1;
                let (user, unit) = match rng.gen_range(0..4) {
                    0 => (Some(*pick(rng, &br.sellers) as i64 + 1), None),
                    1 => (Some(*pick(rng, &br.service) as i64 + 1), None),
                    2 => (None, Some(br.departments[1] as i64 + 1)),
                    _ => (None, Some(br.departments[2] as i64 + 1)),
                };
                let access = if rng.gen_bool(0.3) { "edit" } else { "read" };
                let expires = match rng.gen_range(0..10) {
                    0 => Some(until - 30 * DAY_MS),
                    1 | 2 => Some(until + 365 * DAY_MS),
                    _ => None,
                };
                let row = [share_id.into(), "customer".into(), id.into(), user.into(), unit.into(), access.into(), expires.into(), until.into(), Some(by).into()];
                shares.push(row);
            }
            summary.pooled += usize::from(pooled);
        }
        for ins in [&mut customers, &mut contacts, &mut follow_ups, &mut tags, &mut shares] {
            ins.flush(&mut tx).await?;
        }
        tx.commit().await?;
        let secs = started.elapsed().as_secs_f64();
        info(format!(
            "{} customers, {} contacts, {} follow-ups, {} tags, {} shares ({:.0} customers/s)",
            customers.written, contacts.written, follow_ups.written, tags.written, shares.written, customers.written as f64 / secs.max(0.001)
        ));
    }
    summary.customers = customers.written;
    summary.contacts = contacts.written;
    summary.follow_ups = follow_ups.written;
    summary.tags = tags.written;
    summary.shares = shares.written;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn small() -> BenchConfig {
        BenchConfig { customers: 0, units: 30, users: 100, max_depth: 6, until_ms: 1_700_000_000_000, ..Default::default() }
    }

    #[test]
    fn the_plan_has_exactly_the_units_asked_for_within_the_depth() {
        for (units, depth) in [(30, 6), (500, 6), (500, 4), (500, 5), (12, 4), (2000, 8)] {
            let cfg = BenchConfig { units, max_depth: depth, users: units * 20, ..small() };
            let p = plan(&cfg, &mut StdRng::seed_from_u64(7));
            assert_eq!(p.units.len(), units, "{units} at depth {depth}");
            assert!(p.units.iter().all(|u| u.depth <= depth));
            assert_eq!(p.users.len(), cfg.users);
            // Managers come before their reports, and every unit but the group has a head.
            assert!(p.users.iter().enumerate().all(|(i, u)| u.manager.is_none_or(|m| m < i)));
            assert!(p.units.iter().all(|u| u.head.is_some()));
        }
    }

    #[test]
    fn numbers_read_in_chinese() {
        assert_eq!(chinese_number(1), "一");
        assert_eq!(chinese_number(10), "十");
        assert_eq!(chinese_number(12), "十二");
        assert_eq!(chinese_number(30), "三十");
        assert_eq!(chinese_number(47), "四十七");
    }
}
