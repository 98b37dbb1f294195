//! Writing a bundle (docs/BUNDLE.md): events are compressed chunk by chunk as they are pushed;
//! `finish` puts the header (with the have-set of the events pushed) before them, then the hash
//! and the signature. The finished chunks are kept in memory, or spilled to a caller's
//! `Read + Write + Seek` (a temporary file) so that a bundle of a million events is written
//! without being held whole ([`BundleWriter::spilling`], [`BundleWriter::finish_to`]).

use std::io::{Read, Seek, SeekFrom, Write};

use ed25519_dalek::{Signer, SigningKey};

use super::error::BundleError;
use super::format::{CHUNK_EVENTS_MAX, CHUNK_TARGET, EVENT_MAX, MAGIC, MAJOR, MINOR, SIGNED_CONTEXT};
use super::header::{self, Header};
use crate::events::{Event, VersionVector};

/// Where finished chunks wait for the header to be known.
pub trait Spill: Read + Write + Seek {}
impl<T: Read + Write + Seek> Spill for T {}

/// Builds one bundle.
pub struct BundleWriter {
    header: Header,
    key: SigningKey,
    /// Finished chunks, compressed, each with its preamble (unless spilled).
    chunks: Vec<u8>,
    /// Where finished chunks go instead, if given; and the first write error.
    spill: Option<(Box<dyn Spill>, Option<std::io::Error>)>,
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
            spill: None,
            raw: Vec::new(),
            count: 0,
            includes: VersionVector::new(),
        }
    }

    /// A writer whose finished chunks go to `spill` (an empty temporary file) rather than
    /// memory; finish it with [`BundleWriter::finish_to`].
    pub fn spilling(header: Header, key: &SigningKey, spill: Box<dyn Spill>) -> BundleWriter {
        let mut w = BundleWriter::new(header, key);
        w.spill = Some((spill, None));
        w
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
        if let Some((spill, err)) = &mut self.spill
            && err.is_none()
        {
            if let Err(e) = spill.write_all(&self.chunks) {
                *err = Some(e);
            }
            self.chunks.clear();
        }
    }

    /// Writes the bundle to `out`: preamble, header, the chunks (copied back from the spill, if
    /// any), end mark, hash, signature. An I/O error of the spill or of `out` is returned.
    pub fn finish_to(mut self, out: &mut dyn Write) -> std::io::Result<()> {
        self.flush();
        let key = self.key.clone();
        let spill = self.spill.take();
        let chunks = std::mem::take(&mut self.chunks);
        let head = self.head();
        let mut hasher = blake3::Hasher::new();
        let mut put = |out: &mut dyn Write, b: &[u8]| -> std::io::Result<()> {
            hasher.update(b);
            out.write_all(b)
        };
        put(out, &head)?;
        match spill {
            Some((_, Some(e))) => return Err(e),
            Some((mut s, None)) => {
                s.flush()?;
                s.seek(SeekFrom::Start(0))?;
                let mut buf = vec![0u8; 1 << 16];
                loop {
                    let n = s.read(&mut buf)?;
                    if n == 0 {
                        break;
                    }
                    put(out, &buf[..n])?;
                }
            }
            None => put(out, &chunks)?,
        }
        put(out, &0u32.to_be_bytes())?;
        let hash = hasher.finalize();
        let sig = key.sign(&signed_message(hash.as_bytes()));
        out.write_all(hash.as_bytes())?;
        out.write_all(&sig.to_bytes())?;
        out.flush()
    }

    /// The preamble and the header, with the public key and the events pushed filled in.
    fn head(&mut self) -> Vec<u8> {
        let mut h = self.header.clone();
        h.public_key = self.key.verifying_key().to_bytes();
        h.includes = self.includes.clone();
        h.divisions.sort_by_key(|(d, _)| *d);
        h.divisions.dedup_by_key(|(d, _)| *d);
        let head = header::encode(&h);
        let mut out = Vec::with_capacity(16 + head.len());
        out.extend_from_slice(&MAGIC);
        out.extend_from_slice(&MAJOR.to_be_bytes());
        out.extend_from_slice(&MINOR.to_be_bytes());
        out.extend_from_slice(&(head.len() as u32).to_be_bytes());
        out.extend_from_slice(&head);
        out
    }

    /// The bundle's bytes: preamble, header, chunks, end mark, hash, signature. For a writer
    /// that keeps its chunks in memory (writing to memory cannot fail); a spilling writer is
    /// finished with [`BundleWriter::finish_to`].
    pub fn finish(self) -> Vec<u8> {
        let mut out = Vec::with_capacity(16 + self.chunks.len() + self.raw.len() + 4 + 96 + 1024);
        let written = self.finish_to(&mut out);
        debug_assert!(written.is_ok(), "a bundle in memory is written whole");
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
