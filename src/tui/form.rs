//! Forms for every record kind and every lifecycle action, generated from the domain's field
//! descriptions, so the TUI validates through exactly the same code path as the CLI.

use std::collections::BTreeMap;

use serde_json::{Value as J, json};
use tui_textarea::{CursorRenderMode, TextArea};

use crate::domain::codes::{EnumDef, PartyRole, Role};
use crate::domain::lifecycle::{ActionSpec, find_action};
use crate::domain::schema::{FieldSpec, FieldType, fields_of};
use crate::domain::{Day, EntityId, Invalid, Kind, RecordState, Value};
use crate::i18n::{Lang, tr};

/// What a form saves into.
#[derive(Clone, Debug, PartialEq)]
pub enum Target {
    /// A new record.
    Create(Kind),
    /// An action on a record.
    Action {
        /// The record.
        id: EntityId,
        /// Its kind.
        kind: Kind,
        /// The action's name.
        action: String,
    },
    /// The first-run identity.
    Setup,
    /// A new record raised from a visit (`App::raise`: it is linked from the visit).
    Raise {
        /// The new record's kind.
        kind: Kind,
        /// The visit.
        visit: EntityId,
    },
}

impl Target {
    /// The ledger the form writes to (none for the setup form).
    pub fn kind(&self) -> Option<Kind> {
        match self {
            Target::Create(k) | Target::Action { kind: k, .. } | Target::Raise { kind: k, .. } => Some(*k),
            Target::Setup => None,
        }
    }
}

/// How text is interpreted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TextKind {
    /// As typed.
    Plain,
    /// A date: `今天`/`today`, `+7`, `-1`, `YYYY-MM-DD`, `MM-DD`.
    Date,
    /// Yuan with up to two decimals, saved as fen.
    Yuan,
    /// Names separated by `、`, `,` or spaces, saved as a list.
    Names,
}

/// One input.
pub enum Input {
    /// Text (one line, or several for notes).
    Text {
        /// The editor.
        area: Box<TextArea<'static>>,
        /// Several lines allowed.
        multiline: bool,
        /// Interpretation.
        kind: TextKind,
    },
    /// One code of an enum.
    Choice {
        /// The enum.
        def: &'static EnumDef,
        /// Chosen index.
        selected: Option<usize>,
    },
    /// Several codes of an enum.
    Multi {
        /// The enum.
        def: &'static EnumDef,
        /// Chosen flags.
        chosen: Vec<bool>,
        /// Cursor within the options.
        cursor: usize,
    },
    /// Yes / no.
    Flag(bool),
    /// References to records, chosen with the picker.
    Refs {
        /// Kinds allowed.
        kinds: Vec<Kind>,
        /// Picked records and their labels.
        picked: Vec<(EntityId, String)>,
        /// Several allowed.
        multi: bool,
        /// A plain name is allowed instead of a record.
        allow_name: bool,
        /// What is typed to search.
        query: Box<TextArea<'static>>,
    },
}

/// One field of a form.
pub struct FormField {
    /// JSON name (`applicants` / `respondents` stand for the parties).
    pub name: &'static str,
    /// Label in the UI language.
    pub label: String,
    /// Required.
    pub required: bool,
    /// The input.
    pub input: Input,
    /// Its JSON at opening (edit forms send only what changed).
    pub initial: Option<J>,
}

/// The picker's candidates for the focused reference field.
#[derive(Default)]
pub struct Picker {
    /// Candidates: id and label.
    pub results: Vec<(EntityId, String)>,
    /// Highlighted candidate.
    pub selected: usize,
}

/// A form being filled in.
pub struct Form {
    /// Where it saves.
    pub target: Target,
    /// Title.
    pub title: String,
    /// Fields in order.
    pub fields: Vec<FormField>,
    /// Focused field.
    pub focus: usize,
    /// Problems by field name (`""`: the whole record).
    pub errors: BTreeMap<String, String>,
    /// Changed since opened.
    pub dirty: bool,
    /// Picker for the focused reference field.
    pub picker: Option<Picker>,
    /// First field row shown (scrolling).
    pub scroll: usize,
    /// Letters typed on a choice to pick an option by its name (type-to-select).
    pub typed: String,
}

