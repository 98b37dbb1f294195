//! Parsing: a JSON object → typed [`Value`]s by field descriptions, or a list of field-named
//! problems. Text is cleaned and checked for personal data; references are looked up.

use super::check;
use super::codes::EnumDef;
use super::day::Day;
use super::error::{FieldError, Invalid, Problem};
use super::pii::find_pii;
use super::record::Ctx;
use super::schema::{AMOUNT_MAX, Default, FieldSpec, FieldType, LONG_TEXT_MAX, NAME_MAX, PARTY, TEXT_MAX, list_max};
use super::value::{EntityId, Kind, Value};

use FieldType as T;

/// Unknown fields reported at most per object (a hostile input must not yield a line per key).
const UNKNOWN_REPORTED_MAX: usize = 20;

/// Parses the fields of `obj` against `specs`. With `partial` (an `edit`), absent fields are left
/// out and defaults are not applied; otherwise required fields must be present. Unknown fields
/// are refused. `rename` maps accepted aliases (a demand's `kind`) to field names.
pub fn parse_object(
    specs: &[FieldSpec],
    input: &serde_json::Value,
    ctx: &Ctx,
    partial: bool,
    rename: &[(&str, &str)],
) -> Result<Vec<(String, Value)>, Invalid> {
    let Some(obj) = input.as_object() else {
        return Err(FieldError::new("", Problem::NotAnObject).into());
    };
    let mut errors = Vec::new();
    let mut out = Vec::new();
    for key in obj.keys() {
        let name = rename.iter().find(|(a, _)| a == key).map(|(_, b)| *b).unwrap_or(key);
        if !specs.iter().any(|s| s.name == name) {
            errors.push(FieldError::new(key.clone(), Problem::UnknownField));
            if errors.len() >= UNKNOWN_REPORTED_MAX {
                break;
            }
        }
    }
    for spec in specs {
        let alias = rename.iter().find(|(_, b)| *b == spec.name).and_then(|(a, _)| obj.get(*a).map(|v| (*a, v)));
        // both spellings given (a demand's `kind` and `demand_kind`): they must say the same
        if let (Some(own), Some((alias_name, alias_value))) = (obj.get(spec.name), alias)
            && own != alias_value
        {
            let parsed = |v| parse_value(spec.name, &spec.ty, v, ctx).ok();
            // an invalid own value is reported below as such
            if parsed(own).is_some_and(|a| Some(a) != parsed(alias_value)) {
                errors.push(FieldError::new(spec.name, Problem::Disagrees(alias_name.to_string())));
                continue;
            }
        }
        let raw = obj.get(spec.name).or(alias.map(|(_, v)| v));
        let present = raw.is_some_and(|v| !is_empty(v));
        if !present {
            if partial {
                if raw.is_some() {
                    if spec.required {
                        errors.push(FieldError::new(spec.name, Problem::Required));
                    } else {
                        out.push((spec.name.to_string(), Value::Null));
                    }
                }
                continue;
            }
            if spec.required {
                errors.push(FieldError::new(spec.name, Problem::Required));
            } else {
                match spec.default {
                    Default::Nothing => {}
                    Default::Worker => out.push((spec.name.into(), Value::Text(ctx.worker.to_string()))),
                    Default::Grid if !ctx.grid.is_empty() => {
                        out.push((spec.name.into(), Value::Text(ctx.grid.to_string())))
                    }
                    Default::Grid => {}
                    Default::False => out.push((spec.name.into(), Value::Bool(false))),
                }
            }
            continue;
        }
        match parse_value(spec.name, &spec.ty, raw.unwrap_or(&serde_json::Value::Null), ctx) {
            Ok(v) => out.push((spec.name.to_string(), v)),
            Err(mut e) => errors.append(&mut e),
        }
    }
    if errors.is_empty() { Ok(out) } else { Err(Invalid(errors)) }
}

fn is_empty(v: &serde_json::Value) -> bool {
    match v {
        serde_json::Value::Null => true,
        serde_json::Value::String(s) => s.trim().is_empty(),
        serde_json::Value::Array(a) => a.is_empty(),
        _ => false,
    }
}

/// Text as stored ([`super::text::clean`]): control and zero-width characters are dropped,
/// tabs become spaces, line breaks are kept only in multi-line fields, and bidirectional
/// controls are refused. The personal-data check runs on the cleaned text.
fn text(field: &str, v: &serde_json::Value, max: usize) -> Result<String, Vec<FieldError>> {
    let s = v.as_str().ok_or_else(|| vec![FieldError::new(field, Problem::NotText)])?;
    let s = super::text::clean(s, max == LONG_TEXT_MAX)
        .map_err(|b| vec![FieldError::new(field, Problem::BidiControl(b.0))])?;
    let s = s.trim();
    if s.chars().count() > max {
        return Err(vec![FieldError::new(field, Problem::TooLong(max))]);
    }
    if let Some(p) = find_pii(s) {
        return Err(vec![FieldError::new(field, Problem::PiiInText(p))]);
    }
    Ok(s.to_string())
}

