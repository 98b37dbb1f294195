//! `doctor`'s check of the figures view and the links view: what a fresh fold of every record
//! gives, compared with what is stored.

use std::collections::BTreeMap;

use super::links::{self, Entries, link};
use super::{Cell, FigDelta, FigKey, bad, merge, parse_key, part};
use crate::domain::EntityId;
use crate::store::codec;
use crate::store::db::Store;
use crate::store::error::StoreError;
use crate::store::keys::BlockKey;

/// `doctor`'s check of the views: the cells and the links a fresh fold of every record gives,
/// compared with the stored ones.
#[derive(Default)]
pub struct FigureCheck {
    cells: FigDelta,
    links: BTreeMap<[u8; 12], Entries>,
}

impl FigureCheck {
    /// Adds one record's part and link, folded from its events.
    pub fn add(&mut self, id: EntityId, events: &[crate::events::Event]) {
        let Some(e) = crate::events::fold(id, events) else { return };
        if let Some(p) = part(id, &e) {
            self.cells.add(&p, 1);
        }
        if let Some(l) = link(id, &e) {
            let entries = self.links.entry(BlockKey::of(id).bytes()).or_default();
            entries.push((id.n, l));
            entries.sort_by_key(|(n, _)| *n);
        }
    }

    /// The cells and links that differ from what the events give, one line each.
    pub fn finish(self, store: &Store) -> Result<Vec<String>, StoreError> {
        let mut want: BTreeMap<FigKey, Cell> = BTreeMap::new();
        for (k, d) in self.cells.changed() {
            if let Some(cell) = merge(Cell::default(), d) {
                want.insert(k, cell);
            }
        }
        let mut problems = Vec::new();
        for kv in store.figures.iter() {
            let (k, v) = kv?;
            let name = parse_key(&k).map_or_else(|| format!("{k:?}"), |(d, kind, m)| format!("{d} {kind:?} {m:?}"));
            let have: Cell = codec::decode(&v).map_err(|err| bad(&k, err))?;
            match <FigKey>::try_from(k.as_ref()).ok().and_then(|k| want.remove(&k)) {
                Some(w) if w == have => {}
                Some(_) => problems.push(format!("figures {name}: differs from what the events give")),
                None => problems.push(format!("figures {name}: stored, but no record adds to it")),
            }
        }
        for k in want.keys() {
            let name = parse_key(k).map_or_else(|| format!("{k:?}"), |(d, kind, m)| format!("{d} {kind:?} {m:?}"));
            problems.push(format!("figures {name}: missing, the events give a cell"));
        }
        let mut want = self.links;
        let name = |k: &[u8]| BlockKey::parse(k).map_or_else(|| format!("{k:?}"), |b| b.to_string());
        for kv in store.links.iter() {
            let (k, v) = kv?;
            let have = links::decode(&k, &v)?;
            match <[u8; 12]>::try_from(k.as_ref()).ok().and_then(|k| want.remove(&k)) {
                Some(w) if w == have => {}
                Some(_) => problems.push(format!("links {}: differ from what the events give", name(&k))),
                None => problems.push(format!("links {}: stored, but no record links there", name(&k))),
            }
        }
        for k in want.keys() {
            problems.push(format!("links {}: missing, the events give links", name(k)));
        }
        Ok(problems)
    }
}
