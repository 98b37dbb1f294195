//! How records are shown to people, the same way in the CLI's tables, the TUI, JSON and the
//! coming reports (docs/ARCHITECTURE.md, "Presenter"): masking of personal numbers, civil time,
//! display widths.

mod detail;
mod width;

/// Labels of fields and codes, in context and in the user's language (from the domain's field
/// specs): the front ends take them from here with the rest of the presentation.
pub use crate::domain::labels::{action_of_field, code_label, field_label, screen_label};
pub use detail::{detail_of, household_detail, person_detail};
pub use width::{fit, one_line, pad, width};

use std::borrow::Cow;

use serde_json::Value as J;

use crate::domain::check::{mask_id_number, mask_phone};
use crate::domain::day::civil_offset;
use crate::domain::{Day, Value};
use crate::events::Hlc;

/// What a field holds, as far as masking is concerned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Secret {
    IdNumber,
    Phone,
}

/// Fields that hold personal numbers: shown masked unless `--reveal`.
fn secret(field: &str) -> Option<Secret> {
    match field {
        "id_number" => Some(Secret::IdNumber),
        "phone" | "responsible_phone" => Some(Secret::Phone),
        _ => None,
    }
}

/// The text of `field` as it may be shown: ID numbers and phones masked unless `reveal`.
pub fn masked<'a>(field: &str, s: &'a str, reveal: bool) -> Cow<'a, str> {
    match (secret(field), reveal) {
        (Some(Secret::IdNumber), false) => Cow::Owned(mask_id_number(s)),
        (Some(Secret::Phone), false) => Cow::Owned(mask_phone(s)),
        _ => Cow::Borrowed(s),
    }
}

/// Whether `field` is masked unless revealed.
pub fn is_secret(field: &str) -> bool {
    secret(field).is_some()
}

/// The JSON form of a field value, with ID numbers and phones masked unless `reveal` (in maps
/// and lists too: a dispute's parties carry ID numbers and phones).
pub fn mask(field: &str, v: &Value, reveal: bool) -> J {
    match (v, reveal) {
        (Value::Text(s), false) if is_secret(field) => J::String(masked(field, s, false).into_owned()),
        (Value::Map(m), false) => J::Object(m.iter().map(|(k, v)| (k.clone(), mask(k, v, false))).collect()),
        (Value::List(l), false) => J::Array(l.iter().map(|x| mask(field, x, false)).collect()),
        _ => v.to_json(),
    }
}

/// `MM-DD`: a due date in a narrow column.
pub fn month_day(d: Day) -> String {
    format!("{:02}-{:02}", d.month(), d.day())
}

/// A date in a narrow column: `MM-DD` in this year, `YYYY-MM-DD` in another (a due date of
/// last December must not read as next month's).
pub fn short_date(d: Day, today: Day) -> String {
    if d.year() == today.year() { month_day(d) } else { d.to_string() }
}

/// A ledger's name (`走访`, `visit`).
pub fn kind_label(kind: crate::domain::Kind, lang: crate::i18n::Lang) -> String {
    crate::i18n::tr(lang, &format!("app.kind.{}", kind.name()), &[])
}

/// `YYYY-MM-DD HH:MM` in civil time (UTC+8) of a wall-clock reading in ms.
pub fn civil_ms(ms: u64) -> String {
    chrono::DateTime::from_timestamp_millis(ms as i64)
        .map(|t| t.with_timezone(&civil_offset()).format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_default()
}

/// RFC 3339 time of a clock reading, in civil time (UTC+8).
pub fn hlc_time(h: Hlc) -> String {
    chrono::DateTime::from_timestamp_millis(h.ms as i64)
        .map(|t| t.with_timezone(&civil_offset()).to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn personal_numbers_are_masked_everywhere_unless_revealed() {
        assert_eq!(masked("id_number", "11010519491231002X", false), "110105********002X");
        assert_eq!(masked("phone", "13812345678", false), "138****5678");
        assert_eq!(masked("responsible_phone", "13812345678", false), "138****5678");
        assert_eq!(masked("phone", "13812345678", true), "13812345678");
        assert_eq!(masked("name", "王建国", false), "王建国");
        let party = Value::Map(vec![
            ("name".into(), Value::Text("张三".into())),
            ("id_number".into(), Value::Text("11010519491231002X".into())),
        ]);
        let j = mask("parties", &Value::List(vec![party]), false);
        assert_eq!(j[0]["id_number"], "110105********002X");
        assert_eq!(j[0]["name"], "张三");
    }

    #[test]
    fn a_due_date_in_a_narrow_column_is_month_and_day() {
        assert_eq!(month_day(Day::from_ymd(2026, 3, 9).unwrap()), "03-09");
        assert_eq!(month_day(Day::from_ymd(2025, 12, 27).unwrap()), "12-27");
        let today = Day::from_ymd(2026, 1, 5).unwrap();
        assert_eq!(short_date(Day::from_ymd(2025, 12, 27).unwrap(), today), "2025-12-27");
        assert_eq!(short_date(Day::from_ymd(2026, 12, 27).unwrap(), today), "12-27");
    }

    #[test]
    fn times_are_shown_in_china_time() {
        // 2026-11-27 02:00 UTC is 10:00 in Beijing.
        let ms = 1_795_744_800_000;
        assert_eq!(hlc_time(Hlc { ms, count: 0 }), "2026-11-27T10:00:00+08:00");
    }
}
