//! Reading a bundle (docs/BUNDLE.md, "Reading"), streamed from any `Read + Seek` source so a
//! bundle of a million events is never held whole in memory. [`BundleReader::open`] reads the
//! preamble and the header (small, bounded), walks the chunks by their lengths while hashing
//! every byte — decompressing nothing and keeping only each chunk's place and its own hash —
//! then checks the trailer's hash and signature. Only then are chunks read again, one at a
//! time, checked against the hash taken on the first pass (a file changed in between is
//! refused), decompressed and decoded. Every length is checked against what remains of the
//! source, and against a cap, before it is used.

use std::io::{Read, Seek, SeekFrom};

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

/// A verified bundle read whole: its header and its events, in the order written.
#[derive(Clone, Debug, PartialEq)]
pub struct Bundle {
    /// Who wrote it and what it holds.
    pub header: Header,
    /// The format's minor version (this build reads every minor of major 1).
    pub minor: u16,
    /// Its events.
    pub events: Vec<Event>,
}

impl Bundle {
    /// Verifies and decodes a whole bundle held in memory; refuses it whole on any damage or
    /// forgery.
    pub fn read(bytes: &[u8]) -> Result<Bundle, BundleError> {
        let mut r = BundleReader::open(std::io::Cursor::new(bytes))?;
        let mut events = Vec::new();
        for i in 0..r.chunk_count() {
            events.extend(r.read_chunk(i)?);
        }
        r.finish()?;
        Ok(Bundle { header: r.header, minor: r.minor, events })
    }

    /// Reads and verifies only what is needed to trust the header: the preamble, the header,
    /// the chunk lengths, the hash and the signature. Nothing is decompressed. For showing a
    /// bundle's producer and contents before importing it.
    pub fn read_header(bytes: &[u8]) -> Result<(Header, u16), BundleError> {
        BundleReader::open(std::io::Cursor::new(bytes)).map(|r| (r.header, r.minor))
    }
}

/// Where one chunk is, and the hash of its compressed bytes as first read.
#[derive(Clone, Copy, Debug)]
struct ChunkAt {
    offset: u64,
    count: u32,
    raw_len: u32,
    comp_len: u32,
    hash: [u8; 32],
}

/// A verified bundle being read chunk by chunk.
pub struct BundleReader<R> {
    src: R,
    header: Header,
    minor: u16,
    chunks: Vec<ChunkAt>,
    /// The events read so far (to check they are unique and exactly `includes`).
    inside: VersionVector,
    read: u64,
}

fn malformed(section: Section, offset: u64, what: &'static str) -> BundleError {
    BundleError::Malformed { section, offset, what }
}

fn truncated(section: Section, offset: u64) -> BundleError {
    BundleError::Truncated { section, offset }
}

fn oversized(section: Section, offset: u64, claimed: u32, cap: u64) -> BundleError {
    BundleError::Oversized { section, offset, claimed: u64::from(claimed), cap }
}

fn unreadable(e: std::io::Error) -> BundleError {
    BundleError::Unreadable { what: e.kind().to_string() }
}

/// Reads exactly `n` bytes (the caller has checked that they remain).
fn take<R: Read>(src: &mut R, n: usize, buf: &mut Vec<u8>) -> Result<(), BundleError> {
    buf.clear();
    buf.resize(n, 0);
    src.read_exact(buf).map_err(unreadable)
}

