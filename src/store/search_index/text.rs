//! The free text of ledger records (visits, demands, disputes, hazards), a group of
//! `TEXT_GROUP_BLOCKS` (16) blocks per value of the `text` tree, in a raw lz4-compressed layout
//! that the scan searches without decoding (docs/ARCHITECTURE.md, "Search index").

use memchr::memmem;
use sled::transaction::TransactionalTree;

use crate::events::Entity;
use crate::search;
use crate::store::codec;
use crate::store::db::Store;
use crate::store::error::{StoreError, TxError, corrupt};
use crate::store::keys::{BlockKey, TextKey};

/// Format byte of a text value: `[format][flags][raw length: u32 LE][lz4 block of raw]`, raw =
/// `[records: u32 LE][(record number, end offset): 2 × u32 LE per record][texts]`. Not bincode:
/// the scan searches the raw bytes where they lie.
const TEXT_FORMAT: u8 = 1;
const TEXT_LZ4: u8 = 1;

/// The texts of a group's records, in record order (records without text left out).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(super) struct TextGroup {
    pub(super) records: Vec<(u32, String)>,
}

impl TextGroup {
    pub(super) fn new(mut records: Vec<(u32, String)>) -> TextGroup {
        records.retain(|(_, t)| !t.is_empty());
        records.sort_by_key(|(n, _)| *n);
        records.dedup_by_key(|(n, _)| *n);
        TextGroup { records }
    }

    /// Replaces the texts of the records in `updates`.
    pub(super) fn update(&mut self, updates: Vec<(u32, String)>) {
        let mut all = std::mem::take(&mut self.records);
        all.retain(|(n, _)| !updates.iter().any(|(u, _)| u == n));
        all.extend(updates);
        *self = TextGroup::new(all);
    }

    pub(super) fn encode(&self) -> Vec<u8> {
        let text_len: usize = self.records.iter().map(|(_, t)| t.len() + 1).sum();
        let mut raw = Vec::with_capacity(4 + 8 * self.records.len() + text_len);
        raw.extend((self.records.len() as u32).to_le_bytes());
        let mut end = 0u32;
        for (n, t) in &self.records {
            end += t.len() as u32 + 1;
            raw.extend(n.to_le_bytes());
            raw.extend(end.to_le_bytes());
        }
        for (_, t) in &self.records {
            raw.extend(t.as_bytes());
            raw.push(b'\n');
        }
        let mut out = vec![TEXT_FORMAT, TEXT_LZ4];
        out.extend((raw.len() as u32).to_le_bytes());
        out.extend(lz4_flex::block::compress(&raw));
        out
    }

    pub(super) fn decode(bytes: &[u8]) -> Result<TextGroup, codec::CodecError> {
        let mut buf = Vec::new();
        let view = TextView::decode(bytes, &mut buf)?;
        let mut records = Vec::with_capacity(view.len());
        let mut start = 0;
        for i in 0..view.len() {
            let (n, end) = view.record(i);
            let t = std::str::from_utf8(&view.text[start..end - 1])
                .map_err(|e| codec::CodecError::Decode(e.to_string()))?;
            records.push((n, t.to_string()));
            start = end;
        }
        Ok(TextGroup { records })
    }
}

/// A decoded text value, borrowed from the decompression buffer.
pub(super) struct TextView<'a> {
    table: &'a [u8],
    text: &'a [u8],
}

