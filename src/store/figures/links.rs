//! The links view (docs/ARCHITECTURE.md, "Store layout"): what a report by grid needs to find a
//! record's grid, each entry from one record's OWN state: a household's grid, the household a
//! person lives in (persons merged into another left out, as the fold leaves them out), the
//! household a visit visited. A write changes only the entries of the records it touches (no
//! write fans out to the records that name them); the report resolves the grid of each
//! [`super::Via`] through them when it is made (docs/REPORTS.md, "How it is computed").
//!
//! Key: the block key (`device u64 ‖ block u32`, 12 B, as `blocks`). Value: the block's entries,
//! `(n, Link)` sorted by record number, bincode through `codec`; a block with none has no key.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};
use sled::transaction::TransactionalTree;

use super::via::reference;
use crate::domain::merged::is_hidden;
use crate::domain::{EntityId, Kind};
use crate::events::Entity;
use crate::store::codec;
use crate::store::db::Store;
use crate::store::error::{StoreError, TxError, corrupt};
use crate::store::keys::BlockKey;

/// One record's link.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Link {
    /// A household, with its grid (`""`: none recorded).
    Grid(String),
    /// A person living in, or a visit to, this household.
    Household(EntityId),
}

/// A block's entries.
pub(in crate::store) type Entries = Vec<(u32, Link)>;

/// The record's link (`None`: a record of another ledger, a person in no household or merged
/// into another, a visit naming no household).
pub(in crate::store) fn link(id: EntityId, e: &Entity) -> Option<Link> {
    match e.kind {
        Kind::Household => Some(Link::Grid(e.state.text("grid").unwrap_or("").to_string())),
        Kind::Person if is_hidden(id, &e.state) => None,
        Kind::Person | Kind::Visit => reference(e.state.get("household")).map(Link::Household),
        _ => None,
    }
}

/// The stored value of a block's entries (`None`: no entry, no key).
pub(in crate::store) fn encode(entries: &Entries) -> Option<Vec<u8>> {
    (!entries.is_empty()).then(|| codec::encode(entries))
}

fn bad(k: &[u8], err: codec::CodecError) -> StoreError {
    corrupt(format!("links/{k:?}"))(err)
}

/// Decodes a block's entries.
pub(in crate::store) fn decode(k: &[u8], v: &[u8]) -> Result<Entries, StoreError> {
    codec::decode(v).map_err(|err| bad(k, err))
}

/// The links that changed in one write, applied once per block at its end.
#[derive(Default)]
pub(in crate::store) struct LinkDelta(BTreeMap<[u8; 12], Vec<(u32, Option<Link>)>>);

impl LinkDelta {
    /// Records the link a record has now, when it differs from the one it had.
    pub fn set(&mut self, id: EntityId, was: Option<Link>, now: Option<Link>) {
        if was != now {
            self.0.entry(BlockKey::of(id).bytes()).or_default().push((id.n, now));
        }
    }

    /// Applies the changes inside a transaction: one read and one write per changed block.
    pub fn apply_tx(self, t: &TransactionalTree) -> Result<(), TxError> {
        for (k, changes) in self.0 {
            let have = match t.get(k)? {
                Some(v) => decode(&k, &v).map_err(TxError::Abort)?,
                None => vec![],
            };
            match encode(&patch(have, changes)) {
                Some(v) => drop(t.insert(&k, v)?),
                None => drop(t.remove(&k)?),
            }
        }
        Ok(())
    }
}

fn patch(have: Entries, changes: Vec<(u32, Option<Link>)>) -> Entries {
    let mut m: BTreeMap<u32, Link> = have.into_iter().collect();
    for (n, link) in changes {
        match link {
            Some(l) => drop(m.insert(n, l)),
            None => drop(m.remove(&n)),
        }
    }
    m.into_iter().collect()
}

/// The links a report by grid resolves grids through.
#[derive(Debug, Default)]
pub struct Links {
    /// Every household held, with its grid (`""`: none recorded).
    pub grids: HashMap<EntityId, String>,
    /// The household of each person and visit asked for.
    pub homes: HashMap<EntityId, EntityId>,
}

impl Store {
    /// The links view: every household's grid, and the household of the persons and visits
    /// `wanted` keeps. `tick` is called once per key read; when it returns false the read stops
    /// and `None` is returned (a cancelled report).
    pub fn links(
        &self,
        wanted: &dyn Fn(EntityId) -> bool,
        tick: &mut dyn FnMut() -> bool,
    ) -> Result<Option<Links>, StoreError> {
        let mut out = Links::default();
        for kv in self.links.iter() {
            let (k, v) = kv?;
            if !tick() {
                return Ok(None);
            }
            let key = BlockKey::parse(&k).ok_or_else(|| bad(&k, codec::CodecError::Truncated))?;
            for (n, link) in decode(&k, &v)? {
                let id = EntityId { device: key.device, n };
                match link {
                    Link::Grid(g) => drop(out.grids.insert(id, g)),
                    Link::Household(h) if wanted(id) => drop(out.homes.insert(id, h)),
                    Link::Household(_) => {}
                }
            }
        }
        Ok(Some(out))
    }

    /// How many keys the links view holds (about one per block of records): walks its keys.
    pub fn link_keys(&self) -> u64 {
        self.links.iter().keys().count() as u64
    }
}
