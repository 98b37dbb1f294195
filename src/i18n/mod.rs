//! The message catalogue: every user-facing sentence, in zh-CN (default) and English.
//!
//! Messages are looked up by key; `{0}`, `{1}` … are replaced by arguments. Labels of enum codes
//! and field names live beside their definitions in `domain` (also in both languages).

mod catalogue;

pub use catalogue::{CATALOGUE, Entry, entries};

/// The language of the user interface.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Lang {
    /// 简体中文, the default.
    #[default]
    Zh,
    /// English.
    En,
}

impl Lang {
    /// Picks the language from `--lang`, else `LC_ALL`, `LC_MESSAGES`, `LANG`: English when the
    /// locale is English, Chinese otherwise (also for `C`/`POSIX`, the default on servers).
    pub fn detect(flag: Option<&str>) -> Lang {
        if let Some(f) = flag {
            return Lang::parse(f).unwrap_or_default();
        }
        for var in ["LC_ALL", "LC_MESSAGES", "LANG"] {
            if let Ok(v) = std::env::var(var)
                && !v.is_empty()
            {
                return if v.to_ascii_lowercase().starts_with("en") { Lang::En } else { Lang::Zh };
            }
        }
        Lang::Zh
    }

    /// `zh`, `zh-CN`, `zh_CN.UTF-8` → Zh; `en…` → En.
    pub fn parse(s: &str) -> Option<Lang> {
        let s = s.to_ascii_lowercase();
        if s.starts_with("zh") {
            Some(Lang::Zh)
        } else if s.starts_with("en") {
            Some(Lang::En)
        } else {
            None
        }
    }

    /// Chooses between a Chinese and an English text.
    pub fn pick<'a>(self, zh: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }
}

/// The message for `key` in `lang`, with `{0}`, `{1}` … replaced by `args`.
/// An unknown key yields the key itself (and a test makes sure none is missing).
pub fn tr(lang: Lang, key: &str, args: &[&str]) -> String {
    let text = entries().find(|(k, _, _)| *k == key).map(|(_, zh, en)| lang.pick(zh, en)).unwrap_or(key);
    let mut out = text.to_string();
    for (i, a) in args.iter().enumerate() {
        out = out.replace(&format!("{{{i}}}"), a);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_catalogue_key_has_both_languages_and_is_unique() {
        let mut seen = std::collections::HashSet::new();
        for (k, zh, en) in entries() {
            assert!(seen.insert(*k), "duplicate key {k}");
            assert!(!zh.trim().is_empty(), "{k} lacks zh-CN");
            assert!(!en.trim().is_empty(), "{k} lacks en");
            let count = |s: &str| (0..9).filter(|i| s.contains(&format!("{{{i}}}"))).count();
            assert_eq!(count(zh), count(en), "{k}: placeholders differ between languages");
        }
    }

    #[test]
    fn placeholders_are_filled_in_order() {
        assert_eq!(tr(Lang::En, "err.field", &["name", "required"]), "name: required");
        assert_eq!(tr(Lang::Zh, "err.field", &["姓名", "必填"]), "姓名：必填");
    }

    #[test]
    fn chinese_locales_and_the_c_locale_give_chinese() {
        assert_eq!(Lang::parse("zh_CN.UTF-8"), Some(Lang::Zh));
        assert_eq!(Lang::parse("en_US.UTF-8"), Some(Lang::En));
        assert_eq!(Lang::parse("fr"), None);
        assert_eq!(Lang::detect(Some("en")), Lang::En);
    }
}
