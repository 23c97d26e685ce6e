//! The demo dataset: a fictional skincare brand's six-month Xiaohongshu launch.
//!
//! *Lumière Lab* (悦光实验室) launches a vitamin C serum on 2026-03-01 and
//! runs three campaigns to 2026-08-31: `spring-launch` (March–April),
//! `618-festival` (mid May–June) and `summer-glow` (July–August). It posts
//! from its own account and works with creators of every tier; it pays for
//! content, creators, 聚光 ads and 薯条 boosts, an agency and tools; it sells
//! on Tmall, JD, WeChat, its Xiaohongshu shop and a Shanghai store.
//!
//! Everything comes from one seeded generator ([`generate`]), so the files in
//! `public/demo/` can be rebuilt byte for byte (`xhs-roi demo --out
//! public/demo`) and a test proves they have not drifted. The ranges below
//! were chosen to look like a real mid-size launch: cover CTR 8–16%,
//! engagement 4–11% of views, CPE ¥10–30 on full cost, ~0.5% of note views
//! converting to orders, ROAS around 2.

use std::fmt::Write;

use crate::time::{self, Day};

/// The seed of the published demo files.
pub const DEMO_SEED: u64 = 20_260_301;

/// First and last day of the launch.
pub fn launch_period() -> (Day, Day) {
    (
        Day::from_ymd(2026, 3, 1).expect("valid date"),
        Day::from_ymd(2026, 8, 31).expect("valid date"),
    )
}

/// The CSV files of the demo dataset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoFiles {
    /// One row per note per day with activity.
    pub notes: String,
    pub costs: String,
    pub orders: String,
    pub touchpoints: String,
    pub kols: String,
    /// "How did you hear about us?" answered by some of the people who bought.
    pub surveys: String,
}

impl DemoFiles {
    /// `(file name, contents)` pairs, as published in `public/demo/`.
    pub fn files(&self) -> [(&'static str, &str); 6] {
        [
            ("notes.csv", &self.notes),
            ("costs.csv", &self.costs),
            ("orders.csv", &self.orders),
            ("touchpoints.csv", &self.touchpoints),
            ("kols.csv", &self.kols),
            ("surveys.csv", &self.surveys),
        ]
    }
}

/// SplitMix64: tiny, fast and fully determined by the seed on every platform.
struct Rng(u64);

impl Rng {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn range(&mut self, low: f64, high: f64) -> f64 {
        low + (high - low) * self.unit()
    }

