//! A record in full: every field with its label, the append-only sets (sessions, follow-ups,
//! reviews, replies, notes), conflicts, and a timeline of events (who, when, what changed).

use std::collections::HashMap;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::theme::Theme;
use crate::app::present::{action_of_field, screen_label};
use crate::app::{App, AppError, RecordView, hlc_time};
use crate::domain::lifecycle::{DECIDE, find_action, statuses_of};
use crate::domain::offer::offered;
use crate::domain::schema::fields_of;
use crate::domain::{Day, EntityId, Kind, Value};
use crate::events::HistoryEntry;
use crate::i18n::{Lang, tr};

/// The single key of each action (shown in the footer).
pub fn action_key(kind: Kind, action: &str) -> Option<char> {
    Some(match (kind, action) {
        (_, "edit") => 'e',
        (_, "note") => 'm',
        (Kind::Dispute, "session") => 's',
        (Kind::Dispute, "agree") => 'a',
        (Kind::Dispute, "confirm") => 'c',
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
        (Kind::Person, "merge") => 'M',
        (Kind::Person, "unmerge") => 'U',
        // the level above and the village's answers (`domain::oversight`)
        (_, "instruct") => 'I',
        (_, "supervise") => 'S',
        (_, "answer_supervision") => 'A',
        (_, "request_extension") => 'E',
        (_, "approve_extension") => 'Y',
        (_, "refuse_extension") => 'N',
        _ => return None,
    })
}

/// The key of `decide`, offered while the record needs a decision.
pub const DECIDE_KEY: char = 'D';

