//! The bundle format v1 (docs/BUNDLE.md): the golden fixture is read for ever, and a damaged or
//! forged bundle is refused whole, with a reason, never a panic and never an allocation beyond
//! the file's size.
//!
//! The fixtures `tests/fixtures/bundle-v1.bin` (format 1.0) and `bundle-v1.1.bin` (1.1, which
//! adds the divisions field) were each written once by the writer of their day from the inputs
//! below: a fixed key seed, a fixed bundle id and time, fixed events; ed25519 signatures are
//! deterministic, so the generator gives the same bytes every time. A fixture is never written
//! again: a new format version gets a new file. The 1.1 file was written by
//! `GRIDLOG_WRITE_FIXTURE=1 cargo test --test bundle_format -- --exact writes_the_fixture`.

#[path = "common/largest_alloc.rs"]
mod largest_alloc;

use ed25519_dalek::{Signer, SigningKey};
use gridlog::domain::{Day, DeviceId, EntityId, Kind, Value};
use gridlog::events::{Event, Hlc, Op, Stamp, VersionVector, Write};
use gridlog::sync::{Bundle, BundleError, BundleId, BundleWriter, Header, Section};
use proptest::prelude::*;

// ---- the largest single allocation made by this thread, to check that reading a damaged
// bundle never allocates more than the file's size

/// What reading may allocate at most for a file of `len` bytes: the file's size, plus fixed
/// bookkeeping whatever the file claims (a have-set's tree node is ~400 bytes).
fn allowed(len: usize) -> usize {
    len + 1024
}

/// Reads `bytes`, returning the outcome and the largest single allocation made meanwhile.
fn read_measured(bytes: &[u8]) -> (Result<Bundle, BundleError>, usize) {
    largest_alloc::measured(|| Bundle::read(bytes))
}

// ---- the fixture's producer and events

const FIXTURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/bundle-v1.bin");
const FIXTURE_1_1: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/bundle-v1.1.bin");
const VILLAGE: DeviceId = DeviceId(0x0123_4567_89ab_cdef);
const TOWNSHIP: DeviceId = DeviceId(0x0fed_cba9_8765_4321);
const T0: u64 = 1_767_225_600_000; // 2026-01-01T00:00:00Z

fn key() -> SigningKey {
    SigningKey::from_bytes(&[42; 32])
}

fn producer() -> Header {
    let mut have = VersionVector::new();
    have.insert_range(VILLAGE, 1..=3);
    have.insert_range(TOWNSHIP, 1..=2);
    have.insert(TOWNSHIP, 5);
    Header {
        id: BundleId(*b"gridlog-fixture1"),
        created_ms: T0 + 3_600_000,
        device: VILLAGE,
        public_key: [0; 32],
        worker: "王芳".into(),
        place: "石桥村".into(),
        role: "village".into(),
        division: "110101001001".into(),
        demo: false,
        have,
        includes: VersionVector::new(),
        divisions: vec![(VILLAGE, "110101001001".into()), (TOWNSHIP, "110101001000".into())],
    }
}

fn demand() -> EntityId {
    EntityId { device: VILLAGE, n: 1 }
}

fn fixture_events() -> Vec<Event> {
    let ev = |device, seq, ms, worker: &str, op| Event {
        device,
        seq,
        hlc: Hlc { ms, count: 0 },
        worker: worker.into(),
        entity: demand(),
        op,
    };
    vec![
        ev(
            VILLAGE,
            1,
            T0,
            "王芳",
            Op::Create {
                kind: Kind::Demand,
                fields: vec![
                    ("received_on".into(), Value::Date(Day(20_454))),
                    ("channel".into(), Value::Text("visit".into())),
                    ("requester".into(), Value::Text("李秀英".into())),
                    ("content".into(), Value::Text("村口路灯不亮".into())),
                    ("urgent".into(), Value::Bool(false)),
                    ("status".into(), Value::Text("open".into())),
                ],
            },
        ),
        ev(
            VILLAGE,
            3,
            T0 + 60_000,
            "王芳",
            Op::Change {
                action: "edit".into(),
                set: vec![
                    Write {
                        field: "content".into(),
                        value: Value::Text("村口两盏路灯不亮".into()),
                        base: Some(Stamp { hlc: Hlc { ms: T0, count: 0 }, device: VILLAGE }),
                    },
                    Write { field: "urgent".into(), value: Value::Bool(true), base: None },
                ],
                add: vec![],
            },
        ),
        ev(
            TOWNSHIP,
            5,
            T0 + 120_000,
            "张伟",
            Op::Change {
                action: "note".into(),
                set: vec![],
                add: vec![(
                    "replies".into(),
                    Value::Map(vec![
                        ("on".into(), Value::Date(Day(20_455))),
                        ("text".into(), Value::Text("已报电力所".into())),
                        ("amount".into(), Value::Int(-1_500)),
                        ("links".into(), Value::List(vec![Value::Ref(demand()), Value::Null])),
                    ]),
                )],
            },
        ),
    ]
}

