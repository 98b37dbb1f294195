//! Field values, record kinds and record ids: the vocabulary every layer shares.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::day::Day;

/// A value of a record field. Externally tagged, so it encodes with bincode.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Value {
    /// Absent / cleared.
    Null,
    /// A yes/no flag.
    Bool(bool),
    /// An integer (amounts in fen).
    Int(i64),
    /// Text or an enum code.
    Text(String),
    /// A calendar day.
    Date(Day),
    /// A reference to another record.
    Ref(EntityId),
    /// A list (tags, parties, people met …).
    List(Vec<Value>),
    /// A small object (a party, an agreement, a session …), fields in schema order.
    Map(Vec<(String, Value)>),
}

impl Value {
    /// The text, if this is text.
    pub fn as_text(&self) -> Option<&str> {
        match self {
            Value::Text(s) => Some(s),
            _ => None,
        }
    }
    /// The day, if this is a date.
    pub fn as_day(&self) -> Option<Day> {
        match self {
            Value::Date(d) => Some(*d),
            _ => None,
        }
    }
    /// A field of a map value.
    pub fn get(&self, key: &str) -> Option<&Value> {
        match self {
            Value::Map(m) => m.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }
    /// Whether this is `Null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// The JSON form (dates as `YYYY-MM-DD`, references as id strings).
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match self {
            Value::Null => J::Null,
            Value::Bool(b) => J::Bool(*b),
            Value::Int(i) => J::from(*i),
            Value::Text(s) => J::String(s.clone()),
            Value::Date(d) => J::String(d.to_string()),
            Value::Ref(id) => J::String(id.to_string()),
            Value::List(l) => J::Array(l.iter().map(Value::to_json).collect()),
            Value::Map(m) => J::Object(m.iter().map(|(k, v)| (k.clone(), v.to_json())).collect()),
        }
    }
}

/// The kind of a record.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Kind {
    /// 户.
    Household,
    /// 人员.
    Person,
    /// 走访 (L3).
    Visit,
    /// 诉求 (L3).
    Demand,
    /// 矛盾纠纷 (L1).
    Dispute,
    /// 安全隐患 (L2).
    Hazard,
}

impl Kind {
    /// Every kind.
    pub const ALL: [Kind; 6] = [Kind::Household, Kind::Person, Kind::Visit, Kind::Demand, Kind::Dispute, Kind::Hazard];
    /// The CLI / JSON name.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Household => "household",
            Kind::Person => "person",
            Kind::Visit => "visit",
            Kind::Demand => "demand",
            Kind::Dispute => "dispute",
            Kind::Hazard => "hazard",
        }
    }
    /// Parses a CLI / JSON name.
    pub fn from_name(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.name() == s)
    }
    /// The label in the UI language.
    pub fn label(self, lang: crate::i18n::Lang) -> &'static str {
        let (zh, en) = match self {
            Kind::Household => ("户", "household"),
            Kind::Person => ("居民", "person"),
            Kind::Visit => ("走访", "visit"),
            Kind::Demand => ("诉求", "demand"),
            Kind::Dispute => ("纠纷", "dispute"),
            Kind::Hazard => ("隐患", "hazard"),
        };
        lang.pick(zh, en)
    }
    /// A one-byte tag for index keys.
    pub fn tag(self) -> u8 {
        self as u8
    }
    /// Inverse of [`Kind::tag`].
    pub fn from_tag(t: u8) -> Option<Kind> {
        Kind::ALL.get(t as usize).copied()
    }
}

/// A device: random, never reused; a restored store gets a new one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct DeviceId(pub u64);

const CROCKFORD: &[u8; 32] = b"0123456789abcdefghjkmnpqrstvwxyz";

impl fmt::Display for DeviceId {
    /// 13 lower-case Crockford base-32 characters.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = [0u8; 13];
        for (i, c) in s.iter_mut().enumerate() {
            let shift = 60 - 5 * i as i32;
            let v = if shift >= 0 { (self.0 >> shift) & 31 } else { (self.0 << -shift) & 31 };
            *c = CROCKFORD[v as usize];
        }
        f.write_str(std::str::from_utf8(&s).unwrap_or("?"))
    }
}

impl DeviceId {
    /// Parses the 13-character form (case-insensitive; `o`→0, `i`/`l`→1 as Crockford allows).
    pub fn parse(s: &str) -> Option<DeviceId> {
        if s.len() != 13 {
            return None;
        }
        let mut v: u64 = 0;
        for (i, ch) in s.bytes().enumerate() {
            let ch = match ch.to_ascii_lowercase() {
                b'o' => b'0',
                b'i' | b'l' => b'1',
                c => c,
            };
            let d = CROCKFORD.iter().position(|&c| c == ch)? as u64;
            if i == 0 {
                if d > 15 {
                    return None;
                }
                v = d;
            } else {
                v = (v << 5) | d;
            }
        }
        Some(DeviceId(v))
    }
}

/// A record id: the device that created it and that device's record counter.
/// Records of one device are stored in blocks by counter, so an id is also its address.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct EntityId {
    /// The creating device.
    pub device: DeviceId,
    /// 1, 2, 3 … per device.
    pub n: u32,
}

impl fmt::Display for EntityId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.device, self.n)
    }
}

impl EntityId {
    /// Parses `DEVICE-N`.
    pub fn parse(s: &str) -> Option<EntityId> {
        let (d, n) = s.trim().split_once('-')?;
        let n: u32 = n.parse().ok()?;
        if n == 0 {
            return None;
        }
        Some(EntityId { device: DeviceId::parse(d)?, n })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn device_and_entity_ids_round_trip_through_text() {
        for v in [0u64, 1, u64::MAX, 0x0123_4567_89ab_cdef, 0xfedc_ba98_7654_3210] {
            let d = DeviceId(v);
            let s = d.to_string();
            assert_eq!(s.len(), 13);
            assert_eq!(DeviceId::parse(&s), Some(d), "{s}");
            let id = EntityId { device: d, n: 42 };
            assert_eq!(EntityId::parse(&id.to_string()), Some(id));
            assert_eq!(EntityId::parse(&id.to_string().to_uppercase()), Some(id));
        }
        assert_eq!(EntityId::parse("abc-1"), None);
        assert_eq!(EntityId::parse(&format!("{}-0", DeviceId(5))), None);
    }

    #[test]
    fn json_form_of_values_uses_iso_dates_and_id_strings() {
        let id = EntityId { device: DeviceId(7), n: 3 };
        let v = Value::Map(vec![("d".into(), Value::Date(Day(0))), ("r".into(), Value::Ref(id))]);
        assert_eq!(v.to_json(), serde_json::json!({"d": "1970-01-01", "r": id.to_string()}));
    }
}
