//! A record's grid (docs/REPORTS.md, "Grouping"): through the record it names (`Via`) to a
//! household and its grid, resolved by the links view; the fold (`compute`) and the view
//! (`from_view`) both ask here.

use crate::app::App;
use crate::domain::DeviceId;
use crate::store::{Links, Via};

/// The grid a record of device `d` counts in, through `via`: its household's grid; when it names
/// none (or one with no grid, or one this store does not hold), the grid of the store that
/// created it if that is this store (`own`), else `""` (docs/REPORTS.md, "Grouping"). The fold
/// (`compute`) and the view resolve grids with this one function.
pub(super) fn grid_via(links: &Links, own: &dyn Fn(DeviceId) -> String, d: DeviceId, via: Via) -> String {
    let h = match via {
        Via::Household(h) => Some(h),
        Via::Person(p) | Via::Visit(p) => links.homes.get(&p).copied(),
        Via::Nothing => None,
    };
    h.and_then(|h| links.grids.get(&h)).filter(|g| !g.is_empty()).cloned().unwrap_or_else(|| own(d))
}

/// The store's own grid for its own device's records (a village store's worker keeps one grid).
pub(super) fn own_grid(app: &App) -> impl Fn(DeviceId) -> String + '_ {
    move |d| app.identity.as_ref().filter(|i| i.device == d).map(|i| i.grid.clone()).unwrap_or_default()
}