/// What a key did to the form.
#[derive(Debug, PartialEq)]
pub enum Outcome {
    /// Nothing for the caller.
    None,
    /// Content changed (save the draft; maybe refresh the picker).
    Changed,
    /// Save requested.
    Save,
    /// Leave requested.
    Cancel,
}

fn text_area(initial: &str, multiline: bool) -> Box<TextArea<'static>> {
    let lines: Vec<String> =
        if multiline { initial.lines().map(String::from).collect() } else { vec![initial.to_string()] };
    let mut a = TextArea::new(if lines.is_empty() { vec![String::new()] } else { lines });
    a.set_cursor_render_mode(CursorRenderMode::Hidden);
    a.set_cursor_line_style(ratatui::style::Style::default());
    if multiline {
        // long Chinese notes wrap at character boundaries instead of scrolling sideways
        a.set_wrap_mode(tui_textarea::WrapMode::Glyph);
    }
    a.move_cursor(tui_textarea::CursorMove::Bottom);
    a.move_cursor(tui_textarea::CursorMove::End);
    Box::new(a)
}

fn input_for(spec: &FieldSpec) -> Input {
    let text = |multiline, kind| Input::Text { area: text_area("", multiline), multiline, kind };
    match &spec.ty {
        FieldType::Text | FieldType::Name | FieldType::Phone | FieldType::IdNumber => text(false, TextKind::Plain),
        FieldType::LongText => text(true, TextKind::Plain),
        FieldType::Date | FieldType::FutureDate => text(false, TextKind::Date),
        FieldType::Amount => text(false, TextKind::Yuan),
        FieldType::TextList => text(false, TextKind::Names),
        FieldType::Enum(def) => Input::Choice { def, selected: None },
        FieldType::EnumList(def) => Input::Multi { def, chosen: vec![false; def.codes.len()], cursor: 0 },
        FieldType::Bool => Input::Flag(false),
        FieldType::Ref(k) => Input::Refs {
            kinds: vec![*k],
            picked: vec![],
            multi: false,
            allow_name: false,
            query: text_area("", false),
        },
        FieldType::RefList(ks) => Input::Refs {
            kinds: ks.to_vec(),
            picked: vec![],
            multi: true,
            allow_name: false,
            query: text_area("", false),
        },
        FieldType::PersonOrName => Input::Refs {
            kinds: vec![Kind::Person],
            picked: vec![],
            multi: false,
            allow_name: true,
            query: text_area("", false),
        },
        // Parties are entered as two name lists (see `Form::create`).
        FieldType::Parties => text(false, TextKind::Names),
    }
}

fn field(spec: &FieldSpec, lang: Lang) -> FormField {
    // amounts are typed in yuan (the JSON field is in fen)
    let label = if matches!(spec.ty, FieldType::Amount) {
        tr(lang, "tui.amount_yuan", &[])
    } else {
        spec.label(lang).to_string()
    };
    FormField { name: spec.name, label, required: spec.required, input: input_for(spec), initial: None }
}

fn fields_from(specs: &[FieldSpec], lang: Lang) -> Vec<FormField> {
    let mut out = Vec::new();
    for s in specs {
        if matches!(s.ty, FieldType::Parties) {
            for (name, role) in [("applicants", PartyRole::Applicant), ("respondents", PartyRole::Respondent)] {
                out.push(FormField {
                    name,
                    label: role.label(lang).to_string(),
                    required: true,
                    input: Input::Text { area: text_area("", false), multiline: false, kind: TextKind::Names },
                    initial: None,
                });
            }
        } else {
            out.push(field(s, lang));
        }
    }
    out
}

/// Parses what a worker types for a date.
pub fn parse_date_input(s: &str, today: Day) -> Option<Day> {
    let s = s.trim();
    match s {
        "今天" | "今日" | "today" | "t" => return Some(today),
        "昨天" | "yesterday" => return Some(today.plus(-1)),
        "明天" | "tomorrow" => return Some(today.plus(1)),
        _ => {}
    }
    if let Some(n) = s.strip_prefix('+').and_then(|n| n.parse::<i32>().ok()) {
        return Some(today.plus(n));
    }
    if let Some(n) = s.strip_prefix('-').and_then(|n| n.parse::<i32>().ok()) {
        return Some(today.plus(-n));
    }
    if let Some(d) = Day::parse(s) {
        return Some(d);
    }
    if s.len() == 8 && s.bytes().all(|b| b.is_ascii_digit()) {
        let n: u32 = s.parse().ok()?;
        return Day::from_ymd((n / 10_000) as i32, n / 100 % 100, n % 100);
    }
    let parts: Vec<&str> = s.split(['-', '/', '.']).collect();
    if let [m, d] = parts[..] {
        return Day::from_ymd(today.year(), m.parse().ok()?, d.parse().ok()?);
    }
    None
}

