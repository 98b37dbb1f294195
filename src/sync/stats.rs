//! The statistics file (docs/COUNTY.md, "A separate kind of file, not a bundle"): a township's
//! figures per village and period, signed like a bundle but with its own magic and signing
//! context, so neither kind of file can pass for the other. Pure over bytes, read whole (the
//! file is small and capped at [`STATS_FILE_MAX`]).
//!
//! Reading checks, in order: the preamble (magic, major, header length against its cap and the
//! file), the blake3 hash of every byte before the trailer, the header's field structure (to
//! find the signer's key), the signature; only then are the header's values and the rows
//! decoded. A signed file whose content breaks a rule is [`BundleError::Malformed`] with its
//! section and byte offset. The writer runs the same decoding over what it wrote before it
//! signs, so it never produces a file its reader refuses. Rows are in `stats_rows.rs`.

use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};

use super::cursor::Cursor;
use super::error::{BundleError, Section};
use super::format::{HEADER_MAX, PREAMBLE_LEN, TRAILER_LEN};
use super::header::{self, BundleId, Producer};
use super::stats_rows::{self, StatsRow};
use crate::domain::{Day, DeviceId};

/// The first 8 bytes of every statistics file (as the bundle's magic, `S` for statistics).
pub const STATS_MAGIC: [u8; 8] = *b"\x89GLS\r\n\x1a\n";
/// The major version this build writes and reads.
pub const STATS_MAJOR: u16 = 1;
/// The minor version this build writes (it reads every minor of [`STATS_MAJOR`]).
pub const STATS_MINOR: u16 = 0;
/// What the signature signs before the 32-byte hash: differs from the bundle's, so a signature
/// cannot be moved from one kind of file to the other.
pub const STATS_CONTEXT: &[u8; 16] = b"gridlog/stats/1\0";
/// A file is at most this long; [`read_stats`] refuses longer input as oversized.
pub const STATS_FILE_MAX: usize = 64 << 20;
/// A place name is at most this many characters.
pub const PLACE_NAME_MAX: usize = 40;
/// The places list holds at most this many places.
pub const STATS_PLACES_MAX: u32 = 65_536;

/// The producer's public key: field 4, as in the bundle header.
const T_KEY: u16 = 4;
const T_DEFINITIONS: u16 = 10;
const T_AS_OF: u16 = 11;
const T_PLACES: u16 = 12;

/// Who wrote a statistics file, as of when, and the places its rows are about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatsHeader {
    /// This file's id.
    pub id: BundleId,
    /// When it was written (ms since the Unix epoch, the producer's wall clock).
    pub created_ms: u64,
    /// The producing store's device.
    pub device: DeviceId,
    /// The producer's ed25519 public key ([`write_stats`] fills it from the signing key).
    pub public_key: [u8; 32],
    /// The producer's worker.
    pub worker: String,
    /// The producer's place (its name).
    pub place: String,
    /// The producer's role code.
    pub role: String,
    /// The producer's division code (12 digits).
    pub division: String,
    /// Written by a demo store.
    pub demo: bool,
    /// The version of the figure-id table the rows use (docs/REPORTS.md).
    pub definitions: u16,
    /// The day the figures were computed for.
    pub as_of: Day,
    /// (12-digit division code, place name) of each place, strictly increasing by code; a row
    /// names its place by its index here.
    pub places: Vec<(String, String)>,
}

impl StatsHeader {
    /// The producer's key as hex: its fingerprint for trust (as [`super::Header::fingerprint`]).
    pub fn fingerprint(&self) -> String {
        header::hex(&self.public_key)
    }
}

/// A verified statistics file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatsFile {
    /// Who wrote it.
    pub header: StatsHeader,
    /// Its rows, in their (strictly increasing) order.
    pub rows: Vec<StatsRow>,
}

/// Whether `bytes` begin with [`STATS_MAGIC`].
pub fn is_stats(bytes: &[u8]) -> bool {
    bytes.starts_with(&STATS_MAGIC)
}

