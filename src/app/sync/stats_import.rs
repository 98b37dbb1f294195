//! A county imports its townships' statistics files (docs/COUNTY.md, "Import (county)"): the
//! bytes (magic, version, lengths, hash, signature) → demo → trust → place (a township under
//! this county; every place under that township) → content (figure ids, parts within their
//! wholes, category codes) → one transaction into the `stats` tree, where each place's period
//! is replaced only by newer figures. Any refusal leaves the store as it was.

use std::collections::BTreeMap;

use super::signer::{ImportError, Signer};
use super::{ImportOptions, Refusal, SignerState};
use crate::app::App;
use crate::app::report::stats::{from_ids, period_key};
use crate::domain::check::{check_division, division_covers};
use crate::domain::figures::Figure;
use crate::domain::{Kind, labels};
use crate::i18n::tr;
use crate::store::{StatsEntry, SyncMark};
use crate::sync::{StatsFile, read_stats};

/// What importing a statistics file does (or, with `dry_run`, would do).
#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct StatsImportPlan {
    /// The file.
    pub file: String,
    /// Its id (hex).
    pub file_id: String,
    /// The township's fingerprint.
    pub fingerprint: String,
    /// The township's name.
    pub place: String,
    /// Its division code.
    pub division: String,
    /// Who wrote it.
    pub worker: String,
    /// When (ms).
    pub created_ms: u64,
    /// The day its figures were computed for.
    pub as_of: String,
    /// How its signer stands.
    pub signer: Option<SignerState>,
    /// Places it has figures of.
    pub places: u64,
    /// Place-and-period entries.
    pub entries: u64,
    /// Entries new to this store.
    pub added: u64,
    /// Entries that replace older figures.
    pub replaced: u64,
    /// Entries left out because this store holds newer figures of that place and period.
    pub older: u64,
    /// Figures under ids this build does not know (from a newer gridlog), left out.
    pub unknown_figures: u64,
    /// Whether it was written (false: a dry run).
    pub applied: bool,
    /// It came encrypted for this store.
    pub encrypted: bool,
}

impl App {
    /// Checks and (unless `opts.dry_run`) applies a statistics file's bytes (opened already, if
    /// it was sealed).
    pub(super) fn import_stats(
        &self,
        file: &str,
        bytes: &[u8],
        opts: ImportOptions,
    ) -> Result<StatsImportPlan, ImportError> {
        let me = self.require_identity()?.clone();
        if !self.is_county() {
            return Err(Refusal::StatsNotHere.into());
        }
        let StatsFile { header: h, rows } = read_stats(bytes).map_err(Refusal::Bundle)?;
        let row_count = rows.len() as u64;
        if h.demo && !me.demo {
            return Err(Refusal::Demo.into());
        }
        let who = Signer {
            public_key: h.public_key,
            device: h.device,
            worker: &h.worker,
            place: &h.place,
            role: &h.role,
            division: &h.division,
        };
        let signer = self.signer_state(&who, opts.trust_new)?;
        if !division_covers(&me.division, &h.division) {
            return Err(Refusal::Unrelated { place: h.place.clone(), division: h.division.clone() }.into());
        }
        if h.role != "township" || h.division == me.division {
            return Err(Refusal::StatsNotTownship {
                place: h.place.clone(),
                division: h.division.clone(),
                role: h.role.clone(),
            }
            .into());
        }
        for (code, name) in &h.places {
            if check_division(code).is_err() || !division_covers(&h.division, code) {
                return Err(Refusal::StatsOutside { place: name.clone(), division: code.clone() }.into());
            }
        }
        let mut plan = StatsImportPlan {
            file: file.to_string(),
            file_id: h.id.to_string(),
            fingerprint: h.fingerprint(),
            place: h.place.clone(),
            division: h.division.clone(),
            worker: h.worker.clone(),
            created_ms: h.created_ms,
            as_of: h.as_of.to_string(),
            signer: Some(signer),
            places: h.places.len() as u64,
            ..StatsImportPlan::default()
        };
        let mut entries: BTreeMap<(u32, crate::store::PeriodKey), StatsEntry> = BTreeMap::new();
        for row in rows {
            let Some((code, name)) = h.places.get(row.place as usize) else {
                return Err(Refusal::StatsOutside { place: String::new(), division: row.place.to_string() }.into());
            };
            let invalid = |what: String| Refusal::StatsInvalid {
                place: format!("{name} {code}"),
                period: row.period.to_string(),
                what,
            };
            plan.unknown_figures += row.figures.iter().filter(|(id, _)| Figure::from_id(*id).is_none()).count() as u64;
            if let Some(what) = self.impossible(&row.figures, row.category.as_ref()) {
                return Err(invalid(what).into());
            }
            let key = period_key(&row.period);
            let entry = entries.entry((row.place, key)).or_insert_with(|| StatsEntry {
                division: code.clone(),
                place: name.clone(),
                period: key,
                as_of: h.as_of,
                created_ms: h.created_ms,
                file_id: h.id.0,
                producer: h.division.clone(),
                producer_place: h.place.clone(),
                definitions: h.definitions,
                rows: Vec::new(),
            });
            let known: Vec<(u16, u64)> =
                row.figures.iter().copied().filter(|(id, _)| Figure::from_id(*id).is_some()).collect();
            entry.rows.push((row.category.map(|(k, c)| (k.tag(), c)), known));
        }
        let entries: Vec<StatsEntry> = entries.into_values().collect();
        plan.entries = entries.len() as u64;
        let held: BTreeMap<_, _> =
            self.store.stats_entries()?.into_iter().filter_map(|e| Some((e.key()?, e))).collect();
        for e in &entries {
            match e.key().and_then(|k| held.get(&k)) {
                None => plan.added += 1,
                Some(old) if e.newer_than(old) => plan.replaced += 1,
                Some(_) => plan.older += 1,
            }
        }
        if opts.dry_run {
            return Ok(plan);
        }
        self.store.apply_stats(&entries)?;
        plan.applied = true;
        let now = (self.now_ms)();
        if signer != SignerState::Own {
            self.remember_signer(&who, signer, now)?;
        }
        let mark = SyncMark { ms: now, path: file.to_string(), events: row_count, place: h.place.clone() };
        self.store.set_last_import(&mark)?;
        Ok(plan)
    }

    /// Why a row's figures cannot come from these definitions (a part above its whole, a
    /// category code no list holds), in the user's language; `None` when they can.
    fn impossible(&self, figures: &[(u16, u64)], category: Option<&(Kind, String)>) -> Option<String> {
        let lang = self.lang;
        let c = from_ids(figures);
        for f in Figure::ALL {
            if let Some(whole) = f.within()
                && c.get(f) > c.get(whole)
            {
                let name = |f: Figure| tr(lang, &format!("report.fig.{}", f.name()), &[]);
                return Some(tr(
                    lang,
                    "sync.stats_part_above",
                    &[&name(f), &c.get(f).to_string(), &name(whole), &c.get(whole).to_string()],
                ));
            }
        }
        if let Some((kind, code)) = category {
            let field = if *kind == Kind::Demand { "domain" } else { "category" };
            let known = match kind {
                Kind::Visit => code.is_empty(),
                Kind::Demand | Kind::Dispute | Kind::Hazard => {
                    code.is_empty() || labels::code_label(Some(*kind), None, field, code, lang).is_some()
                }
                _ => false,
            };
            if !known {
                return Some(tr(lang, "sync.stats_bad_category", &[kind.name(), code]));
            }
        }
        None
    }
}
