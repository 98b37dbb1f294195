//! The 报表 tab's report as a job (docs/ARCHITECTURE.md, "TUI loop"): `App::report_with` reports
//! the keys of the figures and links views it reads, which move the gauge, and stops when the
//! job is cancelled (Esc).

use crate::app::App;
use crate::app::report::ReportSpec;
use crate::i18n::{Lang, tr};
use crate::tui::action::JobOutput;
use crate::tui::jobs::Handle;

/// Computes the report of `spec`, its progress on the job's gauge (at most one update per
/// percent, so a large store does not flood the loop); cancelled when the job is.
pub fn compute_job(app: &App, lang: Lang, spec: ReportSpec, h: &Handle<JobOutput>) -> Result<JobOutput, String> {
    let label = tr(lang, "tui.report.step_compute", &[]);
    let shown = std::cell::Cell::new(None);
    let progress = |done: u64, total: u64| {
        let percent = done.saturating_mul(100) / total.max(1);
        if shown.get() != Some(percent) {
            shown.set(Some(percent));
            h.progress(done, total, &label);
        }
        !h.cancelled()
    };
    match app.report_with(&spec, &progress) {
        Ok(r) => Ok(JobOutput::Report(Box::new(r))),
        Err(crate::app::AppError::Cancelled) => Err(String::new()),
        Err(e) => Err(e.lines(lang).join("；")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::InitSpec;
    use crate::app::report::GroupBy;
    use crate::domain::Kind;
    use crate::domain::figures::Period;
    use crate::tui::jobs::{JobEvent, Jobs, Outcome, Progress};
    use std::sync::Arc;
    use std::time::Duration;

    fn village() -> (tempfile::TempDir, Arc<App>) {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut app = App::open(dir.path(), &Default::default(), Lang::Zh).expect("open");
        app.init(&InitSpec {
            role: "village".into(),
            division: "330782105203".into(),
            place: "青石村".into(),
            worker: "李网格".into(),
            grid: "一组".into(),
        })
        .expect("init");
        let today = app.today().to_string();
        for i in 0..40 {
            let h = app.add(Kind::Household, &serde_json::json!({"address": format!("{i}号"), "grid": "二组"}));
            let h = h.expect("household").entity.id.to_string();
            let v = serde_json::json!({"date": today, "household": h, "type": "ROUTINE"});
            app.add(Kind::Visit, &v).expect("visit");
        }
        (dir, Arc::new(app))
    }

    fn run(jobs: &mut Jobs<JobOutput>, cancel_at_start: bool) -> (Vec<Progress>, Outcome<JobOutput>) {
        let mut seen = Vec::new();
        if cancel_at_start {
            jobs.cancel();
        }
        loop {
            let e = jobs.recv_timeout(Duration::from_secs(30)).expect("the job reports");
            if let JobEvent::Progress(_, p) = &e {
                seen.push(p.clone());
            }
            if let Some((_, outcome)) = jobs.apply(e) {
                return (seen, outcome);
            }
        }
    }

    #[test]
    fn the_gauge_moves_to_its_end_and_cancel_stops_the_report() {
        let (_dir, app) = village();
        let spec = ReportSpec { period: Period::parse(&app.today().year_month()).expect("period"), by: GroupBy::Grid };
        let mut jobs: Jobs<JobOutput> = Jobs::new();
        let a = Arc::clone(&app);
        assert!(jobs.start("report", move |h| compute_job(&a, Lang::Zh, spec, h)));
        let (seen, outcome) = run(&mut jobs, false);
        let Outcome::Done(JobOutput::Report(r)) = outcome else { panic!("a report: {outcome:?}") };
        assert_eq!(*r, app.report(&spec).expect("report"), "the job's report is the report");
        let last = seen.last().expect("the gauge moved");
        assert!(seen.len() > 2 && last.done == last.total, "from its start to its end: {seen:?}");
        // cancelled: the job stops and says so (a report waits for a gate the job cannot pass
        // until cancel is asked, so it cannot finish first)
        let (gate_tx, gate_rx) = std::sync::mpsc::channel::<()>();
        let a = Arc::clone(&app);
        jobs.start("report", move |h| {
            let _ = gate_rx.recv_timeout(Duration::from_secs(30));
            compute_job(&a, Lang::Zh, spec, h)
        });
        jobs.cancel();
        gate_tx.send(()).expect("the job waits");
        let (seen, outcome) = run(&mut jobs, false);
        assert!(matches!(outcome, Outcome::Cancelled), "{outcome:?}");
        assert!(seen.iter().all(|p| p.done < p.total.max(1)), "no further than its first key: {seen:?}");
    }
}
