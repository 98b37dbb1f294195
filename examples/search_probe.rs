//! Times `App::search` keystroke by keystroke on an existing store, and prints the size of the
//! search index.
//!
//! ```text
//! cargo build --release --example search_probe
//! target/release/gridlog --data-dir /tmp/s100k demo --records 100000
//! target/release/examples/search_probe /tmp/s100k            # the standard sequences
//! target/release/examples/search_probe /tmp/s100k 王建 wjg     # or your own (each typed a char at a time)
//! ```

use std::path::PathBuf;
use std::time::{Duration, Instant};

use gridlog::app::App;
use gridlog::i18n::Lang;
use gridlog::store::Options;

const RUNS: usize = 15;
const LIMIT: usize = 50;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let dir = PathBuf::from(args.next().ok_or("usage: search_probe DIR [QUERY ...]")?);
    let mut queries: Vec<String> = args.collect();
    if queries.is_empty() {
        queries = ["zs", "zha", "张三", "5678", "三组", "lxy", "漏雨", "xyz"].map(String::from).to_vec();
    }
    let opened = Instant::now();
    let app = App::open(&dir, &Options::default(), Lang::Zh)?;
    println!("open: {:.1} ms", opened.elapsed().as_secs_f64() * 1e3);
    let size = app.store().search_index_size()?;
    let disk = app.store().disk_bytes();
    println!(
        "disk: {:.1} MB; search index: {} keys, {:.2} MB; text form: {} keys, {:.2} MB (logical bytes)",
        disk as f64 / 1e6,
        size.index_keys,
        size.index_bytes as f64 / 1e6,
        size.text_keys,
        size.text_bytes as f64 / 1e6
    );
    println!("{:<14} {:>9} {:>9} {:>6} {:>9}", "keystrokes", "median", "max", "hits", "complete");
    for q in &queries {
        let chars: Vec<char> = q.chars().collect();
        for i in 1..=chars.len() {
            let typed: String = chars[..i].iter().collect();
            let mut times: Vec<Duration> = Vec::with_capacity(RUNS);
            let mut last = None;
            for _ in 0..RUNS {
                let t = Instant::now();
                let r = app.search(&typed, LIMIT)?;
                times.push(t.elapsed());
                last = Some((r.hits.len(), r.complete));
            }
            times.sort();
            let (hits, complete) = last.unwrap_or_default();
            println!(
                "{:<14} {:>7.2}ms {:>7.2}ms {:>6} {:>9}",
                typed,
                times[RUNS / 2].as_secs_f64() * 1e3,
                times[RUNS - 1].as_secs_f64() * 1e3,
                hits,
                complete
            );
        }
    }
    if std::env::var("PROBE_BREAKDOWN").is_ok() {
        breakdown(&app)?;
    }
    // "more…": the same queries with no time budget
    for q in ["三组", "漏雨", "xyz"] {
        let t = Instant::now();
        let r = app.search_within(q, LIMIT, None)?;
        println!(
            "more… {:<8} {:>7.2}ms {:>6} hits, complete {}",
            q,
            t.elapsed().as_secs_f64() * 1e3,
            r.hits.len(),
            r.complete
        );
    }
    drop(app);
    // logical bytes (keys + values) per tree, read with sled directly
    let db = sled::Config::new().path(dir.join("db")).cache_capacity(16 << 20).open()?;
    let mut total = 0u64;
    let mut search = 0u64;
    let mut line = String::new();
    for name in db.tree_names() {
        let tree = db.open_tree(&name)?;
        let bytes: u64 = tree.iter().filter_map(Result::ok).map(|(k, v)| (k.len() + v.len()) as u64).sum();
        let name = String::from_utf8_lossy(&name).to_string();
        if name == "search" || name == "text" {
            search += bytes;
        }
        total += bytes;
        line.push_str(&format!(" {name} {:.2} MB,", bytes as f64 / 1e6));
    }
    println!(
        "logical bytes:{line} search+text {:.1}% of {:.1} MB",
        100.0 * search as f64 / total as f64,
        total as f64 / 1e6
    );
    Ok(())
}

#[allow(dead_code)]
fn breakdown(app: &App) -> Result<(), Box<dyn std::error::Error>> {
    use gridlog::search::TermKind;
    let s = app.store();
    let t = Instant::now();
    let mut ids = Vec::new();
    s.search_lookup(TermKind::Initials, "z", false, &mut |id| {
        ids.push(id);
        ids.len() < 50
    })?;
    let t1 = t.elapsed();
    let t = Instant::now();
    let ev = s.events_of_many(&ids)?;
    let t2 = t.elapsed();
    let t = Instant::now();
    let mut n = 0;
    let end = s.search_text("没有这个词", None, &mut |_| {
        n += 1;
        true
    })?;
    let t3 = t.elapsed();
    println!("lookup {t1:?} fetch {} {t2:?} full text scan {t3:?} {end:?}", ev.len());
    Ok(())
}
