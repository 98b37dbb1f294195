//! Encrypted bundles (docs/BUNDLE.md, "Encrypted bundles"): only the recipient store opens one,
//! and gets the producer's signed bundle back unchanged; another store is told whose it is; a
//! damaged, cut, reordered or lying envelope is refused with a reason, never a panic and never
//! an allocation beyond the file's size.

#[path = "common/largest_alloc.rs"]
mod largest_alloc;

use ed25519_dalek::SigningKey;
use gridlog::domain::{DeviceId, EntityId, Kind, Value};
use gridlog::events::{Event, Hlc, Op, VersionVector};
use gridlog::i18n::entries;
use gridlog::sync::{
    Bundle, BundleError, BundleId, BundleWriter, ENVELOPE_LEN, Header, SEAL_CHUNK, TAG_LEN, is_sealed, open, seal,
    seal_with_ephemeral, sealed_for,
};

// ---- the largest single allocation made by this thread (as in tests/bundle_format.rs)

/// Opens `sealed` as the township, returning the outcome and the largest single allocation.
fn open_measured(sealed: &[u8]) -> (Result<Vec<u8>, BundleError>, usize) {
    largest_alloc::measured(|| open(sealed, &TOWNSHIP_SEED))
}

// ---- a village store's bundle, sealed for its township

const VILLAGE: DeviceId = DeviceId(0x0123_4567_89ab_cdef);
const VILLAGE_SEED: [u8; 32] = [42; 32];
const TOWNSHIP_SEED: [u8; 32] = [7; 32];
const NEIGHBOUR_SEED: [u8; 32] = [9; 32];

fn public(seed: &[u8; 32]) -> [u8; 32] {
    SigningKey::from_bytes(seed).verifying_key().to_bytes()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A signed bundle of `n` notes, each carrying `note_len` bytes of text that LZ4 cannot shrink
/// much (so a few thousand make a bundle of megabytes).
fn bundle(n: u64, note_len: usize) -> Vec<u8> {
    let mut have = VersionVector::new();
    have.insert_range(VILLAGE, 1..=n.max(1));
    let header = Header {
        id: BundleId(*b"gridlog-sealtest"),
        created_ms: 1_767_225_600_000,
        device: VILLAGE,
        public_key: [0; 32],
        worker: "王芳".into(),
        place: "石桥村".into(),
        role: "village".into(),
        division: "110101001001".into(),
        demo: false,
        have,
        includes: VersionVector::new(),
        divisions: Vec::new(),
    };
    let mut w = BundleWriter::new(header, &SigningKey::from_bytes(&VILLAGE_SEED));
    let mut x = 0x9e37_79b9_7f4a_7c15u64;
    for seq in 1..=n {
        let text: String = (0..note_len)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                char::from(b"0123456789abcdef"[(x & 15) as usize])
            })
            .collect();
        let op = if seq == 1 {
            Op::Create {
                kind: Kind::Demand, fields: vec![("content".into(), Value::Text("村口路灯不亮".into()))]
            }
        } else {
            Op::Change { action: "note".into(), set: vec![], add: vec![("notes".into(), Value::Text(text))] }
        };
        let entity = EntityId { device: VILLAGE, n: 1 };
        w.push(&Event {
            device: VILLAGE,
            seq,
            hlc: Hlc { ms: 1_767_225_600_000 + seq, count: 0 },
            worker: "王芳".into(),
            entity,
            op,
        })
        .unwrap();
    }
    w.finish()
}

fn small() -> Vec<u8> {
    bundle(3, 40)
}

fn sealed_small() -> Vec<u8> {
    seal(&small(), &public(&TOWNSHIP_SEED)).unwrap()
}

/// A bundle over 3 MiB, and its envelope: four chunks, the last one partial.
fn large() -> (Vec<u8>, Vec<u8>) {
    let plain = bundle(3300, 1000);
    assert!(plain.len() > 3 * SEAL_CHUNK && plain.len() < 4 * SEAL_CHUNK, "{} bytes", plain.len());
    let sealed = seal(&plain, &public(&TOWNSHIP_SEED)).unwrap();
    (plain, sealed)
}

/// Where chunk `i` (from 0) of an envelope starts.
fn chunk_at(i: usize) -> usize {
    ENVELOPE_LEN + i * (SEAL_CHUNK + TAG_LEN)
}

fn refused(sealed: &[u8]) -> BundleError {
    let (out, largest) = open_measured(sealed);
    assert!(largest <= sealed.len() + 1024, "opening {} bytes allocated {largest}", sealed.len());
    out.expect_err("an altered envelope must be refused")
}

