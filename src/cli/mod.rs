//! The scripting command line (clap). Every command calls `app`; output for people in the
//! chosen language, `--json` for machines. Exit codes: 0 ok, 2 bad usage or invalid input,
//! 3 refused bundle, 4 store in use, 1 anything else.

mod demo;
mod output;
mod report;
mod stdin;
mod sync;
mod table;
mod township;

use std::io::{IsTerminal, Read};
use std::path::{Path, PathBuf};

use clap::{Parser, Subcommand};

use crate::app::sync::{ExportSpec, ImportOptions, StatsExportSpec};
use crate::app::{App, AppError, DemoScale, InitSpec, ListQuery, Options};
use crate::domain::Kind;
use crate::i18n::{Lang, tr};
use demo::{DemoKind, make_demo, open_demo};

/// 网格台账 gridlog: ledgers of a village grid worker, offline, in the terminal.
#[derive(Parser, Debug)]
#[command(name = "gridlog", version, about, long_about = None)]
pub struct Cli {
    /// Store directory (default: the platform data directory).
    #[arg(long, global = true, env = "GRIDLOG_DATA_DIR", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// A separate store for another worker on the same account.
    #[arg(long, global = true, value_name = "NAME")]
    pub profile: Option<String>,
    /// Language: zh or en (default from LC_ALL / LANG; Chinese unless the locale is English).
    #[arg(long, global = true, value_name = "zh|en")]
    pub lang: Option<String>,
    /// sled page cache in MiB.
    #[arg(long, global = true, env = "GRIDLOG_CACHE_MB", default_value_t = 16, value_name = "MIB")]
    pub cache_mb: u64,
    /// Use a demo store, created with demo data on first use: `--demo` a village (profile
    /// `demo`), `--demo=township` a township over demo villages (profile `demo-township`),
    /// `--demo=county` a county over demo townships' statistics files (profile `demo-county`).
    #[arg(
        long,
        global = true,
        value_name = "village|township|county",
        num_args = 0..=1,
        require_equals = true,
        default_missing_value = "village"
    )]
    pub demo: Option<DemoKind>,
    /// Screen theme: `color` or `mono` (NO_COLOR also gives mono).
    #[arg(long, global = true, value_name = "color|mono")]
    pub theme: Option<String>,
    /// Let the TUI use the mouse (wheel scrolls); off keeps the terminal's own text selection.
    #[arg(long, global = true)]
    pub mouse: bool,
    /// What to do (none: open the ledgers).
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Subcommands.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Create the store: place, role, worker, a new device id and signing key.
    Init {
        /// village, township or county.
        #[arg(long)]
        role: String,
        /// 12-digit statistical division code.
        #[arg(long)]
        division: String,
        /// Place name (村/乡镇/县).
        #[arg(long)]
        place: String,
        /// Your name.
        #[arg(long)]
        worker: String,
        /// Your grid.
        #[arg(long, default_value = "")]
        grid: String,
    },
    /// Fill an empty store with a demo village; with --township a demo township over demo
    /// villages, with --county a demo county over demo townships (deterministic: same seed,
    /// same data).
    Demo {
        /// How many records (per village with --township or --county).
        #[arg(long, default_value_t = 2000)]
        records: usize,
        /// Random seed.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// A township: its villages' records arrive as bundles, a few escalations answered.
        #[arg(long, conflicts_with = "county")]
        township: bool,
        /// A county: its townships' figures arrive as statistics files.
        #[arg(long)]
        county: bool,
        /// Villages per township (with --township or --county; 1 to 8, default 6).
        #[arg(long)]
        villages: Option<usize>,
    },
    /// Add a record: reads one JSON object on stdin, prints the new id.
    Add {
        /// household, person, visit, demand, dispute or hazard.
        kind: String,
        /// Print the whole record as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Apply a lifecycle action (or edit / note) to a record: reads a JSON object on stdin.
    Act {
        /// Record id.
        id: String,
        /// Action name, e.g. session, agree, reply, review, close, edit, note.
        action: String,
        /// Print the whole record as JSON.
        #[arg(long)]
        json: bool,
    },
    /// List records, newest first.
    List {
        /// household, person, visit, demand, dispute or hazard.
        kind: String,
        /// Only this status (code, e.g. RECEIVED).
        #[arg(long)]
        status: Option<String>,
        /// Only overdue records, most overdue first.
        #[arg(long)]
        overdue: bool,
        /// Only records containing this text (or ending with these ID/phone digits).
        #[arg(long)]
        query: Option<String>,
        /// At most this many (0: all).
        #[arg(long, default_value_t = 50)]
        limit: usize,
        /// JSON lines? No: one JSON array.
        #[arg(long)]
        json: bool,
        /// Show ID numbers and phones unmasked.
        #[arg(long)]
        reveal: bool,
    },
    /// Show a record and its history.
    Show {
        /// Record id.
        id: String,
        /// As JSON.
        #[arg(long)]
        json: bool,
        /// Show ID numbers and phones unmasked.
        #[arg(long)]
        reveal: bool,
    },
    /// Write a bundle file of what the peer is not known to hold (or everything: --all).
    Export {
        /// The file to write (*.gridlog).
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        /// Every event: a full backup.
        #[arg(long)]
        all: bool,
        /// Only the records of this place: a division code, a place name or a fingerprint.
        #[arg(long = "for", value_name = "PLACE")]
        for_place: Option<String>,
        /// Encrypt for this store's key (its fingerprint). By default a bundle is encrypted
        /// for the trusted key of the place it goes to, when there is one.
        #[arg(long, value_name = "PUBKEY")]
        encrypt_to: Option<String>,
        /// Do not encrypt.
        #[arg(long, conflicts_with = "encrypt_to")]
        plain: bool,
        /// Township: figures only, per village and period, for the county (no records).
        #[arg(long, conflicts_with = "all")]
        stats_only: bool,
        /// With --stats-only: this period (2026-11, 2026-Q4, 2026); repeat for more.
        #[arg(long, value_name = "PERIOD", requires = "stats_only")]
        period: Vec<String>,
        /// Print the summary as JSON.
        #[arg(long)]
        json: bool,
    },
    /// One ledger as a flat table (JSON lines or CSV) for an analytics engine, masked unless --reveal.
    ExportTable {
        /// household, person, visit, demand, dispute or hazard.
        kind: String,
        /// jsonl or csv (UTF-8 with a BOM).
        #[arg(long, value_enum)]
        format: table::Format,
        /// Write to this file instead of standard output.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        /// Show ID numbers, phones and sensitive tags whole (recorded in the store).
        #[arg(long)]
        reveal: bool,
        /// Only records made in this place or under it: a division code, a place name or a fingerprint.
        #[arg(long, value_name = "DIVISION")]
        place: Option<String>,
    },
    /// Import bundle files: each is checked whole, then applied in one transaction.
    Import {
        /// The bundle files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Check and show the plan; write nothing.
        #[arg(long)]
        dry_run: bool,
        /// Trust the signer of a bundle this store has not met.
        #[arg(long)]
        trust_new: bool,
        /// Print the plans as JSON.
        #[arg(long)]
        json: bool,
    },
    /// This store's key, and the signers it trusts.
    Keys {
        /// show, list, trust FINGERPRINT or revoke FINGERPRINT.
        #[command(subcommand)]
        command: sync::KeysCommand,
        /// As JSON.
        #[arg(long, global = true)]
        json: bool,
    },
    /// Township or county: one row per village (records, overdue, escalations waiting, last bundle).
    Villages {
        /// As JSON.
        #[arg(long)]
        json: bool,
    },
    /// Township or county: escalations and extension requests waiting here, oldest first.
    Inbox {
        /// As JSON.
        #[arg(long)]
        json: bool,
    },
    /// What has been sent, acknowledged and received.
    SyncStatus {
        /// As JSON.
        #[arg(long)]
        json: bool,
    },
    /// The assessment report (考核) of a month, quarter or year (docs/REPORTS.md).
    Report(report::ReportArgs),
    /// Check the store: every event decodes, every view matches the events.
    Doctor {
        /// Copy every record that can still be read into a new store (needs --out).
        #[arg(long)]
        salvage: bool,
        /// The new, empty directory --salvage writes to.
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
    },
}

