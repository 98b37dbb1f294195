//! Personal data inside free text: mobile and ID numbers written where they do not belong
//! (they have their own fields, which are masked on screen).

/// Personal data found inside free text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PiiInText {
    /// 18 characters that look like an ID number.
    IdNumber,
    /// 11 digits that look like a mobile number.
    Mobile,
}

/// Finds personal data in free text: the first mobile number (`1[3-9]` + 9 digits) or ID
/// number (17 digits + digit/X, with a birth date in its place) written in it, however it is
/// spelled. See [`find_all_pii`].
pub fn find_pii(text: &str) -> Option<PiiInText> {
    find_all_pii(text).into_iter().next()
}

/// Every mobile and ID number in free text, in order, as people write them:
///
/// - full-width (`１３８`) and mathematical digits count as digits; zero-width characters are
///   ignored;
/// - separators of any kind may stand between digits: spaces (U+3000 too), dashes, dots,
///   slashes, brackets, underscores, middle dots, `+` (`+86 138-1234-5678`, `(+86)138…`,
///   `138.1234.5678`, `１３８ １２３４ ５６７８`);
/// - `86` or `0086` may stand in front of a mobile number;
/// - numbers side by side are each found (`13812345678 13987654321`, and
///   `1381234567813987654321` too).
///
/// A number is found only where it starts and ends at the edge of a group of digits, or next
/// to another number (or prefix): an ordinary code that merely contains 11 such digits, a
/// date (`2024-11-27`), a landline (`0571-88776655`) or an amount is not flagged. Any other
/// character (letters, Chinese, commas, `、`, `：`) ends a run of digits.
pub fn find_all_pii(text: &str) -> Vec<PiiInText> {
    let chars: Vec<char> = text.chars().filter(|c| !super::text::is_zero_width(*c)).collect();
    let mut found = Vec::new();
    // The current run: its digits ('X' only as an ID number's last character) and the places
    // where a separator stood between two groups of them.
    let mut run: Vec<u8> = Vec::new();
    let mut cuts: Vec<usize> = Vec::new();
    let mut separated = false;
    for &c in &chars {
        if let Some(d) = digit_value(c) {
            if separated && !run.is_empty() {
                cuts.push(run.len());
            }
            separated = false;
            run.push(b'0' + d);
        } else if is_separator(c) {
            separated = true;
        } else if matches!(c, 'X' | 'x' | 'Ｘ' | 'ｘ')
            && !separated
            && run.len() >= 17
            && run.last().is_some_and(u8::is_ascii_digit)
        {
            run.push(b'X');
        } else {
            pii_in_run(&run, &cuts, &mut found);
            run.clear();
            cuts.clear();
            separated = false;
        }
    }
    pii_in_run(&run, &cuts, &mut found);
    found
}

/// The value of a decimal digit: ASCII, full-width or mathematical (bold, double-struck …).
fn digit_value(c: char) -> Option<u8> {
    match c {
        '0'..='9' => Some(c as u8 - b'0'),
        '０'..='９' => Some((c as u32 - '０' as u32) as u8),
        '\u{1D7CE}'..='\u{1D7FF}' => Some(((c as u32 - 0x1D7CE) % 10) as u8),
        _ => None,
    }
}

/// Characters people put between the digits of one number (besides white space): dashes,
/// dots, slashes, brackets, underscores, middle dots, `+` and `|`, ASCII and full-width.
const SEPARATORS: &str =
    "-－\u{2010}\u{2011}\u{2012}\u{2013}\u{2014}\u{2015}\u{2212}﹣.．·・•‧/／\\＼()（）[]【】〔〕_＿+＋|";

fn is_separator(c: char) -> bool {
    c.is_whitespace() || SEPARATORS.contains(c)
}

fn is_mobile_at(d: &[u8], i: usize) -> bool {
    d.len() >= i + 11
        && d[i] == b'1'
        && (b'3'..=b'9').contains(&d[i + 1])
        && d[i..i + 11].iter().all(u8::is_ascii_digit)
}

/// 17 digits and a digit or X, the first not 0, with a birth date (18xx–20xx, month 01–12,
/// day 01–31) in characters 7–14.
fn is_id_at(d: &[u8], i: usize) -> bool {
    if d.len() < i + 18 {
        return false;
    }
    let s = &d[i..i + 18];
    if !s[..17].iter().all(u8::is_ascii_digit) || !(s[17].is_ascii_digit() || s[17] == b'X') || s[0] == b'0' {
        return false;
    }
    let num = |r: std::ops::Range<usize>| s[r].iter().fold(0u32, |n, b| n * 10 + (b - b'0') as u32);
    (18..=20).contains(&num(6..8)) && (1..=12).contains(&num(10..12)) && (1..=31).contains(&num(12..14))
}

