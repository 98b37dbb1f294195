//! Why a bundle is refused (docs/BUNDLE.md, "Refusals"). Each refusal names a stable catalogue
//! key (`key`) and its positional arguments (`args`), so the message a grid worker reads comes
//! from the catalogue in their language; `Display` is the English form for logs and tests.

use std::fmt;

/// The part of a bundle a refusal is about, in file order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Section {
    /// The magic, the version and the header's length (the first 16 bytes).
    Preamble,
    /// The header's fields.
    Header,
    /// The chunks of events and the end mark.
    Chunks,
    /// The hash and the signature (the last 96 bytes).
    Trailer,
    /// An event inside a chunk.
    Events,
}

impl Section {
    /// The section's name as used in messages (`header`, `chunks` …): stable, not translated.
    pub fn name(self) -> &'static str {
        match self {
            Section::Preamble => "preamble",
            Section::Header => "header",
            Section::Chunks => "chunks",
            Section::Trailer => "trailer",
            Section::Events => "events",
        }
    }
}

impl fmt::Display for Section {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A bundle refused whole: nothing of it may be used.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum BundleError {
    /// The file does not start with the bundle magic: not a gridlog bundle at all.
    #[error("not a gridlog bundle (wrong magic)")]
    NotABundle,
    /// A major format version this build cannot read (a newer gridlog wrote it).
    #[error("bundle format {major}.{minor} is not readable by this build (it reads format 1.x)")]
    UnsupportedVersion {
        /// The file's major version.
        major: u16,
        /// The file's minor version.
        minor: u16,
    },
    /// The file ends before the section is complete.
    #[error("bundle truncated: the {section} ends early at byte {offset}")]
    Truncated {
        /// Where.
        section: Section,
        /// Byte offset in the file where more was expected.
        offset: u64,
    },
    /// A length or count beyond what this format allows (refused before any allocation).
    #[error("bundle oversized: the {section} at byte {offset} claims {claimed}, at most {cap} allowed")]
    Oversized {
        /// Where.
        section: Section,
        /// Byte offset of the length.
        offset: u64,
        /// What the file claims.
        claimed: u64,
        /// The largest value allowed there.
        cap: u64,
    },
    /// Bytes after the trailer.
    #[error("bundle damaged: {count} unexpected bytes after the end at byte {offset}")]
    TrailingBytes {
        /// Where the bundle should have ended.
        offset: u64,
        /// How many bytes follow.
        count: u64,
    },
    /// A malformed field read before the hash is checked (so the file is damaged).
    #[error("bundle damaged: the {section} is malformed at byte {offset} ({what})")]
    Corrupt {
        /// Where.
        section: Section,
        /// Byte offset of the malformed item.
        offset: u64,
        /// What is wrong, in a few English words.
        what: &'static str,
    },
    /// The hash in the trailer is not the hash of the bytes before it.
    #[error("bundle damaged: its content does not match its checksum")]
    HashMismatch,
    /// The header's public key is not a valid ed25519 key.
    #[error("bundle forged or damaged: its signer's key is not a valid key")]
    BadKey,
    /// The signature does not verify with the header's public key.
    #[error("bundle forged or damaged: the signature of key {fingerprint} does not verify")]
    BadSignature {
        /// The claimed signer's public key, hex.
        fingerprint: String,
    },
    /// Signed and intact, but its content breaks the format (the producer is faulty or
    /// hostile).
    #[error("bundle invalid: the {section} at byte {offset} breaks the format ({what})")]
    Malformed {
        /// Where.
        section: Section,
        /// Byte offset (in the file; inside a chunk, the chunk's offset).
        offset: u64,
        /// What is wrong, in a few English words.
        what: &'static str,
    },
    /// The source could not be read (a pulled USB stick, a read error).
    #[error("bundle unreadable: {what}")]
    Unreadable {
        /// The I/O error's kind, in English.
        what: String,
    },
    /// The writer was given an event twice, or one larger than an event may be.
    #[error("cannot write event {device}/{seq} into a bundle: {what}")]
    Unwritable {
        /// The event's device.
        device: String,
        /// The event's seq.
        seq: u64,
        /// Why.
        what: &'static str,
    },
    /// An encrypted bundle sealed for another store's key (docs/BUNDLE.md, "Encrypted bundles").
    #[error("this bundle is encrypted for store {recipient}, not this one ({mine})")]
    SealedForOther {
        /// The recipient's fingerprint (its public key, hex), as the envelope names it.
        recipient: String,
        /// This store's fingerprint.
        mine: String,
    },
    /// A chunk of an encrypted bundle fails authentication: damaged or altered (or a chunk cut,
    /// moved or replaced).
    #[error("encrypted bundle damaged or altered: chunk {chunk} (from byte {offset}) fails its check")]
    SealedDamaged {
        /// The chunk's number, counted from 1.
        chunk: u64,
        /// The chunk's byte offset in the file.
        offset: u64,
    },
    /// An encrypted bundle shorter than its envelope says.
    #[error("encrypted bundle truncated: the file ends at byte {offset} of {expected}")]
    SealedTruncated {
        /// The file's length.
        offset: u64,
        /// The length the envelope claims (or the envelope's own length, if it is cut short).
        expected: u64,
    },
    /// (sealing) The recipient's key is not a valid ed25519 public key, or a weak one.
    #[error("cannot encrypt for key {fingerprint}: it is not a valid store public key")]
    SealedBadRecipient {
        /// The key given, hex.
        fingerprint: String,
    },
    /// (sealing) The operating system gave no randomness for the ephemeral key.
    #[error("cannot encrypt the bundle: no randomness from the system ({what})")]
    SealedNoRandom {
        /// The system's error.
        what: String,
    },
}

impl BundleError {
    /// The stable catalogue key of the message (`bundle.*`; the catalogue holds zh-CN and en).
    pub fn key(&self) -> &'static str {
        match self {
            BundleError::NotABundle => "bundle.not_a_bundle",
            BundleError::UnsupportedVersion { .. } => "bundle.unsupported_version",
            BundleError::Truncated { .. } => "bundle.truncated",
            BundleError::Oversized { .. } => "bundle.oversized",
            BundleError::TrailingBytes { .. } => "bundle.trailing_bytes",
            BundleError::Corrupt { .. } => "bundle.corrupt",
            BundleError::HashMismatch => "bundle.hash_mismatch",
            BundleError::BadKey => "bundle.bad_key",
            BundleError::BadSignature { .. } => "bundle.bad_signature",
            BundleError::Malformed { .. } => "bundle.malformed",
            BundleError::Unwritable { .. } => "bundle.unwritable",
            BundleError::Unreadable { .. } => "bundle.unreadable",
            BundleError::SealedForOther { .. } => "bundle.sealed_other",
            BundleError::SealedDamaged { .. } => "bundle.sealed_damaged",
            BundleError::SealedTruncated { .. } => "bundle.sealed_truncated",
            BundleError::SealedBadRecipient { .. } => "bundle.sealed_bad_recipient",
            BundleError::SealedNoRandom { .. } => "bundle.sealed_no_random",
        }
    }

