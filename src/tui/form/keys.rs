//! A form's keys and pasted text: moving between fields, typing, choosing, picking records;
//! what the caller should do next comes back as an [`Outcome`].

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::{Form, Input, Outcome, Picker, choose, text_area};

impl Form {
    fn move_focus(&mut self, delta: isize) {
        let n = self.fields.len() as isize;
        if n == 0 {
            return;
        }
        self.focus = ((self.focus as isize + delta).rem_euclid(n)) as usize;
        self.picker = None;
        self.typed.clear();
    }

    /// Handles a key press.
    pub fn on_key(&mut self, key: KeyEvent) -> Outcome {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        match key.code {
            KeyCode::Char('s') if ctrl => return Outcome::Save,
            KeyCode::F(2) => return Outcome::Save,
            KeyCode::Esc => {
                if self.picker.is_some() {
                    self.picker = None;
                    return Outcome::None;
                }
                return Outcome::Cancel;
            }
            KeyCode::Tab => {
                self.move_focus(1);
                return Outcome::None;
            }
            KeyCode::BackTab => {
                self.move_focus(-1);
                return Outcome::None;
            }
            _ => {}
        }
        if self.fields.is_empty() {
            // an action without fields (close): Enter confirms
            return if key.code == KeyCode::Enter { Outcome::Save } else { Outcome::None };
        }
        let last = self.focus + 1 == self.fields.len();
        // On choices, tags and yes/no, ↑ and ↓ move between fields and Enter moves on (saving
        // on the last field); text and reference fields use some of these keys themselves.
        if self
            .fields
            .get(self.focus)
            .is_some_and(|f| matches!(f.input, Input::Choice { .. } | Input::Multi { .. } | Input::Flag(_)))
        {
            match key.code {
                KeyCode::Up => {
                    self.move_focus(-1);
                    return Outcome::None;
                }
                KeyCode::Enter if last => return Outcome::Save,
                KeyCode::Down | KeyCode::Enter => {
                    self.move_focus(1);
                    return Outcome::None;
                }
                _ => {}
            }
        }
        // letters pick an option by its name; any other key ends the word being typed
        let letter = match key.code {
            KeyCode::Char(c) if c.is_ascii_alphabetic() && !ctrl => Some(c),
            _ => None,
        };
        let typed = std::mem::take(&mut self.typed);
        let Some(field) = self.fields.get_mut(self.focus) else { return Outcome::None };
        let changed = match &mut field.input {
            Input::Text { area, multiline, .. } => match key.code {
                KeyCode::Enter if !*multiline || key.modifiers.contains(KeyModifiers::ALT) => {
                    if *multiline {
                        area.insert_newline();
                        true
                    } else if last {
                        return Outcome::Save;
                    } else {
                        self.move_focus(1);
                        return Outcome::None;
                    }
                }
                KeyCode::Up if !*multiline || area.cursor().0 == 0 => {
                    self.move_focus(-1);
                    return Outcome::None;
                }
                KeyCode::Down if !*multiline || area.cursor().0 + 1 >= area.lines().len() => {
                    self.move_focus(1);
                    return Outcome::None;
                }
                _ => area.input(key),
            },
            Input::Choice { def, selected } => {
                let n = def.codes.len();
                match key.code {
                    _ if letter.is_some() => match letter.and_then(|c| choose::pick(def.codes, *selected, &typed, c)) {
                        Some((i, word)) => {
                            self.typed = word;
                            let changed = *selected != Some(i);
                            *selected = Some(i);
                            changed
                        }
                        None => false,
                    },
                    KeyCode::Right | KeyCode::Char(' ') => {
                        *selected = Some(selected.map(|i| (i + 1) % n).unwrap_or(0));
                        true
                    }
                    KeyCode::Left => {
                        *selected = Some(selected.map(|i| (i + n - 1) % n).unwrap_or(n - 1));
                        true
                    }
                    KeyCode::Backspace | KeyCode::Delete => {
                        *selected = None;
                        true
                    }
                    _ => false,
                }
            }
            Input::Multi { def, chosen, cursor } => match key.code {
                _ if letter.is_some() => {
                    if let Some((i, word)) = letter.and_then(|c| choose::pick(def.codes, Some(*cursor), &typed, c)) {
                        self.typed = word;
                        *cursor = i;
                    }
                    false
                }
                KeyCode::Right => {
                    *cursor = (*cursor + 1) % chosen.len();
                    false
                }
                KeyCode::Left => {
                    *cursor = (*cursor + chosen.len() - 1) % chosen.len();
                    false
                }
                KeyCode::Char(' ') => {
                    chosen[*cursor] = !chosen[*cursor];
                    true
                }
                _ => false,
            },
            Input::Flag(b) => match key.code {
                KeyCode::Char(' ') | KeyCode::Left | KeyCode::Right => {
                    *b = !*b;
                    true
                }
                _ => false,
            },
            Input::Refs { picked, query, multi, .. } => match (key.code, &mut self.picker) {
                (KeyCode::Down, Some(p)) if !p.results.is_empty() => {
                    p.selected = (p.selected + 1).min(p.results.len() - 1);
                    return Outcome::None;
                }
                (KeyCode::Up, Some(p)) if p.selected > 0 => {
                    p.selected -= 1;
                    return Outcome::None;
                }
                // Space picks while there is something to pick: it does not type a space then
                (KeyCode::Enter | KeyCode::Char(' '), Some(p)) if !p.results.is_empty() => {
                    let choice = p.results[p.selected.min(p.results.len() - 1)].clone();
                    if !*multi {
                        picked.clear();
                    }
                    if !picked.iter().any(|(id, _)| *id == choice.0) {
                        picked.push(choice);
                    }
                    *query = text_area("", false);
                    self.picker = None;
                    true
                }
                // Space on an empty query lists what can be picked
                (KeyCode::Char(' '), None) if query.lines().join("").is_empty() => {
                    self.picker = Some(Picker::default());
                    return Outcome::Changed;
                }
                (KeyCode::Backspace, _) if query.lines().join("").is_empty() && !picked.is_empty() => {
                    picked.pop();
                    true
                }
                (KeyCode::Enter, _) => {
                    if last {
                        return Outcome::Save;
                    }
                    self.move_focus(1);
                    return Outcome::None;
                }
                (KeyCode::Up, _) => {
                    self.move_focus(-1);
                    return Outcome::None;
                }
                (KeyCode::Down, _) => {
                    self.move_focus(1);
                    return Outcome::None;
                }
                _ => {
                    let changed = query.input(key);
                    if changed {
                        self.picker = Some(Picker::default());
                    }
                    changed
                }
            },
        };
        if changed {
            self.dirty = true;
            self.errors.remove(self.fields[self.focus].name);
            Outcome::Changed
        } else {
            Outcome::None
        }
    }

    /// Inserts pasted text into the focused text field (newlines kept only where allowed).
    pub fn on_paste(&mut self, s: &str) -> Outcome {
        let Some(field) = self.fields.get_mut(self.focus) else { return Outcome::None };
        let s = s.replace("\r\n", "\n").replace('\r', "\n");
        match &mut field.input {
            Input::Text { area, multiline: true, .. } => {
                for (i, line) in s.split('\n').enumerate() {
                    if i > 0 {
                        area.insert_newline();
                    }
                    area.insert_str(line);
                }
            }
            Input::Text { area, .. } => {
                area.insert_str(s.replace('\n', " "));
            }
            Input::Refs { query, .. } => {
                query.insert_str(s.replace('\n', " "));
                self.picker = Some(Picker::default());
            }
            _ => return Outcome::None,
        }
        self.dirty = true;
        Outcome::Changed
    }
}