/// The length of a `86` or `0086` country prefix at `i`, when a mobile number follows it.
fn prefix_at(d: &[u8], i: usize) -> Option<usize> {
    [2, 4].into_iter().find(|&n| {
        d.len() >= i + n && &d[i..i + n] == (if n == 2 { &b"86"[..] } else { &b"0086"[..] }) && is_mobile_at(d, i + n)
    })
}

/// The numbers of one run of digits. A number may start where the run or a group of digits
/// starts, or right after another number or a prefix; it must end where the run or a group
/// ends, or right before another number (or prefix and number) that itself ends so.
fn pii_in_run(d: &[u8], cuts: &[usize], found: &mut Vec<PiiInText>) {
    let n = d.len();
    if n < 11 {
        return;
    }
    let mut is_cut = vec![false; n + 1];
    is_cut[0] = true;
    is_cut[n] = true;
    for &c in cuts {
        is_cut[c] = true;
    }
    // ends[j]: from j, numbers (with their prefixes) lead to the edge of a group.
    let mut ends = is_cut.clone();
    for j in (0..n).rev() {
        let via_mobile = is_mobile_at(d, j) && ends[j + 11];
        let via_id = is_id_at(d, j) && ends[j + 18];
        let via_prefix = prefix_at(d, j).is_some_and(|p| ends[j + p + 11]);
        ends[j] |= via_mobile || via_id || via_prefix;
    }
    // starts[i]: a number may start at i.
    let mut starts = is_cut;
    let mut i = 0;
    while i < n {
        if starts[i] {
            if let Some(p) = prefix_at(d, i) {
                starts[i + p] = true;
            }
            if is_mobile_at(d, i) && ends[i + 11] {
                found.push(PiiInText::Mobile);
                starts[i + 11] = true;
            } else if is_id_at(d, i) && ends[i + 18] {
                found.push(PiiInText::IdNumber);
                starts[i + 18] = true;
            }
        }
        i += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_and_mobile_numbers_inside_free_text_are_found() {
        assert_eq!(find_pii("张三身份证11010519491231002X已核实"), Some(PiiInText::IdNumber));
        assert_eq!(find_pii("电话13812345678联系"), Some(PiiInText::Mobile));
        assert_eq!(find_pii("赔偿3000元，3组12号，2024年"), None);
        assert_eq!(find_pii("编号123456789012345678901"), None, "a longer run is not an ID");
        assert_eq!(find_pii("12812345678"), None);
        assert_eq!(find_pii("电话138 1234 5678"), Some(PiiInText::Mobile));
        assert_eq!(find_pii("电话138-1234-5678"), Some(PiiInText::Mobile));
        assert_eq!(find_pii("电话１３８１２３４５６７８"), Some(PiiInText::Mobile));
        assert_eq!(find_pii("2024-11-27 调解，0571-88776655"), None, "dates and landlines are fine");
    }

    #[test]
    fn mobile_numbers_are_found_however_they_are_spelled() {
        for text in [
            "电话+86 138-1234-5678",
            "(+86)13812345678",
            "（+86）138 1234 5678",
            "0086 13812345678",
            "8613812345678",
            "手机138.1234.5678",
            "138/1234/5678",
            "１３８ １２３４ ５６７８",
            "１３８　１２３４　５６７８",
            "138\u{200b}12345678",
            "1\u{feff}3\u{200d}8\u{2060}1234\u{200c}5678",
            "138_1234_5678",
            "138·1234·5678",
            "138 - 1234 - 5678",
            "＋８６－１３８－１２３４－５６７８",
            "电话13812345678，3000元",
            "电话13812345678 3000元",
            "tel13812345678x2",
            "\u{1d7cf}\u{1d7d1}\u{1d7d6}12345678",
        ] {
            assert_eq!(find_pii(text), Some(PiiInText::Mobile), "{text}");
        }
    }

    #[test]
    fn two_numbers_side_by_side_are_two_numbers() {
        for text in [
            "13812345678 13987654321",
            "13812345678、13987654321",
            "13812345678,13987654321",
            "1381234567813987654321",
            "+8613812345678/+8613987654321",
            "138 1234 5678 139 8765 4321",
        ] {
            assert_eq!(find_all_pii(text), vec![PiiInText::Mobile, PiiInText::Mobile], "{text}");
        }
        assert_eq!(
            find_all_pii("11010519491231002X13812345678"),
            vec![PiiInText::IdNumber, PiiInText::Mobile],
            "an ID number and a mobile number run together"
        );
    }

    #[test]
    fn id_numbers_are_found_with_separators_and_full_width_digits() {
        assert_eq!(find_pii("身份证 110105 19491231 002X"), Some(PiiInText::IdNumber));
        assert_eq!(find_pii("１１０１０５１９４９１２３１００２Ｘ"), Some(PiiInText::IdNumber));
        assert_eq!(find_pii("证号11010519491231002x。"), Some(PiiInText::IdNumber));
        assert_eq!(find_pii("130102199001011234"), Some(PiiInText::IdNumber), "an ID number starting 13");
    }

    #[test]
    fn dates_landlines_amounts_and_long_codes_are_not_personal_data() {
        for text in [
            "2024-11-27",
            "2024.11.27 13:30 调解",
            "2024/11/27",
            "0571-88776655",
            "(0571) 8877 6655",
            "+86 571 8877 6655",
            "3000元",
            "赔偿 1,380,000 元",
            "工单号202411271381234",
            "流水号0013812345678",
            "编号13812345678901",
            "编号123456789012345678901",
            "3组12号 13号楼 5单元",
            "138****5678",
            "1381234567",
            "12812345678",
            "000000000000000000",
        ] {
            assert_eq!(find_pii(text), None, "{text}");
        }
    }

    fn fullwidth(d: u8) -> char {
        char::from_u32('０' as u32 + d as u32).unwrap()
    }

    /// A mobile number written as a person might: digits in random groups with random
    /// separators, an optional country prefix, some digits full-width, zero-width characters
    /// inside, Chinese text around it.
    fn mobile_spelling() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        let seps = prop::sample::select(vec![
            "", " ", "-", ".", "/", "　", "_", "·", " - ", ") (", "（", "）", "—", "／", "．", "  ",
        ]);
        let prefixes = prop::sample::select(vec![
            "",
            "",
            "+86",
            "+86 ",
            "0086",
            "0086-",
            "86",
            "(+86)",
            "（+86）",
            "+86-",
            "＋８６ ",
        ]);
        let zw = prop::sample::select(vec!["", "", "", "\u{200b}", "\u{200c}", "\u{200d}", "\u{2060}", "\u{feff}"]);
        let before = prop::sample::select(vec!["", "电话", "联系电话：", "王芳的手机是", "请回电 ", "说："]);
        let after = prop::sample::select(vec!["", "联系", "。", "，谢谢", " 王芳", "（本人）"]);
        (
            3u8..=9,
            prop::collection::vec(0u8..=9, 9),
            prop::collection::vec((seps, any::<bool>(), zw), 11),
            prefixes,
            before,
            after,
        )
            .prop_map(|(second, rest, spell, prefix, before, after)| {
                let digits: Vec<u8> = [1, second].into_iter().chain(rest).collect();
                let mut s = format!("{before}{prefix}");
                for (k, (d, (sep, wide, zw))) in digits.iter().zip(spell).enumerate() {
                    s.push(if wide { fullwidth(*d) } else { (b'0' + d) as char });
                    s.push_str(zw);
                    if k < 10 {
                        s.push_str(sep);
                    }
                }
                s.push_str(after);
                s
            })
    }

    proptest::proptest! {
        #[test]
        fn every_spelling_of_a_mobile_number_is_found(text in mobile_spelling()) {
            proptest::prop_assert_eq!(find_pii(&text), Some(PiiInText::Mobile), "{:?}", text);
        }

        #[test]
        fn text_with_fewer_than_eleven_digits_is_never_flagged(
            filler in proptest::collection::vec(
                "[ \\-./()（）_·＋+Xxab张三电话元号、，：。\u{200b}\u{3000}\n]", 0..40),
            digits in proptest::collection::vec((0u8..=9, proptest::prelude::any::<bool>(),
                proptest::prelude::any::<proptest::sample::Index>()), 0..=10),
        ) {
            let mut chars: Vec<String> = filler;
            for (d, wide, at) in digits {
                let c = if wide { fullwidth(d) } else { (b'0' + d) as char };
                chars.insert(at.index(chars.len() + 1), c.to_string());
            }
            let text = chars.concat();
            proptest::prop_assert_eq!(find_pii(&text), None, "{:?}", text);
        }
    }
}
