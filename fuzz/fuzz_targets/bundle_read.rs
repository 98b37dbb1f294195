//! The bundle reader on arbitrary bytes (docs/BUNDLE.md, "Reading"): it must refuse or accept,
//! never panic, hang or allocate beyond the file's size.
#![no_main]

use gridlog::sync::Bundle;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let header = Bundle::read_header(data);
    let whole = Bundle::read(data);
    // the header alone is verified by the same steps the whole read starts with
    if let Ok(b) = &whole {
        assert_eq!(header.as_ref().ok().map(|(h, minor)| (h, *minor)), Some((&b.header, b.minor)));
    }
});