/// Runs the program; returns the exit code.
pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { 2 } else { 0 };
        }
    };
    let lang = Lang::detect(cli.lang.as_deref());
    match run(cli, lang) {
        Ok(()) => 0,
        Err(e) => {
            report(&e, lang);
            e.exit_code()
        }
    }
}

/// Writes an error's lines to standard error, in the user's language.
fn report(e: &AppError, lang: Lang) {
    for line in e.lines(lang) {
        use std::io::Write as _;
        let line = crate::domain::text::escape_control_lines(&line);
        let _ = writeln!(std::io::stderr(), "{}{}", tr(lang, "cli.error_prefix", &[]), line);
    }
}

fn store_dir(cli: &Cli) -> Result<PathBuf, AppError> {
    let profile = match cli.demo {
        Some(kind) => Some(kind.profile()),
        None => cli.profile.as_deref(),
    };
    crate::app::data_dir(cli.data_dir.as_deref(), profile)
}

/// One JSON object from stdin: at most [`stdin::STDIN_MAX`] bytes of UTF-8, no key twice.
fn read_stdin_json(lang: Lang) -> Result<serde_json::Value, AppError> {
    // one byte past the limit is enough to know the input is too large
    stdin::read_json(std::io::stdin().lock().take(stdin::STDIN_MAX as u64 + 1), lang)
}

