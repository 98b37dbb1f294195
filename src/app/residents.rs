//! One record per resident: an ID number is held by one person's record only, and a person's
//! gender agrees with the sex digit of their ID number. Checked before `add` and `act` write
//! (after the domain's own validation), because finding the other holder needs the store's
//! search index (docs/ARCHITECTURE.md, "Search index": the last four digits of ID numbers).

use super::{App, AppError};
use crate::domain::check::id_number_gender;
use crate::domain::{EntityId, FieldError, Invalid, Kind, Problem, RecordState, Value};
use crate::events::fold;
use crate::search::{DIGITS, TermKind};

impl App {
    /// Refuses a person whose new `id_number` another person's record already holds (naming
    /// that record), and a gender that contradicts the ID number. `own` is the record being
    /// changed (none for a new one), `before` its state, `set` the fields being written.
    pub(super) fn check_person(
        &self,
        own: Option<EntityId>,
        before: Option<&RecordState>,
        set: &[(String, Value)],
        action: Option<&str>,
    ) -> Result<(), AppError> {
        let written = |f: &str| set.iter().find(|(k, _)| k == f).map(|(_, v)| v);
        let now = |f: &str| match written(f) {
            Some(v) => v.as_text(),
            None => before.and_then(|s| s.text(f)),
        };
        let mut problems = Vec::new();
        if let Some(number) = written("id_number").and_then(Value::as_text)
            && let Some((holder, name)) = self.id_number_holder(number, own)?
        {
            problems.push(FieldError::new("id_number", Problem::IdNumberTaken { holder, name }));
        }
        if (written("gender").is_some() || written("id_number").is_some())
            && let (Some(gender), Some(number)) = (now("gender"), now("id_number"))
            && let Some(recorded) = id_number_gender(number)
            && recorded.code() != gender
        {
            problems.push(FieldError::new("gender", Problem::GenderContradictsId(recorded.code().to_string())));
        }
        if problems.is_empty() {
            return Ok(());
        }
        Err(AppError::Invalid(Invalid(problems).in_context(Kind::Person, action)))
    }

    /// The person's record (other than `except`) that holds ID number `number`, with its name:
    /// the candidates share its last four digits in the index; their full numbers are compared.
    pub fn id_number_holder(
        &self,
        number: &str,
        except: Option<EntityId>,
    ) -> Result<Option<(EntityId, String)>, AppError> {
        let number = number.trim().to_ascii_uppercase();
        if number.len() < DIGITS || !number.is_ascii() {
            return Ok(None);
        }
        let tail = number[number.len() - DIGITS..].to_ascii_lowercase();
        let mut candidates = Vec::new();
        self.store.search_lookup(TermKind::Digits, &tail, true, &mut |id| {
            if Some(id) != except {
                candidates.push(id);
            }
            true
        })?;
        for chunk in candidates.chunks(256) {
            for (id, events) in self.store.events_of_many(chunk)? {
                if let Some(e) = fold(id, &events)
                    && e.kind == Kind::Person
                    && e.state.text("id_number").is_some_and(|n| n.eq_ignore_ascii_case(&number))
                {
                    return Ok(Some((id, e.state.text("name").unwrap_or_default().to_string())));
                }
            }
        }
        Ok(None)
    }
}

impl AppError {
    /// The record that already holds what was refused (an ID number: one record per resident),
    /// for the screen to offer to open it.
    pub fn existing_record(&self) -> Option<EntityId> {
        match self {
            AppError::Invalid(inv) => inv.existing_record(),
            _ => None,
        }
    }
}
