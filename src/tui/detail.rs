//! A record in full: every field with its label, the append-only sets (sessions, follow-ups,
//! reviews, replies, notes), conflicts, and a timeline of events (who, when, what changed).

use std::collections::HashMap;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::theme::Theme;
use crate::app::{App, AppError, RecordView, hlc_time};
use crate::domain::lifecycle::{allowed_actions, find_action, statuses_of};
use crate::domain::schema::{FieldType, PARTY, field_label_for, fields_of};
use crate::domain::{EntityId, Kind, Value};
use crate::events::HistoryEntry;
use crate::i18n::{Lang, tr};

/// The single key of each action (shown in the footer).
pub fn action_key(kind: Kind, action: &str) -> Option<char> {
    Some(match (kind, action) {
        (_, "edit") => 'e',
        (_, "note") => 'm',
        (Kind::Dispute, "session") => 's',
        (Kind::Dispute, "agree") => 'a',
        (Kind::Dispute, "confirm") => 'j',
        (Kind::Dispute, "terminate") => 't',
        (Kind::Dispute, "refer") => 'r',
        (Kind::Dispute, "followup") | (Kind::Demand, "followup") => 'f',
        (_, "escalate") => 'u',
        (_, "close") => 'x',
        (Kind::Hazard, "rectify") => 'r',
        (Kind::Hazard, "complete") => 'd',
        (Kind::Hazard, "review") => 'v',
        (Kind::Demand, "assign") => 'g',
        (Kind::Demand, "reply") => 'r',
        (Kind::Demand, "reopen") => 'o',
        _ => return None,
    })
}

/// The detail screen of one record.
pub struct DetailScreen {
    /// The record's id.
    pub id: EntityId,
    /// The record.
    pub view: RecordView,
    /// Its history.
    pub history: Vec<HistoryEntry>,
    /// Labels of the records it refers to.
    labels: HashMap<EntityId, String>,
    /// First line shown.
    pub scroll: u16,
}

fn collect_refs(v: &Value, out: &mut Vec<EntityId>) {
    match v {
        Value::Ref(id) => out.push(*id),
        Value::List(l) => l.iter().for_each(|x| collect_refs(x, out)),
        Value::Map(m) => m.iter().for_each(|(_, x)| collect_refs(x, out)),
        _ => {}
    }
}

impl DetailScreen {
    /// Loads record `id`.
    pub fn load(app: &App, id: EntityId) -> Result<DetailScreen, AppError> {
        let (view, history) = app.show(id)?;
        let mut refs = Vec::new();
        for v in view.entity.state.fields.values() {
            collect_refs(v, &mut refs);
        }
        let labels =
            refs.into_iter().map(|r| (r, app.view(r).map(|v| v.title()).unwrap_or_else(|_| r.to_string()))).collect();
        Ok(DetailScreen { id, view, history, labels, scroll: 0 })
    }

    /// Actions allowed now, with their keys.
    pub fn actions(&self) -> Vec<(char, &'static str)> {
        let e = &self.view.entity;
        allowed_actions(e.kind, &e.state).into_iter().filter_map(|a| action_key(e.kind, a).map(|k| (k, a))).collect()
    }

