//! Checks of single values: ID numbers, phones and division codes, and the masks that hide
//! personal numbers on screen. Personal data inside free text is found by [`super::pii`].

use super::codes::Gender;
use super::day::Day;

/// Why an ID number is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IdNumberProblem {
    /// Not 18 characters of 17 digits and a digit or X.
    Format,
    /// The birth date (characters 7–14) is not a real date.
    BirthDate,
    /// The birth date is after today.
    FutureBirth,
    /// The check character does not match (ISO 7064 MOD 11-2).
    CheckChar,
}

const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK: &[u8; 11] = b"10X98765432";

/// The ISO 7064 MOD 11-2 check character of the first 17 digits.
pub fn id_check_char(first17: &[u8]) -> char {
    let sum: u32 = first17.iter().zip(WEIGHTS).map(|(d, w)| (d - b'0') as u32 * w).sum();
    CHECK[(sum % 11) as usize] as char
}

/// Validates a resident ID number (居民身份证号码) and returns it normalised (upper-case X).
pub fn check_id_number(s: &str, today: Day) -> Result<String, IdNumberProblem> {
    let s = s.trim().to_ascii_uppercase();
    let b = s.as_bytes();
    if b.len() != 18 || !b[..17].iter().all(u8::is_ascii_digit) || !(b[17].is_ascii_digit() || b[17] == b'X') {
        return Err(IdNumberProblem::Format);
    }
    // characters 7–14 are the birth date, YYYYMMDD (all digits: checked above)
    let birth = Day::from_ymd(digits(&b[6..10]) as i32, digits(&b[10..12]), digits(&b[12..14]))
        .ok_or(IdNumberProblem::BirthDate)?;
    if birth > today {
        return Err(IdNumberProblem::FutureBirth);
    }
    if Day::from_ymd(1880, 1, 1).is_some_and(|earliest| birth < earliest) {
        return Err(IdNumberProblem::BirthDate);
    }
    if id_check_char(&b[..17]) != b[17] as char {
        return Err(IdNumberProblem::CheckChar);
    }
    Ok(s)
}

/// The number written by ASCII digits (the caller has checked that they are digits).
fn digits(b: &[u8]) -> u32 {
    b.iter().fold(0, |n, d| n * 10 + u32::from(d.wrapping_sub(b'0')))
}

/// A mobile number `1[3-9]` + 9 digits, or a landline `0` + 2–3 digit area code, optional `-`,
/// 7–8 digits.
pub fn is_phone(s: &str) -> bool {
    let b = s.trim().as_bytes();
    let digits = |x: &[u8]| x.iter().all(u8::is_ascii_digit);
    if b.len() == 11 && b[0] == b'1' && (b'3'..=b'9').contains(&b[1]) && digits(b) {
        return true;
    }
    if b.first() != Some(&b'0') {
        return false;
    }
    if let Some(dash) = b.iter().position(|&c| c == b'-') {
        let (area, rest) = (&b[..dash], &b[dash + 1..]);
        (3..=4).contains(&area.len()) && digits(area) && (7..=8).contains(&rest.len()) && digits(rest)
    } else {
        // 0 + 2–3 digit area code + 7–8 digits: 10 to 12 digits in all
        (10..=12).contains(&b.len()) && digits(b)
    }
}

/// A phone as stored: the separators people type (`138-1234-5678`, `138 1234 5678`,
/// full-width digits) dropped from a mobile; a landline keeps one `-` after its area code.
/// `None` when it is not a phone ([`is_phone`]).
pub fn normalise_phone(s: &str) -> Option<String> {
    let folded: String = s
        .trim()
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '－' | '—' | '–' => '-',
            _ => c,
        })
        .filter(|c| !c.is_whitespace())
        .collect();
    let digits: String = folded.chars().filter(|c| *c != '-').collect();
    let candidates = if folded.starts_with('0') {
        match folded.split_once('-') {
            Some((area, rest)) => vec![format!("{area}-{}", rest.replace('-', "")), digits],
            None => vec![digits],
        }
    } else {
        vec![digits]
    };
    candidates.into_iter().find(|c| is_phone(c))
}

/// The sex an ID number records: its 17th digit is odd for a man, even for a woman. `None`
/// when the number is not 18 characters with a digit there.
pub fn id_number_gender(id: &str) -> Option<Gender> {
    let d = *id.trim().as_bytes().get(16).filter(|_| id.trim().len() == 18)?;
    d.is_ascii_digit().then(|| if (d - b'0') % 2 == 1 { Gender::M } else { Gender::F })
}