fn fixture_bytes() -> Vec<u8> {
    let mut w = BundleWriter::new(producer(), &key());
    for e in fixture_events() {
        w.push(&e).unwrap();
    }
    w.finish()
}

fn fixture() -> Vec<u8> {
    std::fs::read(FIXTURE).expect("tests/fixtures/bundle-v1.bin is committed")
}

fn fixture_1_1() -> Vec<u8> {
    std::fs::read(FIXTURE_1_1).expect("tests/fixtures/bundle-v1.1.bin is committed")
}

#[test]
fn writes_the_fixture() {
    // only the current version's file, and only when it does not exist yet
    if std::env::var_os("GRIDLOG_WRITE_FIXTURE").is_some() && !std::path::Path::new(FIXTURE_1_1).exists() {
        std::fs::write(FIXTURE_1_1, fixture_bytes()).unwrap();
    }
}

// ---- the golden fixture, for ever

#[test]
fn the_golden_v1_bundle_is_read_with_its_producer_and_events() {
    let b = Bundle::read(&fixture()).unwrap();
    let h = &b.header;
    assert_eq!(b.minor, 0);
    assert!(h.divisions.is_empty(), "1.0 has no divisions field");
    assert_eq!(h.id, BundleId(*b"gridlog-fixture1"));
    assert_eq!(h.created_ms, T0 + 3_600_000);
    assert_eq!(h.device, VILLAGE);
    assert_eq!(h.public_key, key().verifying_key().to_bytes());
    assert_eq!((h.worker.as_str(), h.place.as_str(), h.role.as_str()), ("王芳", "石桥村", "village"));
    assert_eq!(h.division, "110101001001");
    assert!(!h.demo);
    assert_eq!(h.have.ranges(TOWNSHIP).collect::<Vec<_>>(), vec![1..=2, 5..=5]);
    assert_eq!(h.includes.ranges(VILLAGE).collect::<Vec<_>>(), vec![1..=1, 3..=3]);
    assert_eq!(h.includes.ranges(TOWNSHIP).collect::<Vec<_>>(), vec![5..=5]);

    let keys: Vec<_> = b.events.iter().map(|e| (e.device, e.seq, e.entity)).collect();
    assert_eq!(keys, vec![(VILLAGE, 1, demand()), (VILLAGE, 3, demand()), (TOWNSHIP, 5, demand())]);
    match &b.events[1].op {
        Op::Change { action, set, add } => {
            assert_eq!(action, "edit");
            assert!(add.is_empty());
            assert_eq!(set[0].field, "content");
            assert_eq!(set[0].value, Value::Text("村口两盏路灯不亮".into()));
            assert_eq!(set[0].base, Some(Stamp { hlc: Hlc { ms: T0, count: 0 }, device: VILLAGE }));
            assert_eq!((set[1].field.as_str(), &set[1].value, set[1].base), ("urgent", &Value::Bool(true), None));
        }
        op => panic!("the second event is the edit, not {op:?}"),
    }
    assert_eq!(b.events, fixture_events());
    // content hashes travel with events: the fixture's are the kernel's
    assert_eq!(b.events[0].content_hash(), fixture_events()[0].content_hash());
}

#[test]
fn the_golden_v1_1_bundle_is_read_with_the_divisions_of_its_devices() {
    let b = Bundle::read(&fixture_1_1()).unwrap();
    assert_eq!(b.minor, 1);
    assert_eq!(b.header.divisions, producer().divisions);
    assert_eq!(b.header.have, producer().have);
    assert_eq!(b.events, fixture_events());
    // the same producer and events as the 1.0 file, and the same have-sets
    let old = Bundle::read(&fixture()).unwrap();
    assert_eq!((b.header.includes, b.header.device), (old.header.includes, old.header.device));
}

