//! `gridlog export-table KIND --format jsonl|csv [--out FILE] [--reveal] [--place DIVISION]`:
//! one ledger as a flat table for an analytics engine (docs/SCHEMA.md, "Table export"). The
//! rows stream to standard output, or into FILE through a temporary file renamed into place
//! once whole, so a stopped export never leaves half a table under the real name.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::output;
use crate::app::{App, AppError, TableFormat, TableSpec};
use crate::domain::Kind;
use crate::i18n::tr;

/// `--format`.
#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum Format {
    /// One JSON object per line.
    Jsonl,
    /// CSV, UTF-8 with a byte-order mark.
    Csv,
}

impl From<Format> for TableFormat {
    fn from(f: Format) -> TableFormat {
        match f {
            Format::Jsonl => TableFormat::Jsonl,
            Format::Csv => TableFormat::Csv,
        }
    }
}

/// What the command line asked for.
pub struct Args<'a> {
    /// The ledger.
    pub kind: Kind,
    /// The format.
    pub format: Format,
    /// The file (none: standard output).
    pub out: Option<&'a Path>,
    /// Personal numbers whole.
    pub reveal: bool,
    /// Only this place and the places under it.
    pub place: Option<&'a str>,
}

/// Standard output that remembers a closed pipe (`gridlog export-table … | head` is fine).
struct Stdout {
    inner: std::io::BufWriter<std::io::StdoutLock<'static>>,
    closed: bool,
}

impl Write for Stdout {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let r = self.inner.write(buf);
        self.closed |= matches!(&r, Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe);
        r
    }
    fn flush(&mut self) -> std::io::Result<()> {
        let r = self.inner.flush();
        self.closed |= matches!(&r, Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe);
        r
    }
}

/// Runs the export.
pub fn export_table(app: &App, args: &Args, pb: &indicatif::ProgressBar) -> Result<(), AppError> {
    let lang = app.lang();
    let spec = TableSpec {
        kind: args.kind,
        format: args.format.into(),
        reveal: args.reveal,
        place: args.place.map(str::to_string),
        dest: args.out.map(|p| p.display().to_string()).unwrap_or_default(),
    };
    let progress = |n: u64| {
        pb.set_position(n);
        true
    };
    let Some(out) = args.out else {
        let mut stdout = Stdout { inner: std::io::BufWriter::new(std::io::stdout().lock()), closed: false };
        let r = app.export_table(&spec, &mut stdout, &progress);
        pb.finish_and_clear();
        return match r {
            Err(_) if stdout.closed => Ok(()),
            Err(e) => Err(e),
            Ok(_) => {
                reveal_notice(app, args.reveal);
                Ok(())
            }
        };
    };
    let tmp = part_path(out);
    let io = |p: &Path, e: std::io::Error| AppError::Other(format!("{}: {e}", p.display()));
    let file = std::fs::File::create(&tmp).map_err(|e| io(&tmp, e))?;
    let mut w = std::io::BufWriter::new(file);
    let result = app.export_table(&spec, &mut w, &progress).and_then(|r| {
        let file = w.into_inner().map_err(|e| io(&tmp, e.into_error()))?;
        file.sync_all().map_err(|e| io(&tmp, e))?;
        std::fs::rename(&tmp, out).map_err(|e| io(out, e))?;
        Ok(r)
    });
    pb.finish_and_clear();
    let r = match result {
        Ok(r) => r,
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            return Err(e);
        }
    };
    reveal_notice(app, args.reveal);
    let kind = crate::app::present::kind_label(args.kind, lang);
    output::line(&tr(lang, "table.done", &[&r.rows.to_string(), &kind, &out.display().to_string()]))
}

/// On standard error: personal numbers went out whole, and the reveal was recorded.
fn reveal_notice(app: &App, reveal: bool) {
    if reveal {
        let _ = writeln!(std::io::stderr(), "{}", tr(app.lang(), "table.revealed", &[]));
    }
}

fn part_path(out: &Path) -> PathBuf {
    let name = out.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "table".into());
    out.with_file_name(format!(".{name}.part"))
}
