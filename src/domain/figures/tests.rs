use super::*;
use crate::domain::day::Day;

fn day(s: &str) -> Day {
    Day::parse(s).unwrap()
}

#[test]
fn overdue_counts_only_on_a_report_made_after_the_due_day() {
    let mut counts = Counts::default();
    counts.add(Figure::DemandsReceived, 1);
    let c = Contribution {
        kind: crate::domain::Kind::Demand,
        day: day("2026-11-30"),
        counts,
        due: Some(day("2026-12-03")),
        rate_due: Some(day("2026-12-03")),
        category: None,
        visited: None,
    };
    let on = |d: &str| {
        let n = c.counts_on(day(d));
        (n.get(Figure::DemandsOverdue), n.get(Figure::DemandsDueForAnswer))
    };
    assert_eq!(on("2026-12-03"), (0, 0), "due today is not late");
    assert_eq!(on("2026-12-04"), (1, 1));
}

#[test]
fn a_rate_of_nothing_due_is_no_rate() {
    let mut c = Counts::default();
    assert_eq!(c.rate(RATES[2]), None);
    c.add(Figure::DemandsDueForAnswer, 3);
    c.add(Figure::DemandsOnTime, 2);
    assert_eq!(c.rate(RATES[2]).map(|p| (p * 10.0).round()), Some(667.0));
}

#[test]
fn only_the_months_begun_are_due_for_focus_visits() {
    let q4 = Period::parse("2026-Q4").unwrap();
    assert_eq!(q4.months_begun(day("2026-11-27")), vec![day("2026-10-01"), day("2026-11-01")]);
    assert_eq!(q4.months_begun(day("2027-01-05")).len(), 3);
    assert!(q4.months_begun(day("2026-09-30")).is_empty());
}

#[test]
fn every_figure_has_a_distinct_name_and_every_rate_divides_figures_of_one_ledger() {
    let names: std::collections::BTreeSet<&str> = Figure::ALL.iter().map(|f| f.name()).collect();
    assert_eq!(names.len(), FIGURES);
    for (i, f) in Figure::ALL.iter().enumerate() {
        assert_eq!(*f as usize, i, "ALL is in the enum's order");
    }
    for r in RATES {
        assert_eq!(r.num.ledger(), r.den.ledger(), "{}", r.name);
    }
}

#[test]
fn figure_ids_are_fixed_numbers_that_read_back() {
    use super::{DEFINITIONS, Figure};
    assert_eq!(DEFINITIONS, 1);
    // pinned: a statistics file written today is read the same by every later build
    assert_eq!(Figure::Visits.id(), 1);
    assert_eq!(Figure::DemandsReceived.id(), 6);
    assert_eq!(Figure::DemandsOnTime.id(), 9);
    assert_eq!(Figure::DisputesReceived.id(), 14);
    assert_eq!(Figure::HazardsOverdue.id(), 23);
    for f in Figure::ALL {
        assert_eq!(Figure::from_id(f.id()), Some(f));
        if let Some(whole) = f.within() {
            assert_eq!(whole.ledger(), f.ledger(), "{f:?} is part of a figure of its own ledger");
        }
    }
    assert_eq!(Figure::from_id(0), None);
    assert_eq!(Figure::from_id(24), None, "a newer build's figure is unknown here");
}
