//! Reading a bundle (docs/BUNDLE.md, "Reading"): the preamble and the header first (small,
//! bounded), then the chunk lengths are walked without decompressing to find where the trailer
//! must start, then the hash and the signature are checked, and only then is anything
//! decompressed or decoded. Every length is checked against what remains of the file, and
//! against a cap, before it is used.

use ed25519_dalek::{Signature, VerifyingKey};

use super::canonical;
use super::cursor::Cursor;
use super::error::{BundleError, Section};
use super::format::{
    CHUNK_EVENTS_MAX, CHUNK_RAW_MAX, EVENT_MAX, HEADER_MAX, LZ4_RATIO_MAX, MAGIC, MAJOR, PREAMBLE_LEN, TRAILER_LEN,
};
use super::header::{self, Header};
use super::writer::signed_message;
use crate::events::{Event, VersionVector};

/// A verified bundle: its header and its events, in the order written.
#[derive(Clone, Debug, PartialEq)]
pub struct Bundle {
    /// Who wrote it and what it holds.
    pub header: Header,
    /// The format's minor version (this build reads every minor of major 1).
    pub minor: u16,
    /// Its events.
    pub events: Vec<Event>,
}

/// One chunk located by the walk: where it starts, and its fields.
struct ChunkAt<'a> {
    offset: usize,
    count: u32,
    raw_len: u32,
    comp: &'a [u8],
}

impl Bundle {
    /// Verifies and decodes a whole bundle; refuses it whole on any damage or forgery.
    pub fn read(bytes: &[u8]) -> Result<Bundle, BundleError> {
        let (header, minor, chunks) = verify(bytes)?;
        let mut events = Vec::new();
        for chunk in chunks {
            decode_chunk(&chunk, &mut events)?;
        }
        let mut inside = VersionVector::new();
        for e in &events {
            inside.insert(e.device, e.seq);
        }
        if inside.len() != events.len() as u64 {
            return Err(malformed(Section::Events, PREAMBLE_LEN, "an event appears twice"));
        }
        if inside != header.includes {
            return Err(malformed(Section::Header, PREAMBLE_LEN, "includes is not the events inside"));
        }
        Ok(Bundle { header, minor, events })
    }

    /// Reads and verifies only what is needed to trust the header: the preamble, the header,
    /// the chunk lengths, the hash and the signature. Nothing is decompressed. For showing a
    /// bundle's producer and contents before importing it.
    pub fn read_header(bytes: &[u8]) -> Result<(Header, u16), BundleError> {
        verify(bytes).map(|(h, minor, _)| (h, minor))
    }
}

fn at(offset: usize) -> u64 {
    offset as u64
}

fn malformed(section: Section, offset: usize, what: &'static str) -> BundleError {
    BundleError::Malformed { section, offset: at(offset), what }
}

fn truncated(section: Section, offset: usize) -> BundleError {
    BundleError::Truncated { section, offset: at(offset) }
}

fn oversized(section: Section, offset: usize, claimed: u32, cap: u64) -> BundleError {
    BundleError::Oversized { section, offset: at(offset), claimed: u64::from(claimed), cap }
}

