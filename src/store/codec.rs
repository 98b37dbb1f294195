//! The one place that knows bincode: every stored value sits in a versioned envelope, is decoded
//! with a size limit (a forged length prefix must not abort the process) and must be consumed
//! whole.
//!
//! Envelope: `[format version: u8][flags: u8][payload]`; with flag `LZ4` the payload is
//! `[uncompressed length: u32 LE][lz4 block]`.

use serde::Serialize;
use serde::de::DeserializeOwned;

/// The current format version of stored values.
pub const VERSION: u8 = 1;
const PLAIN: u8 = 0;
const LZ4: u8 = 1;
/// The largest value we decode (far above any real block; refuses forged sizes).
pub const LIMIT: usize = 64 << 20;

/// Why a stored value could not be read.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CodecError {
    /// Empty or shorter than its header.
    #[error("truncated value")]
    Truncated,
    /// A format version this program does not know (written by a newer gridlog?).
    #[error("unknown format version {0}")]
    Version(u8),
    /// Unknown flags.
    #[error("unknown encoding flags {0}")]
    Flags(u8),
    /// Decompression failed or claimed an absurd size.
    #[error("compressed data is damaged")]
    Compression,
    /// bincode refused it.
    #[error("undecodable value: {0}")]
    Decode(String),
    /// A tree handed back its keys out of order (damaged index pages).
    #[error("keys out of order: the index is damaged")]
    OutOfOrder,
    /// Bytes were left over after the value.
    #[error("{0} trailing bytes after the value")]
    Trailing(usize),
}

fn config() -> impl bincode::config::Config {
    bincode::config::standard().with_limit::<LIMIT>()
}

/// Plain bincode bytes of `v` (no envelope), for hashing and nested payloads.
pub fn to_bytes<T: Serialize>(v: &T) -> Vec<u8> {
    // Encoding into a Vec cannot fail for our types (no maps with non-string keys, no limits hit).
    bincode::serde::encode_to_vec(v, config()).unwrap_or_default()
}

/// Decodes plain bincode bytes, insisting that all of them are consumed.
pub fn from_bytes<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, CodecError> {
    let (v, used): (T, usize) =
        bincode::serde::decode_from_slice(bytes, config()).map_err(|e| CodecError::Decode(e.to_string()))?;
    if used != bytes.len() {
        return Err(CodecError::Trailing(bytes.len() - used));
    }
    Ok(v)
}

/// Encodes `v` in the envelope, uncompressed.
pub fn encode<T: Serialize>(v: &T) -> Vec<u8> {
    let mut out = vec![VERSION, PLAIN];
    out.extend(to_bytes(v));
    out
}

/// Encodes `v` in the envelope, lz4-compressed (for blocks of records).
pub fn encode_compressed<T: Serialize>(v: &T) -> Vec<u8> {
    let raw = to_bytes(v);
    let mut out = vec![VERSION, LZ4];
    out.extend((raw.len() as u32).to_le_bytes());
    out.extend(lz4_flex::block::compress(&raw));
    out
}

/// Decodes an enveloped value (either encoding).
pub fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, CodecError> {
    let [version, flags, rest @ ..] = bytes else { return Err(CodecError::Truncated) };
    if *version != VERSION {
        return Err(CodecError::Version(*version));
    }
    match *flags {
        PLAIN => from_bytes(rest),
        LZ4 => {
            let [a, b, c, d, body @ ..] = rest else { return Err(CodecError::Truncated) };
            let len = u32::from_le_bytes([*a, *b, *c, *d]) as usize;
            if len > LIMIT {
                return Err(CodecError::Compression);
            }
            let raw = lz4_flex::block::decompress(body, len).map_err(|_| CodecError::Compression)?;
            if raw.len() != len {
                return Err(CodecError::Compression);
            }
            from_bytes(&raw)
        }
        f => Err(CodecError::Flags(f)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Value;

    #[test]
    fn values_round_trip_in_both_encodings() {
        let v = Value::List(vec![Value::Text("调解".into()), Value::Int(-5)]);
        assert_eq!(decode::<Value>(&encode(&v)), Ok(v.clone()));
        assert_eq!(decode::<Value>(&encode_compressed(&v)), Ok(v));
    }

    #[test]
    fn trailing_bytes_and_unknown_versions_are_refused() {
        let mut b = encode(&7u32);
        b.push(0);
        assert_eq!(decode::<u32>(&b), Err(CodecError::Trailing(1)));
        let mut b = encode(&7u32);
        b[0] = 9;
        assert_eq!(decode::<u32>(&b), Err(CodecError::Version(9)));
        assert_eq!(decode::<u32>(&[]), Err(CodecError::Truncated));
    }

    #[test]
    fn a_forged_length_prefix_is_refused_not_allocated() {
        // a string claiming 2^60 bytes
        let mut b = vec![VERSION, PLAIN, 3];
        b.extend([0xff, 0, 0, 0, 0, 0, 0, 0, 0x10]);
        assert!(matches!(decode::<Value>(&b), Err(CodecError::Decode(_))));
        let mut c = vec![VERSION, LZ4];
        c.extend(u32::MAX.to_le_bytes());
        assert_eq!(decode::<Value>(&c), Err(CodecError::Compression));
    }
}
