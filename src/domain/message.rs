//! The presenter of validation problems: the one place that turns a [`FieldError`] (plain data)
//! into a sentence in the user's language, with the field's label and the labels of the codes
//! and fields it names (docs/ARCHITECTURE.md, "Domain").
//!
//! It stands at the top of the domain: it reads the error data, the labels and the action
//! tables, and nothing in the domain imports it. The CLI, the TUI and the app render a problem
//! with the methods defined here:
//!
//! - [`Invalid::lines`]: one line per problem, each starting with the field's label and JSON
//!   name (`身份证号 id_number：校验位不正确`), for the command line and logs;
//! - [`FieldError::message`]: one such line;
//! - [`FieldError::message_ui`]: for the screen, the label only (`身份证号：校验位不正确`).

use super::actions::statuses_of;
use super::check::{DivisionProblem, IdNumberProblem};
use super::codes::{ALL_ENUMS, Gender, Performance, Role};
use super::error::{FieldError, Invalid, Problem};
use super::labels::{label_of, screen_label};
use super::pii::PiiInText;
use super::schema::{AMOUNT_MAX, fields_of};
use super::value::Kind;
use crate::i18n::{Lang, tr};

impl Invalid {
    /// One line per problem, in `lang`, each starting with the field (see [`FieldError::message`]).
    pub fn lines(&self, lang: Lang) -> Vec<String> {
        self.0.iter().map(|e| e.message(lang)).collect()
    }
}

impl FieldError {
    /// The message in `lang`, starting with the field: in Chinese its label and JSON name, so
    /// that scripts can find it (`身份证号 id_number：校验位不正确`); in English the JSON name.
    pub fn message(&self, lang: Lang) -> String {
        with_field(self, lang, Label::Command)
    }

    /// The message for the screen: the field's label only, in `lang` (`身份证号：校验位不正确`).
    pub fn message_ui(&self, lang: Lang) -> String {
        with_field(self, lang, Label::Screen)
    }
}

/// How a field is named in a message.
#[derive(Clone, Copy)]
enum Label {
    /// The command line: the Chinese label followed by the JSON name, or the JSON name.
    Command,
    /// The screen: the label in the UI language.
    Screen,
}

fn with_field(e: &FieldError, lang: Lang, how: Label) -> String {
    let kind = e.context.as_ref().map(|(k, _)| *k);
    let body = problem_text_in(&e.problem, kind, lang);
    if e.field.is_empty() { body } else { tr(lang, "err.field", &[&field_name(e, lang, how), &body]) }
}

fn field_name(e: &FieldError, lang: Lang, how: Label) -> String {
    let (kind, action) = match &e.context {
        Some((k, a)) => (Some(*k), a.as_deref()),
        None => (None, None),
    };
    match (how, lang) {
        (Label::Screen, _) => screen_label(kind, action, &e.field, lang),
        (Label::Command, Lang::Zh) => match label_of(kind, action, &e.field) {
            Some((zh, _)) => format!("{zh} {}", e.field),
            None => e.field.clone(),
        },
        (Label::Command, Lang::En) => e.field.clone(),
    }
}

/// What is wrong, in `lang`, without the field.
#[cfg(test)]
fn problem_text(problem: &Problem, lang: Lang) -> String {
    problem_text_in(problem, None, lang)
}

/// The codes of an enum with their names (`INFRA 基础设施、FIRE 消防`), found by the list of
/// codes the problem carries; the list itself when it is no enum's.
fn enum_choices(list: &str, lang: Lang) -> String {
    let Some(def) = ALL_ENUMS.iter().find(|d| d.code_list() == list) else {
        return list.to_string();
    };
    let named: Vec<String> = def
        .codes
        .iter()
        .map(|c| match lang {
            Lang::Zh => format!("{} {}", c.code, c.zh),
            Lang::En => format!("{} ({})", c.code, c.en),
        })
        .collect();
    named.join(lang.pick("、", ", "))
}