fn parse_yuan(s: &str) -> Option<i64> {
    let s = s.trim().trim_end_matches('元');
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    if int.is_empty()
        || !int.bytes().all(|b| b.is_ascii_digit())
        || frac.len() > 2
        || !frac.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let fen = format!("{frac:0<2}").parse::<i64>().ok()?;
    int.parse::<i64>().ok()?.checked_mul(100)?.checked_add(fen)
}

fn split_names(s: &str) -> Vec<String> {
    s.split(['、', ',', '，', ';', '；']).map(str::trim).filter(|x| !x.is_empty()).map(String::from).collect()
}

impl Input {
    /// The text typed (for text and reference inputs).
    pub fn text(&self) -> String {
        match self {
            Input::Text { area, .. } => area.lines().join("\n"),
            Input::Refs { query, .. } => query.lines().join(""),
            _ => String::new(),
        }
    }

    /// The JSON value this input gives (None: absent).
    fn to_json(&self, today: Day) -> Option<J> {
        match self {
            Input::Text { area, kind, .. } => {
                let raw = area.lines().join("\n");
                let t = raw.trim();
                if t.is_empty() {
                    return None;
                }
                Some(match kind {
                    TextKind::Plain => J::String(t.to_string()),
                    TextKind::Date => {
                        J::String(parse_date_input(t, today).map(|d| d.to_string()).unwrap_or_else(|| t.into()))
                    }
                    TextKind::Yuan => parse_yuan(t).map(J::from).unwrap_or_else(|| J::String(t.into())),
                    TextKind::Names => J::Array(split_names(t).into_iter().map(J::String).collect()),
                })
            }
            Input::Choice { def, selected } => selected.map(|i| J::String(def.codes[i].code.into())),
            Input::Multi { def, chosen, .. } => {
                let codes: Vec<J> =
                    def.codes.iter().zip(chosen).filter(|(_, c)| **c).map(|(c, _)| J::String(c.code.into())).collect();
                (!codes.is_empty()).then_some(J::Array(codes))
            }
            Input::Flag(b) => Some(J::Bool(*b)),
            Input::Refs { picked, multi, allow_name, query, .. } => {
                if *multi {
                    return (!picked.is_empty())
                        .then(|| J::Array(picked.iter().map(|(id, _)| J::String(id.to_string())).collect()));
                }
                if let Some((id, _)) = picked.first() {
                    return Some(J::String(id.to_string()));
                }
                let typed = query.lines().join("").trim().to_string();
                (*allow_name && !typed.is_empty()).then_some(J::String(typed))
            }
        }
    }

    /// What the input shows when not focused.
    pub fn display(&self, lang: Lang) -> String {
        match self {
            Input::Text { area, .. } => area.lines().join(" ⏎ "),
            Input::Choice { def, selected } => selected.map(|i| def.label(def.codes[i].code, lang)).unwrap_or_default(),
            Input::Multi { def, chosen, .. } => def
                .codes
                .iter()
                .zip(chosen)
                .filter(|(_, c)| **c)
                .map(|(c, _)| lang.pick(c.zh, c.en))
                .collect::<Vec<_>>()
                .join(lang.pick("、", ", ")),
            Input::Flag(b) => tr(lang, if *b { "cli.yes" } else { "cli.no" }, &[]),
            Input::Refs { picked, query, .. } => {
                let mut parts: Vec<String> = picked.iter().map(|(_, l)| l.clone()).collect();
                let typed = query.lines().join("");
                if !typed.trim().is_empty() {
                    parts.push(typed);
                }
                parts.join(lang.pick("、", ", "))
            }
        }
    }

    /// Sets a text input's content.
    fn set_text(&mut self, s: &str) {
        match self {
            Input::Text { area, multiline, .. } => *area = text_area(s, *multiline),
            Input::Refs { query, .. } => *query = text_area(s, false),
            _ => {}
        }
    }
}

