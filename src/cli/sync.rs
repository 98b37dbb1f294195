//! `export`, `import`, `keys` and `sync-status`: bundle files between stores (docs/BUNDLE.md),
//! printed for people or as JSON.

use std::path::PathBuf;

use super::output;
use crate::app::present::kind_label;
use crate::app::sync::{
    ExportSpec, ImportOptions, ImportPlan, Imported, PerKind, StatsExportSpec, StatsImportPlan, short_fingerprint,
};
use crate::app::{App, AppError};
use crate::i18n::{Lang, tr};

/// `gridlog keys …`.
#[derive(Debug, clap::Subcommand)]
pub enum KeysCommand {
    /// This store's fingerprint, to give to the stores that will import its bundles.
    Show,
    /// The signers this store knows, and whether it trusts them.
    List,
    /// Trust a signer: its whole fingerprint, or the first 8+ digits of one already met.
    Trust {
        /// The fingerprint (hex).
        fingerprint: String,
    },
    /// Revoke a signer: its bundles are refused from now on.
    Revoke {
        /// The fingerprint (hex).
        fingerprint: String,
    },
}

fn per_kind(p: &PerKind, lang: Lang) -> String {
    if p.0.is_empty() {
        return tr(lang, "cli.none", &[]);
    }
    let sep = if lang == Lang::Zh { "，" } else { ", " };
    p.0.iter().map(|(k, n)| format!("{} {n}", kind_label(*k, lang))).collect::<Vec<_>>().join(sep)
}

fn mb(bytes: u64) -> String {
    if bytes < 1 << 20 {
        format!("{:.1} KB", bytes as f64 / 1024.0)
    } else {
        format!("{:.1} MB", bytes as f64 / 1048576.0)
    }
}

/// `gridlog export`.
pub fn export(app: &App, spec: &ExportSpec, json: bool, pb: &indicatif::ProgressBar) -> Result<(), AppError> {
    let lang = app.lang();
    let r = app.export(spec, &|n, total| {
        pb.set_length(total);
        pb.set_position(n);
        true
    })?;
    pb.finish_and_clear();
    if json {
        return output::json(&serde_json::to_value(&r).unwrap_or_default());
    }
    output::line(&tr(lang, "cli.export_done", &[&r.events.to_string(), &mb(r.bytes), &r.path]))?;
    output::line(&tr(lang, "cli.export_records", &[&per_kind(&r.records, lang)]))?;
    if let Some(t) = &r.target {
        output::line(&tr(lang, "cli.export_for", &[t]))?;
    }
    if let Some(k) = &r.encrypted_for {
        output::line(&tr(lang, "cli.export_encrypted", &[&short_fingerprint(k)]))?;
    }
    if r.events == 0 {
        output::line(&tr(lang, "cli.export_empty", &[]))?;
    }
    Ok(())
}

/// `gridlog export --stats-only`.
pub fn export_stats(app: &App, spec: &StatsExportSpec, json: bool) -> Result<(), AppError> {
    let lang = app.lang();
    let r = app.export_stats(spec)?;
    if json {
        return output::json(&serde_json::to_value(&r).unwrap_or_default());
    }
    output::line(&tr(
        lang,
        "cli.stats_done",
        &[&r.places.to_string(), &r.periods.to_string(), &r.rows.to_string(), &mb(r.bytes), &r.path],
    ))?;
    output::line(&tr(lang, "cli.stats_as_of", &[&r.as_of]))?;
    if let Some(k) = &r.encrypted_for {
        output::line(&tr(lang, "cli.export_encrypted", &[&short_fingerprint(k)]))?;
    }
    Ok(())
}

fn stats_lines(plan: &StatsImportPlan, lang: Lang) -> Vec<String> {
    let mut out = vec![
        tr(lang, "cli.stats_from", &[&plan.place, &plan.division, &plan.as_of, &short_fingerprint(&plan.fingerprint)]),
        tr(
            lang,
            if plan.applied { "cli.stats_applied" } else { "cli.stats_would" },
            &[
                &plan.places.to_string(),
                &plan.entries.to_string(),
                &plan.added.to_string(),
                &plan.replaced.to_string(),
                &plan.older.to_string(),
            ],
        ),
    ];
    if plan.unknown_figures > 0 {
        out.push(tr(lang, "cli.stats_unknown_figures", &[&plan.unknown_figures.to_string()]));
    }
    out
}

fn plan_lines(plan: &ImportPlan, lang: Lang) -> Vec<String> {
    let p = &plan.producer;
    let mut out = vec![
        tr(lang, "cli.import_from", &[&p.place, &p.worker, &p.division, &short_fingerprint(&p.fingerprint)]),
        tr(
            lang,
            if plan.applied { "cli.import_new" } else { "cli.import_would" },
            &[&plan.new_total().to_string(), &plan.duplicates.to_string()],
        ),
        tr(lang, "cli.import_created", &[&per_kind(&plan.created, lang)]),
        tr(lang, "cli.import_updated", &[&per_kind(&plan.updated, lang)]),
    ];
    for (device, n) in &plan.new_events {
        out.push(tr(lang, "cli.import_device", &[device, &n.to_string()]));
    }
    if !plan.conflicts.is_empty() {
        out.push(tr(lang, "cli.import_conflicts", &[&plan.conflicts.len().to_string(), &plan.conflicts.join(" ")]));
    }
    if !plan.decisions.is_empty() {
        out.push(tr(lang, "cli.import_decisions", &[&plan.decisions.len().to_string(), &plan.decisions.join(" ")]));
    }
    for (new, old) in &plan.possible_duplicates {
        out.push(tr(lang, "cli.import_duplicate", &[new, old]));
    }
    out
}

