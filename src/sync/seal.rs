//! Encrypted bundles (docs/BUNDLE.md, "Encrypted bundles"): a signed bundle, unchanged, inside
//! an envelope that only the recipient store can open. Residents' data travels on USB sticks
//! and through chat apps; sealed, a lost stick or a forwarded file shows nothing but whom it is
//! for.
//!
//! ```text
//! magic [8] ‖ major u16 ‖ minor u16 ‖ recipient ed25519 key [32] ‖ ephemeral X25519 key [32]
//!   ‖ plain_len u64 ‖ chunk* (ciphertext [≤ 1 MiB] ‖ tag [16])
//! ```
//!
//! The key is X25519 between a fresh ephemeral key and the recipient's ed25519 key in its
//! Montgomery form, through blake3's `derive_key`. Each chunk is XChaCha20-Poly1305 under a
//! nonce of its number and a last-chunk flag, with the 84-byte envelope as associated data: a
//! chunk cut off, moved, swapped or replaced, or an envelope field changed, fails
//! authentication. Every length is checked against the file's size before anything is
//! allocated.

use chacha20poly1305::aead::inout::InOutBuf;
use chacha20poly1305::{AeadInOut, Key, KeyInit, Tag, XChaCha20Poly1305, XNonce};
use curve25519_dalek::montgomery::MontgomeryPoint;
use ed25519_dalek::{SigningKey, VerifyingKey};
use std::io::{Read, Write};

use zeroize::Zeroizing;

use super::error::BundleError;

/// The first 8 bytes of every encrypted bundle: like the bundle magic (`\x89GLB…`), with `E`
/// for encrypted, so a sealed file is never mistaken for a plain one.
pub const SEALED_MAGIC: [u8; 8] = *b"\x89GLE\r\n\x1a\n";
/// The envelope's major version this build writes and reads.
pub const SEALED_MAJOR: u16 = 1;
/// The envelope's minor version this build writes (it reads every minor of its major).
pub const SEALED_MINOR: u16 = 0;
/// magic, major, minor, recipient key, ephemeral key, plaintext length.
pub const ENVELOPE_LEN: usize = 8 + 2 + 2 + 32 + 32 + 8;
/// Plaintext bytes per chunk (the last chunk holds what remains, possibly nothing).
pub const SEAL_CHUNK: usize = 1 << 20;
/// The Poly1305 tag after each chunk's ciphertext.
pub const TAG_LEN: usize = 16;
/// blake3 `derive_key` context for the chunk key.
const KEY_CONTEXT: &str = "gridlog/seal/1 key";

const RECIPIENT_AT: usize = 12;
const EPHEMERAL_AT: usize = 44;
const PLAIN_LEN_AT: usize = 76;

/// Whether `bytes` starts as an encrypted bundle does (the magic only: open it to know more).
pub fn is_sealed(bytes: &[u8]) -> bool {
    bytes.starts_with(&SEALED_MAGIC)
}

/// The public key (its hex is the fingerprint) of the store an encrypted bundle is for, read
/// from the envelope without decrypting anything; `None` if `bytes` is not an envelope of a
/// version this build reads, or too short to name one.
pub fn sealed_for(bytes: &[u8]) -> Option<[u8; 32]> {
    if !is_sealed(bytes) || bytes.get(8..10)? != SEALED_MAJOR.to_be_bytes() {
        return None;
    }
    bytes.get(RECIPIENT_AT..EPHEMERAL_AT)?.try_into().ok()
}

/// What a streamed seal or open stopped on: the files (read or written), or the envelope.
#[derive(Debug)]
pub enum SealError {
    /// Reading the source or writing the result failed.
    Io(std::io::Error),
    /// The envelope or a chunk was refused (or the recipient's key).
    Bundle(BundleError),
}

impl From<std::io::Error> for SealError {
    fn from(e: std::io::Error) -> Self {
        SealError::Io(e)
    }
}