impl Form {
    fn new(target: Target, title: String, fields: Vec<FormField>) -> Form {
        Form {
            target,
            title,
            fields,
            focus: 0,
            errors: BTreeMap::new(),
            dirty: false,
            picker: None,
            scroll: 0,
            typed: String::new(),
        }
    }

    /// A form for a new record of `kind`; `defaults` pre-fill fields (the worker as visitor,
    /// inspector or mediator, the store's grid).
    pub fn create(kind: Kind, lang: Lang, today: Day, defaults: &[(&str, &str)]) -> Form {
        let mut f = Form::new(
            Target::Create(kind),
            tr(lang, "tui.form.new", &[kind.label(lang)]),
            fields_from(fields_of(kind), lang),
        );
        // The record's own date defaults to today.
        for fld in &mut f.fields {
            if matches!(fld.name, "date" | "received_on" | "found_on") {
                fld.input.set_text(&today.to_string());
            }
            if let Some((_, v)) = defaults.iter().find(|(n, _)| *n == fld.name) {
                fld.input.set_text(v);
            }
            if let Input::Choice { def, selected } = &mut fld.input
                && fld.required
                && def.codes.len() <= 3
                && fld.name == "type"
            {
                *selected = Some(0);
            }
        }
        f
    }

    /// A form for `action` on a record in `state`: `edit` starts from the current values.
    pub fn action(
        kind: Kind,
        id: EntityId,
        action: &str,
        state: &RecordState,
        lang: Lang,
        today: Day,
        labels: &dyn Fn(EntityId) -> String,
    ) -> Option<Form> {
        let spec: &ActionSpec = find_action(kind, action)?;
        let target = Target::Action { id, kind, action: action.to_string() };
        let title = format!("{} · {}", kind.label(lang), lang.pick(spec.zh, spec.en));
        if action == "edit" {
            let mut f = Form::new(target, title, fields_from(fields_of(kind), lang));
            for fld in &mut f.fields {
                fill(fld, state, labels);
                fld.initial = fld.input.to_json(today);
            }
            return Some(f);
        }
        let mut f = Form::new(target, title, fields_from(spec.fields, lang));
        let required_now = crate::domain::lifecycle::required_now(kind, state, action);
        for fld in &mut f.fields {
            if matches!(fld.name, "date" | "replied_on" | "effective_on" | "applied_on") {
                fld.input.set_text(&today.to_string());
            }
            // what the rules require of this record (a MAJOR hazard's 整改) is starred too
            fld.required |= required_now.contains(&fld.name);
        }
        // a new 整改 after a failed 复查 starts from the last plan, to be revised
        if kind == Kind::Hazard
            && action == "rectify"
            && let Some(Value::Map(plan)) = state.get("rectification")
        {
            let values = serde_json::Value::Object(plan.iter().map(|(k, v)| (k.clone(), v.to_json())).collect());
            f.prefill(&values, labels);
        }
        Some(f)
    }