/// The keys that raise a record from a visit's detail: `d` a demand, `p` a dispute (its
/// parties), `h` a hazard.
pub const RAISE_KEYS: [(char, Kind, &str); 3] = [
    ('d', Kind::Demand, "tui.key.raise_demand"),
    ('p', Kind::Dispute, "tui.key.raise_dispute"),
    ('h', Kind::Hazard, "tui.key.raise_hazard"),
];

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
    /// The records one Enter away, ledger records first (a demand's visit, what a visit
    /// raised), then people and households; with their kinds.
    pub links: Vec<(EntityId, Kind)>,
    /// The link Enter opens.
    pub link: usize,
    /// Records a visit raised that its `links` do not hold (found by `App::raised`).
    raised_extra: Vec<EntityId>,
    /// What it has to do with merges: the record it was merged into, those merged into it
    /// (`App::merge_notes`).
    merge_notes: Vec<String>,
    /// The day it was read on (what can be done depends on it).
    today: Day,
    /// The oversight actions this store may write on it now (`App::oversight_offered`).
    oversight: Vec<&'static str>,
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
        let mut raised_extra = Vec::new();
        if view.entity.kind == Kind::Visit {
            let linked = view.raised();
            raised_extra = app.raised(id)?.into_iter().filter(|r| !linked.contains(r)).collect();
            refs.extend(raised_extra.iter().copied());
        }
        // the records merged into a person are one Enter away, as the one it was merged into is
        refs.extend(crate::domain::merged::merged_from(&view.entity.state));
        let merge_notes = app.merge_notes(&view)?;
        let mut labels = HashMap::new();
        let mut links = Vec::new();
        for r in refs {
            if labels.contains_key(&r) {
                continue;
            }
            match app.view(r) {
                Ok(v) => {
                    labels.insert(r, v.title());
                    links.push((r, v.entity.kind));
                }
                Err(_) => {
                    labels.insert(r, r.to_string());
                }
            }
        }
        // the ledgers first: a demand's visit, what a visit raised
        links.sort_by_key(|(_, k)| !matches!(k, Kind::Visit | Kind::Demand | Kind::Dispute | Kind::Hazard));
        let oversight = app.oversight_offered(view.entity.kind, &view.entity.state);
        Ok(DetailScreen {
            id,
            view,
            history,
            labels,
            links,
            link: 0,
            raised_extra,
            merge_notes,
            today: app.today(),
            oversight,
            scroll: 0,
        })
    }

    /// Actions that can be done now (`domain::offer`), with their keys.
    pub fn actions(&self) -> Vec<(char, &'static str)> {
        let e = &self.view.entity;
        let mut v: Vec<(char, &'static str)> = offered(e.kind, &e.state, self.today)
            .into_iter()
            .chain(self.oversight.iter().copied())
            .filter_map(|a| action_key(e.kind, a).map(|k| (k, a)))
            .collect();
        // concurrent status changes wait for a decision (docs/ARCHITECTURE.md)
        if !e.decisions.is_empty() {
            v.insert(0, (DECIDE_KEY, DECIDE.name));
        }
        v
    }

    /// The action bound to `key`, if it can be done now.
    pub fn action_for(&self, key: char) -> Option<&'static str> {
        self.actions().into_iter().find(|(k, _)| *k == key).map(|(_, a)| a)
    }

    /// The kind of record `key` raises from this record (a visit).
    pub fn raise_for(&self, key: char) -> Option<Kind> {
        if self.view.entity.kind != Kind::Visit {
            return None;
        }
        RAISE_KEYS.iter().find(|(k, _, _)| *k == key).map(|(_, kind, _)| *kind)
    }

    /// The keys of what can be done now, with their names, for the footer and help.
    pub fn action_keys(&self, lang: Lang) -> Vec<(String, String)> {
        let kind = self.view.entity.kind;
        let mut v = Vec::new();
        if kind == Kind::Visit {
            v.extend(RAISE_KEYS.iter().map(|(k, _, key)| (k.to_string(), tr(lang, key, &[]))));
        }
        v.extend(self.actions().into_iter().map(|(k, a)| {
            // English labels are long: the footer shows the action's name
            let label = match lang {
                Lang::Zh => find_action(kind, a).map(|s| s.zh).unwrap_or(a),
                Lang::En => a,
            };
            (k.to_string(), label.to_string())
        }));
        v
    }

    /// The record Enter opens.
    pub fn link(&self) -> Option<EntityId> {
        self.links.get(self.link).map(|(id, _)| *id)
    }

    /// The kind of the record Enter opens.
    pub fn link_kind(&self) -> Option<Kind> {
        self.links.get(self.link).map(|(_, k)| *k)
    }

    /// Selects the next link.
    pub fn next_link(&mut self) {
        if !self.links.is_empty() {
            self.link = (self.link + 1) % self.links.len();
        }
    }

    /// A value as text; `action` is the action whose payload it came from (for labels).
    fn value(&self, action: Option<&str>, field: &str, v: &Value, lang: Lang) -> String {
        let kind = self.view.entity.kind;
        let p = Punct::of(lang);
        match v {
            Value::Ref(id) => self.labels.get(id).cloned().unwrap_or_else(|| id.to_string()),
            Value::Text(s) => match field {
                "status" => statuses_of(kind).label(s, lang),
                _ if crate::app::present::is_secret(field) => crate::app::present::masked(field, s, false).into_owned(),
                _ => crate::app::present::code_label(Some(kind), action, field, s, lang).unwrap_or_else(|| s.clone()),
            },
            Value::Bool(b) => tr(lang, if *b { "cli.yes" } else { "cli.no" }, &[]),
            Value::Int(i) if field == "amount_fen" => {
                format!("{}.{:02} {}", i / 100, i % 100, tr(lang, "tui.yuan", &[]))
            }
            Value::Map(m) if m.iter().any(|(k, _)| k == "role") => {
                let name = v.get("name").and_then(Value::as_text).unwrap_or("");
                let role = v
                    .get("role")
                    .and_then(Value::as_text)
                    .and_then(|r| crate::app::present::code_label(Some(kind), None, "role", r, lang));
                format!("{name}{}{}{}", p.open, role.unwrap_or_default(), p.close)
            }
            Value::Map(m) => {
                let action = action.or_else(|| action_of_field(field));
                m.iter()
                    .map(|(k, x)| {
                        format!("{}{}{}", label(kind, action, k, lang), p.colon, self.value(action, k, x, lang))
                    })
                    .collect::<Vec<_>>()
                    .join("  ")
            }
            Value::List(l) => l.iter().map(|x| self.value(action, field, x, lang)).collect::<Vec<_>>().join(p.list),
            other => other.to_json().to_string().trim_matches('"').to_string(),
        }
    }

    fn header(&self, theme: &Theme, lang: Lang) -> Line<'static> {
        let e = &self.view.entity;
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
        Line::from(head)
    }

    fn lines(&self, theme: &Theme, lang: Lang) -> Vec<Line<'static>> {
        let e = &self.view.entity;
        let p = Punct::of(lang);
        let mut out: Vec<Line<'static>> =
            self.merge_notes.iter().map(|n| Line::styled(n.clone(), theme.warn())).collect();
        // fields in schema order, then the rest
        let mut order: Vec<&str> = fields_of(e.kind).iter().map(|f| f.name).collect();
        for k in e.state.fields.keys() {
            if !order.contains(&k.as_str()) && k != "status" {
                order.push(k);
            }
        }
        for name in order {
            let Some(v) = e.state.get(name) else { continue };
            let text = self.value(None, name, v, lang);
            let mut lines = text.split('\n');
            out.push(Line::from(vec![
                Span::styled(format!("{}{}", label(e.kind, None, name, lang), p.colon), theme.dim()),
                Span::raw(lines.next().unwrap_or("").to_string()),
            ]));
            // the further lines of a multi-line note, indented
            out.extend(lines.map(|l| Line::raw(format!("  {l}"))));
        }
        if !self.raised_extra.is_empty() {
            let names: Vec<String> = self
                .raised_extra
                .iter()
                .map(|r| self.labels.get(r).cloned().unwrap_or_else(|| r.to_string()))
                .collect();
            out.push(Line::from(vec![
                Span::styled(tr(lang, "tui.detail.raised", &[]), theme.dim()),
                Span::raw(names.join(p.list)),
            ]));
        }
        for (set, items) in &e.state.sets {
            out.push(Line::styled(
                format!("{}{}{}{}", label(e.kind, None, set, lang), p.open, items.len(), p.close),
                theme.title(),
            ));
            for it in items {
                // a session's two-line 调解情况 keeps its lines (indented under the item)
                let text = self.value(action_of_field(set), set, it, lang);
                let mut lines = text.split('\n');
                out.push(Line::raw(format!("  · {}", lines.next().unwrap_or(""))));
                out.extend(lines.map(|l| Line::raw(format!("    {l}"))));
            }
        }
        for c in &e.conflicts {
            let args = [
                label(e.kind, None, &c.field, lang),
                self.value(None, &c.field, &c.kept, lang),
                self.value(None, &c.field, &c.lost, lang),
            ];
            out.push(Line::styled(tr(lang, "cli.conflict", &[&args[0], &args[1], &args[2]]), theme.alert()));
        }
        out.push(Line::styled(tr(lang, "tui.timeline", &[]), theme.title()));
        // concurrent status changes waiting for a decision head the timeline
        out.extend(self.view.decision_lines(lang).into_iter().map(|l| Line::styled(l, theme.alert())));
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
            let act = (h.action != "create").then_some(h.action.as_str());
            let mut changed: Vec<String> = h
                .set
                .iter()
                .filter(|(k, _)| k != "status" || h.action != "create")
                .map(|(k, v)| format!("{}={}", label(e.kind, act, k, lang), self.value(act, k, v, lang)))
                .collect();
            changed.extend(
                h.add.iter().map(|(k, v)| {
                    format!("+{}{}{}", label(e.kind, act, k, lang), p.colon, self.value(act, k, v, lang))
                }),
            );
            let mut line = vec![
                Span::styled(format!("{time} "), theme.dim()),
                Span::styled(format!("{} ", h.worker), theme.text()),
                Span::styled(format!("{action} "), theme.key()),
                // a multi-line note is one entry of the timeline: its breaks are marked, not kept
                Span::raw(changed.join(p.semi).replace('\n', " ⏎ ")),
            ];
            if self.view.is_held(h.stamp) {
                line.push(Span::styled(tr(lang, "decision.held_mark", &[]), theme.alert()));
            }
            out.push(Line::from(line));
        }
        out
    }

    /// Keeps the scroll within the record as drawn in `area` (after every action, so that
    /// drawing only reads).
    pub fn fit(&mut self, area: Rect, theme: &Theme, lang: Lang) {
        if area.height < 2 {
            return;
        }
        let body = Rect { y: area.y + 1, height: area.height - 1, ..area };
        let p = Paragraph::new(self.lines(theme, lang)).wrap(Wrap { trim: false });
        let total = p.line_count(body.width) as u16;
        self.scroll = self.scroll.min(total.saturating_sub(body.height));
    }

    /// Draws the record: its header stays; fields, sets and the timeline scroll below it.
    pub fn render(&self, f: &mut Frame, area: Rect, theme: &Theme, lang: Lang) {
        if area.height < 2 {
            return;
        }
        f.render_widget(Paragraph::new(self.header(theme, lang)), Rect { height: 1, ..area });
        let body = Rect { y: area.y + 1, height: area.height - 1, ..area };
        let p = Paragraph::new(self.lines(theme, lang)).wrap(Wrap { trim: false });
        f.render_widget(p.scroll((self.scroll, 0)), body);
    }
}