impl From<BundleError> for SealError {
    fn from(e: BundleError) -> Self {
        SealError::Bundle(e)
    }
}

/// The in-memory forms below stream between memory buffers: no I/O error can happen there.
fn in_memory(e: SealError) -> BundleError {
    match e {
        SealError::Bundle(b) => b,
        SealError::Io(e) => unreachable!("reading or writing memory: {e}"),
    }
}

/// Refuses a key that is not a valid, strong ed25519 public key (checked before anything is
/// written).
pub fn check_recipient(recipient: &[u8; 32]) -> Result<VerifyingKey, BundleError> {
    let bad_recipient = || BundleError::SealedBadRecipient { fingerprint: hex(recipient) };
    let key = VerifyingKey::from_bytes(recipient).map_err(|_| bad_recipient())?;
    if key.is_weak() {
        return Err(bad_recipient());
    }
    Ok(key)
}

/// Encrypts a whole signed bundle (`bundle`, as `BundleWriter::finish` made it) for the store
/// whose ed25519 public key is `recipient`. Refuses a key that is not a valid, strong ed25519
/// public key. For a bundle on disk, [`seal_stream`] holds one chunk at a time.
pub fn seal(bundle: &[u8], recipient: &[u8; 32]) -> Result<Vec<u8>, BundleError> {
    let mut ephemeral = Zeroizing::new([0u8; 32]);
    getrandom::fill(ephemeral.as_mut()).map_err(|e| BundleError::SealedNoRandom { what: e.to_string() })?;
    seal_with_ephemeral(bundle, recipient, &ephemeral)
}

/// `seal` with the ephemeral secret given: for tests and the fuzz target only. Never reuse an
/// ephemeral secret for two bundles (the same key and nonces would encrypt both).
#[doc(hidden)]
pub fn seal_with_ephemeral(bundle: &[u8], recipient: &[u8; 32], ephemeral: &[u8; 32]) -> Result<Vec<u8>, BundleError> {
    let chunks = chunk_count(bundle.len() as u64);
    let mut out = Vec::with_capacity(ENVELOPE_LEN + bundle.len() + chunks as usize * TAG_LEN);
    seal_stream_with(&mut &bundle[..], bundle.len() as u64, recipient, ephemeral, &mut out).map_err(in_memory)?;
    Ok(out)
}

/// Encrypts the signed bundle read from `src` (`plain_len` bytes) for `recipient`, writing the
/// envelope and its chunks to `out`: one chunk (1 MiB) in memory at a time, whatever the size.
pub fn seal_stream(
    src: &mut dyn Read,
    plain_len: u64,
    recipient: &[u8; 32],
    out: &mut dyn Write,
) -> Result<(), SealError> {
    let mut ephemeral = Zeroizing::new([0u8; 32]);
    getrandom::fill(ephemeral.as_mut()).map_err(|e| BundleError::SealedNoRandom { what: e.to_string() })?;
    seal_stream_with(src, plain_len, recipient, &ephemeral, out)
}