// ---- the golden file: a reader in another language, or a later build, opens it for ever

const SEALED_FIXTURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/sealed-v1.bin");
const BUNDLE_FIXTURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/bundle-v1.bin");
/// The fixture's ephemeral secret (a real seal draws a fresh one from the system).
const FIXTURE_EPHEMERAL: [u8; 32] = [5; 32];

/// `tests/fixtures/bundle-v1.bin` sealed for the township (key seed `[7; 32]`). To regenerate
/// (only ever as a new file for a new envelope version):
/// `GRIDLOG_WRITE_FIXTURE=1 cargo test --test bundle_seal -- --exact writes_the_sealed_fixture`.
fn sealed_fixture_bytes() -> Vec<u8> {
    let plain = std::fs::read(BUNDLE_FIXTURE).unwrap();
    seal_with_ephemeral(&plain, &public(&TOWNSHIP_SEED), &FIXTURE_EPHEMERAL).unwrap()
}

#[test]
fn writes_the_sealed_fixture() {
    if std::env::var_os("GRIDLOG_WRITE_FIXTURE").is_some() {
        std::fs::write(SEALED_FIXTURE, sealed_fixture_bytes()).unwrap();
    }
}

#[test]
fn the_golden_sealed_v1_file_opens_to_the_golden_bundle() {
    let sealed = std::fs::read(SEALED_FIXTURE).expect("tests/fixtures/sealed-v1.bin is committed");
    assert_eq!(sealed_for(&sealed), Some(public(&TOWNSHIP_SEED)));
    let plain = open(&sealed, &TOWNSHIP_SEED).unwrap();
    assert_eq!(plain, std::fs::read(BUNDLE_FIXTURE).unwrap());
    assert_eq!(Bundle::read(&plain).unwrap().header.place, "石桥村");
    // and this build still seals it bit for bit: the key derivation, nonces and layout are pinned
    assert_eq!(sealed_fixture_bytes(), sealed);
}

// ---- the recipient opens it; nobody else reads it

#[test]
fn the_recipient_opens_the_producers_signed_bundle_unchanged() {
    let plain = small();
    let sealed = seal(&plain, &public(&TOWNSHIP_SEED)).unwrap();
    assert_eq!(open(&sealed, &TOWNSHIP_SEED).unwrap(), plain);
    let b = Bundle::read(&open(&sealed, &TOWNSHIP_SEED).unwrap()).unwrap();
    assert_eq!(b.header.public_key, public(&VILLAGE_SEED), "the producer's signature still holds");
    assert_eq!(b.events.len(), 3);

    // the plain bundle's header names the worker and the place; the sealed file shows neither
    for secret in ["王芳", "石桥村"] {
        let s = secret.as_bytes();
        assert!(plain.windows(s.len()).any(|w| w == s));
        assert!(!sealed.windows(s.len()).any(|w| w == s), "{secret} shows in the sealed file");
    }
    // a fresh ephemeral key each time: the same bundle sealed twice gives unrelated files
    let again = seal(&plain, &public(&TOWNSHIP_SEED)).unwrap();
    assert_ne!(again[ENVELOPE_LEN..], sealed[ENVELOPE_LEN..]);
    assert_eq!(open(&again, &TOWNSHIP_SEED).unwrap(), plain);
}

#[test]
fn a_sealed_file_says_whom_it_is_for_without_any_key() {
    let plain = small();
    let sealed = sealed_small();
    assert!(is_sealed(&sealed) && !is_sealed(&plain));
    assert_eq!(sealed_for(&sealed), Some(public(&TOWNSHIP_SEED)));
    assert_eq!(sealed_for(&plain), None);
    assert_eq!(sealed_for(&sealed[..40]), None, "too short to name a key");
    // a plain bundle handed to open is not an envelope
    assert_eq!(open(&plain, &TOWNSHIP_SEED).unwrap_err(), BundleError::NotABundle);
}

#[test]
fn another_store_cannot_open_it_and_is_told_whose_it_is() {
    let e = open(&sealed_small(), &NEIGHBOUR_SEED).unwrap_err();
    assert_eq!(e.key(), "bundle.sealed_other");
    assert_eq!(e.args(), vec![hex(&public(&TOWNSHIP_SEED)), hex(&public(&NEIGHBOUR_SEED))]);
    assert!(!e.is_damage(), "the file is fine, just not ours");
    // nor does pretending it is for the neighbour help: the key is bound to the recipient
    let mut forged = sealed_small();
    forged[12..44].copy_from_slice(&public(&NEIGHBOUR_SEED));
    assert_eq!(open(&forged, &NEIGHBOUR_SEED).unwrap_err().key(), "bundle.sealed_damaged");
}

