//! The bundle header: who produced the bundle and what it holds (docs/BUNDLE.md, "Header").
//! Fields are tagged (`tag u16, length u32, value`) in increasing tag order, so a later minor
//! version adds a field by a new tag and older readers skip it.

use std::fmt;

use super::cursor::Cursor;
use crate::domain::DeviceId;
use crate::events::VersionVector;

/// A text field (worker, place, role, division) is at most this many bytes.
pub const TEXT_MAX: usize = 1024;

/// A bundle's identity: 16 random bytes chosen by its producer.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct BundleId(pub [u8; 16]);

impl BundleId {
    /// A fresh random id (from the operating system).
    pub fn random() -> Result<BundleId, getrandom::Error> {
        let mut b = [0u8; 16];
        getrandom::fill(&mut b)?;
        Ok(BundleId(b))
    }
}

impl fmt::Display for BundleId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.iter().try_for_each(|b| write!(f, "{b:02x}"))
    }
}

impl fmt::Debug for BundleId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "BundleId({self})")
    }
}

/// What a bundle says about itself. Everything in it is covered by the signature.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Header {
    /// This bundle's id.
    pub id: BundleId,
    /// When it was written (ms since the Unix epoch, the producer's wall clock).
    pub created_ms: u64,
    /// The producing store's device.
    pub device: DeviceId,
    /// The producer's ed25519 public key (the writer fills it from the signing key).
    pub public_key: [u8; 32],
    /// The producer's worker.
    pub worker: String,
    /// The producer's place (its name).
    pub place: String,
    /// The producer's role code.
    pub role: String,
    /// The producer's division code (12 digits).
    pub division: String,
    /// Written by a demo store (real stores refuse such bundles).
    pub demo: bool,
    /// Every event the producer holds (its have-set), for acknowledgement.
    pub have: VersionVector,
    /// Exactly the events inside this bundle (the writer fills it from the events pushed).
    pub includes: VersionVector,
    /// The division code of each device whose events are inside (and of the producer), sorted
    /// by device: the place a record belongs to is its creator's, so a receiver can check the
    /// scope of records created by a device it has not met (format 1.1; empty in 1.0 files).
    pub divisions: Vec<(DeviceId, String)>,
}

impl Header {
    /// The producer's key as hex: its fingerprint for trust.
    pub fn fingerprint(&self) -> String {
        hex(&self.public_key)
    }
}

const T_ID: u16 = 1;
const T_CREATED: u16 = 2;
const T_DEVICE: u16 = 3;
const T_KEY: u16 = 4;
const T_WORKER: u16 = 5;
const T_PLACE: u16 = 6;
const T_ROLE: u16 = 7;
const T_DIVISION: u16 = 8;
const T_DEMO: u16 = 9;
const T_HAVE: u16 = 10;
const T_INCLUDES: u16 = 11;
const T_DIVISIONS: u16 = 12;
/// The divisions list holds at most this many devices.
pub const DIVISIONS_MAX: u32 = 65_536;

/// The last tag a file's minor version defines: every tag up to it is required, a tag above it
/// is skipped (a later minor's field).
fn last_tag(minor: u16) -> u16 {
    if minor == 0 { T_INCLUDES } else { T_DIVISIONS }
}

/// A key as lower-case hex: its fingerprint.
pub(super) fn hex(key: &[u8; 32]) -> String {
    key.iter().map(|b| format!("{b:02x}")).collect()
}

/// Who produced a file: the header fields with tags 1–9, the same in a bundle and in a
/// statistics file (docs/COUNTY.md, "A separate kind of file, not a bundle").
pub(super) struct Producer {
    pub(super) id: BundleId,
    pub(super) created_ms: u64,
    pub(super) device: DeviceId,
    pub(super) public_key: [u8; 32],
    pub(super) worker: String,
    pub(super) place: String,
    pub(super) role: String,
    pub(super) division: String,
    pub(super) demo: bool,
}

impl Producer {
    /// All zero and empty, to be filled by [`Producer::decode_field`].
    pub(super) fn empty() -> Producer {
        Producer {
            id: BundleId([0; 16]),
            created_ms: 0,
            device: DeviceId(0),
            public_key: [0; 32],
            worker: String::new(),
            place: String::new(),
            role: String::new(),
            division: String::new(),
            demo: false,
        }
    }

