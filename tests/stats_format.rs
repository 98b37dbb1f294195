//! The statistics file format v1 (docs/COUNTY.md, "A separate kind of file, not a bundle"): the
//! golden fixture is read for ever, and a damaged, forged or rule-breaking file is refused whole,
//! with a reason, never a panic and never an allocation beyond the file's size.
//!
//! The fixture `tests/fixtures/stats-v1.bin` (format 1.0) was written once from the inputs
//! below: a fixed key seed, a fixed id and time, fixed rows; ed25519 signatures are
//! deterministic, so the writer gives the same bytes every time. A fixture is never written
//! again: a new format version gets a new file. It was written by
//! `GRIDLOG_WRITE_FIXTURE=1 cargo test --test stats_format -- --exact writes_the_fixture`.

#[path = "common/largest_alloc.rs"]
mod largest_alloc;

use ed25519_dalek::{Signer, SigningKey};
use gridlog::domain::figures::Period;
use gridlog::domain::{Day, DeviceId, Kind};
use gridlog::sync::{
    Bundle, BundleError, BundleId, STATS_CONTEXT, STATS_FILE_MAX, STATS_MAGIC, Section, StatsFile, StatsHeader,
    StatsRow, is_stats, read_stats, write_stats,
};

const FIXTURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/stats-v1.bin");
const BUNDLE_FIXTURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/bundle-v1.1.bin");
const TOWNSHIP: DeviceId = DeviceId(0x0fed_cba9_8765_4321);
const T0: u64 = 1_767_225_600_000; // 2026-01-01T00:00:00Z

fn key() -> SigningKey {
    SigningKey::from_bytes(&[42; 32])
}

fn producer() -> StatsHeader {
    StatsHeader {
        id: BundleId(*b"gridlog-stats-01"),
        created_ms: T0 + 3_600_000,
        device: TOWNSHIP,
        public_key: [0; 32],
        worker: "张伟".into(),
        place: "城关镇".into(),
        role: "township".into(),
        division: "110101001000".into(),
        demo: false,
        definitions: 1,
        as_of: Day::parse("2026-11-30").unwrap(),
        places: vec![("110101001001".into(), "石桥村".into()), ("110101001002".into(), "东关村".into())],
    }
}

fn row(place: u32, period: &str, category: Option<(Kind, &str)>, figures: &[(u16, u64)]) -> StatsRow {
    StatsRow {
        place,
        period: Period::parse(period).unwrap(),
        category: category.map(|(k, c)| (k, c.to_string())),
        figures: figures.to_vec(),
    }
}

fn fixture_rows() -> Vec<StatsRow> {
    vec![
        row(0, "2026-11", None, &[(1, 14), (2, 9), (3, 120), (6, 4), (7, 3)]),
        row(0, "2026-11", Some((Kind::Demand, "ROAD")), &[(6, 2), (7, 2)]),
        row(0, "2026-11", Some((Kind::Hazard, "FIRE")), &[(20, 1)]),
        row(0, "2026-Q4", None, &[(1, 40), (2, 61)]),
        row(0, "2026", None, &[(1, 160), (40, u64::MAX)]),
        row(1, "2026-11", None, &[]),
    ]
}

fn fixture_bytes() -> Vec<u8> {
    write_stats(&producer(), &fixture_rows(), &key()).unwrap()
}

fn fixture() -> Vec<u8> {
    std::fs::read(FIXTURE).expect("tests/fixtures/stats-v1.bin is committed")
}

#[test]
fn writes_the_fixture() {
    // only when asked, and only when it does not exist yet
    if std::env::var_os("GRIDLOG_WRITE_FIXTURE").is_some() && !std::path::Path::new(FIXTURE).exists() {
        std::fs::write(FIXTURE, fixture_bytes()).unwrap();
    }
}

// ---- the golden fixture, for ever

#[test]
fn the_golden_v1_file_is_read_with_its_producer_and_rows() {
    let f = read_stats(&fixture()).unwrap();
    let h = &f.header;
    assert_eq!(h.id, BundleId(*b"gridlog-stats-01"));
    assert_eq!((h.created_ms, h.device), (T0 + 3_600_000, TOWNSHIP));
    assert_eq!(h.public_key, key().verifying_key().to_bytes());
    assert_eq!((h.worker.as_str(), h.place.as_str(), h.role.as_str()), ("张伟", "城关镇", "township"));
    assert_eq!((h.division.as_str(), h.demo, h.definitions), ("110101001000", false, 1));
    assert_eq!(h.as_of.to_string(), "2026-11-30");
    assert_eq!(h.places[0], ("110101001001".to_string(), "石桥村".to_string()));
    assert_eq!(h.places.len(), 2);
    assert_eq!(f.rows.len(), 6);
    assert_eq!(f.rows[1].category, Some((Kind::Demand, "ROAD".to_string())));
    assert_eq!(f.rows[3].period.to_string(), "2026-Q4");
    assert_eq!(f.rows[4].figures, vec![(1, 160), (40, u64::MAX)]);
    assert_eq!(f.rows, fixture_rows());
}

