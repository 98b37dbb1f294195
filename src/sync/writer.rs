//! Writing a bundle (docs/BUNDLE.md): events are compressed chunk by chunk as they are pushed;
//! `finish` puts the header (with the have-set of the events pushed) before them, then the hash
//! and the signature.

use ed25519_dalek::{Signer, SigningKey};

use super::error::BundleError;
use super::format::{CHUNK_EVENTS_MAX, CHUNK_TARGET, EVENT_MAX, MAGIC, MAJOR, MINOR, SIGNED_CONTEXT};
use super::header::{self, Header};
use crate::events::{Event, VersionVector};

/// Builds one bundle in memory.
pub struct BundleWriter {
    header: Header,
    key: SigningKey,
    /// Finished chunks, compressed, each with its preamble.
    chunks: Vec<u8>,
    /// The chunk being filled: raw events.
    raw: Vec<u8>,
    count: u32,
    includes: VersionVector,
}

impl BundleWriter {
    /// A writer for a bundle with `header`, signed by `key`. The header's `public_key` and
    /// `includes` are replaced by the key's public half and the events pushed.
    pub fn new(header: Header, key: &SigningKey) -> BundleWriter {
        BundleWriter {
            header,
            key: key.clone(),
            chunks: Vec::new(),
            raw: Vec::new(),
            count: 0,
            includes: VersionVector::new(),
        }
    }

    /// Adds an event. Refused: an event whose `(device, seq)` was already pushed, or one
    /// longer than an event may be.
    pub fn push(&mut self, event: &Event) -> Result<(), BundleError> {
        let unwritable = |what| BundleError::Unwritable { device: event.device.to_string(), seq: event.seq, what };
        if self.includes.contains(event.device, event.seq) {
            return Err(unwritable("pushed twice"));
        }
        let bytes = event.canonical_bytes();
        let len = u32::try_from(bytes.len()).ok().filter(|n| *n <= EVENT_MAX).ok_or_else(|| unwritable("too large"))?;
        if self.raw.len() + 4 + bytes.len() > CHUNK_TARGET && self.count > 0 {
            self.flush();
        }
        self.raw.extend_from_slice(&len.to_be_bytes());
        self.raw.extend_from_slice(&bytes);
        self.count += 1;
        self.includes.insert(event.device, event.seq);
        if self.count == CHUNK_EVENTS_MAX {
            self.flush();
        }
        Ok(())
    }

    /// How many events were pushed.
    pub fn len(&self) -> u64 {
        self.includes.len()
    }

    /// The events pushed so far.
    pub fn includes(&self) -> &VersionVector {
        &self.includes
    }

    /// The header to be written (its `public_key` and `includes` are set by [`finish`]).
    ///
    /// [`finish`]: BundleWriter::finish
    pub fn header_mut(&mut self) -> &mut Header {
        &mut self.header
    }

    /// Whether no event was pushed.
    pub fn is_empty(&self) -> bool {
        self.includes.is_empty()
    }

    fn flush(&mut self) {
        if self.count == 0 {
            return;
        }
        let comp = lz4_flex::block::compress(&self.raw);
        // raw <= CHUNK_TARGET + EVENT_MAX + 4 < CHUNK_RAW_MAX; comp is smaller than that bound too
        self.chunks.extend_from_slice(&self.count.to_be_bytes());
        self.chunks.extend_from_slice(&(self.raw.len() as u32).to_be_bytes());
        self.chunks.extend_from_slice(&(comp.len() as u32).to_be_bytes());
        self.chunks.extend_from_slice(&comp);
        self.raw.clear();
        self.count = 0;
    }

    /// The bundle's bytes: preamble, header, chunks, end mark, hash, signature.
    pub fn finish(mut self) -> Vec<u8> {
        self.flush();
        let mut h = self.header;
        h.public_key = self.key.verifying_key().to_bytes();
        h.includes = self.includes;
        h.divisions.sort_by_key(|(d, _)| *d);
        h.divisions.dedup_by_key(|(d, _)| *d);
        let head = header::encode(&h);
        let mut out = Vec::with_capacity(16 + head.len() + self.chunks.len() + 4 + 96);
        out.extend_from_slice(&MAGIC);
        out.extend_from_slice(&MAJOR.to_be_bytes());
        out.extend_from_slice(&MINOR.to_be_bytes());
        out.extend_from_slice(&(head.len() as u32).to_be_bytes());
        out.extend_from_slice(&head);
        out.extend_from_slice(&self.chunks);
        out.extend_from_slice(&0u32.to_be_bytes());
        let hash = blake3::hash(&out);
        let sig = self.key.sign(&signed_message(hash.as_bytes()));
        out.extend_from_slice(hash.as_bytes());
        out.extend_from_slice(&sig.to_bytes());
        out
    }
}

/// What the signature is over: the context, then the hash.
pub(super) fn signed_message(hash: &[u8; 32]) -> [u8; 48] {
    let mut m = [0u8; 48];
    m[..16].copy_from_slice(SIGNED_CONTEXT);
    m[16..].copy_from_slice(hash);
    m
}