fn seal_stream_with(
    src: &mut dyn Read,
    plain_len: u64,
    recipient: &[u8; 32],
    ephemeral: &[u8; 32],
    out: &mut dyn Write,
) -> Result<(), SealError> {
    let key = check_recipient(recipient)?;
    let ephemeral_public = MontgomeryPoint::mul_base_clamped(*ephemeral).to_bytes();
    let shared = Zeroizing::new(key.to_montgomery().mul_clamped(*ephemeral).to_bytes());
    let cipher = chunk_cipher(&shared, &ephemeral_public, recipient);

    let mut envelope = [0u8; ENVELOPE_LEN];
    envelope[..8].copy_from_slice(&SEALED_MAGIC);
    envelope[8..10].copy_from_slice(&SEALED_MAJOR.to_be_bytes());
    envelope[10..12].copy_from_slice(&SEALED_MINOR.to_be_bytes());
    envelope[RECIPIENT_AT..EPHEMERAL_AT].copy_from_slice(recipient);
    envelope[EPHEMERAL_AT..PLAIN_LEN_AT].copy_from_slice(&ephemeral_public);
    envelope[PLAIN_LEN_AT..].copy_from_slice(&plain_len.to_be_bytes());
    out.write_all(&envelope)?;

    let chunks = chunk_count(plain_len);
    let mut buf = Zeroizing::new(vec![0u8; SEAL_CHUNK.min(plain_len as usize)]);
    for i in 0..chunks {
        let len = (plain_len - i * SEAL_CHUNK as u64).min(SEAL_CHUNK as u64) as usize;
        let chunk = &mut buf[..len];
        src.read_exact(chunk)?;
        let tag = cipher
            .encrypt_inout_detached(&nonce(i, i + 1 == chunks), &envelope, InOutBuf::from(&mut chunk[..]))
            .expect("a chunk of at most 1 MiB is within XChaCha20-Poly1305's limits");
        out.write_all(chunk)?;
        out.write_all(&tag)?;
    }
    Ok(())
}

/// Decrypts an encrypted bundle with this store's ed25519 key seed (the signing key's 32
/// bytes) and returns the signed bundle inside, to be read with `Bundle::read`. Refused whole:
/// not an envelope (`bundle.not_a_bundle`), a newer envelope version, one for another store
/// (naming both fingerprints), a file shorter or longer than its envelope says, or any chunk
/// that fails authentication (naming it). Nothing is allocated beyond the file's own size.
/// For a file on disk, [`open_stream`] holds one chunk at a time.
pub fn open(sealed: &[u8], my_key_seed: &[u8; 32]) -> Result<Vec<u8>, BundleError> {
    // the plaintext's length as the envelope claims it, never more than the file: one buffer of
    // the right size instead of a growing one
    let claimed =
        sealed.get(PLAIN_LEN_AT..ENVELOPE_LEN).map_or(0, |b| u64::from_be_bytes(b.try_into().expect("8 bytes")));
    let mut out = Vec::with_capacity(claimed.min(sealed.len() as u64) as usize);
    open_stream(&mut &sealed[..], sealed.len() as u64, my_key_seed, &mut out).map_err(in_memory)?;
    Ok(out)
}