#[test]
fn this_build_still_writes_the_fixture_bit_for_bit() {
    // format 1.0 is fixed: a writer change that alters its bytes is a new version, with a new
    // fixture beside this one
    assert!(fixture() == fixture_bytes(), "the writer no longer writes stats 1.0 as fixed");
}

#[test]
fn any_rows_the_writer_accepts_read_back_as_written() {
    let mut h = producer();
    h.demo = true;
    h.places.push(("110101001003".into(), String::new()));
    let rows = vec![row(2, "2025-01", Some((Kind::Visit, "")), &[(0, 0), (u16::MAX, 7)])];
    let f = read_stats(&write_stats(&h, &rows, &SigningKey::from_bytes(&[9; 32])).unwrap()).unwrap();
    h.public_key = SigningKey::from_bytes(&[9; 32]).verifying_key().to_bytes();
    assert_eq!(f, StatsFile { header: h, rows });
}

// ---- refusals

/// What reading may allocate at most for a file of `len` bytes.
fn allowed(len: usize) -> usize {
    len + 1024
}

fn refused(bytes: &[u8]) -> BundleError {
    let (out, largest) = largest_alloc::measured(|| read_stats(bytes));
    assert!(largest <= allowed(bytes.len()), "allocated {largest} bytes reading {} bytes", bytes.len());
    out.expect_err("refused")
}

fn header_len(bytes: &[u8]) -> usize {
    u32::from_be_bytes(bytes[12..16].try_into().unwrap()) as usize
}

/// Hashes and signs `body` (everything before the trailer) with `key` under `context`.
fn sign_with(mut body: Vec<u8>, key: &SigningKey, context: &[u8]) -> Vec<u8> {
    let hash = blake3::hash(&body);
    let mut msg = context.to_vec();
    msg.extend_from_slice(hash.as_bytes());
    let sig = key.sign(&msg);
    body.extend_from_slice(hash.as_bytes());
    body.extend_from_slice(&sig.to_bytes());
    body
}

fn sign(body: Vec<u8>) -> Vec<u8> {
    sign_with(body, &key(), STATS_CONTEXT)
}

/// The fixture's preamble and header, then `count` and the hand-built `rows`, signed by the
/// fixture's key.
fn signed_with_rows(count: u32, rows: &[Vec<u8>]) -> Vec<u8> {
    let b = fixture();
    let mut body = b[..16 + header_len(&b)].to_vec();
    body.extend_from_slice(&count.to_be_bytes());
    rows.iter().for_each(|r| body.extend_from_slice(r));
    sign(body)
}

/// One row's bytes, as the layout table of docs/COUNTY.md gives them.
fn row_bytes(place: u32, period: (u8, u16, u8), ledger: u8, code: &[u8], figures: &[(u16, u64)]) -> Vec<u8> {
    let mut out = place.to_be_bytes().to_vec();
    out.push(period.0);
    out.extend_from_slice(&period.1.to_be_bytes());
    out.push(period.2);
    out.push(ledger);
    if ledger != 0 {
        out.push(code.len() as u8);
        out.extend_from_slice(code);
    }
    out.extend_from_slice(&(figures.len() as u16).to_be_bytes());
    for (id, v) in figures {
        out.extend_from_slice(&id.to_be_bytes());
        out.extend_from_slice(&v.to_be_bytes());
    }
    out
}

const NOV: (u8, u16, u8) = (0, 2026, 11);

fn malformed_at(e: &BundleError, section: Section) -> bool {
    matches!(e, BundleError::Malformed { section: s, .. } if *s == section)
}

#[test]
fn hand_built_rows_read_when_they_keep_the_rules() {
    // the hand-built encoding is the writer's: the checks below fail for their rule only
    let demand = Kind::Demand.tag();
    let f = read_stats(&signed_with_rows(
        2,
        &[row_bytes(0, NOV, 0, b"", &[(1, 5)]), row_bytes(0, NOV, demand, b"ROAD", &[(1, 2), (2, 1)])],
    ))
    .unwrap();
    assert_eq!(f.rows[1], row(0, "2026-11", Some((Kind::Demand, "ROAD")), &[(1, 2), (2, 1)]));
}