/// The age in whole years on `today` of someone born on the ID number's birth date
/// (characters 7–14); `None` when the number holds no real birth date.
pub fn id_number_age(id: &str, today: Day) -> Option<u32> {
    let b = id.trim().as_bytes();
    if b.len() != 18 || !b[..14].iter().all(u8::is_ascii_digit) {
        return None;
    }
    let (y, m, d) = (digits(&b[6..10]) as i32, digits(&b[10..12]), digits(&b[12..14]));
    Day::from_ymd(y, m, d)?;
    let (ty, tm, td) = (today.year(), today.month(), today.day());
    if (ty, tm, td) < (y, m, d) {
        return None;
    }
    let before_birthday = (tm, td) < (m, d);
    Some((ty - y - i32::from(before_birthday)) as u32)
}

/// The level of a statistical division code (统计用区划代码).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DivisionLevel {
    /// A county's own code: township and village parts are 000.
    County,
    /// A township (乡镇/街道): village part 000.
    Township,
    /// A village (村/居委会).
    Village,
}

/// Why a division code is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DivisionProblem {
    /// Not 12 digits.
    Format,
    /// Province, city or county part is 00.
    Region,
    /// Township part outside 001–399.
    Township,
    /// Village part outside 001–399.
    Village,
}

/// Checks a 12-digit division code: province 2, city 2, county 2, township 3 (001–099 街道,
/// 100–199 镇, 200–399 乡), village 3 (001–199 居委会, 200–399 村委会).
pub fn check_division(code: &str) -> Result<DivisionLevel, DivisionProblem> {
    let b = code.trim().as_bytes();
    if b.len() != 12 || !b.iter().all(u8::is_ascii_digit) {
        return Err(DivisionProblem::Format);
    }
    let num = |r: std::ops::Range<usize>| digits(&b[r]);
    if num(0..2) < 11 || num(4..6) == 0 {
        return Err(DivisionProblem::Region);
    }
    let (town, village) = (num(6..9), num(9..12));
    match (town, village) {
        (0, 0) => Ok(DivisionLevel::County),
        (0, _) => Err(DivisionProblem::Township),
        (t, _) if t > 399 => Err(DivisionProblem::Township),
        (_, 0) => Ok(DivisionLevel::Township),
        (_, v) if v > 399 => Err(DivisionProblem::Village),
        _ => Ok(DivisionLevel::Village),
    }
}

/// Whether the place `inner` is the place `outer` or lies under it (a village under its
/// township, a township under its county): `outer`'s significant digits begin `inner`. Both
/// must be valid codes; anything invalid covers nothing.
pub fn division_covers(outer: &str, inner: &str) -> bool {
    let digits = match check_division(outer) {
        Ok(DivisionLevel::County) => 6,
        Ok(DivisionLevel::Township) => 9,
        Ok(DivisionLevel::Village) => 12,
        Err(_) => return false,
    };
    check_division(inner).is_ok() && inner.trim().as_bytes()[..digits] == outer.trim().as_bytes()[..digits]
}

/// `110105********002X`: the region and the last four stay visible.
pub fn mask_id_number(s: &str) -> String {
    if s.len() == 18 && s.is_ascii() {
        format!("{}********{}", &s[..6], &s[14..])
    } else {
        "*".repeat(s.chars().count())
    }
}