fn parse_kind(s: &str) -> Result<Kind, AppError> {
    Kind::from_name(s).ok_or_else(|| AppError::Usage(format!("{s}: household|person|visit|demand|dispute|hazard")))
}

fn progress_bar(len: u64) -> indicatif::ProgressBar {
    if std::io::stderr().is_terminal() {
        let pb = indicatif::ProgressBar::new(len);
        if let Ok(style) = indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} {eta}") {
            pb.set_style(style);
        }
        pb
    } else {
        indicatif::ProgressBar::hidden()
    }
}

fn opts(cli: &Cli) -> Options {
    Options { cache_bytes: cli.cache_mb.max(1) << 20 }
}

/// Logs go to `gridlog.log` in the store directory, never to the terminal the TUI draws on.
/// Only commands that may create a store create its directory; the others log only where a
/// store is already there, so a mistyped path stays untouched.
fn init_logging(dir: &Path, may_create: bool) {
    if !crate::app::prepare_data_dir(dir, may_create) {
        return;
    }
    let Ok(file) = std::fs::OpenOptions::new().create(true).append(true).open(dir.join("gridlog.log")) else { return };
    let _ = tracing_subscriber::fmt()
        .with_writer(std::sync::Mutex::new(file))
        .with_ansi(false)
        .with_target(false)
        .with_max_level(tracing::Level::INFO)
        .try_init();
}

