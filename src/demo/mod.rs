//! Deterministic demo data for one village (same seed, same today → same data).
//!
//! `generate` streams records in the JSON input form of `gridlog add KIND`, each with the
//! lifecycle actions that later happened to it. The stream is built for a million records on a
//! small machine: it keeps one `u32` per household (its record index, ~0.6 bytes per record),
//! the household whose members are being written, and two small rings of recent visits and
//! cases. Everything about a household and its members (names, ages, ID numbers, phones, tags)
//! is a pure function of `(seed, household number, today)`, so a later dispute or hazard can name
//! a resident again without the generator remembering them.
//!
//! Time runs over the 365 days before `today`: record `i` of `n` belongs to day
//! `today - 365 + 365·i/(n-1)`, so dates rise with `i`. Lifecycles stop at `today`: old cases
//! are mostly finished, recent ones are still open, and a few percent are stuck (overdue).
//! The registry (households and their members) is entered mostly early on: about 90% of the
//! records at the start, 20% at the end, 55% overall.
//!
//! The pseudo-random numbers come from one SplitMix64 written here ([`Rng`]), so the data never
//! changes with a dependency's version; the demo store's device id and key are drawn from it too.
//!
//! The generator is pure (chrono and serde_json only) and sits below `app`: of the crate it uses
//! `domain` only (the ID check character) and nothing else (docs/ARCHITECTURE.md, "Demo data").
//! `app::demo` writes what it yields through the same validation as real input.
//!
//! - `rng`: the one seeded generator;
//! - `people`: households and their members (names, ages, ID numbers, phones, tags);
//! - `texts`: the Chinese word pools and the case templates written with them;
//! - `templates`: the template types, their placeholders, the pickers of notes and assignees;
//! - `lifecycles`: how a demand, dispute or hazard is handled over time, up to `today`;
//! - `generator`: the driver that interleaves everything into one stream of records;
//! - `township`: what the demo township's officer and villages write beyond their records
//!   (the places themselves are [`DEMO_TOWNSHIP`], [`DEMO_COUNTY`] and its townships).

use chrono::{Datelike, Days, NaiveDate};
use serde_json::Value;

mod generator;
mod lifecycles;
mod people;
mod rng;
mod templates;
mod texts;
pub mod township;

pub use generator::generate;
pub use rng::Rng;

/// The place the demo store belongs to.
pub const DEMO_PLACE: &str = "青石村";
/// 浙江省湖州市安吉县, a 镇 (105), a 村委会 (214).
pub const DEMO_DIVISION: &str = "330523105214";
/// The grid worker the demo store is initialised with.
pub const DEMO_WORKER: &str = "李秀英";
/// The worker's grid.
pub const DEMO_GRID: &str = "第一网格";

/// Who keeps a demo store: its place and grid worker.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DemoPlace {
    /// The 12-digit division code.
    pub division: &'static str,
    /// The place's name.
    pub place: &'static str,
    /// The grid worker (a township's: the officer).
    pub worker: &'static str,
    /// The worker's grid (empty for a township).
    pub grid: &'static str,
}

/// The demo village (`gridlog --demo`).
pub const DEMO_VILLAGE: DemoPlace =
    DemoPlace { division: DEMO_DIVISION, place: DEMO_PLACE, worker: DEMO_WORKER, grid: DEMO_GRID };

/// A demo township: its officer and its villages.
#[derive(Clone, Copy, Debug)]
pub struct DemoTownship {
    /// The township itself (no grid).
    pub place: DemoPlace,
    /// Its villages; a demo takes the first N.
    pub villages: &'static [DemoPlace],
}

/// The demo township (`gridlog --demo=township`): the township of the demo village, which is
/// its first village.
pub const DEMO_TOWNSHIP: DemoTownship = DemoTownship {
    place: DemoPlace { division: "330523105000", place: "青石镇", worker: "周建国", grid: "" },
    villages: &[
        DEMO_VILLAGE,
        DemoPlace { division: "330523105201", place: "溪口村", worker: "王建华", grid: "第二网格" },
        DemoPlace { division: "330523105202", place: "竹林村", worker: "陈丽萍", grid: "第一网格" },
        DemoPlace { division: "330523105203", place: "桃源村", worker: "吴国平", grid: "第三网格" },
        DemoPlace { division: "330523105204", place: "上塘村", worker: "沈红英", grid: "第一网格" },
        DemoPlace { division: "330523105205", place: "下岙村", worker: "钱志明", grid: "第二网格" },
        DemoPlace { division: "330523105206", place: "石门村", worker: "孙美华", grid: "第一网格" },
        DemoPlace { division: "330523105207", place: "白水湾村", worker: "郑学军", grid: "第四网格" },
    ],
};

/// The demo county (`gridlog --demo=county`): its townships send statistics files.
pub const DEMO_COUNTY: DemoPlace =
    DemoPlace { division: "330523000000", place: "青山县", worker: "县社会治理中心", grid: "" };

/// The demo county's townships, the demo township first.
pub const DEMO_COUNTY_TOWNSHIPS: [DemoTownship; 3] = [
    DEMO_TOWNSHIP,
    DemoTownship {
        place: DemoPlace { division: "330523106000", place: "竹溪镇", worker: "林海涛", grid: "" },
        villages: &[
            DemoPlace { division: "330523106201", place: "新塘村", worker: "何秀兰", grid: "第一网格" },
            DemoPlace { division: "330523106202", place: "马家村", worker: "马永福", grid: "第二网格" },
            DemoPlace { division: "330523106203", place: "龙潭村", worker: "蒋丽娟", grid: "第一网格" },
            DemoPlace { division: "330523106204", place: "杨柳村", worker: "杨春生", grid: "第三网格" },
        ],
    },
    DemoTownship {
        place: DemoPlace { division: "330523204000", place: "白云乡", worker: "韩志刚", grid: "" },
        villages: &[
            DemoPlace { division: "330523204201", place: "高坪村", worker: "罗玉梅", grid: "第一网格" },
            DemoPlace { division: "330523204202", place: "云岭村", worker: "田建军", grid: "第一网格" },
            DemoPlace { division: "330523204203", place: "茶园村", worker: "谢桂芳", grid: "第二网格" },
        ],
    },
];

/// One record in the JSON input form of `gridlog add KIND`, with its later lifecycle actions.
pub struct DemoRecord {
    /// "household" | "person" | "visit" | "demand" | "dispute" | "hazard"
    pub kind: &'static str,
    /// The JSON object `gridlog add KIND` would read (see docs/SCHEMA.md).
    pub fields: Value,
    /// Lifecycle actions in order, as `gridlog act ID ACTION` would read them.
    pub actions: Vec<DemoAction>,
}

/// One lifecycle action of a [`DemoRecord`].
pub struct DemoAction {
    /// The action name, e.g. "assign", "session", "rectify".
    pub action: &'static str,
    /// The JSON object `gridlog act ID ACTION` would read (`{}` when it has no fields).
    pub payload: Value,
    /// The day the action happened (used for event timestamps); never after `today`.
    pub on: NaiveDate,
}

/// `YYYY-MM-DD`, as the JSON input form writes dates.
fn ymd(d: NaiveDate) -> Value {
    Value::String(format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day()))
}

/// `days` days after `d`.
fn plus(d: NaiveDate, days: u64) -> NaiveDate {
    d + Days::new(days)
}

#[cfg(test)]
mod tests;