    fn below(&mut self, n: usize) -> usize {
        (self.unit() * n as f64) as usize
    }

    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// Log-uniform: spreads follower counts and reach the way they are spread.
    fn log_range(&mut self, low: f64, high: f64) -> f64 {
        (low.ln() + (high.ln() - low.ln()) * self.unit()).exp()
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    fn pick_str(&mut self, items: &[&'static str]) -> &'static str {
        items[self.below(items.len())]
    }

    /// Rounds an expected count to an integer without bias.
    fn count(&mut self, expected: f64) -> u64 {
        let floor = expected.floor();
        (floor + f64::from(u8::from(self.unit() < expected - floor))) as u64
    }

    /// The index a draw in `[0, scale)` falls on when the weights are laid
    /// end to end; `None` when it falls past the last (rounding).
    fn weighted(&mut self, scale: f64, weights: impl IntoIterator<Item = f64>) -> Option<usize> {
        let mut u = self.unit() * scale;
        weights.into_iter().position(|w| {
            u -= w;
            u < 0.0
        })
    }

    /// Exponentially distributed with the given mean.
    fn exponential(&mut self, mean: f64) -> f64 {
        -mean * (1.0 - self.unit()).ln()
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Tier {
    Brand,
    Head,
    Mid,
    Micro,
    Koc,
}

impl Tier {
    fn name(self) -> &'static str {
        match self {
            Tier::Brand => "brand",
            Tier::Head => "head",
            Tier::Mid => "mid",
            Tier::Micro => "micro",
            Tier::Koc => "koc",
        }
    }
}

struct Account {
    name: String,
    id: String,
    tier: Tier,
    followers: u64,
    fee: f64,
    city: &'static str,
    promo_code: String,
    /// Paid as a share of the sales its promo code brings.
    on_commission: bool,
}

struct Campaign {
    id: &'static str,
    start: Day,
    end: Day,
}

struct Note {
    id: String,
    title: String,
    published: Day,
    format: &'static str,
    account: usize,
    campaign: usize,
    content_type: &'static str,
    tags: String,
    /// Expected lifetime impressions.
    reach: f64,
    cover_ctr: f64,
    engagement: f64,
    /// Share of daily reach that keeps coming from search long after posting.
    evergreen: f64,
    boosted: bool,
}

const NAME_HEADS: [&str; 14] = [
    "小鹿", "桃桃", "可乐", "奶糖", "橙子", "阿May", "Coco", "甜甜", "一只", "Luna", "七七",
    "糯米", "Vivi", "大白",
];
const NAME_TAILS: [&str; 12] = [
    "护肤日记",
    "爱变美",
    "的美妆间",
    "成分党",
    "敏感肌",
    "研究所",
    "素颜计划",
    "皮肤管理",
    "测评室",
    "的化妆台",
    "在上海",
    "Beauty",
];
const CITIES: [&str; 8] = [
    "上海", "北京", "广州", "深圳", "杭州", "成都", "南京", "武汉",
];
const CONTENT_TYPES: [&str; 5] = ["tutorial", "review", "lifestyle", "haul", "before_after"];
const TITLE_TEMPLATES: [&str; 10] = [
    "早C晚A入门｜{p}怎么用才不踩雷",
    "28天实测{p}，暗沉真的亮了吗",
    "敏感肌也能用的{p}？成分党来拆解",
    "通勤妆前护肤｜{p}+防晒一步到位",
    "百元价位{p}横评，这支最惊喜",
    "熬夜党急救｜{p}一周打卡",
    "春夏换季护肤清单（含{p}）",
    "{p}空瓶记：回购理由说清楚",
    "油皮夏天的{p}正确打开方式",
    "618囤货攻略｜{p}值不值得买",
];
const TAGS: [&str; 8] = [
    "#护肤",
    "#VC精华",
    "#提亮",
    "#敏感肌",
    "#早C晚A",
    "#好物分享",
    "#618",
    "#夏日护肤",
];

/// Generates the demo dataset from a seed.
pub fn generate(seed: u64) -> DemoFiles {
    let mut rng = Rng(seed);
    let (start, end) = launch_period();
    let day = |y, m, d| Day::from_ymd(y, m, d).expect("valid date");
    let campaigns = [
        Campaign {
            id: "spring-launch",
            start,
            end: day(2026, 4, 30),
        },
        Campaign {
            id: "618-festival",
            start: day(2026, 5, 15),
            end: day(2026, 6, 20),
        },
        Campaign {
            id: "summer-glow",
            start: day(2026, 7, 1),
            end,
        },
    ];

    let accounts = make_accounts(&mut rng);
    let notes = make_notes(&mut rng, &accounts, &campaigns);

    let mut notes_csv = String::from(
        "note_id,date,title,published_at,format,account,campaign,content_type,tags,impressions,views,likes,saves,comments,shares,new_followers,product_clicks,avg_watch_seconds,search_views,discovery_views\n",
    );
    // Daily note views, used to drive orders and journeys.
    let days = (end.0 - start.0 + 1) as usize;
    let mut views_by_day = vec![0.0f64; days];
    let mut views_by_account_day = vec![vec![0.0f64; days]; accounts.len()];
    for note in &notes {
        let account = &accounts[note.account];
        let mut age = 0;
        while note.published.0 + age <= end.0 {
            // Reach decays fast (half-life ~3 days), then search keeps a tail alive.
            let a = f64::from(age);
            let share =
                0.21 * 0.5f64.powf(a / 3.0) + note.evergreen * 0.004 * 0.5f64.powf(a / 60.0);
            let boost = if note.boosted && age < 7 { 1.6 } else { 1.0 };
            let expected = note.reach * share * boost * rng.range(0.75, 1.25);
            if expected < 3.0 && age > 14 {
                break;
            }
            let impressions = rng.count(expected);
            let jitter = rng.range(0.9, 1.1);
            let views = rng.count(impressions as f64 * note.cover_ctr * jitter);
            let interactions = views as f64 * note.engagement * rng.range(0.85, 1.15);
            let likes = rng.count(interactions * 0.6);
            let saves = rng.count(interactions * 0.3);
            let comments = rng.count(interactions * 0.1);
            let shares = rng.count(interactions * 0.05);
            let new_followers = rng.count(
                views as f64
                    * if account.tier == Tier::Brand {
                        0.012
                    } else {
                        0.002
                    },
            );
            let click_rate = rng.range(0.02, 0.04);
            let product_clicks = rng.count(views as f64 * click_rate);
            let search_share = (0.2 + 0.5 * (a / 60.0).min(1.0)).min(0.8);
            let search_views = rng.count(views as f64 * search_share);
            let discovery_views = views - search_views.min(views);
            let watch = if note.format == "video" {
                format!("{:.1}", rng.range(12.0, 38.0))
            } else {
                String::new()
            };
            let date = note.published.add_days(age);
            let _ = writeln!(
                notes_csv,
                "{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}",
                note.id,
                date,
                csv_field(&note.title),
                note.published,
                note.format,
                csv_field(&account.name),
                campaigns[note.campaign].id,
                note.content_type,
                csv_field(&note.tags),
                impressions,
                views,
                likes,
                saves,
                comments,
                shares,
                new_followers,
                product_clicks,
                watch,
                search_views,
                discovery_views
            );
            let index = (date.0 - start.0) as usize;
            views_by_day[index] += views as f64;
            views_by_account_day[note.account][index] += views as f64;
            age += 1;
        }
    }

    let (orders_csv, commission_sales) =
        make_orders(&mut rng, &accounts, &views_by_day, &views_by_account_day);
    let costs_csv = make_costs(&mut rng, &accounts, &notes, &campaigns, &commission_sales);
    // The surveys draw from their own generator so that adding them left
    // every other published file as it was.
    let mut survey_rng = Rng(seed.wrapping_add(0x9E37_79B9_7F4A_7C15));
    let (touchpoints_csv, surveys_csv) = make_touchpoints(&mut rng, &mut survey_rng, &notes);

    // The promo code column lets the ROI view credit promo-code orders to
    // their creator (docs/roi.md).
    let mut kols_csv = String::from("account,kol_id,followers,tier,fee,city,category,promo_code\n");
    for a in &accounts {
        let _ = writeln!(
            kols_csv,
            "{},{},{},{},{},{},skincare,{}",
            csv_field(&a.name),
            a.id,
            a.followers,
            a.tier.name(),
            a.fee,
            a.city,
            a.promo_code
        );
    }

    DemoFiles {
        notes: notes_csv,
        costs: costs_csv,
        orders: orders_csv,
        touchpoints: touchpoints_csv,
        kols: kols_csv,
        surveys: surveys_csv,
    }
}

fn make_accounts(rng: &mut Rng) -> Vec<Account> {
    let mut accounts = vec![Account {
        name: "悦光实验室LumiereLab".into(),
        id: "lumiere_official".into(),
        tier: Tier::Brand,
        followers: 18_600,
        fee: 0.0,
        city: "上海",
        promo_code: "XHSLUMI".into(),
        on_commission: false,
    }];
    let plan = [
        (Tier::Head, 2),
        (Tier::Mid, 8),
        (Tier::Micro, 14),
        (Tier::Koc, 24),
    ];
    let mut used = std::collections::HashSet::new();
    for (tier, n) in plan {
        for _ in 0..n {
            let name = loop {
                let candidate = format!("{}{}", rng.pick(&NAME_HEADS), rng.pick(&NAME_TAILS));
                if used.insert(candidate.clone()) {
                    break candidate;
                }
            };
            let (followers, fee) = match tier {
                Tier::Head => (
                    rng.log_range(600_000.0, 1_800_000.0),
                    rng.range(55_000.0, 80_000.0),
                ),
                Tier::Mid => (
                    rng.log_range(60_000.0, 450_000.0),
                    rng.range(9_000.0, 26_000.0),
                ),
                Tier::Micro => (
                    rng.log_range(6_000.0, 48_000.0),
                    rng.range(1_500.0, 4_500.0),
                ),
                _ => (rng.log_range(300.0, 4_800.0), 0.0),
            };
            let index = accounts.len();
            accounts.push(Account {
                name,
                id: format!("kol_{index:03}"),
                tier,
                followers: followers.round() as u64,
                fee: (fee / 100.0).round() * 100.0,
                city: CITIES[rng.below(CITIES.len())],
                promo_code: format!("XHS{:03}", index),
                on_commission: tier == Tier::Micro && rng.chance(0.25),
            });
        }
    }
    accounts
}

fn make_notes(rng: &mut Rng, accounts: &[Account], campaigns: &[Campaign]) -> Vec<Note> {
    let mut notes = Vec::new();
    // The brand posts about twice a month in each campaign; each creator posts once
    // (head creators twice, in different campaigns).
    let mut plan: Vec<(usize, usize)> = Vec::new();
    for (c, campaign) in campaigns.iter().enumerate() {
        let months = ((campaign.end.0 - campaign.start.0) as f64 / 30.0).ceil() as usize;
        for _ in 0..months * 4 {
            plan.push((0, c));
        }
    }
    for (i, account) in accounts.iter().enumerate().skip(1) {
        let posts = if account.tier == Tier::Head { 2 } else { 1 };
        for p in 0..posts {
            let campaign = if account.tier == Tier::Head {
                p
            } else {
                rng.below(campaigns.len())
            };
            plan.push((i, campaign));
        }
    }
    for (n, (account_index, campaign_index)) in plan.into_iter().enumerate() {
        let account = &accounts[account_index];
        let campaign = &campaigns[campaign_index];
        let span = (campaign.end.0 - campaign.start.0 - 10).max(1) as usize;
        let published = campaign.start.add_days(rng.below(span) as i32);
        let video = rng.chance(match account.tier {
            Tier::Head | Tier::Mid => 0.6,
            _ => 0.3,
        });
        let reach = match account.tier {
            Tier::Brand => rng.log_range(4_000.0, 30_000.0),
            Tier::Head => account.followers as f64 * rng.range(0.5, 0.9),
            Tier::Mid => account.followers as f64 * rng.range(0.5, 1.1),
            Tier::Micro => account.followers as f64 * rng.range(0.9, 2.2),
            Tier::Koc => rng.log_range(1_500.0, 9_000.0),
        };
        let content_type = *rng.pick(&CONTENT_TYPES);
        let product = if rng.chance(0.5) {
            "VC精华"
        } else {
            "焕亮精华"
        };
        let title = rng.pick(&TITLE_TEMPLATES).replace("{p}", product);
        let mut tags: Vec<&str> = vec![TAGS[0], TAGS[1]];
        tags.push(TAGS[2 + rng.below(TAGS.len() - 2)]);
        notes.push(Note {
            id: format!("N26{:04}", n + 1),
            title,
            published,
            format: if video { "video" } else { "image_text" },
            account: account_index,
            campaign: campaign_index,
            content_type,
            tags: tags.join(" "),
            reach,
            cover_ctr: rng.range(0.08, if video { 0.16 } else { 0.13 }),
            engagement: rng.range(0.04, 0.11),
            evergreen: if content_type == "tutorial" {
                rng.range(1.0, 2.5)
            } else {
                rng.range(0.2, 1.0)
            },
            boosted: account.tier != Tier::Koc && rng.chance(0.3),
        });
    }
    notes.sort_by_key(|n| (n.published, n.id.clone()));
    notes
}

const PRODUCTS: [(f64, f64); 4] = [(329.0, 0.55), (529.0, 0.2), (129.0, 0.15), (699.0, 0.1)];

/// Orders from every channel; Xiaohongshu's carry a utm tag, a promo code, the
/// `/xhs` landing page or a printed QR code. Returns the CSV and each
/// account's promo-code sales (for commission).
fn make_orders(
    rng: &mut Rng,
    accounts: &[Account],
    views_by_day: &[f64],
    views_by_account_day: &[Vec<f64>],
) -> (String, Vec<f64>) {
    let (start, _) = launch_period();
    let mut csv = String::from(
        "order_id,time,revenue,customer_id,is_new_customer,utm_source,utm_medium,utm_campaign,promo_code,landing_page,qr_code,store\n",
    );
    let mut sales_by_account = vec![0.0; accounts.len()];
    let mut order_number = 0u32;
    let mut customers = 0u32;
    for (index, &views) in views_by_day.iter().enumerate() {
        let date = start.add_days(index as i32);
        // Views convert over the next days; 0.45% of a day's note views end in an order.
        let lagged: f64 = (0..5)
            .filter_map(|lag| {
                index
                    .checked_sub(lag)
                    .map(|i| views_by_day[i] * [0.4, 0.25, 0.15, 0.12, 0.08][lag])
            })
            .sum();
        let xhs_orders = rng.count(lagged * 0.0045);
        let baseline = rng.range(9.0, 16.0);
        let other_orders = rng.count(baseline * (1.0 + views / 40_000.0));
        for n in 0..xhs_orders + other_orders {
            let from_xhs = n < xhs_orders;
            order_number += 1;
            let price = {
                let product = rng.weighted(1.0, PRODUCTS.iter().map(|p| p.1));
                product.map_or(PRODUCTS[0].0, |i| PRODUCTS[i].0)
            };
            let quantity = if rng.chance(0.15) { 2.0 } else { 1.0 };
            let new_customer = rng.chance(if from_xhs { 0.72 } else { 0.45 });
            let customer = if new_customer || customers == 0 {
                customers += 1;
                customers
            } else {
                1 + rng.below(customers as usize) as u32
            };
            let (mut source, mut medium, mut campaign_tag) = ("", "", "");
            let (mut promo, mut landing, mut qr) = (String::new(), String::new(), String::new());
            let mut discount = 1.0;
            let store;
            if from_xhs {
                let route = rng.unit();
                if route < 0.35 {
                    source = "xiaohongshu";
                    medium = if rng.chance(0.6) { "kol_note" } else { "note" };
                    campaign_tag = "xhs_launch";
                    store = "tmall_flagship";
                } else if route < 0.65 {
                    // A creator's promo code, weighted by whose notes people saw that day.
                    let day_views: f64 = views_by_account_day.iter().map(|v| v[index]).sum();
                    let account = rng
                        .weighted(day_views, views_by_account_day.iter().map(|v| v[index]))
                        .unwrap_or(0);
                    promo = accounts[account].promo_code.clone();
                    discount = 0.9;
                    sales_by_account[account] += price * quantity * discount;
                    store = if rng.chance(0.5) {
                        "tmall_flagship"
                    } else {
                        "wechat_mini_program"
                    };
                } else if route < 0.85 {
                    store = "xiaohongshu_shop";
                    source = "xhs";
                    medium = "shop";
                } else if route < 0.95 {
                    landing = "https://lumierelab.example/xhs/vc-serum".into();
                    store = "brand_site";
                } else {
                    qr = format!("XHS-QR-{:02}", 1 + rng.below(12));
                    store = "offline_shanghai";
                }
            } else {
                let route = rng.unit();
                (source, medium, store) = if route < 0.4 {
                    ("tmall", "search", "tmall_flagship")
                } else if route < 0.6 {
                    ("jd", "search", "jd_store")
                } else if route < 0.75 {
                    ("wechat", "social", "wechat_mini_program")
                } else if route < 0.85 {
                    ("douyin", "video", "douyin_shop")
                } else if route < 0.93 {
                    ("", "", "offline_shanghai")
                } else {
                    ("direct", "none", "brand_site")
                };
            }
            let hour = 8 + rng.below(16) as u32;
            let time = time::timestamp(date, hour, rng.below(60) as u32, rng.below(60) as u32);
            let _ = writeln!(
                csv,
                "SO{:07},{},{:.2},C{:06},{},{},{},{},{},{},{},{}",
                order_number,
                time::format_timestamp(time),
                price * quantity * discount,
                customer,
                if new_customer { "yes" } else { "no" },
                source,
                medium,
                campaign_tag,
                promo,
                landing,
                qr,
                store
            );
        }
    }
    (csv, sales_by_account)
}

fn make_costs(
    rng: &mut Rng,
    accounts: &[Account],
    notes: &[Note],
    campaigns: &[Campaign],
    commission_sales: &[f64],
) -> String {
    let (start, end) = launch_period();
    let mut rows: Vec<(Day, String)> = Vec::new();
    let mut add = |date: Day,
                   category: &str,
                   amount: f64,
                   campaign: &str,
                   note: &str,
                   account: &str,
                   pay: &str,
                   text: &str| {
        rows.push((
            date,
            format!(
                "{date},{category},{amount:.2},CNY,{campaign},{note},{},{pay},{}",
                csv_field(account),
                csv_field(text)
            ),
        ));
    };

    add(
        start.add_days(-10),
        "content",
        28_000.0,
        "spring-launch",
        "",
        "",
        "",
        "Launch photo and video shoot",
    );
    for note in notes {
        let account = &accounts[note.account];
        let campaign = campaigns[note.campaign].id;
        match account.tier {
            Tier::Brand => {
                let amount = if note.format == "video" {
                    rng.range(2_500.0, 4_500.0)
                } else {
                    rng.range(900.0, 1_800.0)
                };
                add(
                    note.published.add_days(-3),
                    "content",
                    (amount / 10.0).round() * 10.0,
                    campaign,
                    &note.id,
                    &account.name,
                    "",
                    "Own-account note production",
                );
            }
            Tier::Koc => {
                add(
                    note.published.add_days(-7),
                    "kol",
                    96.0,
                    campaign,
                    &note.id,
                    &account.name,
                    "gift",
                    "Product gift at cost",
                );
            }
            _ => {
                let fee = account.fee * if note.format == "video" { 1.3 } else { 1.0 };
                if !account.on_commission {
                    add(
                        note.published,
                        "kol",
                        fee,
                        campaign,
                        &note.id,
                        &account.name,
                        "flat_fee",
                        "Creator fee",
                    );
                    // 蒲公英 charges the brand a 10% service fee on creator orders.
                    add(
                        note.published,
                        "kol",
                        fee * 0.1,
                        campaign,
                        &note.id,
                        &account.name,
                        "platform_fee",
                        "Pugongying service fee 10%",
                    );
                }
                add(
                    note.published.add_days(-7),
                    "kol",
                    96.0,
                    campaign,
                    &note.id,
                    &account.name,
                    "gift",
                    "Product gift at cost",
                );
            }
        }
        if note.boosted {
            add(
                note.published.add_days(1),
                "paid",
                (rng.range(500.0, 2_500.0) / 50.0).round() * 50.0,
                campaign,
                &note.id,
                &account.name,
                "",
                "Shutiao boost",
            );
        }
    }
    for (i, account) in accounts.iter().enumerate() {
        if account.on_commission && commission_sales[i] > 0.0 {
            add(
                end,
                "kol",
                commission_sales[i] * 0.15,
                "",
                "",
                &account.name,
                "commission",
                "15% commission on promo-code sales",
            );
        }
    }
    // Monthly: 聚光 search and feed ads, agency retainer, tools.
    let mut month_start = start;
    while month_start <= end {
        let (y, m, _) = month_start.ymd();
        let campaign = campaigns
            .iter()
            .find(|c| c.start <= month_start.add_days(14) && month_start.add_days(14) <= c.end)
            .map_or("", |c| c.id);
        let ads = if m == 5 || m == 6 {
            rng.range(34_000.0, 42_000.0)
        } else {
            rng.range(16_000.0, 26_000.0)
        };
        let last = Day::from_ymd(y, m, time::days_in_month(y, m)).expect("valid date");
        add(
            last,
            "paid",
            (ads / 100.0).round() * 100.0,
            campaign,
            "",
            "",
            "",
            "Juguang search and feed ads",
        );
        add(
            month_start,
            "agency",
            15_000.0,
            "",
            "",
            "",
            "",
            "Agency retainer: strategy, community management",
        );
        add(
            month_start,
            "technology",
            1_980.0,
            "",
            "",
            "",
            "",
            "Social listening and analytics tools",
        );
        month_start = last.add_days(1);
    }
    rows.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(&b.1)));
    let mut csv = String::from(
        "date,category,amount,currency,campaign,note_id,account,pay_kind,description\n",
    );
    for (_, row) in rows {
        csv.push_str(&row);
        csv.push('\n');
    }
    csv
}

const CHANNELS: [(&str, f64); 10] = [
    ("xhs_note", 0.22),
    ("xhs_search", 0.14),
    ("kol_note", 0.14),
    ("juguang_ads", 0.08),
    ("wechat", 0.1),
    ("tmall", 0.13),
    ("jd", 0.06),
    ("douyin", 0.07),
    ("offline_store", 0.02),
    ("direct", 0.04),
];

/// Journeys of 5,000 people: touches across channels, some ending in a
/// purchase; and the survey answers of some of the buyers.
fn make_touchpoints(rng: &mut Rng, survey_rng: &mut Rng, notes: &[Note]) -> (String, String) {
    let (start, end) = launch_period();
    let mut csv = String::from("person_id,time,channel,campaign,note_id,event,value\n");
    let mut surveys = String::from("respondent_id,time,answer\n");
    let total: f64 = CHANNELS.iter().map(|c| c.1).sum();
    for person in 1..=5_000u32 {
        let mut t = time::timestamp(
            start.add_days(rng.below((end.0 - start.0 - 30) as usize) as i32),
            9,
            0,
            0,
        ) + rng.below(12 * 3600) as i64;
        let extra = rng.exponential(1.6);
        let touches = 1 + rng.count(extra).min(7) as usize;
        let mut xhs_touches = 0;
        let mut last_channel = "";
        let mut first_channel = "";
        for _ in 0..touches {
            let channel = rng
                .weighted(total, CHANNELS.iter().map(|c| c.1))
                .map_or("direct", |i| CHANNELS[i].0);
            let (campaign, note) = if matches!(channel, "xhs_note" | "kol_note" | "xhs_search") {
                xhs_touches += 1;
                let note = &notes[rng.below(notes.len())];
                ("xhs", note.id.as_str())
            } else {
                ("", "")
            };
            let event = if matches!(channel, "tmall" | "jd" | "direct" | "offline_store") {
                "visit"
            } else {
                "click"
            };
            let _ = writeln!(
                csv,
                "P{person:05},{},{channel},{campaign},{note},{event},",
                time::format_timestamp(t)
            );
            last_channel = channel;
            if first_channel.is_empty() {
                first_channel = channel;
            }
            t += (rng.exponential(2.0) * 86_400.0) as i64 + 60;
        }
        // Xiaohongshu touches raise the odds; a purchase needs a shop at the end.
        let p =
            0.025 + 0.02 * f64::from(xhs_touches.min(3)) + 0.01 * (touches as f64 - 1.0).min(3.0);
        if rng.chance(p) {
            let shop = if matches!(last_channel, "tmall" | "jd" | "offline_store") {
                last_channel
            } else {
                "tmall"
            };
            let value = PRODUCTS[rng.below(PRODUCTS.len())].0;
            let _ = writeln!(
                csv,
                "P{person:05},{},{shop},,,conversion,{value:.2}",
                time::format_timestamp(t)
            );
            if survey_rng.chance(0.6) {
                let answer = survey_answer(survey_rng, first_channel, last_channel);
                let _ = writeln!(
                    surveys,
                    "P{person:05},{},{answer}",
                    time::format_timestamp(t + 600)
                );
            }
        }
    }
    (csv, surveys)
}

/// What a buyer answers to "how did you hear about us?": mostly where they
/// first met the brand, sometimes where they bought, sometimes a friend.
fn survey_answer(rng: &mut Rng, first: &str, last: &str) -> &'static str {
    let roll = rng.unit();
    let channel = if roll < 0.6 {
        first
    } else if roll < 0.85 {
        last
    } else {
        return rng.pick_str(&["朋友推荐", "忘记了", "同事介绍"]);
    };
    match channel {
        "xhs_note" | "xhs_search" => rng.pick_str(&["小红书", "在小红书上看到的", "小红书搜索"]),
        "kol_note" => rng.pick_str(&["小红书博主推荐", "小红书"]),
        "juguang_ads" => "小红书广告",
        "wechat" => rng.pick_str(&["微信公众号", "朋友圈"]),
        "tmall" => "天猫",
        "jd" => "京东",
        "douyin" => "抖音",
        "offline_store" => "线下门店",
        _ => "其他",
    }
}

/// Quotes a CSV field when it needs it.
fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::{import, ImportOptions};
    use crate::report::{Dataset, Kpis, ReportSettings};

