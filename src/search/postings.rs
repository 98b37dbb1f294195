//! Posting lists: the sorted record ids of one term, packed with varints.
//!
//! Layout: `groups` (varint), then per device group: the device as a varint delta from the
//! previous group's device (the first from 0), the number of records (varint), the first record
//! number (varint) and the gaps to each next one (varint, ≥ 1). A term held by records of one
//! village store costs one or two bytes per record.

use crate::domain::{DeviceId, EntityId};

/// A posting list that does not decode.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("damaged posting list")]
pub struct PostingsError;

/// Appends `v` as a LEB128 varint.
pub fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// Reads a LEB128 varint at `pos`, advancing it.
pub fn get_varint(bytes: &[u8], pos: &mut usize) -> Result<u64, PostingsError> {
    let mut v: u64 = 0;
    for shift in (0..64).step_by(7) {
        let b = *bytes.get(*pos).ok_or(PostingsError)?;
        *pos += 1;
        v |= u64::from(b & 0x7f).checked_shl(shift).ok_or(PostingsError)?;
        if b & 0x80 == 0 {
            return Ok(v);
        }
    }
    Err(PostingsError)
}

/// Packs ids that are sorted and distinct (as [`normalise`] leaves them).
pub fn pack(ids: &[EntityId]) -> Vec<u8> {
    let mut out = Vec::with_capacity(ids.len() + 12);
    let groups = ids.chunk_by(|a, b| a.device == b.device);
    put_varint(&mut out, groups.clone().count() as u64);
    let mut prev_device = 0u64;
    for g in groups {
        let device = g[0].device.0;
        put_varint(&mut out, device - prev_device);
        prev_device = device;
        put_varint(&mut out, g.len() as u64);
        let mut prev = 0u32;
        for (i, id) in g.iter().enumerate() {
            put_varint(&mut out, u64::from(if i == 0 { id.n } else { id.n - prev }));
            prev = id.n;
        }
    }
    out
}

/// Unpacks a posting list (sorted, distinct ids), refusing anything malformed.
pub fn unpack(bytes: &[u8]) -> Result<Vec<EntityId>, PostingsError> {
    let mut pos = 0;
    let groups = get_varint(bytes, &mut pos)?;
    let mut out = Vec::new();
    let mut device = 0u64;
    for g in 0..groups {
        let delta = get_varint(bytes, &mut pos)?;
        if g > 0 && delta == 0 {
            return Err(PostingsError);
        }
        device = device.checked_add(delta).ok_or(PostingsError)?;
        let count = get_varint(bytes, &mut pos)?;
        // every record takes at least a byte: a forged count cannot make us allocate
        if count == 0 || count > (bytes.len() - pos) as u64 {
            return Err(PostingsError);
        }
        out.reserve(count as usize);
        let mut n = 0u32;
        for i in 0..count {
            let gap = u32::try_from(get_varint(bytes, &mut pos)?).map_err(|_| PostingsError)?;
            if i > 0 && gap == 0 {
                return Err(PostingsError);
            }
            n = if i == 0 { gap } else { n.checked_add(gap).ok_or(PostingsError)? };
            out.push(EntityId { device: DeviceId(device), n });
        }
    }
    if pos != bytes.len() {
        return Err(PostingsError);
    }
    Ok(out)
}

/// Sorts and de-duplicates ids.
pub fn normalise(ids: &mut Vec<EntityId>) {
    ids.sort_unstable();
    ids.dedup();
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn id(d: u64, n: u32) -> EntityId {
        EntityId { device: DeviceId(d), n }
    }

    #[test]
    fn consecutive_records_of_one_device_cost_a_byte_each() {
        let ids: Vec<EntityId> = (1000..1100).map(|n| id(u64::MAX - 3, n)).collect();
        let p = pack(&ids);
        assert!(p.len() < 100 + 16, "{}", p.len());
        assert_eq!(unpack(&p).unwrap(), ids);
        assert_eq!(unpack(&pack(&[])).unwrap(), vec![]);
    }

    #[test]
    fn malformed_lists_are_refused() {
        let p = pack(&[id(5, 1), id(5, 9), id(7, 2)]);
        for cut in 0..p.len() {
            assert!(unpack(&p[..cut]).is_err(), "cut at {cut}");
        }
        let mut trailing = p.clone();
        trailing.push(0);
        assert_eq!(unpack(&trailing), Err(PostingsError));
        // a count of 2^62 records in a few bytes
        assert_eq!(unpack(&[1, 5, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x3f, 1]), Err(PostingsError));
        // a zero gap would repeat an id
        assert_eq!(unpack(&[1, 5, 2, 3, 0]), Err(PostingsError));
    }

    proptest! {
        #[test]
        fn pack_round_trips(raw in proptest::collection::vec((0u64..4, 1u32..5000), 0..200)) {
            let mut ids: Vec<EntityId> =
                raw.into_iter().map(|(d, n)| id(d.wrapping_mul(0x9E37_79B9_7F4A_7C15), n)).collect();
            normalise(&mut ids);
            prop_assert_eq!(unpack(&pack(&ids)).unwrap(), ids);
        }
    }
}
