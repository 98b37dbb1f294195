//! An event's content hash: blake3 over its canonical encoding (docs/ARCHITECTURE.md, "Event
//! kernel"). The encoding is written here, byte by byte, and never changes: hashes travel in
//! bundles, so an event hashes the same in every build. It is not the store's encoding (that is
//! bincode, in `store/codec.rs`, and may change with a version byte).
//!
//! Layout (integers big-endian; a string is its UTF-8 length as u32 then its bytes; a count is
//! a u32):
//! - the domain tag `gridlog/event/v1` (16 bytes, no length);
//! - `device u64, seq u64, hlc.ms u64, hlc.count u32`, the worker (string), the record
//!   (`device u64, n u32`);
//! - the op: `0`, the kind's tag (u8), a count of fields, each `name (string), value`; or `1`,
//!   the action (string), a count of writes, each `field (string), value, base` (`0`, or `1`
//!   then `ms u64, count u32, device u64`), a count of appended items, each `name, value`;
//! - a value: a tag, then `0` Null; `1` Bool (u8); `2` Int (i64); `3` Text (string); `4` Date
//!   (days i32); `5` Ref (`device u64, n u32`); `6` List (a count, then values); `7` Map (a
//!   count, then `key (string), value`).

use std::fmt;

use super::event::{Event, Op};
use crate::domain::{EntityId, Value};

const DOMAIN: &[u8; 16] = b"gridlog/event/v1";

/// blake3 of an event's canonical encoding: equal exactly when the events are equal.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ContentHash(pub [u8; 32]);

impl fmt::Display for ContentHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.iter().try_for_each(|b| write!(f, "{b:02x}"))
    }
}

impl fmt::Debug for ContentHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ContentHash({self})")
    }
}

impl Event {
    /// The canonical encoding the content hash is taken over (see the module's layout).
    pub fn canonical_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(128);
        out.extend_from_slice(DOMAIN);
        u64_(&mut out, self.device.0);
        u64_(&mut out, self.seq);
        u64_(&mut out, self.hlc.ms);
        out.extend_from_slice(&self.hlc.count.to_be_bytes());
        str_(&mut out, &self.worker);
        entity(&mut out, self.entity);
        match &self.op {
            Op::Create { kind, fields } => {
                out.push(0);
                out.push(kind.tag());
                count(&mut out, fields.len());
                for (name, v) in fields {
                    str_(&mut out, name);
                    value(&mut out, v);
                }
            }
            Op::Change { action, set, add } => {
                out.push(1);
                str_(&mut out, action);
                count(&mut out, set.len());
                for w in set {
                    str_(&mut out, &w.field);
                    value(&mut out, &w.value);
                    match w.base {
                        None => out.push(0),
                        Some(b) => {
                            out.push(1);
                            u64_(&mut out, b.hlc.ms);
                            out.extend_from_slice(&b.hlc.count.to_be_bytes());
                            u64_(&mut out, b.device.0);
                        }
                    }
                }
                count(&mut out, add.len());
                for (name, v) in add {
                    str_(&mut out, name);
                    value(&mut out, v);
                }
            }
        }
        out
    }

    /// blake3 over [`Event::canonical_bytes`]: two events with one `(device, seq)` and
    /// different hashes mean two stores share a device (a copied store directory).
    pub fn content_hash(&self) -> ContentHash {
        ContentHash(*blake3::hash(&self.canonical_bytes()).as_bytes())
    }
}

fn u64_(out: &mut Vec<u8>, v: u64) {
    out.extend_from_slice(&v.to_be_bytes());
}

/// Lengths and counts as u32: an event is far smaller than 4 GiB (the store caps it), and a
/// longer one saturates, which still hashes deterministically.
fn count(out: &mut Vec<u8>, n: usize) {
    out.extend_from_slice(&u32::try_from(n).unwrap_or(u32::MAX).to_be_bytes());
}

fn str_(out: &mut Vec<u8>, s: &str) {
    count(out, s.len());
    out.extend_from_slice(s.as_bytes());
}

fn entity(out: &mut Vec<u8>, id: EntityId) {
    u64_(out, id.device.0);
    out.extend_from_slice(&id.n.to_be_bytes());
}

fn value(out: &mut Vec<u8>, v: &Value) {
    match v {
        Value::Null => out.push(0),
        Value::Bool(b) => out.extend_from_slice(&[1, u8::from(*b)]),
        Value::Int(i) => {
            out.push(2);
            out.extend_from_slice(&i.to_be_bytes());
        }
        Value::Text(s) => {
            out.push(3);
            str_(out, s);
        }
        Value::Date(d) => {
            out.push(4);
            out.extend_from_slice(&d.0.to_be_bytes());
        }
        Value::Ref(id) => {
            out.push(5);
            entity(out, *id);
        }
        Value::List(items) => {
            out.push(6);
            count(out, items.len());
            items.iter().for_each(|i| value(out, i));
        }
        Value::Map(fields) => {
            out.push(7);
            count(out, fields.len());
            for (k, v) in fields {
                str_(out, k);
                value(out, v);
            }
        }
    }
}