/// `gridlog import FILE…`: each file checked and imported on its own, in the order given; a
/// refused file is reported and the others still go in. Exit 3 when any was refused.
pub fn import(
    app: &App,
    files: &[PathBuf],
    opts: ImportOptions,
    json: bool,
    bar: &dyn Fn() -> indicatif::ProgressBar,
) -> Result<(), AppError> {
    let lang = app.lang();
    let mut refused: Option<AppError> = None;
    let mut plans = Vec::new();
    for f in files {
        let pb = bar();
        let result = app.import_any(f, opts, &|done, total| {
            pb.set_length(total);
            pb.set_position(done);
            true
        });
        pb.finish_and_clear();
        match result {
            Ok(imported) => {
                let (lines, value) = match &imported {
                    Imported::Bundle(plan) => (plan_lines(plan, lang), serde_json::to_value(plan)),
                    Imported::Stats(plan) => (stats_lines(plan, lang), serde_json::to_value(plan)),
                };
                if !json {
                    output::line(&tr(lang, "cli.import_file", &[&f.display().to_string()]))?;
                    for l in lines {
                        output::line(&format!("  {l}"))?;
                    }
                }
                plans.push(value.unwrap_or_default());
            }
            Err(e @ AppError::Refused { .. }) => {
                if json {
                    plans.push(serde_json::json!({"file": f.display().to_string(), "refused": e.lines(lang)}));
                }
                if files.len() > 1 {
                    // report it now and go on with the other files
                    super::report(&e, lang);
                }
                refused = Some(e);
            }
            Err(e) => return Err(e),
        }
    }
    if json {
        output::json(&serde_json::Value::Array(plans))?;
    }
    match refused {
        Some(e) if files.len() == 1 => Err(e),
        Some(_) => Err(AppError::SomeRefused),
        None => Ok(()),
    }
}

/// `gridlog keys …`.
pub fn keys(app: &App, cmd: &KeysCommand, json: bool) -> Result<(), AppError> {
    let lang = app.lang();
    match cmd {
        KeysCommand::Show => {
            let k = app.own_key()?;
            if json {
                return output::json(&serde_json::to_value(&k).unwrap_or_default());
            }
            output::line(&tr(lang, "cli.keys_own", &[&k.place, &k.worker, &k.division, &k.device]))?;
            output::line(&k.fingerprint)?;
            output::line(&tr(lang, "cli.keys_own_hint", &[&k.fingerprint]))
        }
        KeysCommand::List => {
            let keys = app.keys()?;
            if json {
                return output::json(&serde_json::to_value(&keys).unwrap_or_default());
            }
            if keys.is_empty() {
                return output::line(&tr(lang, "cli.keys_none", &[]));
            }
            for k in keys {
                let trust = tr(lang, &format!("cli.trust.{}", k.trust), &[]);
                output::line(&format!("{trust}  {}  {} {} {}", k.fingerprint, k.place, k.worker, k.division))?;
            }
            Ok(())
        }
        KeysCommand::Trust { fingerprint } => {
            let k = app.trust_key(fingerprint)?;
            let place = if k.place.is_empty() { tr(lang, "cli.keys_not_met", &[]) } else { k.place };
            output::line(&tr(lang, "cli.keys_trusted", &[&short_fingerprint(&k.fingerprint), &place]))
        }
        KeysCommand::Revoke { fingerprint } => {
            let k = app.revoke_key(fingerprint)?;
            output::line(&tr(lang, "cli.keys_revoked", &[&short_fingerprint(&k.fingerprint), &k.place]))
        }
    }
}

/// `gridlog sync-status`.
pub fn status(app: &App, json: bool) -> Result<(), AppError> {
    let lang = app.lang();
    let s = app.sync_status()?;
    if json {
        return output::json(&serde_json::to_value(&s).unwrap_or_default());
    }
    let time = |ms: u64| crate::app::present::civil_ms(ms);
    for (line, _) in s.lines(lang) {
        output::line(&line)?;
    }
    if let Some(f) = &s.interrupted_import {
        output::line(&tr(lang, "cli.sync_interrupted", &[f]))?;
    }
    for p in &s.peers {
        output::line(&tr(
            lang,
            "cli.sync_peer",
            &[&p.place, &p.division, &time(p.last_bundle_ms), &p.acknowledged.to_string(), &s.own_events.to_string()],
        ))?;
    }
    Ok(())
}