/// [`problem_text`] for a problem of a `kind` record: fields named inside the sentence are
/// called by their labels in that kind, in `lang` only (never the JSON name in Chinese).
fn problem_text_in(problem: &Problem, kind: Option<Kind>, lang: Lang) -> String {
    use Problem as P;
    let t = |k: &str| tr(lang, k, &[]);
    let label = |f: &str| screen_label(kind, None, f, lang);
    match problem {
        P::Required => t("err.required"),
        P::UnknownField => t("err.unknown_field"),
        P::NotAnObject => t("err.not_object"),
        P::NotText => t("err.not_text"),
        P::NotDate => t("err.not_date"),
        P::FutureDate => t("err.future_date"),
        P::NotInEnum(list) => tr(lang, "err.not_in_enum", &[&enum_choices(list, lang)]),
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
        P::DivisionRole(role) => {
            tr(lang, "err.div.role", &[Role::from_code(role).map(|r| r.label(lang)).unwrap_or(role)])
        }
        // "put it in the phone field" only where the record has one (docs/ARCHITECTURE.md, "Domain")
        P::PiiInText(what) => {
            let (field, here, elsewhere) = match what {
                PiiInText::IdNumber => ("id_number", "err.pii.id", "err.pii.id_elsewhere"),
                PiiInText::Mobile => ("phone", "err.pii.mobile", "err.pii.mobile_elsewhere"),
            };
            match kind {
                Some(k) if !fields_of(k).iter().any(|f| f.name == field) => t(elsewhere),
                _ => t(here),
            }
        }
        P::BidiControl(c) => tr(lang, "err.bidi", &[&format!("U+{:04X}", *c as u32)]),
        P::NoSuchRecord(id) => tr(lang, "err.no_such_record", &[id]),
        P::WrongKind(kinds) => {
            let kinds: Vec<&str> = kinds.iter().map(|k| k.label(lang)).collect();
            tr(lang, "err.wrong_kind", &[&kinds.join("/")])
        }
        P::DateBefore(f) => tr(lang, "err.date_before", &[&label(f)]),
        P::DateAfter(f) => tr(lang, "err.date_after", &[&label(f)]),
        P::Parties => t("err.parties"),
        P::SensitiveTagNeedsBasis => t("err.tag_basis"),
        P::HouseRatingOnlyForHousing => t("err.house_rating"),
        P::RequiredForMajor => t("err.required_major"),
        P::ReviewerIsResponsible => t("err.reviewer_responsible"),
        P::MajorClosesByReview => t("err.major_close"),
        P::CloseNeedsFollowup => t("err.close_followup"),
        P::CloseNeedsPerformance(code) => {
            let shown = Performance::from_code(code).map(|p| p.label(lang)).unwrap_or(code);
            tr(lang, "err.close_performance", &[shown])
        }
        P::ConfirmWithin30Days => t("err.confirm_30"),
        P::IllegalAction { kind, action, status, allowed } => {
            let allowed = if allowed.is_empty() { t("err.none") } else { allowed.join(", ") };
            let label = statuses_of(*kind).label(status, lang);
            let shown =
                if label.eq_ignore_ascii_case(status) { status.clone() } else { format!("{label}（{status}）") };
            tr(lang, "err.illegal_action", &[action, &shown, &allowed])
        }
        P::UnknownAction(list) => tr(lang, "err.unknown_action", &[&list.join(", ")]),
        P::NotEditable => t("err.not_editable"),
        P::TooMany(n) => tr(lang, "err.too_many", &[&n.to_string()]),
        P::AmountTooLarge => tr(lang, "err.amount_too_large", &[&AMOUNT_MAX.to_string()]),
        P::Disagrees(f) => tr(lang, "err.disagrees", &[&label(f)]),
        P::NothingToChange => t("err.nothing_to_change"),
        P::IdNumberTaken { holder, name } => tr(lang, "err.id_taken", &[name, &holder.to_string()]),
        P::MergeIntoSelf => t("app.merge.into_self"),
        P::AlreadyMerged(into) => tr(lang, "app.merge.already", &[&into.to_string()]),
        P::NotMerged => t("app.merge.not_merged"),
        P::TargetMerged(into) => tr(lang, "app.merge.target_merged", &[&into.to_string()]),
        P::NoPending(what) => match what.as_str() {
            "supervision" => t("town.no_supervision"),
            "extension_request" => t("town.no_extension_request"),
            _ => t("town.no_due_date"),
        },
        P::NotAfterDue(day) => tr(lang, "town.not_after_due", &[&day.to_string()]),
        P::GenderContradictsId(g) => tr(lang, "err.gender_id", &[Gender::DEF.label(g, lang).as_str()]),
    }
}

#[cfg(test)]
#[path = "message_tests.rs"]
mod tests;