#[test]
fn a_key_that_is_no_store_key_is_refused_when_sealing() {
    let mut not_a_point = [0u8; 32];
    not_a_point[0] = 2; // y = 2 is not on the curve
    let mut identity = [0u8; 32];
    identity[0] = 1; // the identity point: small order, anyone could "open" it
    for key in [not_a_point, identity] {
        let e = seal(&small(), &key).unwrap_err();
        assert_eq!(e.key(), "bundle.sealed_bad_recipient");
        assert_eq!(e.args(), vec![hex(&key)]);
    }
}

#[test]
fn a_large_bundle_crosses_chunks_and_opens() {
    let (plain, sealed) = large();
    assert_eq!(sealed.len(), ENVELOPE_LEN + plain.len() + 4 * TAG_LEN);
    let (out, largest) = open_measured(&sealed);
    let out = out.unwrap();
    assert!(largest <= plain.len() + 1024, "one plaintext's worth, no second copy: {largest}");
    assert_eq!(out, plain);
    assert_eq!(Bundle::read(&out).unwrap().events.len(), 3300);
}

#[test]
fn an_empty_plaintext_is_one_tag_and_opens() {
    let sealed = seal(&[], &public(&TOWNSHIP_SEED)).unwrap();
    assert_eq!(sealed.len(), ENVELOPE_LEN + TAG_LEN);
    assert_eq!(open(&sealed, &TOWNSHIP_SEED).unwrap(), Vec::<u8>::new());
}

// ---- damage, cuts, reordering, lies

#[test]
fn every_single_bit_flip_is_refused() {
    let sealed = sealed_small();
    for i in 0..sealed.len() {
        for bit in 0..8 {
            let mut d = sealed.clone();
            d[i] ^= 1 << bit;
            let e = refused(&d);
            let expected = match i {
                0..8 => "bundle.not_a_bundle",
                8..10 => "bundle.unsupported_version",
                12..44 => "bundle.sealed_other",
                76..84 => e.key(), // the length: cut short or trailing bytes, checked below
                _ => "bundle.sealed_damaged",
            };
            assert_eq!(e.key(), expected, "bit {bit} of byte {i}: {e}");
            if expected == "bundle.sealed_damaged" {
                assert_eq!(e, BundleError::SealedDamaged { chunk: 1, offset: ENVELOPE_LEN as u64 }, "byte {i}");
            }
            if (76..84).contains(&i) {
                assert!(matches!(e, BundleError::SealedTruncated { .. } | BundleError::TrailingBytes { .. }), "{e}");
            }
        }
    }
}

#[test]
fn a_cut_anywhere_is_refused_as_cut_short() {
    let sealed = sealed_small();
    for n in 0..sealed.len() {
        let e = refused(&sealed[..n]);
        assert!(e.is_damage(), "cut at {n}: {e}");
        let expected = if n < ENVELOPE_LEN { ENVELOPE_LEN } else { sealed.len() };
        assert_eq!(e, BundleError::SealedTruncated { offset: n as u64, expected: expected as u64 }, "cut at {n}");
    }
}

#[test]
fn a_cut_at_every_chunk_boundary_is_refused_even_when_the_length_is_rewritten() {
    let (plain, sealed) = large();
    for i in 0..4 {
        let cut = &sealed[..chunk_at(i)];
        assert_eq!(
            refused(cut),
            BundleError::SealedTruncated { offset: cut.len() as u64, expected: sealed.len() as u64 }
        );
        // rewrite the length to what remains: still refused, since the envelope is
        // authenticated with every chunk, and the last chunk left was not written as the last
        if i > 0 {
            let mut lying = cut.to_vec();
            lying[76..84].copy_from_slice(&((i * SEAL_CHUNK) as u64).to_be_bytes());
            assert_eq!(refused(&lying).key(), "bundle.sealed_damaged", "cut before chunk {i}");
        }
    }
    // dropping whole chunks from the middle, the length rewritten to match
    let mut spliced = sealed[..chunk_at(1)].to_vec();
    spliced.extend_from_slice(&sealed[chunk_at(3)..]);
    let remaining = plain.len() - 2 * SEAL_CHUNK;
    spliced[76..84].copy_from_slice(&(remaining as u64).to_be_bytes());
    assert_eq!(refused(&spliced).key(), "bundle.sealed_damaged");
}

