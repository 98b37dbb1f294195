//! Validation problems, each naming the field it is about, with zh-CN and en messages.

use super::check::{DivisionProblem, IdNumberProblem, PiiInText};
use crate::i18n::{Lang, tr};

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
    /// The referenced record is of another kind (expected kind named).
    WrongKind(String),
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
    /// Judicial confirmation must be applied for within 30 days of the agreement.
    ConfirmWithin30Days,
    /// The action is not allowed in this status; the allowed actions are listed.
    IllegalAction {
        /// The record's kind.
        kind: super::value::Kind,
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
    /// An `edit` that changes nothing (empty, or every value equals the current one).
    NothingToChange,
}

/// One validation problem and the field it is about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    /// The JSON field name (`parties[1].role` for nested ones; empty for the whole record).
    pub field: String,
    /// What is wrong.
    pub problem: Problem,
    /// The record kind and action it arose in (for the right label: a review's `date`).
    pub context: Option<(super::value::Kind, Option<String>)>,
}

impl FieldError {
    /// A problem with `field`.
    pub fn new(field: impl Into<String>, problem: Problem) -> FieldError {
        FieldError { field: field.into(), problem, context: None }
    }

    fn label(&self, lang: Lang, screen: bool) -> String {
        let (kind, action) = match &self.context {
            Some((k, a)) => (Some(*k), a.as_deref()),
            None => (None, None),
        };
        if screen {
            return super::schema::screen_label(kind, action, &self.field, lang);
        }
        match (super::schema::label_of(kind, action, &self.field), lang) {
            (Some((zh, _)), Lang::Zh) => format!("{zh} {}", self.field),
            _ => self.field.clone(),
        }
    }

    /// The message for the screen: the field's label only, in `lang` (`身份证号：校验位不正确`).
    pub fn message_ui(&self, lang: Lang) -> String {
        let body = self.problem_text(lang);
        if self.field.is_empty() { body } else { tr(lang, "err.field", &[&self.label(lang, true), &body]) }
    }

    /// The message in `lang`, starting with the field name: `id_number：校验位不正确`.
    pub fn message(&self, lang: Lang) -> String {
        let body = self.problem_text(lang);
        if self.field.is_empty() { body } else { tr(lang, "err.field", &[&self.label(lang, false), &body]) }
    }

    fn problem_text(&self, lang: Lang) -> String {
        use Problem as P;
        let t = |k: &str| tr(lang, k, &[]);
        match &self.problem {
            P::Required => t("err.required"),
            P::UnknownField => t("err.unknown_field"),
            P::NotAnObject => t("err.not_object"),
            P::NotText => t("err.not_text"),
            P::NotDate => t("err.not_date"),
            P::FutureDate => t("err.future_date"),
            P::NotInEnum(list) => tr(lang, "err.not_in_enum", &[list]),
            P::NotBool => t("err.not_bool"),
            P::NotAmount => t("err.not_amount"),
            P::NotList => t("err.not_list"),
            P::TooLong(n) => tr(lang, "err.too_long", &[&n.to_string()]),
            P::IdNumber(p) => t(match p {
                IdNumberProblem::Format => "err.id.format",
                IdNumberProblem::BirthDate => "err.id.birth",
                IdNumberProblem::FutureBirth => "err.id.future_birth",
                IdNumberProblem::CheckChar => "err.id.check",
            }),
            P::Phone => t("err.phone"),
            P::Division(p) => t(match p {
                DivisionProblem::Format => "err.div.format",
                DivisionProblem::Region => "err.div.region",
                DivisionProblem::Township => "err.div.township",
                DivisionProblem::Village => "err.div.village",
            }),
            P::DivisionRole(role) => tr(lang, "err.div.role", &[role]),
            P::PiiInText(PiiInText::IdNumber) => t("err.pii.id"),
            P::PiiInText(PiiInText::Mobile) => t("err.pii.mobile"),
            P::BidiControl(c) => tr(lang, "err.bidi", &[&format!("U+{:04X}", *c as u32)]),
            P::NoSuchRecord(id) => tr(lang, "err.no_such_record", &[id]),
            P::WrongKind(k) => tr(lang, "err.wrong_kind", &[k]),
            P::DateBefore(f) => tr(lang, "err.date_before", &[&super::schema::field_label(f, lang)]),
            P::DateAfter(f) => tr(lang, "err.date_after", &[&super::schema::field_label(f, lang)]),
            P::Parties => t("err.parties"),
            P::SensitiveTagNeedsBasis => t("err.tag_basis"),
            P::HouseRatingOnlyForHousing => t("err.house_rating"),
            P::RequiredForMajor => t("err.required_major"),
            P::ReviewerIsResponsible => t("err.reviewer_responsible"),
            P::MajorClosesByReview => t("err.major_close"),
            P::CloseNeedsFollowup => t("err.close_followup"),
            P::ConfirmWithin30Days => t("err.confirm_30"),
            P::IllegalAction { kind, action, status, allowed } => {
                let allowed = if allowed.is_empty() { t("err.none") } else { allowed.join(", ") };
                let label = super::lifecycle::statuses_of(*kind).label(status, lang);
                let shown =
                    if label.eq_ignore_ascii_case(status) { status.clone() } else { format!("{label}（{status}）") };
                tr(lang, "err.illegal_action", &[action, &shown, &allowed])
            }
            P::UnknownAction(list) => tr(lang, "err.unknown_action", &[&list.join(", ")]),
            P::NotEditable => t("err.not_editable"),
            P::TooMany(n) => tr(lang, "err.too_many", &[&n.to_string()]),
            P::AmountTooLarge => tr(lang, "err.amount_too_large", &[&super::schema::AMOUNT_MAX.to_string()]),
            P::Disagrees(f) => tr(lang, "err.disagrees", &[&super::schema::field_label(f, lang)]),
            P::NothingToChange => t("err.nothing_to_change"),
        }
    }
}

/// Several problems at once: invalid input is reported whole, one line per problem.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Invalid(pub Vec<FieldError>);

impl Invalid {
    /// One line per problem.
    pub fn lines(&self, lang: Lang) -> Vec<String> {
        self.0.iter().map(|e| e.message(lang)).collect()
    }
    /// Records the kind and action the problems arose in (for labels).
    pub fn in_context(mut self, kind: super::value::Kind, action: Option<&str>) -> Invalid {
        for e in &mut self.0 {
            e.context = Some((kind, action.map(String::from)));
        }
        self
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
