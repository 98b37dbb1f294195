//! Whole indexes for bulk loads and rebuilds: sorted runs of postings appended to a run file
//! beside the database, then merged (k-way, a frame per run in memory) into full buckets that
//! replace the `search` tree (docs/ARCHITECTURE.md, "Search index").

use std::io::Write;
use std::path::PathBuf;

use super::delta::encode_bucket;
use super::postings_corrupt;
use crate::search::bucket::{self, Bucket, Entry};
use crate::search::postings;
use crate::store::codec;
use crate::store::db::Store;
use crate::store::error::{StoreError, corrupt};
use crate::store::keys::{DIR_KEY, bucket_key};

/// The run file of a bulk load in progress.
const RUN_FILE: &str = "search-bulk.tmp";

/// Sorted `(kind ‖ term, packed ids)` entries laid end to end, each as `[varint key length]
/// [key][varint ids length][ids]`: the postings of some records, as a bulk load collects them
/// between batches, before it is appended to the run file.
#[derive(Debug, Default)]
pub(super) struct Run(pub(super) Vec<u8>);

impl Run {
    pub(super) fn push(&mut self, key: &[u8], ids: &[u8]) {
        postings::put_varint(&mut self.0, key.len() as u64);
        self.0.extend_from_slice(key);
        postings::put_varint(&mut self.0, ids.len() as u64);
        self.0.extend_from_slice(ids);
    }

    fn cursor(&self) -> RunCursor<'_> {
        RunCursor { bytes: &self.0, pos: 0 }
    }
}

/// An entry of a run, borrowed: `(key, packed ids)`.
type EntryRef<'a> = (&'a [u8], &'a [u8]);
/// An entry of a run, owned.
type OwnedEntry = (Vec<u8>, Vec<u8>);

struct RunCursor<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> RunCursor<'a> {
    fn next(&mut self) -> Result<Option<EntryRef<'a>>, StoreError> {
        if self.pos == self.bytes.len() {
            return Ok(None);
        }
        let bad = || StoreError::Corrupt { what: RUN_FILE.into(), err: codec::CodecError::Truncated };
        let mut take = || -> Result<&'a [u8], StoreError> {
            let len = postings::get_varint(self.bytes, &mut self.pos).map_err(|_| bad())? as usize;
            let end = self.pos.checked_add(len).filter(|e| *e <= self.bytes.len()).ok_or_else(bad)?;
            let out = &self.bytes[self.pos..end];
            self.pos = end;
            Ok(out)
        };
        let key = take()?;
        let ids = take()?;
        Ok(Some((key, ids)))
    }
}

/// Where whole buckets go as a merge completes them.
type BucketSink<'a> = dyn FnMut(Vec<u8>, Bucket) -> Result<(), StoreError> + 'a;

/// Fills buckets with terms in key order, handing each to the sink when it is full.
struct BucketFiller<'a, 'b> {
    sink: &'a mut BucketSink<'b>,
    current: Option<(Vec<u8>, Bucket, usize)>,
}

impl BucketFiller<'_, '_> {
    fn push(&mut self, key: &[u8], ids: Vec<u8>) -> Result<(), StoreError> {
        let Some((&kind, term)) = key.split_first() else { return Ok(()) };
        let entry = Entry { term: term.to_vec(), ids };
        let size = entry.term.len() + entry.ids.len() + 4;
        match &mut self.current {
            Some((k, b, filled)) if k[0] == kind && *filled < bucket::FILL_BYTES => {
                b.entries.push(entry);
                *filled += size;
            }
            _ => {
                // a kind's first bucket is keyed by the kind alone
                let same_kind = self.current.as_ref().is_some_and(|(k, _, _)| k[0] == kind);
                let bk = if same_kind { bucket_key(kind, term) } else { vec![kind] };
                if let Some((k, b, _)) = self.current.take() {
                    (self.sink)(k, b)?;
                }
                self.current = Some((bk, Bucket { entries: vec![entry] }, size));
            }
        }
        Ok(())
    }

    fn finish(mut self) -> Result<(), StoreError> {
        match self.current.take() {
            Some((k, b, _)) => (self.sink)(k, b),
            None => Ok(()),
        }
    }
}

/// Sorted `(key, ids)` entries: a run in memory or in the run file.
trait Entries {
    fn next_entry(&mut self) -> Result<Option<OwnedEntry>, StoreError>;
}

impl Entries for RunCursor<'_> {
    fn next_entry(&mut self) -> Result<Option<OwnedEntry>, StoreError> {
        Ok(self.next()?.map(|(k, ids)| (k.to_vec(), ids.to_vec())))
    }
}