    fn dataset(files: &DemoFiles) -> Dataset {
        let read = |name, text: &str| {
            Some(
                import(name, text.as_bytes(), &ImportOptions::default())
                    .unwrap()
                    .table,
            )
        };
        Dataset {
            notes: read("notes.csv", &files.notes),
            costs: read("costs.csv", &files.costs),
            orders: read("orders.csv", &files.orders),
            kols: read("kols.csv", &files.kols),
            ..Dataset::default()
        }
    }

    #[test]
    fn the_same_seed_gives_the_same_files() {
        assert_eq!(generate(7), generate(7));
        assert_ne!(generate(7).notes, generate(8).notes);
    }

    #[test]
    fn every_demo_file_imports_without_a_problem() {
        for (name, text) in generate(DEMO_SEED).files() {
            let i = import(name, text.as_bytes(), &ImportOptions::default()).unwrap();
            assert_eq!(
                i.problem_count,
                0,
                "{name}: {:?}",
                &i.problems[..i.problems.len().min(3)]
            );
            assert_eq!(i.kind.name(), name.trim_end_matches(".csv"), "{name}");
        }
    }

    #[test]
    fn demo_figures_look_like_a_real_launch() {
        let files = generate(DEMO_SEED);
        let notes = import("n", files.notes.as_bytes(), &ImportOptions::default()).unwrap();
        let distinct = notes.table.text("note_id").unwrap().dictionary().len();
        assert!((70..=95).contains(&distinct), "{distinct} notes");

        let k = Kpis::compute(&dataset(&files), &ReportSettings::default());
        let cover_ctr = k.views / k.impressions;
        assert!((0.08..0.16).contains(&cover_ctr), "cover CTR {cover_ctr}");
        let er = k.engagement_rate.unwrap();
        assert!((0.04..0.11).contains(&er), "engagement {er}");
        let cpe = k.cpe.unwrap();
        assert!((8.0..35.0).contains(&cpe), "CPE {cpe}");
        let roas = k.roas.unwrap();
        assert!((1.3..3.0).contains(&roas), "ROAS {roas}");
        let conversion = k.orders as f64 / k.views;
        assert!(
            (0.002..0.01).contains(&conversion),
            "conversion {conversion}"
        );
        for c in crate::schema::CostCategory::ALL {
            assert!(k.cost_by_category.get(c) > 0.0, "{c:?} has no cost");
        }
    }