impl<R: Read + Seek> BundleReader<R> {
    /// Verifies the bundle in `src` (see the module's documentation): on success its header can
    /// be trusted to be its signer's, and its chunks can be read.
    pub fn open(mut src: R) -> Result<BundleReader<R>, BundleError> {
        let len = src.seek(SeekFrom::End(0)).map_err(unreadable)?;
        src.seek(SeekFrom::Start(0)).map_err(unreadable)?;
        let mut hasher = blake3::Hasher::new();
        let mut buf = Vec::new();

        // preamble
        take(&mut src, len.min(PREAMBLE_LEN as u64) as usize, &mut buf)?;
        hasher.update(&buf);
        if buf.len() < MAGIC.len() {
            return Err(if MAGIC.starts_with(&buf) {
                truncated(Section::Preamble, len)
            } else {
                BundleError::NotABundle
            });
        }
        if buf[..8] != MAGIC {
            return Err(BundleError::NotABundle);
        }
        if buf.len() < 12 {
            return Err(truncated(Section::Preamble, len));
        }
        let (major, minor) = (u16::from_be_bytes([buf[8], buf[9]]), u16::from_be_bytes([buf[10], buf[11]]));
        if major != MAJOR {
            return Err(BundleError::UnsupportedVersion { major, minor });
        }
        if buf.len() < PREAMBLE_LEN {
            return Err(truncated(Section::Preamble, len));
        }
        let header_len = u32::from_be_bytes([buf[12], buf[13], buf[14], buf[15]]);
        if header_len > HEADER_MAX {
            return Err(oversized(Section::Header, 12, header_len, u64::from(HEADER_MAX)));
        }

        // header
        let mut pos = PREAMBLE_LEN as u64;
        if u64::from(header_len) > len - pos {
            return Err(truncated(Section::Header, len));
        }
        take(&mut src, header_len as usize, &mut buf)?;
        hasher.update(&buf);
        let header = header::decode(&buf, minor).map_err(|(off, what)| BundleError::Corrupt {
            section: Section::Header,
            offset: pos + off as u64,
            what,
        })?;
        pos += u64::from(header_len);

        // the chunks, by their lengths: hashed, not decompressed
        let mut chunks = Vec::new();
        loop {
            let offset = pos;
            if len - pos < 4 {
                return Err(truncated(Section::Chunks, len));
            }
            take(&mut src, 4, &mut buf)?;
            hasher.update(&buf);
            pos += 4;
            let count = u32::from_be_bytes([buf[0], buf[1], buf[2], buf[3]]);
            if count == 0 {
                break;
            }
            if count > CHUNK_EVENTS_MAX {
                return Err(oversized(Section::Chunks, offset, count, u64::from(CHUNK_EVENTS_MAX)));
            }
            if len - pos < 8 {
                return Err(truncated(Section::Chunks, len));
            }
            take(&mut src, 8, &mut buf)?;
            hasher.update(&buf);
            pos += 8;
            let raw_len = u32::from_be_bytes([buf[0], buf[1], buf[2], buf[3]]);
            let comp_len = u32::from_be_bytes([buf[4], buf[5], buf[6], buf[7]]);
            let raw_cap = CHUNK_RAW_MAX.min(comp_len.saturating_mul(LZ4_RATIO_MAX));
            if raw_len > raw_cap {
                return Err(oversized(Section::Chunks, offset + 4, raw_len, u64::from(raw_cap)));
            }
            if comp_len > CHUNK_RAW_MAX {
                return Err(oversized(Section::Chunks, offset + 8, comp_len, u64::from(CHUNK_RAW_MAX)));
            }
            if u64::from(comp_len) > len - pos {
                return Err(truncated(Section::Chunks, len));
            }
            take(&mut src, comp_len as usize, &mut buf)?;
            hasher.update(&buf);
            pos += u64::from(comp_len);
            chunks.push(ChunkAt { offset, count, raw_len, comp_len, hash: *blake3::hash(&buf).as_bytes() });
        }

        // trailer
        let end = pos;
        let rest = len - end;
        if rest < TRAILER_LEN as u64 {
            return Err(truncated(Section::Trailer, len));
        }
        if rest > TRAILER_LEN as u64 {
            return Err(BundleError::TrailingBytes {
                offset: end + TRAILER_LEN as u64,
                count: rest - TRAILER_LEN as u64,
            });
        }
        take(&mut src, TRAILER_LEN, &mut buf)?;
        let hash: [u8; 32] = buf[..32].try_into().map_err(|_| truncated(Section::Trailer, len))?;
        let sig: [u8; 64] = buf[32..].try_into().map_err(|_| truncated(Section::Trailer, len))?;
        if hasher.finalize().as_bytes() != &hash {
            return Err(BundleError::HashMismatch);
        }
        let key = VerifyingKey::from_bytes(&header.public_key).map_err(|_| BundleError::BadKey)?;
        key.verify_strict(&signed_message(&hash), &Signature::from_bytes(&sig))
            .map_err(|_| BundleError::BadSignature { fingerprint: header.fingerprint() })?;
        Ok(BundleReader { src, header, minor, chunks, inside: VersionVector::new(), read: 0 })
    }

    /// The verified header.
    pub fn header(&self) -> &Header {
        &self.header
    }

    /// The format's minor version.
    pub fn minor(&self) -> u16 {
        self.minor
    }

    /// How many chunks of events it has.
    pub fn chunk_count(&self) -> usize {
        self.chunks.len()
    }

    /// How many events chunk `i` holds.
    pub fn chunk_events(&self, i: usize) -> u32 {
        self.chunks.get(i).map_or(0, |c| c.count)
    }

    /// Reads, checks and decodes chunk `i`. Its bytes must be those hashed by `open` (else the
    /// source changed meanwhile: *hash mismatch*). Each chunk may be read once per pass; the
    /// events of a pass over every chunk are checked by [`BundleReader::finish`].
    pub fn read_chunk(&mut self, i: usize) -> Result<Vec<Event>, BundleError> {
        let chunk = *self.chunks.get(i).ok_or_else(|| malformed(Section::Chunks, 0, "no such chunk"))?;
        self.src.seek(SeekFrom::Start(chunk.offset + 12)).map_err(unreadable)?;
        let mut comp = Vec::new();
        take(&mut self.src, chunk.comp_len as usize, &mut comp)?;
        if blake3::hash(&comp).as_bytes() != &chunk.hash {
            return Err(BundleError::HashMismatch);
        }
        let events = decode_chunk(&chunk, &comp)?;
        for e in &events {
            self.inside.insert(e.device, e.seq);
        }
        self.read += events.len() as u64;
        Ok(events)
    }

    /// After reading every chunk once: checks that the events were unique and exactly the
    /// header's `includes`. Starts a new pass.
    pub fn finish(&mut self) -> Result<(), BundleError> {
        let (inside, read) = (std::mem::take(&mut self.inside), std::mem::take(&mut self.read));
        if inside.len() != read {
            return Err(malformed(Section::Events, PREAMBLE_LEN as u64, "an event appears twice"));
        }
        if inside != self.header.includes {
            return Err(malformed(Section::Header, PREAMBLE_LEN as u64, "includes is not the events inside"));
        }
        Ok(())
    }
}

/// Decompresses one verified chunk and decodes its events.
fn decode_chunk(chunk: &ChunkAt, comp: &[u8]) -> Result<Vec<Event>, BundleError> {
    let bad = |what| malformed(Section::Chunks, chunk.offset, what);
    let raw = lz4_flex::block::decompress(comp, chunk.raw_len as usize).map_err(|_| bad("does not decompress"))?;
    if raw.len() != chunk.raw_len as usize {
        return Err(bad("decompresses to another length"));
    }
    let mut c = Cursor::new(&raw);
    let bad_event = |what| malformed(Section::Events, chunk.offset, what);
    let mut out = Vec::with_capacity(chunk.count.min(4096) as usize);
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
    Ok(out)
}