fn reference(field: &str, v: &serde_json::Value, kinds: &[Kind], ctx: &Ctx) -> Result<EntityId, Vec<FieldError>> {
    let s = v.as_str().ok_or_else(|| vec![FieldError::new(field, Problem::NotText)])?;
    let fail = |p| vec![FieldError::new(field, p)];
    let id = EntityId::parse(s).ok_or_else(|| fail(Problem::NoSuchRecord(s.to_string())))?;
    match ctx.refs.kind_of(id) {
        None => Err(fail(Problem::NoSuchRecord(s.to_string()))),
        Some(k) if !kinds.contains(&k) => Err(fail(Problem::WrongKind(kinds.to_vec()))),
        Some(_) => Ok(id),
    }
}

fn enum_code(field: &str, def: &EnumDef, v: &serde_json::Value) -> Result<String, Vec<FieldError>> {
    match v.as_str().map(str::trim).and_then(|s| def.find(s).or_else(|| def.find(&s.to_ascii_uppercase()))) {
        Some(c) => Ok(c.code.to_string()),
        None => Err(vec![FieldError::new(field, Problem::NotInEnum(def.code_list()))]),
    }
}

fn date(field: &str, v: &serde_json::Value, ctx: &Ctx, future_ok: bool) -> Result<Day, Vec<FieldError>> {
    let d = v.as_str().and_then(Day::parse).ok_or_else(|| vec![FieldError::new(field, Problem::NotDate)])?;
    if !future_ok && d > ctx.today {
        return Err(vec![FieldError::new(field, Problem::FutureDate)]);
    }
    Ok(d)
}

/// The items of a list field, refused whole — before any item is read — when there are more
/// than the field's limit.
fn list<'a>(field: &str, v: &'a serde_json::Value) -> Result<&'a Vec<serde_json::Value>, Vec<FieldError>> {
    let items = v.as_array().ok_or_else(|| vec![FieldError::new(field, Problem::NotList)])?;
    let max = list_max(field);
    if items.len() > max {
        return Err(vec![FieldError::new(field, Problem::TooMany(max))]);
    }
    Ok(items)
}

/// Parses one value of type `ty` (exposed for the TUI's field-by-field validation).
pub fn parse_value(field: &str, ty: &FieldType, v: &serde_json::Value, ctx: &Ctx) -> Result<Value, Vec<FieldError>> {
    let one = |p| vec![FieldError::new(field, p)];
    Ok(match ty {
        T::Text => Value::Text(text(field, v, TEXT_MAX)?),
        T::Name => Value::Text(text(field, v, NAME_MAX)?),
        T::LongText => Value::Text(text(field, v, LONG_TEXT_MAX)?),
        T::Date => Value::Date(date(field, v, ctx, false)?),
        T::FutureDate => Value::Date(date(field, v, ctx, true)?),
        T::Enum(def) => Value::Text(enum_code(field, def, v)?),
        T::EnumList(def) => {
            let mut codes: Vec<String> = Vec::new();
            for (i, item) in list(field, v)?.iter().enumerate() {
                let c = enum_code(&format!("{field}[{i}]"), def, item)?;
                if !codes.contains(&c) {
                    codes.push(c);
                }
            }
            Value::List(codes.into_iter().map(Value::Text).collect())
        }
        T::Bool => Value::Bool(v.as_bool().ok_or_else(|| one(Problem::NotBool))?),
        T::Amount => match v.as_i64().filter(|n| *n >= 0) {
            Some(n) if n > AMOUNT_MAX => return Err(one(Problem::AmountTooLarge)),
            Some(n) => Value::Int(n),
            // a whole number above i64 (serde_json reads it as u64) is too large, not malformed
            None if v.is_u64() => return Err(one(Problem::AmountTooLarge)),
            None => return Err(one(Problem::NotAmount)),
        },
        T::Phone => {
            let s = v.as_str().ok_or_else(|| one(Problem::NotText))?;
            Value::Text(check::normalise_phone(s).ok_or_else(|| one(Problem::Phone))?)
        }
        T::IdNumber => {
            let s = v.as_str().ok_or_else(|| one(Problem::NotText))?;
            Value::Text(check::check_id_number(s, ctx.today).map_err(|p| one(Problem::IdNumber(p)))?)
        }
        T::Ref(kind) => Value::Ref(reference(field, v, &[*kind], ctx)?),
        T::RefList(kinds) => {
            let mut out = Vec::new();
            for (i, item) in list(field, v)?.iter().enumerate() {
                out.push(Value::Ref(reference(&format!("{field}[{i}]"), item, kinds, ctx)?));
            }
            Value::List(out)
        }
        T::PersonOrName => match v.as_str().and_then(EntityId::parse) {
            Some(_) => Value::Ref(reference(field, v, &[Kind::Person], ctx)?),
            None => Value::Text(text(field, v, TEXT_MAX)?),
        },
        T::TextList => {
            let mut out = Vec::new();
            for (i, item) in list(field, v)?.iter().enumerate() {
                out.push(Value::Text(text(&format!("{field}[{i}]"), item, TEXT_MAX)?));
            }
            Value::List(out)
        }
        T::Parties => {
            let mut out = Vec::new();
            let mut errors = Vec::new();
            for (i, item) in list(field, v)?.iter().enumerate() {
                match parse_object(PARTY, item, ctx, false, &[]) {
                    Ok(fields) => out.push(Value::Map(fields)),
                    Err(Invalid(errs)) => errors.extend(errs.into_iter().map(|mut e| {
                        e.field = format!("{field}[{i}].{}", e.field);
                        e
                    })),
                }
            }
            if !errors.is_empty() {
                return Err(errors);
            }
            Value::List(out)
        }
    })
}