/// Merges sorted sources (k-way) into whole buckets, handed to `sink` in key order. A term in
/// several sources gets the union of their posting lists.
fn merge_entries(sources: &mut [&mut dyn Entries], sink: &mut BucketSink) -> Result<(), StoreError> {
    use std::cmp::Reverse;
    let mut heap = std::collections::BinaryHeap::new();
    for (i, src) in sources.iter_mut().enumerate() {
        if let Some((k, ids)) = src.next_entry()? {
            heap.push(Reverse((k, i, ids)));
        }
    }
    let mut filler = BucketFiller { sink, current: None };
    while let Some(Reverse((key, i, ids))) = heap.pop() {
        let mut lists = vec![ids];
        if let Some((k, ids)) = sources[i].next_entry()? {
            heap.push(Reverse((k, i, ids)));
        }
        while heap.peek().is_some_and(|Reverse((k, _, _))| *k == key) {
            let Some(Reverse((_, j, ids))) = heap.pop() else { break };
            lists.push(ids);
            if let Some((k, ids)) = sources[j].next_entry()? {
                heap.push(Reverse((k, j, ids)));
            }
        }
        let ids = if lists.len() == 1 {
            lists.pop().unwrap_or_default()
        } else {
            let mut all = Vec::new();
            for l in &lists {
                all.extend(postings::unpack(l).map_err(|_| postings_corrupt("search run".into()))?);
            }
            postings::normalise(&mut all);
            postings::pack(&all)
        };
        filler.push(&key, ids)?;
    }
    filler.finish()
}

#[cfg(test)]
pub(super) fn merge_runs(runs: &[Run]) -> Result<Vec<(Vec<u8>, Bucket)>, StoreError> {
    let mut cursors: Vec<RunCursor> = runs.iter().map(Run::cursor).collect();
    let mut sources: Vec<&mut dyn Entries> = cursors.iter_mut().map(|c| c as &mut dyn Entries).collect();
    let mut out = Vec::new();
    merge_entries(&mut sources, &mut |k, b| {
        out.push((k, b));
        Ok(())
    })?;
    Ok(out)
}

/// Encoded buckets per `apply_batch` when a whole index is written.
const WRITE_BATCH_BYTES: usize = 2 << 20;
/// Raw bytes per frame of the run file: a merge holds one frame per run in memory.
pub(super) const RUN_FRAME_BYTES: usize = 64 << 10;

/// One frame of the run file: `[last frame of its run: u8][raw length: u32 LE][compressed
/// length: u32 LE][lz4 block]`.
#[derive(Clone, Copy, Debug)]
pub(super) struct Frame {
    offset: u64,
    raw: usize,
    comp: usize,
}

/// A run in the run file, read a frame at a time.
struct FileRun<'a> {
    file: &'a std::fs::File,
    frames: Vec<Frame>,
    next: usize,
    buf: Vec<u8>,
    pos: usize,
}

fn read_at(file: &std::fs::File, buf: &mut [u8], offset: u64) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        std::os::unix::fs::FileExt::read_exact_at(file, buf, offset)
    }
    #[cfg(not(unix))]
    {
        use std::io::{Read, Seek};
        let mut f = file;
        f.seek(std::io::SeekFrom::Start(offset))?;
        f.read_exact(buf)
    }
}

fn run_file_corrupt(err: codec::CodecError) -> StoreError {
    StoreError::Corrupt { what: RUN_FILE.into(), err }
}

impl Entries for FileRun<'_> {
    fn next_entry(&mut self) -> Result<Option<OwnedEntry>, StoreError> {
        if self.pos == self.buf.len() {
            let Some(f) = self.frames.get(self.next).copied() else { return Ok(None) };
            self.next += 1;
            let mut comp = vec![0u8; f.comp];
            read_at(self.file, &mut comp, f.offset).map_err(|_| run_file_corrupt(codec::CodecError::Truncated))?;
            self.buf = lz4_flex::block::decompress(&comp, f.raw)
                .map_err(|_| run_file_corrupt(codec::CodecError::Compression))?;
            if self.buf.len() != f.raw {
                return Err(run_file_corrupt(codec::CodecError::Compression));
            }
            self.pos = 0;
        }
        let mut c = RunCursor { bytes: &self.buf, pos: self.pos };
        let entry = c.next()?.map(|(k, ids)| (k.to_vec(), ids.to_vec()));
        self.pos = c.pos;
        Ok(entry)
    }
}

impl Store {
    pub(super) fn run_file(&self) -> PathBuf {
        self.dir.join(RUN_FILE)
    }

    fn io_error(&self, err: std::io::Error) -> StoreError {
        StoreError::Io { path: self.run_file(), err }
    }

