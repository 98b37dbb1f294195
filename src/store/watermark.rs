//! The committed watermark: gridlog's own small record of how much it has acknowledged, kept
//! beside `db/` and checked on open, so a store never comes back smaller without saying so.
//!
//! sled 0.34.7 opens a truncated or partly overwritten `db/db` as a smaller (often empty) but
//! "healthy" database: its recovery stops at the first damaged log segment. The watermark lets
//! gridlog notice without scanning the store: after every commit (after sled's flush) the
//! counters — the next event sequence number and the next record number — are written here and
//! synced. On open the counters in the database must be at least these.
//!
//! File `committed`: two 32-byte slots, written alternately (slot `next_seq % 2`), each
//! `"GLWM"(4) ‖ version(1) ‖ 0(3) ‖ device(8 LE) ‖ next_seq(8 LE) ‖ next_n(4 LE) ‖ crc32(4 LE)`
//! with the CRC over the 28 bytes before it. A torn write spoils one slot only; the reader takes
//! the valid slot with the highest `next_seq`. Cost: one small write and one fsync per commit.

use std::fs::{File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::Path;

use crate::domain::DeviceId;

/// File name, in the store directory.
pub const FILE: &str = "committed";
const MAGIC: &[u8; 4] = b"GLWM";
const VERSION: u8 = 1;
const SLOT: usize = 32;

/// What the store had acknowledged at its last commit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Mark {
    /// The store's device.
    pub device: DeviceId,
    /// The next event sequence number (events acknowledged: `next_seq - 1`).
    pub next_seq: u64,
    /// The next record number (records created: `next_n - 1`).
    pub next_n: u32,
}

fn encode(m: &Mark) -> [u8; SLOT] {
    let mut b = [0u8; SLOT];
    b[..4].copy_from_slice(MAGIC);
    b[4] = VERSION;
    b[8..16].copy_from_slice(&m.device.0.to_le_bytes());
    b[16..24].copy_from_slice(&m.next_seq.to_le_bytes());
    b[24..28].copy_from_slice(&m.next_n.to_le_bytes());
    let crc = crc32fast::hash(&b[..28]);
    b[28..].copy_from_slice(&crc.to_le_bytes());
    b
}

fn decode(b: &[u8]) -> Option<Mark> {
    if b.len() != SLOT || &b[..4] != MAGIC || b[4] != VERSION {
        return None;
    }
    let crc = u32::from_le_bytes(b[28..32].try_into().ok()?);
    if crc32fast::hash(&b[..28]) != crc {
        return None;
    }
    Some(Mark {
        device: DeviceId(u64::from_le_bytes(b[8..16].try_into().ok()?)),
        next_seq: u64::from_le_bytes(b[16..24].try_into().ok()?),
        next_n: u32::from_le_bytes(b[24..28].try_into().ok()?),
    })
}

/// Reads the watermark of the store in `dir`: `None` when there is none (a new store, or one
/// written before the watermark existed) or when neither slot is readable.
pub fn read(dir: &Path) -> io::Result<Option<Mark>> {
    let mut buf = Vec::new();
    match File::open(dir.join(FILE)) {
        Ok(f) => {
            f.take(2 * SLOT as u64).read_to_end(&mut buf)?;
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
    }
    Ok(buf.chunks(SLOT).filter_map(decode).max_by_key(|m| m.next_seq))
}

/// An open watermark file, written after every commit.
#[derive(Debug)]
pub struct Watermark {
    file: File,
}

impl Watermark {
    /// Opens (creating) the watermark file of the store in `dir`.
    pub fn open(dir: &Path) -> io::Result<Watermark> {
        let file = OpenOptions::new().read(true).write(true).create(true).truncate(false).open(dir.join(FILE))?;
        Ok(Watermark { file })
    }

    /// Records `m` durably (one write, one fsync).
    pub fn write(&mut self, m: &Mark) -> io::Result<()> {
        let slot = (m.next_seq % 2) * SLOT as u64;
        self.file.seek(SeekFrom::Start(slot))?;
        self.file.write_all(&encode(m))?;
        self.file.sync_data()
    }

    /// Forgets everything (a demo store being replaced): both slots cleared.
    pub fn clear(&mut self) -> io::Result<()> {
        self.file.set_len(0)?;
        self.file.sync_data()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mark(seq: u64) -> Mark {
        Mark { device: DeviceId(0xfeed), next_seq: seq, next_n: (seq / 2) as u32 }
    }

    #[test]
    fn the_highest_written_mark_is_read_back() {
        let t = tempfile::tempdir().unwrap();
        assert_eq!(read(t.path()).unwrap(), None, "no file: no watermark");
        let mut w = Watermark::open(t.path()).unwrap();
        for seq in 1..=5 {
            w.write(&mark(seq)).unwrap();
        }
        assert_eq!(read(t.path()).unwrap(), Some(mark(5)));
        w.clear().unwrap();
        assert_eq!(read(t.path()).unwrap(), None);
    }

    #[test]
    fn a_torn_slot_falls_back_to_the_other_one() {
        let t = tempfile::tempdir().unwrap();
        let mut w = Watermark::open(t.path()).unwrap();
        w.write(&mark(6)).unwrap();
        w.write(&mark(7)).unwrap();
        let mut bytes = std::fs::read(t.path().join(FILE)).unwrap();
        bytes[SLOT + 18] ^= 0x40; // slot 1 holds seq 7
        std::fs::write(t.path().join(FILE), &bytes).unwrap();
        assert_eq!(read(t.path()).unwrap(), Some(mark(6)));
    }

    #[test]
    fn garbage_is_no_watermark_rather_than_a_wrong_one() {
        let t = tempfile::tempdir().unwrap();
        std::fs::write(t.path().join(FILE), [0xAB; 64]).unwrap();
        assert_eq!(read(t.path()).unwrap(), None);
    }
}