#[test]
fn signed_rows_that_break_the_rules_are_refused_as_malformed() {
    let (demand, person) = (Kind::Demand.tag(), Kind::Person.tag());
    let a = row_bytes(0, NOV, 0, b"", &[(1, 5)]);
    let b = row_bytes(1, NOV, 0, b"", &[(1, 5)]);
    let cases: Vec<(&str, &str, u32, Vec<Vec<u8>>)> = vec![
        ("unsorted rows", "increasing order", 2, vec![b.clone(), a.clone()]),
        ("a row twice", "increasing order", 2, vec![a.clone(), a.clone()]),
        ("duplicate figure ids", "figure ids", 1, vec![row_bytes(0, NOV, 0, b"", &[(3, 1), (3, 2)])]),
        ("figure ids decreasing", "figure ids", 1, vec![row_bytes(0, NOV, 0, b"", &[(3, 1), (2, 2)])]),
        ("place index out of range", "place index", 1, vec![row_bytes(2, NOV, 0, b"", &[])]),
        ("lower-case category code", "A-Z", 1, vec![row_bytes(0, NOV, demand, b"road", &[])]),
        ("category code with a space", "A-Z", 1, vec![row_bytes(0, NOV, demand, b"RO AD", &[])]),
        ("category code too long", "too long", 1, vec![row_bytes(0, NOV, demand, &[b'A'; 33], &[])]),
        ("a person is not a ledger", "ledger", 1, vec![row_bytes(0, NOV, person, b"A", &[])]),
        ("unknown ledger tag", "ledger", 1, vec![row_bytes(0, NOV, 9, b"A", &[])]),
        ("month 13", "period", 1, vec![row_bytes(0, (0, 2026, 13), 0, b"", &[])]),
        ("a year numbered 1", "period", 1, vec![row_bytes(0, (2, 2026, 1), 0, b"", &[])]),
        ("unknown period kind", "period kind", 1, vec![row_bytes(0, (3, 2026, 1), 0, b"", &[])]),
        ("bytes after the rows", "bytes after", 1, vec![a.clone(), vec![0]]),
        ("fewer rows than counted", "end early", 2, vec![a.clone(), vec![0; 6]]),
    ];
    for (what, reason, count, rows) in cases {
        let e = refused(&signed_with_rows(count, &rows));
        assert!(malformed_at(&e, Section::Chunks), "{what}: {e}");
        assert!(e.to_string().contains(reason), "{what}: {e}");
        assert!(e.is_damage(), "{what}");
    }
}

#[test]
fn a_signed_header_that_breaks_the_rules_is_refused_as_malformed() {
    let b = fixture();
    let body = b[..b.len() - 96].to_vec();
    // the places' first code: a digit made a letter, then re-signed
    let at = body.windows(12).position(|w| w == b"110101001001").unwrap();
    let mut letter = body.clone();
    letter[at + 11] = b'x';
    let e = refused(&sign(letter));
    assert!(malformed_at(&e, Section::Header), "{e}");
    // the second place's code made equal to the first: not strictly increasing
    let second = body.windows(12).position(|w| w == b"110101001002").unwrap();
    let mut twice = body.clone();
    twice[second + 11] = b'1';
    assert!(malformed_at(&refused(&sign(twice)), Section::Header));
    // as_of written another way
    let day = body.windows(10).position(|w| w == b"2026-11-30").unwrap();
    let mut slashes = body.clone();
    slashes[day..day + 10].copy_from_slice(b"2026/11/30");
    assert!(malformed_at(&refused(&sign(slashes)), Section::Header));
}

#[test]
fn a_field_of_a_later_minor_version_is_skipped() {
    let b = fixture();
    let h = header_len(&b);
    let mut body = b[..16 + h].to_vec();
    body[10..12].copy_from_slice(&1u16.to_be_bytes());
    body.extend_from_slice(&13u16.to_be_bytes());
    body.extend_from_slice(&3u32.to_be_bytes());
    body.extend_from_slice(b"new");
    body[12..16].copy_from_slice(&((h + 9) as u32).to_be_bytes());
    body.extend_from_slice(&b[16 + h..b.len() - 96]);
    assert_eq!(read_stats(&sign(body)).unwrap(), read_stats(&b).unwrap());
}