#[test]
fn this_build_still_writes_the_fixture_header_bit_for_bit() {
    // format 1.1 is fixed: a writer change that alters the preamble or the header is a new
    // (minor) version, with a new fixture beside this one. The chunks are compared once read,
    // as another lz4_flex release may compress the same events to other (equally valid) bytes.
    let (old, new) = (fixture_1_1(), fixture_bytes());
    let head = 16 + header_len(&old);
    assert!(old[..head] == new[..head], "the writer no longer writes the 1.1 header as fixed");
    assert_eq!(Bundle::read(&new).unwrap(), Bundle::read(&old).unwrap());
}

// ---- refusals, each with its reason

fn refused(bytes: &[u8]) -> BundleError {
    let (out, largest) = read_measured(bytes);
    assert!(largest <= allowed(bytes.len()), "allocated {largest} bytes reading {} bytes", bytes.len());
    out.expect_err("refused")
}

/// Re-hashes and re-signs `body` (everything before the trailer) with `key`.
fn sign(mut body: Vec<u8>, key: &SigningKey) -> Vec<u8> {
    let hash = blake3::hash(&body);
    let mut msg = b"gridlog/bundle/1".to_vec();
    msg.extend_from_slice(hash.as_bytes());
    let sig = key.sign(&msg);
    body.extend_from_slice(hash.as_bytes());
    body.extend_from_slice(&sig.to_bytes());
    body
}

fn body(bytes: &[u8]) -> Vec<u8> {
    bytes[..bytes.len() - 96].to_vec()
}

fn header_len(bytes: &[u8]) -> usize {
    u32::from_be_bytes(bytes[12..16].try_into().unwrap()) as usize
}

#[test]
fn a_file_that_is_not_a_bundle_is_refused() {
    let mut b = fixture();
    b[1] = b'X';
    assert_eq!(refused(&b), BundleError::NotABundle);
    assert_eq!(refused(b"{\"records\": []}"), BundleError::NotABundle);
    assert_eq!(refused(b""), BundleError::Truncated { section: Section::Preamble, offset: 0 });
}

#[test]
fn an_unknown_major_version_is_refused_and_says_which() {
    let mut b = fixture();
    b[8..12].copy_from_slice(&[0, 2, 0, 3]);
    let e = refused(&b);
    assert_eq!(e, BundleError::UnsupportedVersion { major: 2, minor: 3 });
    assert_eq!((e.key(), e.args()), ("bundle.unsupported_version", vec!["2.3".to_string()]));
}

#[test]
fn lengths_that_claim_gigabytes_are_refused_before_any_allocation() {
    let b = fixture();
    let mut big_header = b.clone();
    big_header[12..16].copy_from_slice(&0xFFFF_FFF0u32.to_be_bytes());
    assert!(matches!(refused(&big_header), BundleError::Oversized { section: Section::Header, .. }));

    let chunk = 16 + header_len(&b);
    for field in [4, 8] {
        let mut big = b.clone();
        big[chunk + field..chunk + field + 4].copy_from_slice(&0xFFFF_FFFFu32.to_be_bytes());
        let e = refused(&big);
        assert!(matches!(e, BundleError::Oversized { section: Section::Chunks, .. }), "{e}");
    }
    let mut many = b.clone();
    many[chunk..chunk + 4].copy_from_slice(&0xFFFF_FFFFu32.to_be_bytes());
    assert!(matches!(refused(&many), BundleError::Oversized { section: Section::Chunks, .. }));

    // a header length that fits the cap but not the file
    let mut long = b.clone();
    long[12..16].copy_from_slice(&(b.len() as u32).to_be_bytes());
    assert!(matches!(refused(&long), BundleError::Truncated { section: Section::Header, .. }));
}

#[test]
fn trailing_garbage_is_refused() {
    let mut b = fixture();
    b.extend_from_slice(b"\n");
    let e = refused(&b);
    assert_eq!(e, BundleError::TrailingBytes { offset: (b.len() - 1) as u64, count: 1 });
    assert_eq!(e.key(), "bundle.trailing_bytes");
}

