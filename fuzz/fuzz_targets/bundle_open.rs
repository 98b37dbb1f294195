//! The encrypted-bundle reader on arbitrary bytes (docs/BUNDLE.md, "Encrypted bundles"): it
//! must refuse or open, never panic or allocate beyond the file's size; and any bytes sealed
//! for a store open back to themselves there.
#![no_main]

use ed25519_dalek::SigningKey;
use gridlog::sync::{open, seal_with_ephemeral, sealed_for};
use libfuzzer_sys::fuzz_target;

/// The store the fuzzer opens as: the key of tests/fixtures/sealed-v1.bin, a good seed.
const SEED: [u8; 32] = [7; 32];

fuzz_target!(|data: &[u8]| {
    let me = SigningKey::from_bytes(&SEED).verifying_key().to_bytes();
    if let Ok(plain) = open(data, &SEED) {
        assert_eq!(sealed_for(data), Some(me));
        assert!(plain.len() < data.len());
    }
    let sealed = seal_with_ephemeral(data, &me, &[5; 32]).expect("a valid recipient key");
    assert_eq!(open(&sealed, &SEED).expect("opens what was sealed for it"), data);
});