#[test]
fn lengths_that_claim_gigabytes_are_refused_before_any_allocation() {
    let b = fixture();
    let mut big_header = b.clone();
    big_header[12..16].copy_from_slice(&0xFFFF_FFF0u32.to_be_bytes());
    assert!(matches!(refused(&big_header), BundleError::Oversized { section: Section::Header, .. }));

    let e = refused(&signed_with_rows(u32::MAX, &[]));
    assert!(matches!(e, BundleError::Oversized { section: Section::Chunks, .. }), "{e}");
    // a count under the cap, but beyond what the file holds
    assert!(malformed_at(&refused(&signed_with_rows(1 << 20, &[])), Section::Chunks));
    // figures: over the cap, and under it but beyond the file
    let mut many = row_bytes(0, NOV, 0, b"", &[]);
    let n = many.len() - 2;
    many[n..].copy_from_slice(&u16::MAX.to_be_bytes());
    let e = refused(&signed_with_rows(1, &[many.clone()]));
    assert!(matches!(e, BundleError::Oversized { section: Section::Chunks, .. }), "{e}");
    many[n..].copy_from_slice(&1000u16.to_be_bytes());
    assert!(malformed_at(&refused(&signed_with_rows(1, &[many])), Section::Chunks));

    // the places count: over its cap, and under it but beyond the field
    let body = b[..b.len() - 96].to_vec();
    let places = 16 + field_value(&b, 12);
    for (count, oversized) in [(u32::MAX, true), (60_000, false)] {
        let mut d = body.clone();
        d[places..places + 4].copy_from_slice(&count.to_be_bytes());
        let e = refused(&sign(d));
        if oversized {
            assert!(matches!(e, BundleError::Oversized { section: Section::Header, .. }), "{e}");
        } else {
            assert!(malformed_at(&e, Section::Header), "{e}");
        }
    }

    // a file longer than any statistics file may be
    let mut huge = vec![0u8; STATS_FILE_MAX + 1];
    huge[..8].copy_from_slice(&STATS_MAGIC);
    let e = read_stats(&huge).unwrap_err();
    assert!(matches!(e, BundleError::Oversized { section: Section::Preamble, .. }), "{e}");
}

/// The offset, within the header, of field `tag`'s value.
fn field_value(bytes: &[u8], tag: u16) -> usize {
    let head = &bytes[16..16 + header_len(bytes)];
    let mut at = 0;
    loop {
        let t = u16::from_be_bytes(head[at..at + 2].try_into().unwrap());
        let len = u32::from_be_bytes(head[at + 2..at + 6].try_into().unwrap()) as usize;
        if t == tag {
            return at + 6;
        }
        at += 6 + len;
    }
}

#[test]
fn a_file_that_is_not_a_statistics_file_is_refused() {
    let bundle = std::fs::read(BUNDLE_FIXTURE).expect("tests/fixtures/bundle-v1.1.bin is committed");
    assert!(!is_stats(&bundle));
    assert_eq!(refused(&bundle), BundleError::NotABundle);
    assert_eq!(refused(b"{\"rows\": []}"), BundleError::NotABundle);
    assert_eq!(refused(b""), BundleError::Truncated { section: Section::Preamble, offset: 0 });
    // and the other way: a bundle reader refuses a statistics file
    let stats = fixture();
    assert!(is_stats(&stats) && is_stats(&stats[..8]) && !is_stats(&stats[..7]));
    assert_eq!(Bundle::read(&stats).unwrap_err(), BundleError::NotABundle);
    assert_eq!(Bundle::read_header(&stats).unwrap_err(), BundleError::NotABundle);
}

#[test]
fn an_unknown_major_version_is_refused_and_says_which() {
    let mut b = fixture();
    b[8..12].copy_from_slice(&[0, 2, 0, 3]);
    let e = refused(&b);
    assert_eq!(e, BundleError::UnsupportedVersion { major: 2, minor: 3 });
    assert!(!e.is_damage());
}

#[test]
fn forged_signatures_are_refused() {
    let b = fixture();
    let body = b[..b.len() - 96].to_vec();
    let fingerprint = read_stats(&b).unwrap().header.fingerprint();
    // another key
    let e = refused(&sign_with(body.clone(), &SigningKey::from_bytes(&[7; 32]), STATS_CONTEXT));
    assert_eq!(e, BundleError::BadSignature { fingerprint: fingerprint.clone() });
    // the right key, but the bundle's context: a bundle's signature never verifies here
    let e = refused(&sign_with(body.clone(), &key(), b"gridlog/bundle/1"));
    assert_eq!(e, BundleError::BadSignature { fingerprint });
    // a figure changed after signing
    let mut altered = b.clone();
    let at = b.len() - 96 - 1;
    altered[at] ^= 1;
    assert_eq!(refused(&altered), BundleError::HashMismatch);
}

#[test]
fn trailing_bytes_are_refused() {
    let mut b = fixture();
    b.push(b'\n');
    assert!(refused(&b).is_damage());
}

// ---- any single damage is refused: a flipped bit anywhere, a cut anywhere

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
            let e = refused(&d);
            // a flip in the version is a version this build cannot read; any other is damage
            assert!(e.is_damage() || (8..10).contains(&i), "flip at {i}: {e}");
        }
    }
}