    /// The message's positional arguments `{0}`, `{1}` …, in the order `Display` names them.
    pub fn args(&self) -> Vec<String> {
        match self {
            BundleError::NotABundle | BundleError::HashMismatch | BundleError::BadKey => vec![],
            BundleError::UnsupportedVersion { major, minor } => vec![format!("{major}.{minor}")],
            BundleError::Truncated { section, offset } => vec![section.to_string(), offset.to_string()],
            BundleError::Oversized { section, offset, claimed, cap } => {
                vec![section.to_string(), offset.to_string(), claimed.to_string(), cap.to_string()]
            }
            BundleError::TrailingBytes { offset, count } => vec![count.to_string(), offset.to_string()],
            BundleError::Corrupt { section, offset, what } | BundleError::Malformed { section, offset, what } => {
                vec![section.to_string(), offset.to_string(), (*what).to_string()]
            }
            BundleError::BadSignature { fingerprint } => vec![fingerprint.clone()],
            BundleError::Unwritable { device, seq, what } => vec![device.clone(), seq.to_string(), (*what).to_string()],
            BundleError::Unreadable { what } => vec![what.clone()],
            BundleError::SealedForOther { recipient, mine } => vec![recipient.clone(), mine.clone()],
            BundleError::SealedDamaged { chunk, offset } => vec![chunk.to_string(), offset.to_string()],
            BundleError::SealedTruncated { offset, expected } => vec![offset.to_string(), expected.to_string()],
            BundleError::SealedBadRecipient { fingerprint } => vec![fingerprint.clone()],
            BundleError::SealedNoRandom { what } => vec![what.clone()],
        }
    }

    /// Whether the file is damaged or forged (as opposed to written by a newer build, meant for
    /// another store, or a refusal of the writing side).
    pub fn is_damage(&self) -> bool {
        !matches!(
            self,
            BundleError::UnsupportedVersion { .. }
                | BundleError::Unwritable { .. }
                | BundleError::SealedForOther { .. }
                | BundleError::SealedBadRecipient { .. }
                | BundleError::SealedNoRandom { .. }
                | BundleError::Unreadable { .. }
        )
    }
}
