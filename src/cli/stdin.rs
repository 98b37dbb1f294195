//! The one JSON object of `add` and `act`, read from standard input: bounded in size, UTF-8,
//! and with every key at most once per object (serde_json's own `Value` silently keeps the
//! last of two). Each refusal is a usage error (exit 2) in the user's language, naming stdin.

use std::cell::RefCell;
use std::fmt;
use std::io::Read;

use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

use crate::app::AppError;
use crate::i18n::{Lang, tr};

/// The most bytes read for one record or action. The largest valid input — a dispute with 50
/// parties, 20 mediators and its long texts at their limits, every character written as a
/// `\uXXXX` surrogate pair — is under 200 KiB; reading stops one byte past this limit, so a
/// huge input is refused before it is parsed.
pub const STDIN_MAX: usize = 1 << 20;

/// Reads `input` (at most [`STDIN_MAX`] bytes) as one JSON value.
pub fn read_json(input: impl Read, lang: Lang) -> Result<Value, AppError> {
    let mut bytes = Vec::new();
    input.take(STDIN_MAX as u64 + 1).read_to_end(&mut bytes).map_err(|e| AppError::Other(format!("stdin: {e}")))?;
    if bytes.len() > STDIN_MAX {
        return Err(AppError::Usage(tr(lang, "cli.stdin_too_large", &[&(STDIN_MAX >> 10).to_string()])));
    }
    let text = std::str::from_utf8(&bytes)
        .map_err(|e| AppError::Usage(tr(lang, "cli.stdin_not_utf8", &[&(e.valid_up_to() + 1).to_string()])))?;
    // a byte-order mark, as Windows editors write it, is not part of the JSON
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    parse_strict(text).map_err(|e| match e {
        Refused::Duplicate(key) => AppError::Usage(tr(lang, "cli.duplicate_key", &[&key])),
        Refused::Json(e) => AppError::Usage(tr(lang, "cli.bad_json", &[&e.to_string()])),
    })
}

/// Why a text is not one acceptable JSON value.
#[derive(Debug)]
enum Refused {
    /// An object has this key twice (its path, e.g. `parties[1].name`).
    Duplicate(String),
    /// Not JSON.
    Json(serde_json::Error),
}

fn parse_strict(text: &str) -> Result<Value, Refused> {
    let duplicate = RefCell::new(None);
    let mut de = serde_json::Deserializer::from_str(text);
    let value = Strict { path: String::new(), duplicate: &duplicate }.deserialize(&mut de).and_then(|v| {
        de.end()?;
        Ok(v)
    });
    match (value, duplicate.into_inner()) {
        (_, Some(key)) => Err(Refused::Duplicate(key)),
        (Ok(v), None) => Ok(v),
        (Err(e), None) => Err(Refused::Json(e)),
    }
}

/// Builds a `Value` like serde_json does, refusing a key that an object already has; `path` is
/// where the value sits (for the message), `duplicate` receives the first repeated key.
struct Strict<'a> {
    path: String,
    duplicate: &'a RefCell<Option<String>>,
}

impl<'de> DeserializeSeed<'de> for Strict<'_> {
    type Value = Value;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Strict<'_> {
    type Value = Value;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E>(self, b: bool) -> Result<Value, E> {
        Ok(Value::Bool(b))
    }
    fn visit_i64<E>(self, n: i64) -> Result<Value, E> {
        Ok(n.into())
    }
    fn visit_u64<E>(self, n: u64) -> Result<Value, E> {
        Ok(n.into())
    }
    fn visit_f64<E>(self, n: f64) -> Result<Value, E> {
        Ok(serde_json::Number::from_f64(n).map_or(Value::Null, Value::Number))
    }
    fn visit_str<E>(self, s: &str) -> Result<Value, E> {
        Ok(Value::String(s.to_owned()))
    }
    fn visit_string<E>(self, s: String) -> Result<Value, E> {
        Ok(Value::String(s))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut out = Vec::new();
        loop {
            let item = Strict { path: format!("{}[{}]", self.path, out.len()), duplicate: self.duplicate };
            match seq.next_element_seed(item)? {
                Some(v) => out.push(v),
                None => return Ok(Value::Array(out)),
            }
        }
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            let path = if self.path.is_empty() { key.clone() } else { format!("{}.{key}", self.path) };
            if out.contains_key(&key) {
                *self.duplicate.borrow_mut() = Some(path);
                return Err(de::Error::custom("duplicate key"));
            }
            let v = map.next_value_seed(Strict { path, duplicate: self.duplicate })?;
            out.insert(key, v);
        }
        Ok(Value::Object(out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(bytes: &[u8]) -> Result<Value, AppError> {
        read_json(bytes, Lang::En)
    }

    #[test]
    fn strict_parsing_gives_the_same_value_as_serde_json() {
        let text = r#"{"a": [1, -2, 3.5, true, null, "文本\n"], "b": {"c": {}}, "d": 18446744073709551615}"#;
        assert_eq!(read(text.as_bytes()).unwrap(), serde_json::from_str::<Value>(text).unwrap());
    }

    #[test]
    fn a_duplicate_key_is_refused_naming_its_path_at_any_depth() {
        for (text, key) in [
            (r#"{"kind": "HELP", "kind": "COMPLAINT"}"#, "kind"),
            (r#"{"parties": [{"name": "张三"}, {"name": "李四", "name": "王五"}]}"#, "parties[1].name"),
            (r#"{"a": {"b": {"c": 1, "c": 1}}}"#, "a.b.c"),
        ] {
            match read(text.as_bytes()) {
                Err(AppError::Usage(m)) => assert!(m.contains(key), "{text}: {m}"),
                other => panic!("{text}: {other:?}"),
            }
        }
        // the same key in two different objects is fine
        assert!(read(br#"{"a": {"x": 1}, "b": {"x": 1}}"#).is_ok());
    }

    #[test]
    fn invalid_utf8_is_a_usage_error_naming_stdin() {
        let e = read(b"{\"address\": \"\xc8\xfd\xd7\xe9\"}").unwrap_err();
        assert!(matches!(&e, AppError::Usage(m) if m.contains("stdin") && m.contains("UTF-8")), "{e:?}");
        assert_eq!(e.exit_code(), 2);
    }

    #[test]
    fn input_above_the_limit_is_refused_unparsed_and_a_bom_is_ignored() {
        let big = vec![b' '; STDIN_MAX + 1];
        assert!(matches!(read(&big), Err(AppError::Usage(m)) if m.contains("1024 KiB")));
        assert_eq!(read("\u{feff}{\"a\": 1}".as_bytes()).unwrap(), serde_json::json!({"a": 1}));
        assert!(matches!(read(b"{\"a\": 1} x"), Err(AppError::Usage(_))), "trailing text is not JSON");
    }
}