impl<'a> TextView<'a> {
    /// Decompresses `bytes` into `buf` and checks the layout (not the UTF-8: the scan does not
    /// need it).
    pub(super) fn decode(bytes: &[u8], buf: &'a mut Vec<u8>) -> Result<TextView<'a>, codec::CodecError> {
        use codec::CodecError as E;
        let [format, flags, rest @ ..] = bytes else { return Err(E::Truncated) };
        if *format != TEXT_FORMAT {
            return Err(E::Version(*format));
        }
        if *flags != TEXT_LZ4 {
            return Err(E::Flags(*flags));
        }
        let (len, body) = rest.split_first_chunk::<4>().ok_or(E::Truncated)?;
        let len = u32::from_le_bytes(*len) as usize;
        if len > codec::LIMIT {
            return Err(E::Compression);
        }
        buf.clear();
        buf.resize(len, 0);
        if lz4_flex::block::decompress_into(body, buf).map_err(|_| E::Compression)? != len {
            return Err(E::Compression);
        }
        let (count, rest) = buf.split_first_chunk::<4>().ok_or(E::Truncated)?;
        let count = u32::from_le_bytes(*count) as usize;
        if count.checked_mul(8).is_none_or(|t| t > rest.len()) {
            return Err(E::Truncated);
        }
        let (table, text) = rest.split_at(count * 8);
        let view = TextView { table, text };
        let (mut prev_n, mut prev_end) = (None, 0);
        for i in 0..count {
            let (n, end) = view.record(i);
            if end <= prev_end || end > text.len() || prev_n.is_some_and(|p| p >= n) || text[end - 1] != b'\n' {
                return Err(E::Decode("damaged text table".into()));
            }
            (prev_n, prev_end) = (Some(n), end);
        }
        if prev_end != text.len() {
            return Err(E::Trailing(text.len() - prev_end));
        }
        Ok(view)
    }

    fn len(&self) -> usize {
        self.table.len() / 8
    }

    /// Record number and end offset (after its line break) of the `i`th record.
    fn record(&self, i: usize) -> (u32, usize) {
        let e = &self.table[i * 8..i * 8 + 8];
        (u32::from_le_bytes([e[0], e[1], e[2], e[3]]), u32::from_le_bytes([e[4], e[5], e[6], e[7]]) as usize)
    }

    /// Record numbers whose text holds a match, in record order.
    /// The text is searched as stored bytes, without decoding it to strings first: a match of a
    /// whole UTF-8 needle in UTF-8 text always starts on a character boundary. An empty needle
    /// matches nothing.
    pub(super) fn matches(&self, finder: &memmem::Finder, out: &mut Vec<u32>) {
        out.clear();
        if finder.needle().is_empty() {
            return;
        }
        let mut i = 0;
        let mut at = 0;
        while let Some(pos) = self.text.get(at..).and_then(|t| finder.find(t)).map(|p| p + at) {
            while i < self.len() && self.record(i).1 <= pos {
                i += 1;
            }
            if i == self.len() {
                break;
            }
            let (n, end) = self.record(i);
            out.push(n);
            at = end;
        }
    }
}

/// The searchable text of a folded record (empty: none).
pub(crate) fn text_entry(e: &Entity) -> String {
    search::text_of(e)
}

/// Replaces the texts of some records of one block (empty text: the record has none).
pub(crate) fn put_texts(text: &TransactionalTree, key: BlockKey, updates: Vec<(u32, String)>) -> Result<(), TxError> {
    if updates.is_empty() {
        return Ok(());
    }
    let tk = TextKey::of_block(key);
    let mut g = match text.get(tk.bytes())? {
        Some(v) => TextGroup::decode(&v).map_err(|e| TxError::Abort(corrupt(tk.to_string())(e)))?,
        None => TextGroup::default(),
    };
    g.update(updates);
    if g.records.is_empty() {
        text.remove(&tk.bytes())?;
    } else {
        text.insert(&tk.bytes(), g.encode())?;
    }
    Ok(())
}

/// Collects texts block by block (in key order) into group values.
#[derive(Debug, Default)]
pub(super) struct TextGrouper {
    current: Option<(TextKey, TextGroup)>,
    batch: sled::Batch,
}

impl TextGrouper {
    /// Adds a block's texts; `existing` gives what is stored for a group met for the first time.
    pub(super) fn add(
        &mut self,
        key: BlockKey,
        texts: Vec<(u32, String)>,
        existing: impl FnOnce(TextKey) -> Result<TextGroup, StoreError>,
    ) -> Result<(), StoreError> {
        let tk = TextKey::of_block(key);
        if self.current.as_ref().is_none_or(|(k, _)| *k != tk) {
            self.flush();
            self.current = Some((tk, existing(tk)?));
        }
        if let Some((_, g)) = &mut self.current {
            g.update(texts);
        }
        Ok(())
    }

    /// Puts the current group in the batch (it stays current: later blocks may add to it).
    fn flush(&mut self) {
        if let Some((k, g)) = &self.current {
            if g.records.is_empty() {
                self.batch.remove(&k.bytes());
            } else {
                self.batch.insert(&k.bytes(), g.encode());
            }
        }
    }

    pub(super) fn take_batch(&mut self) -> sled::Batch {
        self.flush();
        std::mem::take(&mut self.batch)
    }
}

impl Store {
    /// The stored texts of group `key` (none: empty).
    pub(super) fn stored_text(&self, key: TextKey) -> Result<TextGroup, StoreError> {
        match self.text.get(key.bytes())? {
            Some(v) => TextGroup::decode(&v).map_err(corrupt(key.to_string())),
            None => Ok(TextGroup::default()),
        }
    }
}
