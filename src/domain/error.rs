//! Validation problems as plain data: the field each is about, what is wrong, and the codes and
//! numbers a message needs. The words are the presenter's: [`super::message`] renders a problem
//! in the user's language (docs/ARCHITECTURE.md, "Domain").

use super::check::{DivisionProblem, IdNumberProblem};
use super::pii::PiiInText;
use super::value::{EntityId, Kind};

/// What is wrong with one field (or with the record as a whole, field `""`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Problem {
    /// A required field is missing or empty.
    Required,
    /// The input has a field the schema does not know.
    UnknownField,
    /// The input is not a JSON object.
    NotAnObject,
    /// Expected text.
    NotText,
    /// Expected a `YYYY-MM-DD` date that exists.
    NotDate,
    /// A date after today.
    FutureDate,
    /// Not one of the enum's codes (the allowed codes are listed).
    NotInEnum(String),
    /// Expected true/false.
    NotBool,
    /// Expected a whole number ≥ 0.
    NotAmount,
    /// Expected a list.
    NotList,
    /// Text longer than the limit (in characters).
    TooLong(usize),
    /// ID number problem.
    IdNumber(IdNumberProblem),
    /// Not a phone number.
    Phone,
    /// Division code problem.
    Division(DivisionProblem),
    /// The code is not of the level the role needs (role named).
    DivisionRole(String),
    /// Free text contains personal data that belongs in its own field.
    PiiInText(PiiInText),
    /// Text holds a bidirectional control character (named), which would make it display in
    /// another order than it is stored.
    BidiControl(char),
    /// The referenced record does not exist.
    NoSuchRecord(String),
    /// The referenced record is of another kind (the kinds it may be are listed).
    WrongKind(Vec<Kind>),
    /// This date must not be earlier than the named field's date.
    DateBefore(String),
    /// This date must not be later than the named field's date.
    DateAfter(String),
    /// A dispute needs at least two parties, an applicant and a respondent.
    Parties,
    /// A sensitive tag needs a stated basis.
    SensitiveTagNeedsBasis,
    /// A house rating only applies to the HOUSING category.
    HouseRatingOnlyForHousing,
    /// Required for a MAJOR hazard.
    RequiredForMajor,
    /// The reviewer of a MAJOR hazard must not be its responsible person.
    ReviewerIsResponsible,
    /// A MAJOR hazard closes only through a PASS review.
    MajorClosesByReview,
    /// A demand closes only after a satisfied follow-up or two unreachable tries.
    CloseNeedsFollowup,
    /// A dispute closes only when its agreement is performed (a follow-up recorded DONE), or
    /// when mediation was terminated, withdrawn or referred; the performance recorded so far
    /// (a code) is given.
    CloseNeedsPerformance(String),
    /// Judicial confirmation must be applied for within 30 days of the agreement.
    ConfirmWithin30Days,
    /// The action is not allowed in this status; the allowed actions are listed.
    IllegalAction {
        /// The record's kind.
        kind: Kind,
        /// The action asked for.
        action: String,
        /// The current status code.
        status: String,
        /// Allowed actions now.
        allowed: Vec<String>,
    },
    /// No such action for this kind of record; the kind's actions are listed.
    UnknownAction(Vec<String>),
    /// The field may not be changed with `edit`.
    NotEditable,
    /// A list or a record's set holds more items than its limit (named).
    TooMany(usize),
    /// An amount above 2^53 − 1 fen (not exact as a JSON number in most tools).
    AmountTooLarge,
    /// Two spellings of one field (a demand's `kind` and `demand_kind`) disagree: the other
    /// spelling is named.
    Disagrees(String),
    /// The ID number is already held by another person's record (its id and name), so the
    /// screen can offer to open it: one record per resident.
    IdNumberTaken {
        /// The record that holds it.
        holder: EntityId,
        /// That person's name.
        name: String,
    },
    /// The gender contradicts the ID number's sex digit (17th: odd male, even female); the
    /// gender the ID number records is named (a code of `Gender`).
    GenderContradictsId(String),
    /// An `edit` that changes nothing (empty, or every value equals the current one).
    NothingToChange,
    /// A person's record merged into itself.
    MergeIntoSelf,
    /// The record is merged into another already (named): a person is merged into one record,
    /// and a merged record takes no other (`domain::merged`).
    AlreadyMerged(EntityId),
    /// `unmerge` of a record that is not merged.
    NotMerged,
    /// The record to merge into is itself merged into another (named): merge into that one.
    TargetMerged(EntityId),
    /// Nothing of the named kind waits on the record (`supervision`: no 督办 to answer;
    /// `extension_request`: no extension to decide; `due_on`: no due date to extend).
    NoPending(String),
    /// An extension must be to a date after the record's due date (given).
    NotAfterDue(crate::domain::Day),
}

/// One validation problem and the field it is about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    /// The JSON field name (`parties[1].role` for nested ones; empty for the whole record).
    pub field: String,
    /// What is wrong.
    pub problem: Problem,
    /// The record kind and action it arose in (for the right label: a review's `date`).
    pub context: Option<(Kind, Option<String>)>,
}

impl FieldError {
    /// A problem with `field`.
    pub fn new(field: impl Into<String>, problem: Problem) -> FieldError {
        FieldError { field: field.into(), problem, context: None }
    }
}

/// Several problems at once: invalid input is reported whole, one line per problem.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Invalid(pub Vec<FieldError>);

impl Invalid {
    /// Records the kind and action the problems arose in (for labels).
    pub fn in_context(mut self, kind: Kind, action: Option<&str>) -> Invalid {
        for e in &mut self.0 {
            e.context = Some((kind, action.map(String::from)));
        }
        self
    }

    /// The record named by a problem that another record already holds this value (one record
    /// per resident): the screen offers to open it.
    pub fn existing_record(&self) -> Option<EntityId> {
        self.0.iter().find_map(|e| match e.problem {
            Problem::IdNumberTaken { holder, .. } => Some(holder),
            _ => None,
        })
    }

    /// Whether any problem is about `field`.
    pub fn names(&self, field: &str) -> bool {
        self.0.iter().any(|e| e.field == field)
    }
}

impl From<FieldError> for Invalid {
    fn from(e: FieldError) -> Invalid {
        Invalid(vec![e])
    }
}