fn run(cli: Cli, lang: Lang) -> Result<(), AppError> {
    let dir = store_dir(&cli)?;
    let may_create =
        cli.demo.is_some() || matches!(cli.command, None | Some(Command::Init { .. } | Command::Demo { .. }));
    init_logging(&dir, may_create);
    tracing::info!(version = env!("CARGO_PKG_VERSION"), tui = cli.command.is_none(), "start");
    let opts = opts(&cli);
    // the TUI and `init` may create a store; every other command needs one to exist already,
    // so a mistyped --data-dir is reported instead of silently starting an empty store there
    let open = |dir: &Path| match cli.demo {
        Some(kind) => open_demo(kind, dir, &opts, lang),
        None => App::open_existing(dir, &opts, lang),
    };
    match &cli.command {
        None => {
            let t = std::time::Instant::now();
            let app = match cli.demo {
                Some(kind) => open_demo(kind, &dir, &opts, lang)?,
                None => App::open(&dir, &opts, lang)?,
            };
            tracing::info!("store opened in {:.1} ms", t.elapsed().as_secs_f64() * 1000.0);
            if std::io::stdout().is_terminal() && std::io::stdin().is_terminal() {
                let theme = crate::tui::Theme::detect(cli.theme.as_deref());
                crate::tui::run(app, crate::tui::Options { theme, mouse: cli.mouse })
            } else {
                // piped: print the overdue work instead of drawing a screen
                if app.is_above() { township::overview(&app) } else { output::overview(&app) }
            }
        }
        Some(Command::Init { role, division, place, worker, grid }) => {
            let mut app = App::open(&dir, &opts, lang)?;
            let spec = InitSpec {
                role: role.clone(),
                division: division.clone(),
                place: place.clone(),
                worker: worker.clone(),
                grid: grid.clone(),
            };
            let id = app.init(&spec)?.clone();
            output::line(&tr(lang, "cli.initialised", &[&id.place, &id.device.to_string(), &dir.display().to_string()]))
        }
        Some(Command::Demo { records, seed, township, county, villages }) => {
            let kind = match (township, county) {
                (true, _) => DemoKind::Township,
                (_, true) => DemoKind::County,
                _ if villages.is_some() => return Err(AppError::Usage(tr(lang, "cli.demo_villages_alone", &[]))),
                _ => DemoKind::Village,
            };
            let villages = villages.unwrap_or(DemoScale::DEFAULT_VILLAGES);
            let r = make_demo(kind, &dir, &opts, lang, *records, *seed, villages)?;
            output::line(&tr(
                lang,
                "cli.demo_done",
                &[
                    &r.records.to_string(),
                    &r.events.to_string(),
                    &format!("{:.1}", r.disk_bytes as f64 / 1e6),
                    &format!("{:.1}", r.seconds),
                    &dir.display().to_string(),
                ],
            ))
        }
        Some(Command::Add { kind, json }) => {
            let kind = parse_kind(kind)?;
            let input = read_stdin_json(lang)?;
            let mut app = open(&dir)?;
            let v = app.add(kind, &input)?;
            if *json { output::json(&v.to_json(false)) } else { output::line(&v.entity.id.to_string()) }
        }
        Some(Command::Act { id, action, json }) => {
            let input = read_stdin_json(lang)?;
            let mut app = open(&dir)?;
            let id = app.parse_id(id)?;
            let v = app.act(id, action, &input)?;
            if *json {
                output::json(&v.to_json(false))
            } else {
                output::line(&format!("{} {}", v.entity.id, output::status_label(&v, lang)))
            }
        }
        Some(Command::List { kind, status, overdue, query, limit, json, reveal }) => {
            let kind = parse_kind(kind)?;
            let app = open(&dir)?;
            let q = ListQuery {
                kind: Some(kind),
                status: status.clone(),
                overdue: *overdue,
                query: query.clone(),
                limit: *limit,
                ..Default::default()
            };
            let rows = app.list(&q)?;
            if *reveal {
                app.record_reveal(&format!("list {} --reveal", kind.name()))?;
            }
            if *json {
                let arr: Vec<_> = rows.iter().map(|r| r.to_json(*reveal)).collect();
                output::json(&serde_json::Value::Array(arr))
            } else {
                output::table(&rows, lang)
            }
        }
        Some(Command::Show { id, json, reveal }) => {
            let app = open(&dir)?;
            let id = app.parse_id(id)?;
            let (v, history) = app.show(id)?;
            if *reveal {
                app.record_reveal(&format!("show {id} --reveal"))?;
            }
            if *json {
                let mut j = app.show_json(&v, *reveal)?;
                j["history"] = output::history_json(&history, *reveal);
                output::json(&j)
            } else {
                output::detail(&v, &history, &app.merge_notes(&v)?, lang, *reveal)
            }
        }
        Some(Command::Export { out, for_place, encrypt_to, plain, stats_only: true, period, json, .. }) => {
            let app = open(&dir)?;
            let spec = StatsExportSpec {
                out: out.clone(),
                for_place: for_place.clone(),
                periods: report::parse_periods(period, app.lang())?,
                encrypt_to: encrypt_to.clone(),
                plain: *plain,
            };
            sync::export_stats(&app, &spec, *json)
        }
        Some(Command::Export { out, all, for_place, encrypt_to, plain, json, .. }) => {
            let app = open(&dir)?;
            let spec = ExportSpec {
                out: out.clone(),
                all: *all,
                for_place: for_place.clone(),
                encrypt_to: encrypt_to.clone(),
                plain: *plain,
            };
            sync::export(&app, &spec, *json, &progress_bar(0))
        }
        Some(Command::ExportTable { kind, format, out, reveal, place }) => {
            let kind = parse_kind(kind)?;
            let app = open(&dir)?;
            let args =
                table::Args { kind, format: *format, out: out.as_deref(), reveal: *reveal, place: place.as_deref() };
            table::export_table(&app, &args, &progress_bar(app.estimated_blocks()))
        }
        Some(Command::Import { files, dry_run, trust_new, json }) => {
            let app = open(&dir)?;
            let opts = ImportOptions { dry_run: *dry_run, trust_new: *trust_new };
            sync::import(&app, files, opts, *json, &|| progress_bar(0))
        }
        Some(Command::Keys { command, json }) => sync::keys(&open(&dir)?, command, *json),
        Some(Command::SyncStatus { json }) => sync::status(&open(&dir)?, *json),
        Some(Command::Villages { json }) => township::villages(&open(&dir)?, *json),
        Some(Command::Inbox { json }) => township::inbox(&open(&dir)?, *json),
        Some(Command::Report(args)) => report::report(&open(&dir)?, args),
        Some(Command::Doctor { salvage, out }) => match (salvage, out) {
            (true, Some(out)) => salvage_into(&dir, out, &opts, lang),
            (true, None) => Err(AppError::Usage(tr(lang, "doctor.salvage_needs_out", &[]))),
            (false, Some(_)) => Err(AppError::Usage(tr(lang, "doctor.out_needs_salvage", &[]))),
            (false, None) => doctor(&dir, &opts, lang, cli.demo),
        },
    }
}

