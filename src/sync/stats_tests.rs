//! The statistics file's own round trips and the writer's refusals; the golden fixture and the
//! refusals of damaged or forged files are in tests/stats_format.rs.

use ed25519_dalek::SigningKey;

use super::stats_rows::{STATS_FIGURES_MAX, StatsRow};
use super::*;
use crate::domain::Kind;
use crate::domain::figures::{Period, Span};

fn key() -> SigningKey {
    SigningKey::from_bytes(&[5; 32])
}

fn header() -> StatsHeader {
    StatsHeader {
        id: BundleId([3; 16]),
        created_ms: 1_767_225_600_000,
        device: DeviceId(11),
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

fn rows() -> Vec<StatsRow> {
    vec![
        row(0, "2026-11", None, &[(1, 12), (2, 9), (40, u64::MAX)]),
        row(0, "2026-11", Some((Kind::Demand, "ROAD")), &[(6, 3)]),
        row(0, "2026-Q4", None, &[]),
        row(0, "2026", None, &[(1, 150)]),
        row(1, "2026-11", Some((Kind::Hazard, "FIRE_2")), &[(1, 0)]),
    ]
}

#[test]
fn a_file_reads_back_as_written_with_the_signers_key() {
    let bytes = write_stats(&header(), &rows(), &key()).unwrap();
    assert!(is_stats(&bytes));
    let f = read_stats(&bytes).unwrap();
    let mut expected = header();
    expected.public_key = key().verifying_key().to_bytes();
    assert_eq!(f, StatsFile { header: expected, rows: rows() });
    assert_eq!(f.header.fingerprint().len(), 64);
}

#[test]
fn an_empty_file_of_no_places_and_no_rows_reads_back() {
    let mut h = header();
    h.places.clear();
    let f = read_stats(&write_stats(&h, &[], &key()).unwrap()).unwrap();
    assert!(f.rows.is_empty() && f.header.places.is_empty());
}

fn refused_by_writer(h: &StatsHeader, rows: &[StatsRow]) -> BundleError {
    write_stats(h, rows, &key()).expect_err("the writer refuses it")
}

fn is_malformed(e: &BundleError, section: Section) -> bool {
    matches!(e, BundleError::Malformed { section: s, .. } if *s == section)
}

#[test]
fn the_writer_refuses_rows_its_reader_would_refuse() {
    let h = header();
    let mut unsorted = rows();
    unsorted.swap(0, 2);
    let mut twice = rows();
    twice.push(twice[4].clone());
    let cases = [
        unsorted,
        twice,
        vec![row(2, "2026-11", None, &[])],
        vec![row(0, "2026-11", None, &[(2, 1), (2, 1)])],
        vec![row(0, "2026-11", None, &[(3, 1), (2, 1)])],
        vec![row(0, "2026-11", Some((Kind::Demand, "road")), &[])],
        vec![row(0, "2026-11", Some((Kind::Demand, &"A".repeat(33))), &[])],
        vec![row(0, "2026-11", Some((Kind::Household, "A")), &[])],
        vec![row(0, "2026-11", Some((Kind::Person, "A")), &[])],
    ];
    for (i, rows) in cases.iter().enumerate() {
        let e = refused_by_writer(&h, rows);
        assert!(is_malformed(&e, Section::Chunks), "case {i}: {e}");
    }
    // a period that is not a whole month
    let mut odd = row(0, "2026-11", None, &[]);
    odd.period.last = odd.period.last.plus(-1);
    assert!(is_malformed(&refused_by_writer(&h, &[odd]), Section::Chunks));
    // more figures than a row may hold
    let many: Vec<(u16, u64)> = (0..=STATS_FIGURES_MAX).map(|i| (i, 1)).collect();
    let e = refused_by_writer(&h, &[row(0, "2026", None, &many)]);
    assert!(matches!(e, BundleError::Oversized { section: Section::Chunks, .. }), "{e}");
}

#[test]
fn the_writer_refuses_places_its_reader_would_refuse() {
    let bad_places: [Vec<(String, String)>; 5] = [
        vec![("11010100100".into(), "短".into())],
        vec![("11010100100x".into(), "字母".into())],
        vec![("110101001001".into(), "村".repeat(PLACE_NAME_MAX + 1))],
        vec![("110101001001".into(), "石桥\n村".into())],
        vec![("110101001002".into(), "乙".into()), ("110101001001".into(), "甲".into())],
    ];
    for (i, places) in bad_places.into_iter().enumerate() {
        let mut h = header();
        h.places = places;
        let e = refused_by_writer(&h, &[]);
        assert!(is_malformed(&e, Section::Header), "case {i}: {e}");
    }
    let mut h = header();
    h.places.push(h.places[1].clone());
    assert!(is_malformed(&refused_by_writer(&h, &[]), Section::Header));
    // a name of exactly the limit is fine
    let mut h = header();
    h.places[0].1 = "村".repeat(PLACE_NAME_MAX);
    assert!(write_stats(&h, &[], &key()).is_ok());
}

#[test]
fn the_writer_refuses_an_as_of_day_that_is_not_ten_characters() {
    let mut h = header();
    h.as_of = Day::from_ymd(10_000, 1, 1).unwrap();
    assert!(is_malformed(&refused_by_writer(&h, &[]), Section::Header));
    let mut h = header();
    h.worker = "x".repeat(super::header::TEXT_MAX + 1);
    assert!(is_malformed(&refused_by_writer(&h, &[]), Section::Header));
}

#[test]
fn every_period_kind_and_number_round_trips() {
    let mut rows = Vec::new();
    for (span, numbers) in [(Span::Month, 1..=12), (Span::Quarter, 1..=4), (Span::Year, 0..=0)] {
        for n in numbers {
            rows.push(StatsRow {
                place: 0,
                period: Period::of(span, 2026, n).unwrap(),
                category: None,
                figures: vec![],
            });
        }
    }
    let f = read_stats(&write_stats(&header(), &rows, &key()).unwrap()).unwrap();
    assert_eq!(f.rows, rows);
}