    #[test]
    fn touchpoints_cover_about_five_thousand_people_with_realistic_conversion() {
        let files = generate(DEMO_SEED);
        let people: std::collections::HashSet<&str> = files
            .touchpoints
            .lines()
            .skip(1)
            .map(|l| l.split(',').next().unwrap())
            .collect();
        assert_eq!(people.len(), 5_000);
        let conversions = files
            .touchpoints
            .lines()
            .filter(|l| l.contains(",conversion,"))
            .count();
        let rate = conversions as f64 / 5_000.0;
        assert!((0.03..0.12).contains(&rate), "conversion {rate}");
    }

    #[test]
    fn about_six_in_ten_buyers_answer_the_survey_and_most_name_a_platform() {
        let files = generate(DEMO_SEED);
        let conversions = files.touchpoints.matches(",conversion,").count() as f64;
        let surveys = import("s", files.surveys.as_bytes(), &ImportOptions::default()).unwrap();
        let answers = surveys.table.rows as f64;
        assert!((0.5..0.7).contains(&(answers / conversions)), "{answers}");
        let counts = crate::attribution::survey::SurveyCounts::from_table(&surveys.table).unwrap();
        let other = counts.counts[crate::attribution::survey::Platform::Other as usize] as f64;
        assert!(
            other / answers < 0.25,
            "{other} of {answers} name no platform"
        );
    }
}