fn malformed(section: Section, offset: usize, what: &'static str) -> BundleError {
    BundleError::Malformed { section, offset: offset as u64, what }
}

fn oversized(section: Section, offset: usize, claimed: u64, cap: u64) -> BundleError {
    BundleError::Oversized { section, offset: offset as u64, claimed, cap }
}

/// Signs and writes a statistics file; fills the header's `public_key` from `key`. Refuses a
/// header or rows that break the format (`Malformed`, section `Header` or `Chunks`) or exceed
/// its caps (`Oversized`), so that it never writes a file [`read_stats`] refuses.
pub fn write_stats(header: &StatsHeader, rows: &[StatsRow], key: &SigningKey) -> Result<Vec<u8>, BundleError> {
    let mut h = header.clone();
    h.public_key = key.verifying_key().to_bytes();
    let head = encode_header(&h)?;
    if head.len() > HEADER_MAX as usize {
        return Err(oversized(Section::Header, 12, head.len() as u64, u64::from(HEADER_MAX)));
    }
    let mut out =
        Vec::with_capacity((PREAMBLE_LEN + head.len() + 4 + rows.len() * 64 + TRAILER_LEN).min(STATS_FILE_MAX));
    out.extend_from_slice(&STATS_MAGIC);
    out.extend_from_slice(&STATS_MAJOR.to_be_bytes());
    out.extend_from_slice(&STATS_MINOR.to_be_bytes());
    out.extend_from_slice(&(head.len() as u32).to_be_bytes());
    out.extend_from_slice(&head);
    stats_rows::encode(&mut out, rows, STATS_FILE_MAX - TRAILER_LEN)?;
    // the reader's own checks, so that what is signed is read back as given
    let (back_header, back_rows) = decode_body(&out, head.len())?;
    if back_header != h || back_rows != rows {
        return Err(malformed(Section::Chunks, PREAMBLE_LEN, "does not read back as written"));
    }
    let hash = blake3::hash(&out);
    let sig = key.sign(&signed_message(hash.as_bytes()));
    out.extend_from_slice(hash.as_bytes());
    out.extend_from_slice(&sig.to_bytes());
    Ok(out)
}

/// Reads and verifies a whole statistics file (see the module's documentation for the order of
/// the checks). Wrong magic: [`BundleError::NotABundle`]; a newer major:
/// [`BundleError::UnsupportedVersion`].
pub fn read_stats(bytes: &[u8]) -> Result<StatsFile, BundleError> {
    let len = bytes.len();
    let truncated = |section| BundleError::Truncated { section, offset: len as u64 };
    if len < STATS_MAGIC.len() {
        return Err(if STATS_MAGIC.starts_with(bytes) {
            truncated(Section::Preamble)
        } else {
            BundleError::NotABundle
        });
    }
    if !is_stats(bytes) {
        return Err(BundleError::NotABundle);
    }
    if len > STATS_FILE_MAX {
        return Err(oversized(Section::Preamble, 0, len as u64, STATS_FILE_MAX as u64));
    }
    if len < 12 {
        return Err(truncated(Section::Preamble));
    }
    let (major, minor) = (u16::from_be_bytes([bytes[8], bytes[9]]), u16::from_be_bytes([bytes[10], bytes[11]]));
    if major != STATS_MAJOR {
        return Err(BundleError::UnsupportedVersion { major, minor });
    }
    if len < PREAMBLE_LEN {
        return Err(truncated(Section::Preamble));
    }
    let header_len = u32::from_be_bytes([bytes[12], bytes[13], bytes[14], bytes[15]]);
    if header_len > HEADER_MAX {
        return Err(oversized(Section::Header, 12, u64::from(header_len), u64::from(HEADER_MAX)));
    }
    let header_len = header_len as usize;
    let rest = len - PREAMBLE_LEN;
    if header_len > rest {
        return Err(truncated(Section::Header));
    }
    if rest - header_len < 4 {
        return Err(truncated(Section::Chunks));
    }
    if rest - header_len < 4 + TRAILER_LEN {
        return Err(truncated(Section::Trailer));
    }

    // hash, then the signer's key from the header's structure, then the signature
    let (body, trailer) = bytes.split_at(len - TRAILER_LEN);
    let (hash, sig) = trailer.split_at(32);
    if blake3::hash(body).as_bytes() != hash {
        return Err(BundleError::HashMismatch);
    }
    let head = &body[PREAMBLE_LEN..PREAMBLE_LEN + header_len];
    let mut key_field: Option<&[u8]> = None;
    let corrupt =
        |(at, what)| BundleError::Corrupt { section: Section::Header, offset: (PREAMBLE_LEN + at) as u64, what };
    header::walk_fields(head, T_PLACES, corrupt, |_, tag, value| {
        if tag == T_KEY {
            key_field = Some(value);
        }
        Ok(())
    })?;
    let public_key: [u8; 32] = key_field.and_then(|k| k.try_into().ok()).ok_or(BundleError::BadKey)?;
    let key = VerifyingKey::from_bytes(&public_key).map_err(|_| BundleError::BadKey)?;
    let hash: [u8; 32] = hash.try_into().map_err(|_| truncated(Section::Trailer))?;
    let sig: [u8; 64] = sig.try_into().map_err(|_| truncated(Section::Trailer))?;
    key.verify_strict(&signed_message(&hash), &Signature::from_bytes(&sig))
        .map_err(|_| BundleError::BadSignature { fingerprint: header::hex(&public_key) })?;

    let (header, rows) = decode_body(body, header_len)?;
    Ok(StatsFile { header, rows })
}