    /// Appends the fields with tags 1–9.
    pub(super) fn encode(&self, out: &mut Vec<u8>) {
        put_field(out, T_ID, &self.id.0);
        put_field(out, T_CREATED, &self.created_ms.to_be_bytes());
        put_field(out, T_DEVICE, &self.device.0.to_be_bytes());
        put_field(out, T_KEY, &self.public_key);
        put_field(out, T_WORKER, self.worker.as_bytes());
        put_field(out, T_PLACE, self.place.as_bytes());
        put_field(out, T_ROLE, self.role.as_bytes());
        put_field(out, T_DIVISION, self.division.as_bytes());
        put_field(out, T_DEMO, &[u8::from(self.demo)]);
    }

    /// Reads the value of field `tag` (1–9) into its place.
    pub(super) fn decode_field(&mut self, tag: u16, value: &[u8]) -> Result<(), &'static str> {
        const SIZE: &str = "field of the wrong size";
        match tag {
            T_ID => self.id = BundleId(value.try_into().map_err(|_| SIZE)?),
            T_CREATED => self.created_ms = u64::from_be_bytes(value.try_into().map_err(|_| SIZE)?),
            T_DEVICE => self.device = DeviceId(u64::from_be_bytes(value.try_into().map_err(|_| SIZE)?)),
            T_KEY => self.public_key = value.try_into().map_err(|_| SIZE)?,
            T_WORKER => self.worker = text(value)?,
            T_PLACE => self.place = text(value)?,
            T_ROLE => self.role = text(value)?,
            T_DIVISION => self.division = text(value)?,
            T_DEMO => {
                self.demo = match value {
                    [0] => false,
                    [1] => true,
                    [_] => return Err("demo flag neither 0 nor 1"),
                    _ => return Err(SIZE),
                }
            }
            _ => return Err("not a producer field"),
        }
        Ok(())
    }
}

/// Appends one field: `tag u16, length u32, value`.
pub(super) fn put_field(out: &mut Vec<u8>, tag: u16, value: &[u8]) {
    out.extend_from_slice(&tag.to_be_bytes());
    out.extend_from_slice(&u32::try_from(value.len()).unwrap_or(u32::MAX).to_be_bytes());
    out.extend_from_slice(value);
}

/// The header's fields, encoded.
pub(super) fn encode(h: &Header) -> Vec<u8> {
    let mut out = Vec::new();
    let producer = Producer {
        id: h.id,
        created_ms: h.created_ms,
        device: h.device,
        public_key: h.public_key,
        worker: h.worker.clone(),
        place: h.place.clone(),
        role: h.role.clone(),
        division: h.division.clone(),
        demo: h.demo,
    };
    producer.encode(&mut out);
    put_field(&mut out, T_HAVE, &encode_vv(&h.have));
    put_field(&mut out, T_INCLUDES, &encode_vv(&h.includes));
    put_field(&mut out, T_DIVISIONS, &encode_divisions(&h.divisions));
    out
}

/// `count u32`, then per device in strictly increasing order `device u64, length u32, code`.
fn encode_divisions(list: &[(DeviceId, String)]) -> Vec<u8> {
    let mut out = Vec::new();
    out.extend_from_slice(&(list.len() as u32).to_be_bytes());
    for (d, code) in list {
        out.extend_from_slice(&d.0.to_be_bytes());
        out.extend_from_slice(&(code.len() as u32).to_be_bytes());
        out.extend_from_slice(code.as_bytes());
    }
    out
}

/// A have-set: `devices u32`, then per device in increasing order `device u64, runs u32`, then
/// each run `first u64, last u64`, sorted, disjoint and non-adjacent.
fn encode_vv(v: &VersionVector) -> Vec<u8> {
    let mut out = Vec::new();
    let devices: Vec<DeviceId> = v.devices().collect();
    out.extend_from_slice(&(devices.len() as u32).to_be_bytes());
    for d in devices {
        let runs: Vec<_> = v.ranges(d).collect();
        out.extend_from_slice(&d.0.to_be_bytes());
        out.extend_from_slice(&(runs.len() as u32).to_be_bytes());
        for r in runs {
            out.extend_from_slice(&r.start().to_be_bytes());
            out.extend_from_slice(&r.end().to_be_bytes());
        }
    }
    out
}