/// `138****5678`, `0571-****5678`.
pub fn mask_phone(s: &str) -> String {
    if !s.is_ascii() || s.len() < 7 {
        return "*".repeat(s.chars().count());
    }
    let keep_tail = 4;
    let head = if s.starts_with('1') { 3 } else { s.find('-').map(|p| p + 1).unwrap_or(4) };
    let stars = s.len().saturating_sub(head + keep_tail);
    format!("{}{}{}", &s[..head], "*".repeat(stars), &s[s.len() - keep_tail..])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> Day {
        Day::parse("2026-11-27").unwrap()
    }

    #[test]
    fn design_examples_of_id_numbers_are_valid() {
        assert_eq!(check_id_number("11010519491231002X", today()).as_deref(), Ok("11010519491231002X"));
        assert_eq!(check_id_number("440524188001010014", today()).as_deref(), Ok("440524188001010014"));
    }

    #[test]
    fn lower_case_x_is_normalised() {
        assert_eq!(check_id_number("11010519491231002x", today()).as_deref(), Ok("11010519491231002X"));
    }

    #[test]
    fn a_wrong_check_character_is_refused() {
        for bad in ["110105194912310021", "11010519491231002Y", "440524188001010015"] {
            let r = check_id_number(bad, today());
            assert!(r == Err(IdNumberProblem::CheckChar) || r == Err(IdNumberProblem::Format), "{bad}: {r:?}");
        }
        assert_eq!(check_id_number("110105194912310021", today()), Err(IdNumberProblem::CheckChar));
    }

    #[test]
    fn impossible_or_future_birth_dates_are_refused() {
        // 2月30日
        let mut s = b"11010519490230002".to_vec();
        s.push(id_check_char(&s) as u8);
        assert_eq!(check_id_number(std::str::from_utf8(&s).unwrap(), today()), Err(IdNumberProblem::BirthDate));
        let mut f = b"11010520991231002".to_vec();
        f.push(id_check_char(&f) as u8);
        assert_eq!(check_id_number(std::str::from_utf8(&f).unwrap(), today()), Err(IdNumberProblem::FutureBirth));
    }

    #[test]
    fn id_numbers_of_wrong_shape_are_refused() {
        for bad in ["", "1101051949123100", "11010519491231002XX", "A1010519491231002X", "110105 19491231002"] {
            assert_eq!(check_id_number(bad, today()), Err(IdNumberProblem::Format), "{bad}");
        }
    }

    #[test]
    fn phones_follow_the_mobile_and_landline_patterns() {
        for ok in ["13812345678", "19912345678", "0571-88776655", "010-1234567", "057188776655", "01012345678"] {
            assert!(is_phone(ok), "{ok}");
        }
        for bad in ["12812345678", "1381234567", "138123456789", "571-88776655", "0571-123456", "phone", ""] {
            assert!(!is_phone(bad), "{bad}");
        }
    }

    #[test]
    fn a_place_covers_itself_and_the_places_under_it_only() {
        let (county, town, village) = ("330782000000", "330782105000", "330782105203");
        assert!(division_covers(town, village) && division_covers(county, village) && division_covers(county, town));
        assert!(division_covers(village, village) && division_covers(town, town));
        assert!(!division_covers(village, town) && !division_covers(town, county), "never upwards");
        assert!(!division_covers(village, "330782105204"), "a neighbouring village");
        assert!(!division_covers(town, "330782106203"), "a village of another township");
        assert!(!division_covers("33078210520", village) && !division_covers(town, "x"), "invalid codes");
    }

    #[test]
    fn division_codes_are_checked_by_level() {
        assert_eq!(check_division("330782105203"), Ok(DivisionLevel::Village));
        assert_eq!(check_division("330782105000"), Ok(DivisionLevel::Township));
        assert_eq!(check_division("330782000000"), Ok(DivisionLevel::County));
        assert_eq!(check_division("33078210520"), Err(DivisionProblem::Format));
        assert_eq!(check_division("33078210520a"), Err(DivisionProblem::Format));
        assert_eq!(check_division("000782105203"), Err(DivisionProblem::Region));
        assert_eq!(check_division("330782405203"), Err(DivisionProblem::Township));
        assert_eq!(check_division("330782105400"), Err(DivisionProblem::Village));
        assert_eq!(check_division("330782000203"), Err(DivisionProblem::Township));
    }

    #[test]
    fn phones_are_stored_without_the_separators_people_type() {
        for (typed, stored) in [
            ("138-1234-5678", "13812345678"),
            ("138 1234 5678", "13812345678"),
            (" 13812345678 ", "13812345678"),
            ("１３８１２３４５６７８", "13812345678"),
            ("0571-8877 6655", "0571-88776655"),
            ("0571 88776655", "057188776655"),
        ] {
            assert_eq!(normalise_phone(typed).as_deref(), Some(stored), "{typed}");
        }
        for bad in ["138-1234-567", "12812345678", "phone", ""] {
            assert_eq!(normalise_phone(bad), None, "{bad}");
        }
    }

    #[test]
    fn the_seventeenth_digit_of_an_id_number_is_its_sex_and_the_birth_date_its_age() {
        assert_eq!(id_number_gender("11010519491231002X"), Some(Gender::F));
        assert_eq!(id_number_gender("440524188001010014"), Some(Gender::M));
        assert_eq!(id_number_gender("1101051949"), None);
        assert_eq!(id_number_age("11010519491231002X", today()), Some(76));
        assert_eq!(id_number_age("11010519491231002X", Day::parse("2026-12-31").unwrap()), Some(77));
        assert_eq!(id_number_age("x", today()), None);
    }

    #[test]
    fn masks_keep_only_what_identifies_the_record() {
        assert_eq!(mask_id_number("11010519491231002X"), "110105********002X");
        assert_eq!(mask_phone("13812345678"), "138****5678");
        assert_eq!(mask_phone("0571-88776655"), "0571-****6655");
    }
}
