//! Display-width helpers: CJK characters take two columns, so widths are counted with
//! `unicode-width`, never with `len()` or `chars().count()`.

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// Display width of `s`.
pub fn width(s: &str) -> usize {
    UnicodeWidthStr::width(s)
}

/// `s` cut to at most `max` columns (with `…` when cut); never splits a wide character.
pub fn fit(s: &str, max: usize) -> String {
    if width(s) <= max {
        return s.to_string();
    }
    if max == 0 {
        return String::new();
    }
    let mut out = String::new();
    let mut w = 0;
    for c in s.chars() {
        let cw = c.width().unwrap_or(0);
        if w + cw + 1 > max {
            break;
        }
        out.push(c);
        w += cw;
    }
    out.push('…');
    out
}

/// `s` padded with spaces (or cut) to exactly `cols` columns.
pub fn pad(s: &str, cols: usize) -> String {
    let s = fit(s, cols);
    let w = width(&s);
    format!("{s}{}", " ".repeat(cols.saturating_sub(w)))
}

/// The first line of `s`, with runs of whitespace folded.
pub fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cjk_and_supplementary_characters_are_two_columns_wide() {
        assert_eq!(width("张三"), 4);
        assert_eq!(width("𠮷"), 2);
        assert_eq!(width("买买提·艾力"), 11);
    }

    #[test]
    fn fitting_never_splits_a_wide_character() {
        assert_eq!(fit("网格台账管理", 7), "网格台…");
        assert_eq!(width(&fit("网格台账管理", 7)), 7);
        assert_eq!(pad("张三", 6), "张三  ");
        assert_eq!(width(&pad("老人独居希望安装扶手", 9)), 9);
    }
}
