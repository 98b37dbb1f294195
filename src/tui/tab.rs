//! The tabs, in the order of the tab bar. Each knows its label, its number key and the ledgers
//! it lists; `ui::screen_of` gives the screen that shows it. A new tab is one variant here, one
//! screen file and its arm in `screen_of` (docs/ARCHITECTURE.md, "Where things go").

use crate::domain::Kind;

/// One tab of the tab bar.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Tab {
    /// 首页: work due and overdue, this month's counts, the sync status.
    Home,
    /// 走访/诉求: demands and visits.
    Demands,
    /// 纠纷.
    Disputes,
    /// 隐患.
    Hazards,
    /// 居民: persons and households.
    Residents,
    /// 同步.
    Sync,
    /// 报表.
    Reports,
}

impl Tab {
    /// Every tab, in the order of the tab bar.
    pub const ALL: [Tab; 7] =
        [Tab::Home, Tab::Demands, Tab::Disputes, Tab::Hazards, Tab::Residents, Tab::Sync, Tab::Reports];

    /// Its place in the tab bar, from 0.
    pub fn index(self) -> usize {
        Tab::ALL.iter().position(|t| *t == self).unwrap_or(0)
    }

    /// The number key that shows it (`1`…).
    pub fn number(self) -> usize {
        self.index() + 1
    }

    /// The tab of number key `c`.
    pub fn from_number(c: char) -> Option<Tab> {
        let n = c.to_digit(10)? as usize;
        n.checked_sub(1).and_then(|i| Tab::ALL.get(i)).copied()
    }

    /// The catalogue key of its label.
    pub fn label_key(self) -> &'static str {
        match self {
            Tab::Home => "tui.tab.home",
            Tab::Demands => "tui.tab.l3",
            Tab::Disputes => "tui.tab.disputes",
            Tab::Hazards => "tui.tab.hazards",
            Tab::Residents => "tui.tab.residents",
            Tab::Sync => "tui.tab.sync",
            Tab::Reports => "tui.tab.reports",
        }
    }

    /// The next tab to the right (round).
    pub fn next(self) -> Tab {
        Tab::ALL[(self.index() + 1) % Tab::ALL.len()]
    }

    /// The next tab to the left (round).
    pub fn prev(self) -> Tab {
        Tab::ALL[(self.index() + Tab::ALL.len() - 1) % Tab::ALL.len()]
    }

    /// The ledgers it lists (`t` switches between them); none for the other tabs.
    pub fn kinds(self) -> &'static [Kind] {
        match self {
            Tab::Demands => &[Kind::Demand, Kind::Visit],
            Tab::Disputes => &[Kind::Dispute],
            Tab::Hazards => &[Kind::Hazard],
            Tab::Residents => &[Kind::Person, Kind::Household],
            Tab::Home | Tab::Sync | Tab::Reports => &[],
        }
    }

    /// The tab that lists records of `kind`.
    pub fn of_kind(kind: Kind) -> Tab {
        Tab::ALL.into_iter().find(|t| t.kinds().contains(&kind)).unwrap_or(Tab::Home)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_labels_and_ledgers_follow_the_tab_bar() {
        for (i, t) in Tab::ALL.into_iter().enumerate() {
            assert_eq!(t.index(), i);
            assert_eq!(Tab::from_number(char::from_digit(t.number() as u32, 10).expect("a digit")), Some(t));
            assert_eq!(t.next().prev(), t);
        }
        assert_eq!(Tab::from_number('0'), None);
        assert_eq!(Tab::from_number('8'), None);
        assert_eq!(Tab::Reports.next(), Tab::Home);
        for k in [Kind::Demand, Kind::Visit, Kind::Dispute, Kind::Hazard, Kind::Person, Kind::Household] {
            assert!(Tab::of_kind(k).kinds().contains(&k));
        }
    }
}
