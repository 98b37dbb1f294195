//! The ledgers as pure data and rules: records, enums, fields, validation, state machines and
//! derived dates. No IO here; everything is tested directly.
//!
//! The modules import one way (docs/ARCHITECTURE.md, "Domain"), from the bottom:
//!
//! - `codes`, `day`, `text`: enum codes with their labels; calendar days in civil time (UTC+8);
//!   cleaning of free text.
//! - `value`: field values, record kinds and ids. `check`, `pii`: checks of single values (ID
//!   numbers, phones, division codes, masks) and personal data inside free text.
//! - `record`: a record's state and the validation context. `merged`: a person's record
//!   merged into another's (one resident registered twice).
//! - `error`: validation problems as plain data (fields, codes, numbers).
//! - `schema`: the field descriptions of every kind (and of a dispute's parties), with limits.
//! - `actions`: the action tables: each kind's actions, their payload fields, the statuses
//!   they are allowed from.
//! - `oversight`: the level above's 批示, 督办 and extensions on a village's records, and the
//!   due rule of an approved extension.
//! - `labels`: localised labels of fields and codes in the context of a kind and action.
//! - `parse`: a JSON object → typed values, by field descriptions.
//! - `lifecycle`: the rules: state machines, cross-field rules and derived dates.
//! - `message`: the presenter, the one place that renders a problem in the user's language
//!   (nothing else in the domain imports it).

pub mod actions;
pub mod check;
pub mod codes;
pub mod day;
pub mod due;
pub mod error;
pub mod figures;
pub mod labels;
pub mod lifecycle;
pub mod merged;
pub mod message;
pub mod offer;
pub mod oversight;
pub mod parse;
pub mod pii;
pub mod record;
pub mod schema;
pub mod text;
pub mod value;

pub use day::Day;
pub use error::{FieldError, Invalid, Problem};
pub use record::{Ctx, NoRefs, RecordState, Refs};
pub use value::{DeviceId, EntityId, Kind, Value};
