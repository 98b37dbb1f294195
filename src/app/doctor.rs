//! `gridlog doctor`: every event decodes, and every view (the open-work index with its due dates,
//! the month counts and the search index included) equals a fresh fold of the events. It always finishes: a damaged block is named with the records it held and
//! the walk goes on; a damaged tree ends the walk with an error instead of looping; a panic in
//! the database engine is caught. `--salvage` copies what can be read into a new store.

use std::collections::{BTreeMap, BTreeSet};

use super::AppError;
use crate::domain::{Day, EntityId, Kind};
use crate::i18n::{Lang, tr};
use crate::store::{Store, StoreError, expected_views};

/// What `doctor` found.
#[derive(Debug, Default)]
pub struct DoctorReport {
    /// Blocks read.
    pub blocks: u64,
    /// Records checked.
    pub records: u64,
    /// Events decoded.
    pub events: u64,
    /// Problems, one line each (empty: healthy).
    pub problems: Vec<String>,
    /// Some records could not be read at all (salvage is the way out, not a rebuild).
    pub damaged: bool,
}

impl DoctorReport {
    /// No problem found.
    pub fn healthy(&self) -> bool {
        self.problems.is_empty()
    }
}

pub(super) fn run(store: &Store, lang: Lang, progress: &dyn Fn(u64) -> bool) -> Result<DoctorReport, AppError> {
    crate::store::recovery::guard(|| walk(store, lang, progress))
        .unwrap_or_else(|_| Err(AppError::Store(crate::store::StoreError::Panicked(String::new()))))
}

/// One line about a block or tree that could not be read.
pub fn damaged_line(e: &StoreError, lang: Lang) -> String {
    match e {
        StoreError::DamagedBlock { device, block, first, err } => tr(
            lang,
            "doctor.damaged_block",
            &[
                &format!("{device}-{block}"),
                &format!("{device}-{first}"),
                &format!("{device}-{}", first.saturating_add(crate::store::RECORDS_PER_BLOCK - 1)),
                &err.to_string(),
            ],
        ),
        other => tr(lang, "doctor.damaged_tree", &[&other.to_string()]),
    }
}

fn walk(store: &Store, lang: Lang, progress: &dyn Fn(u64) -> bool) -> Result<DoctorReport, AppError> {
    let mut r = DoctorReport::default();
    // (kind, due, id, status): the open-work index entry and the status it carries
    let mut expected_open: BTreeSet<(u8, Option<Day>, EntityId, u8)> = BTreeSet::new();
    // search index and text: compared with a fresh computation from the events
    let mut search = crate::store::SearchCheck::new(store);
    // the figures view of the assessment report: compared with a fresh fold
    let mut figures = crate::store::FigureCheck::default();
    // month counts: (kind, first of month) → records whose own date falls in it
    let mut expected_counts: BTreeMap<(u8, Day), u64> = BTreeMap::new();
    // records per device and kind (persons merged into another left out)
    let mut expected_devices: BTreeMap<(crate::domain::DeviceId, u8), u64> = BTreeMap::new();
    for b in store.scan() {
        let b = match b {
            Ok(b) => b,
            Err(e) => {
                r.problems.push(damaged_line(&e, lang));
                r.damaged = true;
                continue;
            }
        };
        r.blocks += 1;
        if !progress(r.blocks) {
            return Err(AppError::Cancelled);
        }
        search.add_block(b.device, &b.records);
        let mut stored = b.summaries.clone();
        for (n, events) in &b.records {
            let id = EntityId { device: b.device, n: *n };
            r.records += 1;
            r.events += events.len() as u64;
            figures.add(id, events);
            if let Some(ev) = events.iter().find(|e| e.entity != id) {
                r.problems.push(format!("{id}: event {}#{} belongs to {}", ev.device, ev.seq, ev.entity));
            }
            let expected = match expected_views(id, events) {
                Ok(v) => v,
                // a code this build does not know (a newer build's): named, and the walk goes on
                Err(e @ crate::store::StoreError::UnknownCode { .. }) => {
                    r.problems.push(super::error::AppError::Store(e).lines(lang).join("；"));
                    continue;
                }
                Err(e) => return Err(e.into()),
            };
            match expected {
                None => {
                    if stored.iter().any(|s| s.n == *n) {
                        r.problems.push(format!("{id}: summary without a creation event"));
                    }
                }
                Some((want, open)) => {
                    match stored.iter().position(|s| s.n == *n) {
                        Some(i) => {
                            let have = stored.remove(i);
                            if have != want {
                                r.problems.push(format!("{id}: summary {have:?} differs from the events' {want:?}"));
                            }
                        }
                        None => r.problems.push(format!("{id}: missing summary")),
                    }
                    if let Some((kind, due)) = open {
                        expected_open.insert((kind.tag(), due, id, want.open_tag()));
                    }
                    if let Some(d) = want.date {
                        *expected_counts.entry((want.kind.tag(), d.first_of_month())).or_default() += 1;
                    }
                    if !want.merged {
                        *expected_devices.entry((b.device, want.kind.tag())).or_default() += 1;
                    }
                }
            }
        }
        for s in stored {
            r.problems.push(format!("{}-{}: summary without events", b.device, s.n));
        }
    }
    let actual: BTreeSet<(u8, Option<Day>, EntityId, u8)> =
        store.open_index()?.into_iter().map(|(k, d, id, st)| (k.tag(), d, id, st)).collect();
    for (k, d, id, _) in expected_open.difference(&actual) {
        r.problems.push(format!("{id}: missing from the open-work index ({:?}, due {d:?})", Kind::from_tag(*k)));
    }
    for (k, d, id, _) in actual.difference(&expected_open) {
        r.problems.push(format!("{id}: stale entry in the open-work index ({:?}, due {d:?})", Kind::from_tag(*k)));
    }
    let counts: BTreeMap<(u8, Day), u64> =
        store.month_counts()?.into_iter().map(|(k, month, n)| ((k.tag(), month), n)).collect();
    for (key, have) in &counts {
        let want = expected_counts.get(key).copied().unwrap_or(0);
        if *have != want {
            let (k, month) = key;
            let kind = Kind::from_tag(*k);
            r.problems.push(format!("month count {kind:?} {}: {have}, the events give {want}", month.year_month()));
        }
    }
    for ((k, month), want) in expected_counts.iter().filter(|(key, _)| !counts.contains_key(key)) {
        let kind = Kind::from_tag(*k);
        r.problems.push(format!("month count {kind:?} {}: missing, the events give {want}", month.year_month()));
    }
    let devices: BTreeMap<(crate::domain::DeviceId, u8), u64> =
        store.device_counts()?.into_iter().map(|(d, k, n)| ((d, k.tag()), n)).collect();
    for (key, want) in expected_devices.iter().filter(|(key, want)| devices.get(key) != Some(want)) {
        let have = devices.get(key).copied().unwrap_or(0);
        r.problems.push(format!(
            "records of {} {:?}: {have} counted, the events give {want}",
            key.0,
            Kind::from_tag(key.1)
        ));
    }
    for ((d, k), have) in devices.iter().filter(|(key, _)| !expected_devices.contains_key(key)) {
        r.problems.push(format!("records of {d} {:?}: {have} counted, the events give none", Kind::from_tag(*k)));
    }
    r.problems.extend(search.finish()?);
    if !r.damaged {
        r.problems.extend(figures.finish(store)?);
    }
    // a county's figures (docs/COUNTY.md): each entry reads and sits under its own key
    r.problems.extend(store.check_stats()?);
    Ok(r)
}