/// What the signature is over: the context, then the hash.
fn signed_message(hash: &[u8; 32]) -> [u8; 48] {
    let mut m = [0u8; 48];
    m[..16].copy_from_slice(STATS_CONTEXT);
    m[16..].copy_from_slice(hash);
    m
}

/// Decodes the header's values and the rows of `body` (everything before the trailer).
fn decode_body(body: &[u8], header_len: usize) -> Result<(StatsHeader, Vec<StatsRow>), BundleError> {
    let head = &body[PREAMBLE_LEN..PREAMBLE_LEN + header_len];
    let header = decode_header(head)?;
    let rows = stats_rows::decode(body, PREAMBLE_LEN + header_len, header.places.len())?;
    Ok((header, rows))
}

/// The header's fields, encoded; refuses values the reader would refuse or that do not fit
/// their length fields.
fn encode_header(h: &StatsHeader) -> Result<Vec<u8>, BundleError> {
    let bad = |what| malformed(Section::Header, PREAMBLE_LEN, what);
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
    header::put_field(&mut out, T_DEFINITIONS, &h.definitions.to_be_bytes());
    header::put_field(&mut out, T_AS_OF, h.as_of.to_string().as_bytes());
    let count = u32::try_from(h.places.len())
        .ok()
        .filter(|n| *n <= STATS_PLACES_MAX)
        .ok_or_else(|| oversized(Section::Header, PREAMBLE_LEN, h.places.len() as u64, u64::from(STATS_PLACES_MAX)))?;
    let mut places = Vec::with_capacity(4 + h.places.len() * 40);
    places.extend_from_slice(&count.to_be_bytes());
    for (code, name) in &h.places {
        let code_len = u8::try_from(code.len()).map_err(|_| bad("place code is not 12 digits"))?;
        let name_len = u16::try_from(name.len()).map_err(|_| bad("place name too long"))?;
        places.push(code_len);
        places.extend_from_slice(code.as_bytes());
        places.extend_from_slice(&name_len.to_be_bytes());
        places.extend_from_slice(name.as_bytes());
    }
    if places.len() > HEADER_MAX as usize {
        return Err(oversized(Section::Header, 12, places.len() as u64, u64::from(HEADER_MAX)));
    }
    header::put_field(&mut out, T_PLACES, &places);
    Ok(out)
}

