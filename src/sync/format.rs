//! The bundle format's constants (docs/BUNDLE.md documents the layout byte by byte):
//!
//! ```text
//! magic [8] ‖ major u16 ‖ minor u16 ‖ header_len u32 ‖ header
//!   ‖ chunk* ‖ end mark u32 = 0 ‖ blake3 [32] ‖ ed25519 signature [64]
//! chunk = count u32 (≥ 1) ‖ raw_len u32 ‖ comp_len u32 ‖ lz4 block [comp_len]
//! raw   = (event_len u32 ‖ canonical event [event_len]) × count
//! ```
//!
//! All integers big-endian. The hash covers every byte before it; the signature is over
//! `SIGNED_CONTEXT ‖ hash`.

/// The first 8 bytes of every bundle (a high byte, then CR LF and ^Z, as PNG does, so a
/// text-mode copy is caught as damage).
pub const MAGIC: [u8; 8] = *b"\x89GLB\r\n\x1a\n";
/// The major version this build writes and reads.
pub const MAJOR: u16 = 1;
/// The minor version this build writes (it reads every minor of `MAJOR`).
pub const MINOR: u16 = 1;
/// magic, major, minor, header length.
pub const PREAMBLE_LEN: usize = 16;
/// hash and signature.
pub const TRAILER_LEN: usize = 32 + 64;
/// What the signature signs before the 32-byte hash (domain separation from other uses of the
/// store's key).
pub const SIGNED_CONTEXT: &[u8; 16] = b"gridlog/bundle/1";

/// The header is at most this long (have-sets of thousands of devices fit).
pub const HEADER_MAX: u32 = 1 << 20;
/// A chunk's events are at most this long once decompressed.
pub const CHUNK_RAW_MAX: u32 = 4 << 20;
/// The writer closes a chunk once its raw events reach this size.
pub const CHUNK_TARGET: usize = 256 << 10;
/// A chunk holds at most this many events.
pub const CHUNK_EVENTS_MAX: u32 = 1 << 16;
/// One event's canonical encoding is at most this long.
pub const EVENT_MAX: u32 = 1 << 20;
/// LZ4 expands at most ~255 times; a chunk claiming more than this ratio is refused before its
/// buffer is allocated.
pub const LZ4_RATIO_MAX: u32 = 256;
