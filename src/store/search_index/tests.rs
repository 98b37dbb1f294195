use std::collections::BTreeMap;

use memchr::memmem;

use super::SearchCheck;
use super::collect::Collector;
use super::delta::encode_bucket;
use super::runs::{RUN_FRAME_BYTES, Run, merge_runs};
use super::text::{TextGroup, TextView};
use crate::domain::{DeviceId, EntityId};
use crate::events::Entity;
use crate::search::bucket::Bucket;
use crate::search::{self, TermKind, postings};
use crate::store::codec;
use crate::store::db::Store;
use crate::store::keys::{DIR_KEY, K_SEARCH_VERSION, bucket_key};

#[test]
fn text_groups_map_matches_back_to_records_and_refuse_damage() {
    let g = TextGroup::new(vec![
        (7, "三组村民反映路灯不亮".into()),
        (3, "".into()),
        (5, "三组\n张三".into()),
        (9, "路灯".into()),
    ]);
    let enc = g.encode();
    assert_eq!(TextGroup::decode(&enc).unwrap(), g);
    let mut buf = Vec::new();
    let view = TextView::decode(&enc, &mut buf).unwrap();
    let mut out = Vec::new();
    let mut hits = |needle: &str| {
        view.matches(&memmem::Finder::new(needle.as_bytes()), &mut out);
        out.clone()
    };
    assert_eq!(hits("三组"), [5, 7]);
    assert_eq!(hits("路灯"), [7, 9]);
    assert_eq!(hits("张三"), [5]);
    assert_eq!(hits("亮\n路"), [7], "needles have no line breaks; a match across records counts for the first");
    assert_eq!(hits("没有"), Vec::<u32>::new());
    assert_eq!(hits(""), Vec::<u32>::new(), "an empty needle matches nothing");
    assert!(TextGroup::new(vec![(1, String::new())]).records.is_empty());
    for cut in 0..enc.len() {
        assert!(TextGroup::decode(&enc[..cut]).is_err(), "cut at {cut}");
    }
    let mut forged = enc.clone();
    forged[2..6].copy_from_slice(&u32::MAX.to_le_bytes());
    assert_eq!(TextGroup::decode(&forged), Err(codec::CodecError::Compression));
    let mut g2 = g.clone();
    g2.update(vec![(5, String::new()), (11, "新的".into())]);
    assert_eq!(g2.records.iter().map(|(n, _)| *n).collect::<Vec<_>>(), [7, 9, 11]);
}

mod on_a_store {
    use super::*;
    use crate::domain::{Kind, Value};
    use crate::events::Op;
    use crate::store::db::Options;
    use crate::store::write::Draft;

    fn store(dir: &std::path::Path) -> Store {
        let s = Store::open(dir, &Options::default()).unwrap();
        if s.identity().unwrap().is_none() {
            s.init(&crate::store::test_support::ident(7), &[1; 32]).unwrap();
        }
        s
    }

    fn person(name: &str, phone: Option<&str>) -> Draft {
        let mut fields =
            vec![("status".to_string(), Value::Text("ACTIVE".into())), ("name".into(), Value::Text(name.into()))];
        if let Some(p) = phone {
            fields.push(("phone".into(), Value::Text(p.into())));
        }
        Draft { entity: None, op: Op::Create { kind: Kind::Person, fields } }
    }

    fn lookup(s: &Store, kind: TermKind, text: &str, exact: bool) -> Vec<u32> {
        let mut out = Vec::new();
        s.search_lookup(kind, text, exact, &mut |id| {
            out.push(id.n);
            true
        })
        .unwrap();
        out
    }

    fn check(s: &Store) -> Vec<String> {
        let mut c = SearchCheck::new(s);
        for b in s.scan() {
            let b = b.unwrap();
            c.add_block(b.device, &b.records);
        }
        c.finish().unwrap()
    }

    fn name(i: u32) -> String {
        const SUR: [&str; 6] = ["张", "王", "曾", "单", "李", "潘"];
        const GIVEN: [&str; 7] = ["伟", "芳", "建国", "秀英", "子轩", "海燕", "明"];
        format!(
            "{}{}{}",
            SUR[i as usize % 6],
            GIVEN[(i as usize / 6) % 7],
            ["", "一", "二", "三"][(i as usize / 42) % 4]
        )
    }