#[test]
fn a_header_altered_after_signing_is_refused() {
    let b = fixture();
    let at = b.windows("石桥村".len()).position(|w| w == "石桥村".as_bytes()).unwrap();
    let mut altered = b.clone();
    altered[at..at + 3].copy_from_slice("山".as_bytes());
    assert_eq!(refused(&altered), BundleError::HashMismatch);

    // the hash recomputed too: the signature still refuses it
    let mut rehashed = body(&altered);
    let hash = blake3::hash(&rehashed);
    rehashed.extend_from_slice(hash.as_bytes());
    rehashed.extend_from_slice(&b[b.len() - 64..]);
    let e = refused(&rehashed);
    assert_eq!(e, BundleError::BadSignature { fingerprint: Bundle::read(&b).unwrap().header.fingerprint() });
}

#[test]
fn a_bundle_signed_by_another_key_is_refused() {
    let forged = sign(body(&fixture()), &SigningKey::from_bytes(&[7; 32]));
    let e = refused(&forged);
    assert!(matches!(e, BundleError::BadSignature { .. }), "{e}");
    assert_eq!(e.key(), "bundle.bad_signature");
}

#[test]
fn a_signed_bundle_whose_includes_lie_is_refused() {
    // the producer's key signs it, but the header claims an event that is not inside
    let mut h = producer();
    h.public_key = key().verifying_key().to_bytes();
    let honest = fixture();
    let mut w = BundleWriter::new(h, &key());
    for e in fixture_events().iter().take(2) {
        w.push(e).unwrap();
    }
    let short = w.finish();
    // splice the three-event header onto the two-event chunks, and sign it
    let mut spliced = honest[..16 + header_len(&honest)].to_vec();
    spliced.extend_from_slice(&body(&short)[16 + header_len(&short)..]);
    let e = refused(&sign(spliced, &key()));
    assert!(matches!(e, BundleError::Malformed { .. }), "{e}");
}

#[test]
fn every_refusal_has_a_catalogue_key_and_its_arguments() {
    let b = fixture();
    let cases =
        [refused(&b[..10]), refused(&b[..b.len() - 1]), refused(&sign(body(&b), &SigningKey::from_bytes(&[7; 32])))];
    for e in cases {
        assert!(e.key().starts_with("bundle."), "{}", e.key());
        assert!(e.is_damage());
        let text = e.to_string();
        for a in e.args() {
            assert!(text.contains(&a), "{text} names {a}");
        }
    }
}

// ---- any single damage is refused: a flipped byte anywhere, a cut anywhere

#[test]
fn a_cut_at_any_byte_is_refused() {
    let b = fixture();
    for n in 0..b.len() {
        let e = refused(&b[..n]);
        assert!(e.is_damage(), "cut at {n}: {e}");
    }
}

#[test]
fn every_single_bit_flip_is_refused() {
    let b = fixture();
    for i in 0..b.len() {
        for bit in 0..8 {
            let mut d = b.clone();
            d[i] ^= 1 << bit;
            refused(&d);
        }
    }
}

proptest! {
    #[test]
    fn any_byte_replaced_is_refused(at in any::<prop::sample::Index>(), x in 1u8..=255) {
        let mut b = fixture();
        let i = at.index(b.len());
        b[i] ^= x;
        let (out, largest) = read_measured(&b);
        prop_assert!(out.is_err(), "flip {x:#x} at {i} was read");
        prop_assert!(largest <= allowed(b.len()), "allocated {largest}");
    }

    #[test]
    fn any_run_of_bytes_overwritten_or_cut_is_refused(
        at in any::<prop::sample::Index>(),
        junk in prop::collection::vec(any::<u8>(), 1..40),
        cut in any::<bool>(),
    ) {
        let b = fixture();
        let i = at.index(b.len());
        let mut d = b.clone();
        let end = (i + junk.len()).min(d.len());
        d[i..end].copy_from_slice(&junk[..end - i]);
        if cut {
            d.truncate(end);
        }
        prop_assume!(d != b);
        let (out, largest) = read_measured(&d);
        prop_assert!(out.is_err());
        prop_assert!(largest <= allowed(d.len()), "allocated {largest}");
    }
}
