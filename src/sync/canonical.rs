//! Decoding an event's canonical encoding (the layout `events/hash.rs` writes, see
//! docs/ARCHITECTURE.md, "Event kernel", "Content hash"). Bundles carry events in that encoding,
//! so an event's bytes in a bundle are exactly the bytes its content hash is taken over. Every
//! count is checked against the bytes left before anything is allocated, nesting is capped, and
//! a decoded event must encode back to the same bytes (one encoding per event).

use super::cursor::Cursor;
use crate::domain::{Day, DeviceId, EntityId, Kind, Value};
use crate::events::{Event, Hlc, Op, Stamp, Write};

const DOMAIN: &[u8; 16] = b"gridlog/event/v1";
/// Values nest (a list of maps of lists …) at most this deep: far above any ledger's schema.
const MAX_DEPTH: usize = 16;

/// Why an event's bytes are not a canonical event (a few English words).
pub(super) type Why = &'static str;

/// Decodes one event from exactly `bytes`.
pub(super) fn decode(bytes: &[u8]) -> Result<Event, Why> {
    let mut c = Cursor::new(bytes);
    if c.take(16) != Some(DOMAIN.as_slice()) {
        return Err("unknown event encoding");
    }
    let device = DeviceId(c.u64().ok_or(SHORT)?);
    let seq = c.u64().ok_or(SHORT)?;
    let hlc = Hlc { ms: c.u64().ok_or(SHORT)?, count: c.u32().ok_or(SHORT)? };
    let worker = string(&mut c)?;
    let entity = entity(&mut c)?;
    let op = match c.u8().ok_or(SHORT)? {
        0 => {
            let kind = Kind::from_tag(c.u8().ok_or(SHORT)?).ok_or("unknown record kind")?;
            let fields = pairs(&mut c, 0)?;
            Op::Create { kind, fields }
        }
        1 => {
            let action = string(&mut c)?;
            let n = count(&mut c, 4 + 1 + 1)?;
            let mut set = Vec::new();
            for _ in 0..n {
                let field = string(&mut c)?;
                let value = value(&mut c, 0)?;
                let base = match c.u8().ok_or(SHORT)? {
                    0 => None,
                    1 => {
                        let hlc = Hlc { ms: c.u64().ok_or(SHORT)?, count: c.u32().ok_or(SHORT)? };
                        Some(Stamp { hlc, device: DeviceId(c.u64().ok_or(SHORT)?) })
                    }
                    _ => return Err("unknown base tag"),
                };
                set.push(Write { field, value, base });
            }
            let add = pairs(&mut c, 0)?;
            Op::Change { action, set, add }
        }
        _ => return Err("unknown operation"),
    };
    if c.remaining() != 0 {
        return Err("bytes after the event");
    }
    let event = Event { device, seq, hlc, worker, entity, op };
    if event.canonical_bytes() != bytes {
        return Err("not the canonical encoding");
    }
    Ok(event)
}

const SHORT: Why = "event ends early";

/// A count, refused when even `min_each` bytes per item cannot fit in what remains.
fn count(c: &mut Cursor<'_>, min_each: usize) -> Result<usize, Why> {
    let n = c.u32().ok_or(SHORT)? as usize;
    if n.saturating_mul(min_each) > c.remaining() {
        return Err("count beyond the event's size");
    }
    Ok(n)
}

fn string(c: &mut Cursor<'_>) -> Result<String, Why> {
    let n = c.u32().ok_or(SHORT)? as usize;
    let bytes = c.take(n).ok_or(SHORT)?;
    String::from_utf8(bytes.to_vec()).map_err(|_| "text is not UTF-8")
}

fn entity(c: &mut Cursor<'_>) -> Result<EntityId, Why> {
    Ok(EntityId { device: DeviceId(c.u64().ok_or(SHORT)?), n: c.u32().ok_or(SHORT)? })
}

fn pairs(c: &mut Cursor<'_>, depth: usize) -> Result<Vec<(String, Value)>, Why> {
    let n = count(c, 4 + 1)?;
    let mut out = Vec::new();
    for _ in 0..n {
        let name = string(c)?;
        out.push((name, value(c, depth)?));
    }
    Ok(out)
}

fn value(c: &mut Cursor<'_>, depth: usize) -> Result<Value, Why> {
    if depth > MAX_DEPTH {
        return Err("values nested too deep");
    }
    Ok(match c.u8().ok_or(SHORT)? {
        0 => Value::Null,
        1 => match c.u8().ok_or(SHORT)? {
            0 => Value::Bool(false),
            1 => Value::Bool(true),
            _ => return Err("a flag is neither 0 nor 1"),
        },
        2 => Value::Int(i64::from_be_bytes(c.array().ok_or(SHORT)?)),
        3 => Value::Text(string(c)?),
        4 => Value::Date(Day(i32::from_be_bytes(c.array().ok_or(SHORT)?))),
        5 => Value::Ref(entity(c)?),
        6 => {
            let n = count(c, 1)?;
            let mut items = Vec::new();
            for _ in 0..n {
                items.push(value(c, depth + 1)?);
            }
            Value::List(items)
        }
        7 => Value::Map(pairs(c, depth + 1)?),
        _ => return Err("unknown value tag"),
    })
}
