//! The format's own round trips; refusals and the golden fixture are in tests/bundle_format.rs.

use ed25519_dalek::SigningKey;

use super::*;
use crate::domain::{Day, DeviceId, EntityId, Kind, Value};
use crate::events::{Event, Hlc, Op, Stamp, VersionVector, Write};

fn header() -> Header {
    let mut have = VersionVector::new();
    have.insert_range(DeviceId(7), 1..=40);
    have.insert_range(DeviceId(9), 3..=5);
    Header {
        id: BundleId([1; 16]),
        created_ms: 1_700_000_000_000,
        device: DeviceId(7),
        public_key: [0; 32],
        worker: "王芳".into(),
        place: "石桥村".into(),
        role: "village".into(),
        division: "110101001001".into(),
        demo: false,
        have,
        includes: VersionVector::new(),
        divisions: vec![(DeviceId(7), "110101001001".into())],
    }
}

fn events(n: u64) -> Vec<Event> {
    let id = EntityId { device: DeviceId(7), n: 1 };
    (1..=n)
        .map(|seq| Event {
            device: DeviceId(7),
            seq,
            hlc: Hlc { ms: 1_700_000_000_000 + seq, count: 0 },
            worker: "王芳".into(),
            entity: id,
            op: if seq == 1 {
                Op::Create {
                    kind: Kind::Demand,
                    fields: vec![
                        ("title".into(), Value::Text("路灯坏了".into())),
                        ("due".into(), Value::Date(Day(20_000))),
                        (
                            "parties".into(),
                            Value::List(vec![Value::Map(vec![("name".into(), Value::Text("李".into()))])]),
                        ),
                    ],
                }
            } else {
                Op::Change {
                    action: "note".into(),
                    set: vec![Write {
                        field: "amount".into(),
                        value: Value::Int(-(seq as i64)),
                        base: Some(Stamp { hlc: Hlc { ms: 5, count: 1 }, device: DeviceId(9) }),
                    }],
                    add: vec![("notes".into(), Value::Text(format!("第{seq}次")))],
                }
            },
        })
        .collect()
}

fn write(evs: &[Event]) -> Vec<u8> {
    let mut w = BundleWriter::new(header(), &SigningKey::from_bytes(&[3; 32]));
    for e in evs {
        w.push(e).unwrap();
    }
    w.finish()
}

#[test]
fn a_bundle_reads_back_as_written() {
    let evs = events(30);
    let b = Bundle::read(&write(&evs)).unwrap();
    assert_eq!(b.events, evs);
    assert_eq!(b.header.worker, "王芳");
    assert_eq!(b.header.have, header().have);
    assert_eq!(b.header.includes.len(), 30);
    assert_eq!(b.header.public_key, SigningKey::from_bytes(&[3; 32]).verifying_key().to_bytes());
}

#[test]
fn an_empty_bundle_is_valid_and_carries_the_have_set() {
    let b = Bundle::read(&write(&[])).unwrap();
    assert!(b.events.is_empty() && b.header.includes.is_empty());
    assert_eq!(b.header.have.len(), 43);
}

#[test]
fn many_events_span_several_chunks() {
    let evs = events(9000);
    let bytes = write(&evs);
    assert_eq!(Bundle::read(&bytes).unwrap().events, evs);
    assert!(bytes.len() < 9000 * 40, "compressed: {} bytes", bytes.len());
}

#[test]
fn an_event_pushed_twice_is_refused_by_the_writer() {
    let evs = events(2);
    let mut w = BundleWriter::new(header(), &SigningKey::from_bytes(&[3; 32]));
    w.push(&evs[1]).unwrap();
    assert_eq!(w.push(&evs[1]).unwrap_err().key(), "bundle.unwritable");
}

#[test]
fn every_event_decodes_from_its_canonical_bytes_and_nothing_else() {
    for e in events(3) {
        let bytes = e.canonical_bytes();
        assert_eq!(canonical::decode(&bytes).unwrap(), e);
        assert!(canonical::decode(&bytes[..bytes.len() - 1]).is_err());
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(canonical::decode(&longer).is_err());
    }
}

#[test]
fn a_higher_minor_version_with_an_unknown_header_field_is_read() {
    // a 1.2 producer adds field 13; a 1.1 reader skips it (docs/BUNDLE.md, "Future versions")
    let key = SigningKey::from_bytes(&[3; 32]);
    let mut h = header();
    h.public_key = key.verifying_key().to_bytes();
    let mut head = header::encode(&h);
    head.extend_from_slice(&13u16.to_be_bytes());
    head.extend_from_slice(&3u32.to_be_bytes());
    head.extend_from_slice(b"new");
    let mut out = format::MAGIC.to_vec();
    out.extend_from_slice(&1u16.to_be_bytes());
    out.extend_from_slice(&2u16.to_be_bytes());
    out.extend_from_slice(&(head.len() as u32).to_be_bytes());
    out.extend_from_slice(&head);
    out.extend_from_slice(&0u32.to_be_bytes());
    let hash = blake3::hash(&out);
    let sig = ed25519_dalek::Signer::sign(&key, &writer::signed_message(hash.as_bytes()));
    out.extend_from_slice(hash.as_bytes());
    out.extend_from_slice(&sig.to_bytes());
    let b = Bundle::read(&out).unwrap();
    assert_eq!(b.minor, 2);
    assert_eq!(b.header.place, "石桥村");
    assert_eq!(b.header.divisions, h.divisions);
}

#[test]
fn a_spilling_writer_writes_the_same_bundle_as_one_in_memory() {
    let key = SigningKey::from_bytes(&[9; 32]);
    let many = events(5_000); // several chunks
    let mut mem = BundleWriter::new(header(), &key);
    let mut spilled = BundleWriter::spilling(header(), &key, Box::new(std::io::Cursor::new(Vec::new())));
    for e in &many {
        mem.push(e).unwrap();
        spilled.push(e).unwrap();
    }
    let mut out = Vec::new();
    spilled.finish_to(&mut out).unwrap();
    assert_eq!(out, mem.finish());
    assert_eq!(Bundle::read(&out).unwrap().events, many);
}