#[test]
fn swapped_or_repeated_chunks_are_refused_naming_the_first_bad_one() {
    let (_, sealed) = large();
    let chunk = |i: usize| sealed[chunk_at(i)..chunk_at(i + 1)].to_vec();

    let mut swapped = sealed.clone();
    swapped[chunk_at(1)..chunk_at(2)].copy_from_slice(&chunk(2));
    swapped[chunk_at(2)..chunk_at(3)].copy_from_slice(&chunk(1));
    assert_eq!(refused(&swapped), BundleError::SealedDamaged { chunk: 2, offset: chunk_at(1) as u64 });

    let mut repeated = sealed.clone();
    repeated[chunk_at(2)..chunk_at(3)].copy_from_slice(&chunk(1));
    assert_eq!(refused(&repeated), BundleError::SealedDamaged { chunk: 3, offset: chunk_at(2) as u64 });

    // a chunk of another envelope for the same store, in the same place
    let (_, other) = large();
    let mut mixed = sealed.clone();
    mixed[chunk_at(0)..chunk_at(1)].copy_from_slice(&other[chunk_at(0)..chunk_at(1)]);
    assert_eq!(refused(&mixed), BundleError::SealedDamaged { chunk: 1, offset: ENVELOPE_LEN as u64 });
}

#[test]
fn a_length_claiming_gigabytes_is_refused_before_any_allocation() {
    let sealed = sealed_small();
    for claim in [4u64 << 30, u64::MAX] {
        let mut d = sealed.clone();
        d[76..84].copy_from_slice(&claim.to_be_bytes());
        let e = refused(&d);
        let BundleError::SealedTruncated { offset, expected } = e else { panic!("{claim}: {e}") };
        assert_eq!(offset, sealed.len() as u64);
        assert!(expected > claim.min(u64::MAX - 1), "names the claimed size: {expected}");
    }
    // a length shorter than the file: the rest is refused as trailing bytes
    let mut d = sealed.clone();
    d[76..84].copy_from_slice(&0u64.to_be_bytes());
    assert_eq!(
        refused(&d),
        BundleError::TrailingBytes {
            offset: (ENVELOPE_LEN + TAG_LEN) as u64,
            count: (sealed.len() - ENVELOPE_LEN - TAG_LEN) as u64
        }
    );
}

#[test]
fn an_altered_envelope_is_refused() {
    let sealed = sealed_small();
    // a newer envelope version is refused by name, and is not read for its recipient
    let mut newer = sealed.clone();
    newer[8..12].copy_from_slice(&[0, 2, 0, 1]);
    assert_eq!(refused(&newer), BundleError::UnsupportedVersion { major: 2, minor: 1 });
    assert_eq!(sealed_for(&newer), None);
    // a minor version changed after sealing, or a small-order ephemeral key
    let mut minor = sealed.clone();
    minor[11] ^= 1;
    let mut zero_ephemeral = sealed.clone();
    zero_ephemeral[44..76].fill(0);
    for d in [minor, zero_ephemeral] {
        assert_eq!(refused(&d), BundleError::SealedDamaged { chunk: 1, offset: ENVELOPE_LEN as u64 });
    }
    let mut longer = sealed.clone();
    longer.push(0);
    assert_eq!(refused(&longer).key(), "bundle.trailing_bytes");
}

#[test]
fn every_sealing_refusal_reads_in_both_languages_with_its_arguments() {
    let cases = [
        BundleError::SealedForOther { recipient: "aa".into(), mine: "bb".into() },
        BundleError::SealedDamaged { chunk: 2, offset: 1_048_684 },
        BundleError::SealedTruncated { offset: 100, expected: 200 },
        BundleError::SealedBadRecipient { fingerprint: "cc".into() },
        BundleError::SealedNoRandom { what: "no entropy".into() },
    ];
    for e in cases {
        let (_, zh, en) =
            entries().find(|(k, _, _)| *k == e.key()).unwrap_or_else(|| panic!("{} is not in the catalogue", e.key()));
        for (i, a) in e.args().iter().enumerate() {
            let slot = format!("{{{i}}}");
            assert!(zh.contains(&slot) && en.contains(&slot), "{} lacks {slot}", e.key());
            assert!(e.to_string().contains(a.as_str()), "{e} names {a}");
        }
        assert!(!zh.contains(&format!("{{{}}}", e.args().len())), "{} has a slot too many", e.key());
    }
}