    /// The first-run identity form.
    pub fn setup(lang: Lang) -> Form {
        let t = |name: &'static str, key: &str, required| FormField {
            name,
            label: tr(lang, key, &[]),
            required,
            input: Input::Text { area: text_area("", false), multiline: false, kind: TextKind::Plain },
            initial: None,
        };
        let mut role = FormField {
            name: "role",
            label: tr(lang, "tui.setup.role", &[]),
            required: true,
            input: Input::Choice { def: &Role::DEF, selected: Some(0) },
            initial: None,
        };
        role.initial = None;
        Form::new(
            Target::Setup,
            tr(lang, "tui.setup.title", &[]),
            vec![
                t("place", "tui.setup.place", true),
                t("division", "tui.setup.division", true),
                role,
                t("worker", "tui.setup.worker", true),
                t("grid", "tui.setup.grid", false),
            ],
        )
    }

    /// The input of the focused field.
    pub fn focused(&self) -> Option<&FormField> {
        self.fields.get(self.focus)
    }

    /// The JSON object to save (an edit sends only changed fields).
    pub fn to_json(&self, today: Day) -> J {
        let mut m = serde_json::Map::new();
        let mut parties = Vec::new();
        for f in &self.fields {
            let v = f.input.to_json(today);
            if matches!(self.target, Target::Action { ref action, .. } if action == "edit") && v == f.initial {
                continue;
            }
            match f.name {
                "applicants" | "respondents" => {
                    let role = if f.name == "applicants" { PartyRole::Applicant } else { PartyRole::Respondent };
                    for name in v.as_ref().and_then(J::as_array).into_iter().flatten() {
                        parties.push(json!({"name": name, "role": role.code()}));
                    }
                }
                name => {
                    match v {
                        Some(v) => m.insert(name.to_string(), v),
                        // an edit that empties a field clears it
                        None if f.initial.is_some() => m.insert(name.to_string(), J::Null),
                        None => None,
                    };
                }
            }
        }
        if self.fields.iter().any(|f| f.name == "applicants") {
            m.insert("parties".into(), J::Array(parties));
        }
        J::Object(m)
    }

    /// Shows the domain's problems beside their fields.
    pub fn set_errors(&mut self, invalid: &Invalid, lang: Lang) {
        self.errors.clear();
        for e in &invalid.0 {
            let mut name = e.field.split(['[', '.']).next().unwrap_or("").to_string();
            if name == "parties" {
                name = "applicants".into();
            }
            let key = if self.fields.iter().any(|f| f.name == name) { name } else { String::new() };
            let msg = e.message_ui(lang);
            self.errors.entry(key).and_modify(|m| m.push_str(&format!("；{msg}"))).or_insert(msg);
        }
        if let Some(i) = self.fields.iter().position(|f| self.errors.contains_key(f.name)) {
            self.focus = i;
        }
    }

    /// The focused field's picker query, when it is a reference field waiting for candidates.
    pub fn picker_query(&self) -> Option<(String, Vec<Kind>)> {
        self.picker.as_ref()?;
        match &self.focused()?.input {
            Input::Refs { kinds, query, .. } => Some((query.lines().join(""), kinds.clone())),
            _ => None,
        }
    }
}

/// Fills an edit form's field from the record's current value.
fn fill(f: &mut FormField, state: &RecordState, labels: &dyn Fn(EntityId) -> String) {
    if matches!(f.name, "applicants" | "respondents") {
        let role = if f.name == "applicants" { PartyRole::Applicant } else { PartyRole::Respondent };
        if let Some(Value::List(parties)) = state.get("parties") {
            let names: Vec<&str> = parties
                .iter()
                .filter(|p| p.get("role").and_then(Value::as_text) == Some(role.code()))
                .filter_map(|p| p.get("name").and_then(Value::as_text))
                .collect();
            f.input.set_text(&names.join("、"));
        }
        return;
    }
    let Some(v) = state.get(f.name) else { return };
    match (&mut f.input, v) {
        (Input::Text { kind: TextKind::Yuan, .. }, Value::Int(fen)) => {
            let s = format!("{}.{:02}", fen / 100, fen % 100);
            f.input.set_text(&s);
        }
        (Input::Text { kind: TextKind::Names, .. }, Value::List(l)) => {
            let s = l.iter().filter_map(Value::as_text).collect::<Vec<_>>().join("、");
            f.input.set_text(&s);
        }
        (Input::Text { .. }, Value::Text(s)) => f.input.set_text(s),
        (Input::Text { .. }, Value::Date(d)) => f.input.set_text(&d.to_string()),
        (Input::Choice { def, selected }, Value::Text(code)) => {
            *selected = def.codes.iter().position(|c| c.code == code)
        }
        (Input::Multi { def, chosen, .. }, Value::List(l)) => {
            for (i, c) in def.codes.iter().enumerate() {
                chosen[i] = l.iter().any(|x| x.as_text() == Some(c.code));
            }
        }
        (Input::Flag(b), Value::Bool(x)) => *b = *x,
        (Input::Refs { picked, .. }, Value::Ref(id)) => picked.push((*id, labels(*id))),
        (Input::Refs { picked, .. }, Value::List(l)) => {
            for x in l {
                if let Value::Ref(id) = x {
                    picked.push((*id, labels(*id)));
                }
            }
        }
        (Input::Refs { query, .. }, Value::Text(name)) => *query = text_area(name, false),
        _ => {}
    }
}

mod choose;
mod draft;
mod keys;
mod prefill;

#[cfg(test)]
#[path = "form_tests.rs"]
mod tests;
