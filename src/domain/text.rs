//! Text safety: what is kept of text coming in, and how text going out to a terminal is made
//! harmless.
//!
//! In: control characters (an escape sequence pasted from a terminal, an OSC 52 clipboard
//! write) are removed, zero-width characters are removed, and bidirectional controls (which
//! make text display in another order than it is stored) are refused. Out: any control,
//! bidirectional or invisible character that is there anyway (stores written by older builds)
//! is shown as `\u{1b}`-style text instead of being sent to the terminal.

use std::borrow::Cow;

/// A bidirectional control character (U+202E …) found in text: refused on input, because it
/// makes text display in another order than it is stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BidiControl(pub char);

/// Bidirectional overrides, embeddings, isolates and marks: U+202A–U+202E, U+2066–U+2069,
/// U+200E, U+200F and U+061C.
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
}

/// Invisible characters that take no room: zero-width space, non-joiner and joiner, word
/// joiner, the byte-order mark, the Mongolian vowel separator, the invisible operators
/// U+2061–U+2064 and the soft hyphen.
pub fn is_zero_width(c: char) -> bool {
    matches!(c, '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}' | '\u{180E}' | '\u{00AD}')
}

/// Line breaks other than `\n`: next line (U+0085), line and paragraph separators.
fn is_other_line_break(c: char) -> bool {
    matches!(c, '\u{0085}' | '\u{2028}' | '\u{2029}')
}

/// Text as it is stored. `\r\n` becomes `\n`; a line break stays only when `multiline` (it
/// becomes a space otherwise), as do U+0085, U+2028 and U+2029; a tab becomes a space; every
/// other C0 or C1 control character and DEL is removed, and so are zero-width characters.
/// A bidirectional control is refused (the first one found is returned). Not trimmed.
pub fn clean(s: &str, multiline: bool) -> Result<String, BidiControl> {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' if multiline => out.push('\n'),
            c if is_other_line_break(c) && multiline => out.push('\n'),
            '\n' | '\r' | '\t' => out.push(' '),
            c if is_other_line_break(c) => out.push(' '),
            c if is_bidi_control(c) => return Err(BidiControl(c)),
            c if c.is_control() || is_zero_width(c) => {}
            c => out.push(c),
        }
    }
    Ok(out)
}

/// Whether `c` must not reach a terminal as it is: C0 and C1 controls, DEL, bidirectional
/// controls, zero-width characters and the line breaks U+0085, U+2028, U+2029.
pub fn needs_escape(c: char) -> bool {
    c.is_control() || is_bidi_control(c) || is_zero_width(c) || is_other_line_break(c)
}

fn escape_where(s: &str, keep_newlines: bool) -> Cow<'_, str> {
    let hit = |c: char| needs_escape(c) && !(keep_newlines && c == '\n');
    if !s.chars().any(hit) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            c if !hit(c) => out.push(c),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c => out.extend(c.escape_unicode()),
        }
    }
    Cow::Owned(out)
}

/// `s` for one line of a terminal: every character of [`needs_escape`] (line breaks
/// included) is written out visibly, `\n`, `\t`, `\r` or `\u{1b}`-style. Text without such
/// characters is returned as it is.
pub fn escape_control(s: &str) -> Cow<'_, str> {
    escape_where(s, false)
}

/// As [`escape_control`], but `\n` is kept as a line break (output that may span lines).
pub fn escape_control_lines(s: &str) -> Cow<'_, str> {
    escape_where(s, true)
}