/// Decodes the header's fields (whose structure the reader has walked already): a value that
/// breaks the format is `Malformed`, a places count over its cap `Oversized`.
fn decode_header(head: &[u8]) -> Result<StatsHeader, BundleError> {
    let mut p = Producer::empty();
    let (mut definitions, mut as_of, mut places) = (0u16, Day(0), Vec::new());
    let bad_at = |at: usize| move |what| malformed(Section::Header, PREAMBLE_LEN + at, what);
    header::walk_fields(
        head,
        T_PLACES,
        |(at, what)| bad_at(at)(what),
        |at, tag, value| {
            let bad = bad_at(at);
            match tag {
                T_DEFINITIONS => {
                    definitions = u16::from_be_bytes(value.try_into().map_err(|_| bad("field of the wrong size"))?)
                }
                T_AS_OF => as_of = day(value).ok_or_else(|| bad("as_of is not a day written YYYY-MM-DD"))?,
                T_PLACES => places = decode_places(value, PREAMBLE_LEN + at + 6)?,
                _ => p.decode_field(tag, value).map_err(bad)?,
            }
            Ok(())
        },
    )?;
    Ok(StatsHeader {
        id: p.id,
        created_ms: p.created_ms,
        device: p.device,
        public_key: p.public_key,
        worker: p.worker,
        place: p.place,
        role: p.role,
        division: p.division,
        demo: p.demo,
        definitions,
        as_of,
        places,
    })
}

/// A day written exactly as `YYYY-MM-DD` (the form [`Day`] displays).
fn day(value: &[u8]) -> Option<Day> {
    let text = std::str::from_utf8(value).ok()?;
    Day::parse(text).filter(|d| value.len() == 10 && d.to_string() == text)
}

/// The places list, whose value starts at byte `base` of the file: `count u32`, then per place
/// `code_len u8, code, name_len u16, name`.
fn decode_places(value: &[u8], base: usize) -> Result<Vec<(String, String)>, BundleError> {
    const SHORT: &str = "places end early";
    let mut c = Cursor::new(value);
    let count = c.u32().ok_or_else(|| malformed(Section::Header, base, SHORT))?;
    if count > STATS_PLACES_MAX {
        return Err(oversized(Section::Header, base, u64::from(count), u64::from(STATS_PLACES_MAX)));
    }
    // a place takes at least 15 bytes: a count the field cannot hold is refused before allocating
    if count as usize > c.remaining() / 15 {
        return Err(malformed(Section::Header, base, "more places than the field holds"));
    }
    let mut out: Vec<(String, String)> = Vec::with_capacity(count as usize);
    for _ in 0..count {
        let at = base + c.pos();
        let bad = |what| malformed(Section::Header, at, what);
        let code_len = c.u8().ok_or_else(|| bad(SHORT))?;
        let code = c.take(code_len as usize).ok_or_else(|| bad(SHORT))?;
        if code.len() != 12 || !code.iter().all(u8::is_ascii_digit) {
            return Err(bad("place code is not 12 digits"));
        }
        let name_len = c.u16().ok_or_else(|| bad(SHORT))?;
        let name = c.take(name_len as usize).ok_or_else(|| bad(SHORT))?;
        let name = std::str::from_utf8(name).map_err(|_| bad("place name is not UTF-8"))?;
        if name.chars().count() > PLACE_NAME_MAX {
            return Err(bad("place name too long"));
        }
        if name.chars().any(char::is_control) {
            return Err(bad("place name holds a control character"));
        }
        let code = String::from_utf8_lossy(code).into_owned();
        if out.last().is_some_and(|(prev, _)| *prev >= code) {
            return Err(bad("places not in increasing order of code"));
        }
        out.push((code, name.to_owned()));
    }
    if c.remaining() != 0 {
        return Err(malformed(Section::Header, base + c.pos(), "bytes after the places"));
    }
    Ok(out)
}

#[cfg(test)]
#[path = "stats_tests.rs"]
mod tests;