    /// The action bound to `key`, if allowed now.
    pub fn action_for(&self, key: char) -> Option<&'static str> {
        self.actions().into_iter().find(|(k, _)| *k == key).map(|(_, a)| a)
    }

    fn value(&self, field: &str, v: &Value, lang: Lang) -> String {
        match v {
            Value::Ref(id) => self.labels.get(id).cloned().unwrap_or_else(|| id.to_string()),
            Value::Text(s) => match field {
                "status" => statuses_of(self.view.entity.kind).label(s, lang),
                "id_number" => crate::domain::check::mask_id_number(s),
                "phone" | "responsible_phone" => crate::domain::check::mask_phone(s),
                _ => code_label(self.view.entity.kind, field, s, lang).unwrap_or_else(|| s.clone()),
            },
            Value::Bool(b) => tr(lang, if *b { "cli.yes" } else { "cli.no" }, &[]),
            Value::Int(i) if field == "amount_fen" => {
                format!("{}.{:02} {}", i / 100, i % 100, tr(lang, "tui.yuan", &[]))
            }
            Value::Map(m) if field == "parties" || m.iter().any(|(k, _)| k == "role") => {
                let name = v.get("name").and_then(Value::as_text).unwrap_or("");
                let role = v
                    .get("role")
                    .and_then(Value::as_text)
                    .map(|r| code_label(self.view.entity.kind, "role", r, lang).unwrap_or_default());
                format!("{name}（{}）", role.unwrap_or_default())
            }
            Value::Map(m) => m
                .iter()
                .map(|(k, x)| format!("{}：{}", short_label(self.view.entity.kind, k, lang), self.value(k, x, lang)))
                .collect::<Vec<_>>()
                .join("  "),
            Value::List(l) => l.iter().map(|x| self.value(field, x, lang)).collect::<Vec<_>>().join("、"),
            other => other.to_json().to_string().trim_matches('"').to_string(),
        }
    }

    fn lines(&self, theme: &Theme, lang: Lang) -> Vec<Line<'static>> {
        let e = &self.view.entity;
        let mut out = Vec::new();
        let status = statuses_of(e.kind).label(e.state.status(), lang);
        let mut head = vec![
            Span::styled(format!("{} ", e.kind.label(lang)), theme.title()),
            Span::styled(status, if self.view.overdue { theme.alert() } else { theme.ok() }),
        ];
        if self.view.overdue {
            head.push(Span::styled(format!(" {}", tr(lang, "tui.overdue", &[])), theme.alert()));
        }
        if let Some(d) = self.view.due {
            head.push(Span::styled(format!("  {}", tr(lang, "cli.due", &[&d.to_string()])), theme.warn()));
        }
        head.push(Span::styled(format!("  {}", e.id), theme.dim()));
        out.push(Line::from(head));
        // fields in schema order, then the rest
        let mut order: Vec<&str> = fields_of(e.kind).iter().map(|f| f.name).collect();
        for k in e.state.fields.keys() {
            if !order.contains(&k.as_str()) && k != "status" {
                order.push(k);
            }
        }
        for name in order {
            let Some(v) = e.state.get(name) else { continue };
            out.push(Line::from(vec![
                Span::styled(format!("{}：", short_label(e.kind, name, lang)), theme.dim()),
                Span::raw(self.value(name, v, lang)),
            ]));
        }
        for (set, items) in &e.state.sets {
            out.push(Line::styled(format!("{}（{}）", short_label(e.kind, set, lang), items.len()), theme.title()));
            for it in items {
                out.push(Line::raw(format!("  · {}", self.value(set, it, lang))));
            }
        }
        for c in &e.conflicts {
            out.push(Line::styled(
                tr(
                    lang,
                    "cli.conflict",
                    &[
                        &short_label(e.kind, &c.field, lang),
                        &self.value(&c.field, &c.kept, lang),
                        &self.value(&c.field, &c.lost, lang),
                    ],
                ),
                theme.alert(),
            ));
        }
        out.push(Line::styled(tr(lang, "tui.timeline", &[]), theme.title()));
        for h in self.history.iter().rev() {
            let time = hlc_time(h.stamp.hlc);
            let time = time.get(..16).unwrap_or(&time).replace('T', " ");
            let action = if h.action == "create" {
                tr(lang, "cli.created", &[])
            } else {
                find_action(e.kind, &h.action)
                    .map(|a| lang.pick(a.zh, a.en).to_string())
                    .unwrap_or_else(|| h.action.clone())
            };
            let mut changed: Vec<String> = h
                .set
                .iter()
                .filter(|(k, _)| k != "status" || h.action != "create")
                .map(|(k, v)| format!("{}={}", short_label(self.view.entity.kind, k, lang), self.value(k, v, lang)))
                .collect();
            changed.extend(
                h.add.iter().map(|(k, v)| {
                    format!("+{}：{}", short_label(self.view.entity.kind, k, lang), self.value(k, v, lang))
                }),
            );
            out.push(Line::from(vec![
                Span::styled(format!("{time} "), theme.dim()),
                Span::styled(format!("{} ", h.worker), theme.text()),
                Span::styled(format!("{action} "), theme.key()),
                Span::raw(changed.join("；")),
            ]));
        }
        out
    }

    /// Draws the record.
    pub fn render(&mut self, f: &mut Frame, area: Rect, theme: &Theme, lang: Lang) {
        let lines = self.lines(theme, lang);
        let p = Paragraph::new(lines).wrap(Wrap { trim: false });
        let total = p.line_count(area.width) as u16;
        self.scroll = self.scroll.min(total.saturating_sub(area.height));
        f.render_widget(p.scroll((self.scroll, 0)), area);
    }
}

fn short_label(kind: Kind, field: &str, lang: Lang) -> String {
    let l = field_label_for(Some(kind), field, lang);
    // field_label gives "中文 json_name" in Chinese; the screen shows the Chinese only
    match lang {
        Lang::Zh => l.split(' ').next().unwrap_or(&l).to_string(),
        Lang::En => l.replace('_', " "),
    }
}

fn code_label(kind: Kind, field: &str, code: &str, lang: Lang) -> Option<String> {
    let specs = fields_of(kind)
        .iter()
        .chain(crate::domain::lifecycle::actions_of(kind).iter().flat_map(|a| a.fields.iter()))
        .chain(Kind::ALL.iter().flat_map(|k| fields_of(*k).iter()))
        .chain(crate::domain::lifecycle::all_action_fields())
        .chain(PARTY.iter());
    for s in specs.filter(|s| s.name == field) {
        if let FieldType::Enum(def) | FieldType::EnumList(def) = &s.ty
            && def.find(code).is_some()
        {
            return Some(def.label(code, lang));
        }
    }
    None
}