/// Serialised JSON with the characters of [`needs_escape`] that JSON allows raw (DEL, C1,
/// bidirectional and zero-width characters) written as `\uXXXX` escapes, so that printing the
/// JSON cannot drive a terminal. Still the same JSON: such characters can only occur inside
/// strings, and all of them are in the Basic Multilingual Plane.
pub fn escape_json_invisible(json: &str) -> Cow<'_, str> {
    if !json.chars().any(needs_escape_in_json) {
        return Cow::Borrowed(json);
    }
    let mut out = String::with_capacity(json.len() + 8);
    for c in json.chars() {
        if needs_escape_in_json(c) {
            out.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// JSON escapes U+0000–U+001F itself, and they never occur raw in pretty-printed JSON except
/// as its own line breaks and indentation.
fn needs_escape_in_json(c: char) -> bool {
    needs_escape(c) && (c as u32) >= 0x20
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_osc52_clipboard_write_loses_its_control_characters() {
        assert_eq!(clean("王\u{1b}]52;c;aGVsbG8=\u{7}芳", false).unwrap(), "王]52;c;aGVsbG8=芳");
    }

    #[test]
    fn c1_controls_and_del_are_removed() {
        assert_eq!(clean("a\u{9b}31mb\u{7f}c\u{90}d", false).unwrap(), "a31mbcd");
    }

    #[test]
    fn line_breaks_are_kept_only_in_multiline_text() {
        assert_eq!(clean("a\r\nb\nc", true).unwrap(), "a\nb\nc");
        assert_eq!(clean("a\r\nb\nc", false).unwrap(), "a b c");
        assert_eq!(clean("a\u{2028}b\u{85}c", true).unwrap(), "a\nb\nc");
        assert_eq!(clean("a\u{2029}b", false).unwrap(), "a b");
    }

    #[test]
    fn tabs_become_spaces() {
        assert_eq!(clean("a\tb", true).unwrap(), "a b");
    }

    #[test]
    fn zero_width_characters_are_removed() {
        assert_eq!(clean("张\u{200b}三\u{200c}\u{200d}\u{2060}\u{feff}\u{180e}", false).unwrap(), "张三");
        assert_eq!(clean("138\u{200b}1234\u{feff}5678", false).unwrap(), "13812345678");
    }

    #[test]
    fn every_bidi_control_is_refused_and_named() {
        for c in ['\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}', '\u{202E}', '\u{2066}', '\u{2067}', '\u{2068}']
            .into_iter()
            .chain(['\u{2069}', '\u{200E}', '\u{200F}', '\u{061C}'])
        {
            assert_eq!(clean(&format!("付款{c}元0003"), true), Err(BidiControl(c)), "{:x}", c as u32);
        }
    }

    #[test]
    fn ordinary_chinese_and_punctuation_pass_unchanged() {
        let s = "张三（申请人）与李四·买买提：赔偿3000元，2024-11-27。";
        assert_eq!(clean(s, false).unwrap(), s);
        assert!(matches!(escape_control(s), Cow::Borrowed(_)));
    }

    #[test]
    fn escape_and_bell_are_shown_not_sent() {
        let out = escape_control("王\u{1b}]52;c;x\u{7}芳");
        assert_eq!(out, "王\\u{1b}]52;c;x\\u{7}芳");
        assert!(!out.contains('\u{1b}') && !out.contains('\u{7}'));
    }

    #[test]
    fn escaped_output_holds_no_character_that_needs_escaping() {
        let nasty = "a\u{1b}[31m\u{9b}\u{7f}\u{202e}\u{200b}\u{2028}\r\t\nb";
        assert!(!escape_control(nasty).chars().any(needs_escape));
        assert!(!escape_control_lines(nasty).chars().any(|c| needs_escape(c) && c != '\n'));
    }

    #[test]
    fn line_breaks_are_escaped_on_one_line_and_kept_across_lines() {
        assert_eq!(escape_control("a\nb\tc"), "a\\nb\\tc");
        assert_eq!(escape_control_lines("a\nb\rc"), "a\nb\\rc");
    }

    #[test]
    fn bidi_and_zero_width_characters_are_shown_on_output() {
        assert_eq!(escape_control("a\u{202e}b\u{200b}c"), "a\\u{202e}b\\u{200b}c");
    }

    #[test]
    fn json_keeps_its_meaning_when_invisible_characters_are_escaped() {
        let v = serde_json::json!({"worker": "王\u{202e}\u{200b}\u{7f}\u{85}芳\u{1b}"});
        let raw = serde_json::to_string_pretty(&v).unwrap();
        let safe = escape_json_invisible(&raw);
        assert!(!safe.chars().any(|c| needs_escape(c) && c != '\n'), "{safe}");
        assert_eq!(serde_json::from_str::<serde_json::Value>(&safe).unwrap(), v);
    }

    #[test]
    fn control_characters_are_dropped_and_line_breaks_kept_only_in_notes() {
        assert_eq!(clean("a\u{1b}[200~b\tc\r\nd", true).unwrap(), "a[200~b c\nd");
        assert_eq!(clean("a\nb", false).unwrap(), "a b");
    }
}
