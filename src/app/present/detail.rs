//! What tells two records apart in a list of search results or a picker
//! (docs/ARCHITECTURE.md, "Presenter"): for a person the household's address, the age and the
//! masked end of the phone; for a household its grid and the head's name. As plain text in
//! the user's language, so that the CLI and the TUI show the same.

use crate::domain::check::{id_number_age, mask_phone};
use crate::domain::{Day, Kind};
use crate::events::Entity;
use crate::i18n::{Lang, tr};

/// The parts joined with a middle dot (empty parts dropped).
fn join(parts: Vec<String>) -> String {
    parts.into_iter().filter(|p| !p.is_empty()).collect::<Vec<_>>().join(" · ")
}

/// A person: `一组8号 · 76岁 · 138****5678` (household address, age from the ID number's birth
/// date, masked phone).
pub fn person_detail(person: &Entity, household_address: Option<&str>, today: Day, lang: Lang) -> String {
    let s = &person.state;
    let age = s.text("id_number").and_then(|n| id_number_age(n, today));
    join(vec![
        household_address.unwrap_or_default().to_string(),
        age.map(|a| tr(lang, "present.age", &[&a.to_string()])).unwrap_or_default(),
        s.text("phone").map(mask_phone).unwrap_or_default(),
    ])
}

/// A household: `第一网格 · 户主 邱德福`.
pub fn household_detail(household: &Entity, head_name: Option<&str>, lang: Lang) -> String {
    join(vec![
        household.state.text("grid").unwrap_or_default().to_string(),
        head_name.map(|n| tr(lang, "present.head", &[n])).unwrap_or_default(),
    ])
}

/// The detail of any record: persons and households as above (with what was looked up for
/// them), nothing for the ledgers' records (their title and status say enough).
pub fn detail_of(e: &Entity, other: Option<&str>, today: Day, lang: Lang) -> String {
    match e.kind {
        Kind::Person => person_detail(e, other, today, lang),
        Kind::Household => household_detail(e, other, lang),
        _ => String::new(),
    }
}