/// A malformed field: its offset within the header and what is wrong.
pub(super) type Bad = (usize, &'static str);

/// Walks the tagged fields of exactly `bytes`: each is in increasing tag order, every tag from
/// 1 to `t_last` is present, and a tag above `t_last` (a later minor version's field) is skipped;
/// `f` gets each known field's offset within `bytes`, its tag and its value. A break of that
/// structure is turned into the caller's error by `broken`.
pub(super) fn walk_fields<'a, E>(
    bytes: &'a [u8],
    t_last: u16,
    broken: impl Fn(Bad) -> E,
    mut f: impl FnMut(usize, u16, &'a [u8]) -> Result<(), E>,
) -> Result<(), E> {
    let mut c = Cursor::new(bytes);
    let mut last = 0u16;
    while c.remaining() > 0 {
        let at = c.pos();
        let tag = c.u16().ok_or_else(|| broken((at, "field ends early")))?;
        let len = c.u32().ok_or_else(|| broken((at, "field ends early")))? as usize;
        let value = c.take(len).ok_or_else(|| broken((at, "field longer than the header")))?;
        if tag <= last {
            return Err(broken((at, "fields out of order")));
        }
        if tag > t_last {
            last = tag; // a field of a later minor version: skipped
            continue;
        }
        if tag != last + 1 {
            return Err(broken((at, "a required field is missing")));
        }
        last = tag;
        f(at, tag, value)?;
    }
    if last < t_last {
        return Err(broken((c.pos(), "a required field is missing")));
    }
    Ok(())
}

/// Decodes the header's fields from exactly `bytes`, as the file's `minor` version defines them.
pub(super) fn decode(bytes: &[u8], minor: u16) -> Result<Header, Bad> {
    let mut p = Producer::empty();
    let (mut have, mut includes, mut divisions) = (VersionVector::new(), VersionVector::new(), Vec::new());
    walk_fields(
        bytes,
        last_tag(minor),
        |b| b,
        |at, tag, value| {
            let bad = |what| (at, what);
            match tag {
                T_HAVE => have = decode_vv(value).map_err(bad)?,
                T_INCLUDES => includes = decode_vv(value).map_err(bad)?,
                T_DIVISIONS => divisions = decode_divisions(value).map_err(bad)?,
                _ => p.decode_field(tag, value).map_err(bad)?,
            }
            Ok(())
        },
    )?;
    Ok(Header {
        id: p.id,
        created_ms: p.created_ms,
        device: p.device,
        public_key: p.public_key,
        worker: p.worker,
        place: p.place,
        role: p.role,
        division: p.division,
        demo: p.demo,
        have,
        includes,
        divisions,
    })
}

/// A text field's value: UTF-8 of at most [`TEXT_MAX`] bytes.
pub(super) fn text(value: &[u8]) -> Result<String, &'static str> {
    if value.len() > TEXT_MAX {
        return Err("text field too long");
    }
    String::from_utf8(value.to_vec()).map_err(|_| "text is not UTF-8")
}

fn decode_divisions(bytes: &[u8]) -> Result<Vec<(DeviceId, String)>, &'static str> {
    const SHORT: &str = "divisions end early";
    let mut c = Cursor::new(bytes);
    let count = c.u32().ok_or(SHORT)?;
    if count > DIVISIONS_MAX {
        return Err("too many divisions");
    }
    let mut out: Vec<(DeviceId, String)> = Vec::new();
    for _ in 0..count {
        let d = DeviceId(c.u64().ok_or(SHORT)?);
        let len = c.u32().ok_or(SHORT)? as usize;
        let code = text(c.take(len).ok_or(SHORT)?)?;
        if out.last().is_some_and(|(p, _)| *p >= d) {
            return Err("divisions out of order");
        }
        out.push((d, code));
    }
    if c.remaining() != 0 {
        return Err("bytes after the divisions");
    }
    Ok(out)
}

fn decode_vv(bytes: &[u8]) -> Result<VersionVector, &'static str> {
    const SHORT: &str = "have-set ends early";
    let mut c = Cursor::new(bytes);
    let mut v = VersionVector::new();
    let devices = c.u32().ok_or(SHORT)?;
    let mut prev: Option<u64> = None;
    for _ in 0..devices {
        let d = c.u64().ok_or(SHORT)?;
        if prev.is_some_and(|p| p >= d) {
            return Err("have-set devices out of order");
        }
        prev = Some(d);
        let runs = c.u32().ok_or(SHORT)?;
        if runs == 0 {
            return Err("have-set device without runs");
        }
        let mut end: Option<u64> = None;
        for _ in 0..runs {
            let (first, last) = (c.u64().ok_or(SHORT)?, c.u64().ok_or(SHORT)?);
            let after_gap = end.is_none_or(|e| e.checked_add(1).is_some_and(|n| n < first));
            if first > last || !after_gap {
                return Err("have-set runs not sorted, disjoint and apart");
            }
            end = Some(last);
            v.insert_range(DeviceId(d), first..=last);
        }
    }
    if c.remaining() != 0 {
        return Err("bytes after the have-set");
    }
    Ok(v)
}