/// Checks everything but the events' content; returns the header and the chunks to decode.
fn verify(bytes: &[u8]) -> Result<(Header, u16, Vec<ChunkAt<'_>>), BundleError> {
    let mut c = Cursor::new(bytes);
    match c.take(8) {
        Some(m) if m == MAGIC => {}
        Some(_) => return Err(BundleError::NotABundle),
        None if MAGIC.starts_with(bytes) => return Err(truncated(Section::Preamble, bytes.len())),
        None => return Err(BundleError::NotABundle),
    }
    let (major, minor) = match (c.u16(), c.u16()) {
        (Some(a), Some(b)) => (a, b),
        _ => return Err(truncated(Section::Preamble, bytes.len())),
    };
    if major != MAJOR {
        return Err(BundleError::UnsupportedVersion { major, minor });
    }
    let header_at = c.pos();
    let header_len = c.u32().ok_or_else(|| truncated(Section::Preamble, bytes.len()))?;
    if header_len > HEADER_MAX {
        return Err(oversized(Section::Header, header_at, header_len, u64::from(HEADER_MAX)));
    }
    let head = c.take(header_len as usize).ok_or_else(|| truncated(Section::Header, bytes.len()))?;
    let header = header::decode(head, minor).map_err(|(off, what)| BundleError::Corrupt {
        section: Section::Header,
        offset: at(PREAMBLE_LEN + off),
        what,
    })?;

    // walk the chunks by their lengths, decompressing nothing
    let mut chunks = Vec::new();
    loop {
        let offset = c.pos();
        let count = c.u32().ok_or_else(|| truncated(Section::Chunks, bytes.len()))?;
        if count == 0 {
            break;
        }
        if count > CHUNK_EVENTS_MAX {
            return Err(oversized(Section::Chunks, offset, count, u64::from(CHUNK_EVENTS_MAX)));
        }
        let (raw_len, comp_len) = match (c.u32(), c.u32()) {
            (Some(r), Some(k)) => (r, k),
            _ => return Err(truncated(Section::Chunks, bytes.len())),
        };
        let raw_cap = CHUNK_RAW_MAX.min(comp_len.saturating_mul(LZ4_RATIO_MAX));
        if raw_len > raw_cap {
            return Err(oversized(Section::Chunks, offset + 4, raw_len, u64::from(raw_cap)));
        }
        if comp_len > CHUNK_RAW_MAX {
            return Err(oversized(Section::Chunks, offset + 8, comp_len, u64::from(CHUNK_RAW_MAX)));
        }
        let comp = c.take(comp_len as usize).ok_or_else(|| truncated(Section::Chunks, bytes.len()))?;
        chunks.push(ChunkAt { offset, count, raw_len, comp });
    }

    let end = c.pos();
    if c.remaining() < TRAILER_LEN {
        return Err(truncated(Section::Trailer, bytes.len()));
    }
    if c.remaining() > TRAILER_LEN {
        return Err(BundleError::TrailingBytes {
            offset: at(end + TRAILER_LEN),
            count: (c.remaining() - TRAILER_LEN) as u64,
        });
    }
    let hash: [u8; 32] = c.array().ok_or_else(|| truncated(Section::Trailer, bytes.len()))?;
    let sig: [u8; 64] = c.array().ok_or_else(|| truncated(Section::Trailer, bytes.len()))?;
    if blake3::hash(&bytes[..end]).as_bytes() != &hash {
        return Err(BundleError::HashMismatch);
    }
    let key = VerifyingKey::from_bytes(&header.public_key).map_err(|_| BundleError::BadKey)?;
    key.verify_strict(&signed_message(&hash), &Signature::from_bytes(&sig))
        .map_err(|_| BundleError::BadSignature { fingerprint: header.fingerprint() })?;
    Ok((header, minor, chunks))
}

/// Decompresses one verified chunk and decodes its events.
fn decode_chunk(chunk: &ChunkAt<'_>, out: &mut Vec<Event>) -> Result<(), BundleError> {
    let bad = |what| malformed(Section::Chunks, chunk.offset, what);
    let raw =
        lz4_flex::block::decompress(chunk.comp, chunk.raw_len as usize).map_err(|_| bad("does not decompress"))?;
    if raw.len() != chunk.raw_len as usize {
        return Err(bad("decompresses to another length"));
    }
    let mut c = Cursor::new(&raw);
    let bad_event = |what| malformed(Section::Events, chunk.offset, what);
    for _ in 0..chunk.count {
        let len = c.u32().ok_or_else(|| bad_event("chunk ends inside an event"))?;
        if len > EVENT_MAX {
            return Err(bad_event("event too large"));
        }
        let bytes = c.take(len as usize).ok_or_else(|| bad_event("chunk ends inside an event"))?;
        out.push(canonical::decode(bytes).map_err(bad_event)?);
    }
    if c.remaining() != 0 {
        return Err(bad("bytes after the chunk's events"));
    }
    Ok(())
}