    #[test]
    fn many_writes_split_buckets_and_the_index_stays_equal_to_the_events() {
        let t = tempfile::tempdir().unwrap();
        let s = store(t.path());
        // one big transaction, then single ones
        let drafts: Vec<Draft> = (0..1500).map(|i| person(&name(i), Some(&format!("1380000{:04}", i)))).collect();
        s.commit(drafts, "w", 1000).unwrap();
        for i in 1500..1600 {
            s.commit(vec![person(&name(i), None)], "w", 2000 + i as u64).unwrap();
        }
        let size = s.search_index_size().unwrap();
        assert!(size.index_keys > 5, "buckets split: {size:?}");
        assert_eq!(check(&s), Vec::<String>::new());
        // record n holds name(n - 1)
        assert_eq!(lookup(&s, TermKind::Digits, "0007", true), [8]);
        let zs: Vec<u32> = lookup(&s, TermKind::Initials, "zw", true);
        assert!(
            !zs.is_empty() && zs.iter().all(|n| name(n - 1).starts_with("张伟") || name(n - 1).starts_with("曾伟"))
        );
        assert!(zs.windows(2).all(|w| w[0] > w[1]), "newest first");
        let mut prefix = lookup(&s, TermKind::Pinyin, "z", false);
        prefix.sort_unstable();
        prefix.dedup();
        let expected: Vec<u32> =
            (0..1600u32).filter(|i| name(*i).starts_with('张') || name(*i).starts_with('曾')).map(|i| i + 1).collect();
        assert_eq!(prefix, expected, "a prefix spans buckets");
        // edits move records between terms
        let edit = |n: u32, new: &str| Draft {
            entity: Some(EntityId { device: DeviceId(7), n }),
            op: Op::Change {
                action: "edit".into(),
                set: vec![crate::events::Write { field: "name".into(), value: Value::Text(new.into()), base: None }],
                add: vec![],
            },
        };
        s.commit((1..=300).map(|n| edit(n, "欧阳修")).collect(), "w", 9000).unwrap();
        assert_eq!(lookup(&s, TermKind::Name, "欧阳修", true).len(), 300);
        assert_eq!(check(&s), Vec::<String>::new());
    }

    #[test]
    fn runs_in_the_run_file_merge_frame_by_frame() {
        let t = tempfile::tempdir().unwrap();
        let s = store(t.path());
        let mut col = Collector::default();
        let mut want: BTreeMap<Vec<u8>, Vec<EntityId>> = BTreeMap::new();
        for n in 1..=6000u32 {
            let mut state = crate::domain::RecordState::default();
            state.fields.insert("name".into(), Value::Text(format!("{}{n}", name(n))));
            let e = Entity {
                id: EntityId { device: DeviceId(7), n },
                kind: Kind::Person,
                state,
                versions: Default::default(),
                conflicts: vec![],
                decisions: Vec::new(),
                created: Default::default(),
                created_by: String::new(),
                updated: Default::default(),
            };
            for term in search::terms_of(&e) {
                want.entry(term.key()).or_default().push(e.id);
            }
            col.add(e.id, &e);
            if n % 2500 == 0 {
                let run = col.take_run();
                assert!(run.0.len() > RUN_FRAME_BYTES, "several frames per run");
                s.append_run(run).unwrap();
            }
        }
        s.append_run(col.take_run()).unwrap();
        let file = std::fs::File::open(s.run_file()).unwrap();
        let runs = s.run_frames(&file).unwrap();
        assert_eq!(runs.len(), 3);
        assert!(runs[0].len() > 1);
        s.write_index(false).unwrap();
        assert!(!s.run_file().exists());
        let mut have: BTreeMap<Vec<u8>, Vec<EntityId>> = BTreeMap::new();
        for kv in s.search.iter() {
            let (k, v) = kv.unwrap();
            if k.as_ref() == DIR_KEY {
                continue;
            }
            let b: Bucket = codec::decode(&v).unwrap();
            for e in b.entries {
                have.insert(bucket_key(k[0], &e.term), postings::unpack(&e.ids).unwrap());
            }
        }
        assert_eq!(have, want);
    }

    #[test]
    fn a_damaged_or_stale_index_is_reported_and_a_store_without_one_is_indexed_on_open() {
        let t = tempfile::tempdir().unwrap();
        {
            let s = store(t.path());
            s.commit((0..50).map(|i| person(&name(i), None)).collect(), "w", 1000).unwrap();
            // drop a term from its bucket
            let (k, v) = s.search.iter().nth(1).unwrap().unwrap();
            let mut b: Bucket = codec::decode(&v).unwrap();
            let gone = b.entries.remove(0);
            s.search.insert(k.clone(), encode_bucket(&b)).unwrap();
            let problems = check(&s);
            assert!(problems.iter().any(|p| p.contains("missing from the search index")), "{problems:?}");
            let term = String::from_utf8_lossy(&gone.term).to_string();
            assert!(problems.iter().any(|p| p.contains(&term)), "names the term {term}: {problems:?}");
            // a text group lost
            let visit = Draft {
                entity: None,
                op: Op::Create {
                    kind: Kind::Visit,
                    fields: vec![
                        ("status".into(), Value::Text("RECORDED".into())),
                        ("notes".into(), Value::Text("三组路灯不亮".into())),
                    ],
                },
            };
            let v = s.commit(vec![visit], "w", 2000).unwrap()[0].entity;
            let mut hits = Vec::new();
            s.search_text("路灯", None, &mut |id| {
                hits.push(id);
                true
            })
            .unwrap();
            assert_eq!(hits, [v]);
            s.text.clear().unwrap();
            let problems = check(&s);
            assert!(problems.iter().any(|p| p.contains("1 texts differ")), "{problems:?}");
            // a store written before the index: no version, no index
            s.meta.remove(K_SEARCH_VERSION).unwrap();
            s.search.clear().unwrap();
            s.text.clear().unwrap();
            s.flush().unwrap();
        }
        let s = store(t.path());
        assert_eq!(check(&s), Vec::<String>::new());
        assert_eq!(lookup(&s, TermKind::Name, &name(3), true).first(), Some(&4));
    }
}