/// `doctor`: walks every block (progress from the store's own counters, never sled's `len`).
fn doctor(dir: &Path, opts: &Options, lang: Lang, demo: Option<DemoKind>) -> Result<(), AppError> {
    let app = match demo {
        Some(kind) => open_demo(kind, dir, opts, lang)?,
        None => App::open_existing(dir, opts, lang)?,
    };
    let pb = progress_bar(app.estimated_blocks());
    let r = app.doctor(&|n| {
        pb.set_position(n);
        true
    })?;
    pb.finish_and_clear();
    if r.healthy() {
        return output::line(&tr(
            lang,
            "cli.doctor_ok",
            &[&r.records.to_string(), &r.events.to_string(), &r.blocks.to_string()],
        ));
    }
    for p in &r.problems {
        output::line(p)?;
    }
    let hint = if r.damaged { "app.salvage_hint" } else { "doctor.rebuild_hint" };
    output::line(&tr(lang, hint, &[]))?;
    Err(AppError::Other(tr(lang, "cli.doctor_bad", &[&r.problems.len().to_string()])))
}

/// `doctor --salvage --out DIR`: copies what can be read into a new store; exit 1 when
/// anything could not be read, so a script never takes a partial copy for a whole one.
fn salvage_into(dir: &Path, out: &Path, opts: &Options, lang: Lang) -> Result<(), AppError> {
    let r = App::salvage(dir, out, opts, lang)?;
    output::line(&tr(
        lang,
        "doctor.salvaged",
        &[&r.records.to_string(), &r.events.to_string(), &out.display().to_string()],
    ))?;
    for e in &r.lost {
        output::line(&tr(lang, "doctor.salvage_lost", &[&crate::app::damaged_line(e, lang)]))?;
    }
    let short = r.acknowledged_events.filter(|&ack| r.events < ack);
    if let Some(ack) = short {
        output::line(&tr(lang, "doctor.salvage_short", &[&ack.to_string(), &r.events.to_string()]))?;
    }
    output::line(&tr(lang, "doctor.salvage_next", &[&out.display().to_string()]))?;
    if r.lost.is_empty() && short.is_none() {
        Ok(())
    } else {
        Err(AppError::Other(tr(lang, "doctor.salvage_incomplete", &[])))
    }
}
