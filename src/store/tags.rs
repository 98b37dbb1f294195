//! Stable tags of the codes that views keep: a record's status and its category
//! (docs/ARCHITECTURE.md, "Store layout").
//!
//! Views (`summary`, `open`) used to keep a code as its position in today's code list, and an
//! unknown code became 0: reordering a list, or events written by a newer build, corrupted the
//! views without an error. A tag here is a code's number **for ever**: the table only grows at
//! its end, a tag is never reused nor given another code, and the position of a code in a
//! domain list means nothing to the store. A code without a tag is refused by the write path
//! ([`crate::store::StoreError::UnknownCode`], naming the record and the code), and a stored
//! tag this build does not know is refused when read, never shown as another code.
//!
//! A new status or category code in `domain` needs a new line at the end of [`CODES`]; a test
//! checks that every code of every kind's lists has a tag, and pins the tags already issued.

use crate::domain::Kind;
use crate::domain::lifecycle::{category_of, statuses_of};

/// Every code views may keep, by tag (its index). Tag 0 is "no code" (a record without a
/// category). Append only.
const CODES: &[&str] = &[
    "",
    // statuses of households, persons, visits
    "ACTIVE",
    "RECORDED",
    // statuses of demands
    "RECEIVED",
    "ON_SPOT_DONE",
    "ESCALATED",
    "IN_PROGRESS",
    "ANSWERED",
    "FOLLOWED_UP",
    "CLOSED",
    "REOPENED",
    // statuses of disputes (besides those above)
    "REGISTERED",
    "MEDIATING",
    "AGREED",
    "TERMINATED",
    // statuses of hazards
    "FOUND",
    "RECTIFYING",
    "AWAITING_REVIEW",
    "REVIEW_FAILED",
    // visit types
    "ROUTINE",
    "FOCUS",
    "FOLLOWUP",
    // demand domains
    "SOCIAL_ASSIST",
    "ELDER_CARE",
    "MEDICAL",
    "EMPLOY_SOCSEC",
    "EDUCATION",
    "HOUSING",
    "SANITATION",
    "INFRA",
    "AGRI_LAND",
    "SAFETY",
    "OTHER",
    // dispute categories (besides those above)
    "MARRIAGE_FAMILY",
    "NEIGHBOR",
    "HOUSING_HOMESTEAD",
    "LAND_FOREST",
    "CONTRACT",
    "BUSINESS",
    "DAMAGES",
    "LAND_REQUISITION",
    "LABOR",
    "TRAFFIC",
    "PROPERTY_MGMT",
    "ENVIRONMENT",
    "CONSUMER",
    // hazard categories (besides those above)
    "FIRE",
    "GAS",
    "ELECTRIC",
    "GEOHAZARD",
    "FLOOD",
    "ROAD",
    "PRODUCTION",
    "FOOD_DRUG",
    "PUBLIC_ORDER",
];

/// "No code" (a record without a category).
pub const NONE: u8 = 0;

/// The tag of `code`, if it has one.
pub fn tag_of(code: &str) -> Option<u8> {
    if code.is_empty() {
        return None;
    }
    CODES.iter().position(|c| *c == code).map(|i| i as u8)
}

/// The code of `tag` (`None` for [`NONE`] and for tags this build does not know).
pub fn code_of(tag: u8) -> Option<&'static str> {
    CODES.get(tag as usize).copied().filter(|c| !c.is_empty())
}

/// Whether `tag` is a status of `kind` in this build.
pub fn is_status_of(kind: Kind, tag: u8) -> bool {
    code_of(tag).is_some_and(|c| statuses_of(kind).find(c).is_some())
}

/// Whether `tag` is [`NONE`] or a category code of `kind` in this build.
pub fn is_category_of(kind: Kind, tag: u8) -> bool {
    tag == NONE || code_of(tag).is_some_and(|c| category_of(kind).is_some_and(|(_, def)| def.find(c).is_some()))
}

const _: () = assert!(CODES.len() <= 256);

#[cfg(test)]
mod tests {
    use super::*;

    /// The tags issued so far: a tag never changes its code (extend this list, never edit it).
    const ISSUED: &[&str] = &[
        "",
        "ACTIVE",
        "RECORDED",
        "RECEIVED",
        "ON_SPOT_DONE",
        "ESCALATED",
        "IN_PROGRESS",
        "ANSWERED",
        "FOLLOWED_UP",
        "CLOSED",
        "REOPENED",
        "REGISTERED",
        "MEDIATING",
        "AGREED",
        "TERMINATED",
        "FOUND",
        "RECTIFYING",
        "AWAITING_REVIEW",
        "REVIEW_FAILED",
        "ROUTINE",
        "FOCUS",
        "FOLLOWUP",
        "SOCIAL_ASSIST",
        "ELDER_CARE",
        "MEDICAL",
        "EMPLOY_SOCSEC",
        "EDUCATION",
        "HOUSING",
        "SANITATION",
        "INFRA",
        "AGRI_LAND",
        "SAFETY",
        "OTHER",
        "MARRIAGE_FAMILY",
        "NEIGHBOR",
        "HOUSING_HOMESTEAD",
        "LAND_FOREST",
        "CONTRACT",
        "BUSINESS",
        "DAMAGES",
        "LAND_REQUISITION",
        "LABOR",
        "TRAFFIC",
        "PROPERTY_MGMT",
        "ENVIRONMENT",
        "CONSUMER",
        "FIRE",
        "GAS",
        "ELECTRIC",
        "GEOHAZARD",
        "FLOOD",
        "ROAD",
        "PRODUCTION",
        "FOOD_DRUG",
        "PUBLIC_ORDER",
    ];

    #[test]
    fn issued_tags_never_change_their_code() {
        assert!(CODES.len() >= ISSUED.len());
        assert_eq!(&CODES[..ISSUED.len()], ISSUED, "the table only grows at its end");
        let mut seen = CODES.to_vec();
        seen.sort_unstable();
        seen.dedup();
        assert_eq!(seen.len(), CODES.len(), "one tag per code");
    }

    #[test]
    fn every_status_and_category_code_of_every_kind_has_a_tag() {
        for kind in Kind::ALL {
            for c in statuses_of(kind).codes {
                let tag = tag_of(c.code).unwrap_or_else(|| panic!("status {} of {kind:?} has no tag", c.code));
                assert_eq!(code_of(tag), Some(c.code));
                assert!(is_status_of(kind, tag));
            }
            if let Some((_, def)) = category_of(kind) {
                for c in def.codes {
                    let tag = tag_of(c.code).unwrap_or_else(|| panic!("category {} of {kind:?} has no tag", c.code));
                    assert!(is_category_of(kind, tag));
                }
            }
            assert!(is_category_of(kind, NONE));
        }
        assert_eq!(tag_of("NOT_A_CODE"), None);
        assert_eq!(tag_of(""), None);
        assert_eq!(code_of(NONE), None);
        assert_eq!(code_of(250), None, "a tag of a newer build");
        assert!(!is_status_of(Kind::Demand, tag_of("ACTIVE").unwrap()), "a status of another kind");
    }
}