#[test]
fn collected_runs_merge_to_the_terms_of_every_record() {
    use crate::domain::{Kind, RecordState, Value};
    let person = |n: u32, name: &str, phone: &str| {
        let mut state = RecordState::default();
        state.fields.insert("name".into(), Value::Text(name.into()));
        state.fields.insert("phone".into(), Value::Text(phone.into()));
        Entity {
            id: EntityId { device: DeviceId(4), n },
            kind: Kind::Person,
            state,
            versions: Default::default(),
            conflicts: vec![],
            decisions: Vec::new(),
            created: Default::default(),
            created_by: String::new(),
            updated: Default::default(),
        }
    };
    let names = ["张三", "曾刚", "张三", "李四", "买买提·艾力", "曾刚", "王五", "张三丰"];
    let mut want: BTreeMap<Vec<u8>, Vec<EntityId>> = BTreeMap::new();
    let mut col = Collector::default();
    let mut runs = Vec::new();
    for n in 1..=40u32 {
        let e = person(n, names[n as usize % names.len()], &format!("1380000{:04}", n % 13));
        for t in search::terms_of(&e) {
            want.entry(t.key()).or_default().push(e.id);
        }
        col.add(e.id, &e);
        if n % 7 == 0 {
            runs.push(Run(col.take_run().0.clone()));
        }
    }
    runs.push(Run(col.take_run().0.clone()));
    let mut have: BTreeMap<Vec<u8>, Vec<EntityId>> = BTreeMap::new();
    for (k, b) in merge_runs(&runs).unwrap() {
        for e in b.entries {
            have.insert(bucket_key(k[0], &e.term), postings::unpack(&e.ids).unwrap());
        }
    }
    assert_eq!(have, want);
}

#[test]
fn merged_runs_fill_buckets_per_kind() {
    let id = |n| EntityId { device: DeviceId(1), n };
    let run = |items: &[(&[u8], u32)]| -> Run {
        let mut r = Run::default();
        for (k, n) in items {
            r.push(k, &postings::pack(&[id(*n)]));
        }
        r
    };
    let runs = [run(&[(b"\x03zs", 1), (b"\x05zhangsan", 1)]), run(&[(b"\x03zs", 2)]), run(&[(b"\x03ab", 3)])];
    let buckets = merge_runs(&runs).unwrap();
    assert_eq!(buckets.len(), 2);
    assert_eq!(buckets[0].0, vec![3]);
    let terms: Vec<&[u8]> = buckets[0].1.entries.iter().map(|e| e.term.as_slice()).collect();
    assert_eq!(terms, [b"ab".as_slice(), b"zs"]);
    assert_eq!(postings::unpack(&buckets[0].1.entries[1].ids).unwrap(), vec![id(1), id(2)]);
    assert_eq!(buckets[1].0, vec![5]);
    // many terms fill several buckets of a kind, keyed by their first term
    let mut big = Run::default();
    for t in 0..3000u32 {
        big.push(format!("\x03t{t:05}").as_bytes(), &postings::pack(&[id(t + 1)]));
    }
    let buckets = merge_runs(&[big]).unwrap();
    assert!(buckets.len() > 2);
    assert_eq!(buckets[1].0, bucket_key(3, &buckets[1].1.entries[0].term));
    let mut bad = Run::default();
    bad.0.extend([5, b'a']);
    assert!(merge_runs(&[bad]).is_err());
}

proptest::proptest! {
    /// The scan of a group finds exactly the records whose text holds the needle (needles have
    /// no line breaks, so a match never spans two records).
    #[test]
    fn the_text_scan_finds_the_records_whose_text_holds_the_needle(
        texts in proptest::collection::vec("[a-c三组路]{0,12}", 0..8),
        needle in "[a-c三组路]{1,4}",
    ) {
        let records: Vec<(u32, String)> = texts.into_iter().enumerate().map(|(i, t)| (i as u32 * 3 + 1, t)).collect();
        let g = TextGroup::new(records.clone());
        let enc = g.encode();
        let mut buf = Vec::new();
        let view = TextView::decode(&enc, &mut buf).unwrap();
        let mut got = Vec::new();
        view.matches(&memmem::Finder::new(needle.as_bytes()), &mut got);
        let want: Vec<u32> = records.iter().filter(|(_, t)| t.contains(needle.as_str())).map(|(n, _)| *n).collect();
        proptest::prop_assert_eq!(got, want);
    }
}
