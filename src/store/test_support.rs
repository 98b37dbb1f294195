//! What the store's tests share: an identity and an initialised store in a temporary directory.

use super::db::{Identity, Options, Store};
use crate::domain::DeviceId;

/// A village store's identity, writing as `device`.
pub(crate) fn ident(device: u64) -> Identity {
    Identity {
        role: "village".into(),
        division: "330782105203".into(),
        place: "青石村".into(),
        worker: "李秀英".into(),
        grid: String::new(),
        device: DeviceId(device),
        demo: false,
    }
}

/// A new store in a temporary directory, initialised as `device`.
pub(crate) fn temp_store(device: u64) -> (tempfile::TempDir, Store) {
    let t = tempfile::tempdir().unwrap();
    let s = Store::open(t.path(), &Options::default()).unwrap();
    s.init(&ident(device), &[1; 32]).unwrap();
    (t, s)
}
