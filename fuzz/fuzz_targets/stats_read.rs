//! The statistics file reader on arbitrary bytes (docs/COUNTY.md, "A separate kind of file, not
//! a bundle"): it must refuse or accept, never panic, hang or allocate beyond the file's size;
//! and whatever it accepts, the writer accepts too and reads back the same (under its own key).
#![no_main]

use ed25519_dalek::SigningKey;
use gridlog::sync::{is_stats, read_stats, write_stats};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(file) = read_stats(data) {
        assert!(is_stats(data));
        let key = SigningKey::from_bytes(&[1; 32]);
        let again = write_stats(&file.header, &file.rows, &key).expect("what is read can be written");
        let back = read_stats(&again).expect("what is written is read");
        assert_eq!(back.rows, file.rows);
        assert_eq!(back.header.places, file.header.places);
    }
});
