//! Forms that start from known values (a record raised from a visit), and the check that no
//! text typed into a picker is lost on save.

use serde_json::Value as J;

use super::{Form, Input, Target, text_area};
use crate::domain::{Day, EntityId, Kind};
use crate::i18n::{Lang, tr};

impl Form {
    /// What new records default to: the worker (as visitor, inspector, mediator) and the
    /// store's grid.
    pub fn defaults<'a>(worker: &'a str, grid: &'a str) -> Vec<(&'static str, &'a str)> {
        let mut d = vec![("visitor", worker), ("inspector", worker), ("mediator", worker)];
        if !grid.is_empty() {
            d.push(("grid", grid));
        }
        d
    }

    /// The form for a new record of `kind` raised from visit `visit`, pre-filled with `values`
    /// (`App::raise_defaults`), focused on the first required field still empty.
    #[allow(clippy::too_many_arguments)]
    pub fn raise(
        kind: Kind,
        visit: EntityId,
        lang: Lang,
        today: Day,
        defaults: &[(&str, &str)],
        values: &J,
        labels: &dyn Fn(EntityId) -> String,
    ) -> Form {
        let mut f = Form::create(kind, lang, today, defaults);
        f.target = Target::Raise { kind, visit };
        f.title = tr(lang, "tui.form.raise", &[kind.label(lang)]);
        f.prefill(values, labels);
        f.focus_first_empty(today);
        f
    }

    /// Puts `values` (a JSON object as the CLI takes it) into the fields it names.
    pub fn prefill(&mut self, values: &J, labels: &dyn Fn(EntityId) -> String) {
        let Some(values) = values.as_object() else { return };
        for f in &mut self.fields {
            // a dispute's parties are typed as two lists of names
            if let (Some(role), Some(J::Array(parties))) = (party_role(f.name), values.get("parties")) {
                let names: Vec<&str> = parties
                    .iter()
                    .filter(|p| p.get("role").and_then(J::as_str) == Some(role))
                    .filter_map(|p| p.get("name").and_then(J::as_str))
                    .collect();
                f.input.set_text(&names.join("、"));
                continue;
            }
            let Some(v) = values.get(f.name) else { continue };
            let text = v.as_str().unwrap_or("");
            match &mut f.input {
                Input::Text { .. } => f.input.set_text(text),
                Input::Choice { def, selected } => {
                    if let Some(i) = def.codes.iter().position(|c| c.code == text) {
                        *selected = Some(i);
                    }
                }
                Input::Flag(b) => *b = v.as_bool().unwrap_or(*b),
                Input::Refs { picked, query, allow_name, .. } => {
                    let ids: Vec<&str> = match v {
                        J::Array(a) => a.iter().filter_map(J::as_str).collect(),
                        _ => vec![text],
                    };
                    for s in ids {
                        match EntityId::parse(s) {
                            Some(id) => picked.push((id, labels(id))),
                            None if *allow_name => *query = text_area(s, false),
                            None => {}
                        }
                    }
                }
                Input::Multi { .. } => {}
            }
        }
    }

    /// Moves the focus to the first required field that is still empty.
    pub fn focus_first_empty(&mut self, today: Day) {
        if let Some(i) = self.fields.iter().position(|f| f.required && f.input.to_json(today).is_none()) {
            self.focus = i;
        }
    }

    /// Marks every picker field whose typed text was never picked (it would be dropped on
    /// save) and focuses the first; true when there is one.
    pub fn flag_unpicked(&mut self, lang: Lang) -> bool {
        let mut first = None;
        for (i, f) in self.fields.iter().enumerate() {
            if let Input::Refs { query, allow_name, picked, multi, .. } = &f.input {
                let typed = !query.lines().join("").trim().is_empty();
                // a plain name is allowed only instead of a record, never beside one
                let dropped = typed && (!*allow_name || *multi || !picked.is_empty());
                if dropped {
                    self.errors.insert(f.name.to_string(), tr(lang, "tui.picker.unpicked", &[]));
                    first.get_or_insert(i);
                }
            }
        }
        if let Some(i) = first {
            self.focus = i;
            self.picker = None;
        }
        first.is_some()
    }
}

/// The party role a dispute form's names field holds.
fn party_role(field: &str) -> Option<&'static str> {
    match field {
        "applicants" => Some("APPLICANT"),
        "respondents" => Some("RESPONDENT"),
        _ => None,
    }
}