    /// Appends a run to the run file, in frames of about [`RUN_FRAME_BYTES`].
    pub(super) fn append_run(&self, run: &Run) -> Result<(), StoreError> {
        if run.0.is_empty() {
            return Ok(());
        }
        let mut out = Vec::new();
        let mut cursor = run.cursor();
        let mut start = 0;
        loop {
            let at_end = cursor.next()?.is_none();
            if at_end || cursor.pos - start >= RUN_FRAME_BYTES {
                let raw = &run.0[start..cursor.pos];
                let comp = lz4_flex::block::compress(raw);
                out.push(u8::from(at_end || cursor.pos == run.0.len()));
                out.extend((raw.len() as u32).to_le_bytes());
                out.extend((comp.len() as u32).to_le_bytes());
                out.extend(comp);
                start = cursor.pos;
                if start == run.0.len() {
                    break;
                }
            }
        }
        let mut f = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.run_file())
            .map_err(|e| self.io_error(e))?;
        f.write_all(&out).map_err(|e| self.io_error(e))?;
        Ok(())
    }

    /// The runs of the run file, as frame lists (none without a file).
    pub(super) fn run_frames(&self, file: &std::fs::File) -> Result<Vec<Vec<Frame>>, StoreError> {
        let len = file.metadata().map_err(|e| self.io_error(e))?.len();
        let mut runs = Vec::new();
        let mut run = Vec::new();
        let mut offset = 0u64;
        while offset < len {
            let mut head = [0u8; 9];
            read_at(file, &mut head, offset).map_err(|_| run_file_corrupt(codec::CodecError::Truncated))?;
            let raw = u32::from_le_bytes([head[1], head[2], head[3], head[4]]) as usize;
            let comp = u32::from_le_bytes([head[5], head[6], head[7], head[8]]) as usize;
            if raw > codec::LIMIT || head[0] > 1 {
                return Err(run_file_corrupt(codec::CodecError::Compression));
            }
            run.push(Frame { offset: offset + 9, raw, comp });
            offset += 9 + comp as u64;
            if head[0] == 1 {
                runs.push(std::mem::take(&mut run));
            }
        }
        if offset != len || !run.is_empty() {
            return Err(run_file_corrupt(codec::CodecError::Truncated));
        }
        Ok(runs)
    }

    /// Deletes a bulk load's leftover run file (a wiped store).
    pub(in crate::store) fn drop_runs(&self) -> Result<(), StoreError> {
        match std::fs::remove_file(self.run_file()) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(self.io_error(e)),
            _ => Ok(()),
        }
    }

    /// Replaces the whole term index by buckets merged from the run file (and the current
    /// index, with `keep_current`), then deletes the run file. Buckets are written in batches
    /// of a few MB as the merge completes them, so memory stays bounded; callers mark the index
    /// current only after this returns.
    pub(super) fn write_index(&self, keep_current: bool) -> Result<(), StoreError> {
        let mut batch = sled::Batch::default();
        let mut current = Run::default();
        for kv in self.search.iter() {
            let (k, v) = kv?;
            batch.remove(k.clone());
            if keep_current && k.as_ref() != DIR_KEY && !k.is_empty() {
                let b: Bucket = codec::decode(&v).map_err(corrupt("search bucket"))?;
                for e in b.entries {
                    current.push(&bucket_key(k[0], &e.term), &e.ids);
                }
            }
        }
        let file = match std::fs::File::open(self.run_file()) {
            Ok(f) => Some(f),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(self.io_error(e)),
        };
        let mut runs: Vec<FileRun> = Vec::new();
        if let Some(file) = &file {
            for frames in self.run_frames(file)? {
                runs.push(FileRun { file, frames, next: 0, buf: Vec::new(), pos: 0 });
            }
        }
        let mut cursor = current.cursor();
        let mut sources: Vec<&mut dyn Entries> = runs.iter_mut().map(|r| r as &mut dyn Entries).collect();
        sources.push(&mut cursor);
        let mut dir: Vec<Vec<u8>> = Vec::new();
        let mut pending = 0usize;
        merge_entries(&mut sources, &mut |k, b| {
            let v = encode_bucket(&b);
            pending += k.len() + v.len();
            batch.insert(k.as_slice(), v);
            dir.push(k);
            if pending >= WRITE_BATCH_BYTES {
                self.search.apply_batch(std::mem::take(&mut batch))?;
                pending = 0;
            }
            Ok(())
        })?;
        if !dir.is_empty() {
            batch.insert(DIR_KEY, codec::encode(&dir));
        }
        self.search.apply_batch(batch)?;
        drop(sources);
        drop(runs);
        drop(file);
        self.drop_runs()
    }
}