/// Punctuation of the UI language.
struct Punct {
    colon: &'static str,
    list: &'static str,
    semi: &'static str,
    open: &'static str,
    close: &'static str,
}

impl Punct {
    fn of(lang: Lang) -> Punct {
        match lang {
            Lang::Zh => Punct { colon: "：", list: "、", semi: "；", open: "（", close: "）" },
            Lang::En => Punct { colon: ": ", list: ", ", semi: "; ", open: " (", close: ")" },
        }
    }
}

fn label(kind: Kind, action: Option<&str>, field: &str, lang: Lang) -> String {
    if field == "amount_fen" {
        return tr(lang, "tui.amount", &[]);
    }
    screen_label(Some(kind), action, field, lang)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::domain::Kind;

    #[test]
    fn a_two_line_session_note_keeps_its_lines() {
        let t = tempfile::tempdir().unwrap();
        let mut app = crate::app::tests::app(t.path());
        let today = app.today().to_string();
        let d = app
            .add(
                Kind::Dispute,
                &json!({"received_on": today, "source": "APPLIED", "category": "NEIGHBOR",
                        "parties": [{"name": "王五", "role": "APPLICANT"}, {"name": "赵六", "role": "RESPONDENT"}],
                        "facts": "排水沟堵塞", "claims": "要求疏通", "risk": "YELLOW"}),
            )
            .unwrap();
        let id = d.entity.id;
        app.act(id, "session", &json!({"date": today, "notes": "双方到场\n约定周五前疏通"})).unwrap();
        let screen = DetailScreen::load(&app, id).unwrap();
        let text: Vec<String> = screen
            .lines(&Theme::new(true), Lang::Zh)
            .iter()
            .map(|l| l.spans.iter().map(|s| s.content.as_ref()).collect())
            .collect();
        let first = text.iter().position(|l| l.contains("双方到场")).expect("the session is shown");
        assert!(!text[first].contains("约定周五前疏通"), "the second line is not run into the first: {text:?}");
        assert_eq!(text[first + 1].trim(), "约定周五前疏通", "{text:?}");
    }

    #[test]
    fn a_record_needing_a_decision_says_so_in_its_timeline_and_offers_decide() {
        let (tv, tt) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let (app, id) = crate::app::closed_while_escalated(tv.path(), tt.path());
        let screen = DetailScreen::load(&app, id).unwrap();
        let text: Vec<String> = screen
            .lines(&Theme::new(true), Lang::Zh)
            .iter()
            .map(|l| l.spans.iter().map(|s| s.content.as_ref()).collect())
            .collect();
        let timeline = text.iter().position(|l| l.contains("处理记录")).expect("a timeline");
        assert!(text[timeline + 1].contains("需要决定"), "the decision heads the timeline: {text:?}");
        let held = text.iter().filter(|l| l.contains("未生效，待决定")).count();
        assert_eq!(held, 1, "the escalation is marked as not applied: {text:?}");
        assert_eq!(screen.action_for(DECIDE_KEY), Some("decide"));
        // its form offers the demand's statuses as a choice
        let form = crate::tui::form::Form::action(
            Kind::Demand,
            id,
            "decide",
            &screen.view.entity.state,
            Lang::Zh,
            app.today(),
            &|r| r.to_string(),
        )
        .expect("a decide form");
        assert!(
            form.fields.iter().any(|f| f.name == "status" && matches!(f.input, crate::tui::form::Input::Choice { .. }))
        );
    }
}