/// [`open`] from `src` (`size` bytes: the file's length) to `out`, one chunk at a time. What
/// has been written to `out` is authenticated chunk by chunk, but the bundle is whole only when
/// this returns `Ok`: on an error, whatever reached `out` must be thrown away. Returns the
/// plaintext's length.
pub fn open_stream(
    src: &mut dyn Read,
    size: u64,
    my_key_seed: &[u8; 32],
    out: &mut dyn Write,
) -> Result<u64, SealError> {
    let truncated = |expected: u64| BundleError::SealedTruncated { offset: size, expected };
    let mut envelope = [0u8; ENVELOPE_LEN];
    let head = read_up_to(src, &mut envelope)?;
    if !is_sealed(&envelope[..head]) {
        return Err(if SEALED_MAGIC.starts_with(&envelope[..head]) {
            truncated(ENVELOPE_LEN as u64)
        } else {
            BundleError::NotABundle
        }
        .into());
    }
    if head < ENVELOPE_LEN {
        return Err(truncated(ENVELOPE_LEN as u64).into());
    }
    let major = u16::from_be_bytes([envelope[8], envelope[9]]);
    if major != SEALED_MAJOR {
        let minor = u16::from_be_bytes([envelope[10], envelope[11]]);
        return Err(BundleError::UnsupportedVersion { major, minor }.into());
    }
    let recipient: [u8; 32] = envelope[RECIPIENT_AT..EPHEMERAL_AT].try_into().expect("32 bytes");
    let ephemeral_public: [u8; 32] = envelope[EPHEMERAL_AT..PLAIN_LEN_AT].try_into().expect("32 bytes");
    let plain_len = u64::from_be_bytes(envelope[PLAIN_LEN_AT..].try_into().expect("8 bytes"));

    let me = SigningKey::from_bytes(my_key_seed);
    let mine = me.verifying_key().to_bytes();
    if recipient != mine {
        return Err(BundleError::SealedForOther { recipient: hex(&recipient), mine: hex(&mine) }.into());
    }

    // the length the envelope claims, checked against the file before it is used (u128: no
    // claim can overflow)
    let chunks = chunk_count(plain_len);
    let expected = ENVELOPE_LEN as u128 + u128::from(plain_len) + u128::from(chunks) * TAG_LEN as u128;
    if u128::from(size) < expected {
        return Err(truncated(u64::try_from(expected).unwrap_or(u64::MAX)).into());
    }
    if u128::from(size) > expected {
        return Err(BundleError::TrailingBytes { offset: expected as u64, count: size - expected as u64 }.into());
    }

    let shared = Zeroizing::new(MontgomeryPoint(ephemeral_public).mul_clamped(me.to_scalar_bytes()).to_bytes());
    if *shared == [0u8; 32] {
        // a low-order ephemeral key (no honest writer makes one): the envelope was altered
        return Err(BundleError::SealedDamaged { chunk: 1, offset: ENVELOPE_LEN as u64 }.into());
    }
    let cipher = chunk_cipher(&shared, &ephemeral_public, &recipient);

    // plain_len ≤ size now, so this buffer is bounded by the file (and by a chunk)
    let mut buf = Zeroizing::new(vec![0u8; SEAL_CHUNK.min(plain_len as usize) + TAG_LEN]);
    let mut at = ENVELOPE_LEN as u64;
    for i in 0..chunks {
        let len = (plain_len - i * SEAL_CHUNK as u64).min(SEAL_CHUNK as u64) as usize;
        let chunk = &mut buf[..len + TAG_LEN];
        src.read_exact(chunk)?;
        let (text, tag) = chunk.split_at_mut(len);
        let tag = Tag::try_from(&tag[..]).expect("16 bytes");
        cipher
            .decrypt_inout_detached(&nonce(i, i + 1 == chunks), &envelope, InOutBuf::from(&mut text[..]), &tag)
            .map_err(|_| BundleError::SealedDamaged { chunk: i + 1, offset: at })?;
        out.write_all(text)?;
        at += (len + TAG_LEN) as u64;
    }
    Ok(plain_len)
}

/// Reads into `buf` until it is full or the source ends; returns how much was read.
fn read_up_to(src: &mut dyn Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match src.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

/// Chunks for `plain_len` bytes: full chunks, then the last with what remains (one chunk, with
/// only its tag, for an empty plaintext).
fn chunk_count(plain_len: u64) -> u64 {
    plain_len.div_ceil(SEAL_CHUNK as u64).max(1)
}

/// The chunk key: blake3 `derive_key` over the X25519 shared secret ‖ the ephemeral public key
/// ‖ the recipient's ed25519 public key, so the key is bound to both keys of the envelope.
fn chunk_cipher(shared: &[u8; 32], ephemeral_public: &[u8; 32], recipient: &[u8; 32]) -> XChaCha20Poly1305 {
    let mut hasher = blake3::Hasher::new_derive_key(KEY_CONTEXT);
    hasher.update(shared).update(ephemeral_public).update(recipient);
    let key = Zeroizing::new(*hasher.finalize().as_bytes());
    XChaCha20Poly1305::new(&Key::from(*key))
}

/// A chunk's nonce: its number (u64, big-endian), then 1 for the last chunk or 0, then zeros.
/// The key is new for every envelope, so counting from 0 never repeats a (key, nonce) pair.
fn nonce(chunk: u64, last: bool) -> XNonce {
    let mut n = [0u8; 24];
    n[..8].copy_from_slice(&chunk.to_be_bytes());
    n[8] = u8::from(last);
    XNonce::from(n)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
