//! Long work (a store check today; bundle import and export and reports next) runs on a thread
//! of its own while the screen stays live (docs/ARCHITECTURE.md, "TUI loop").
//!
//! A job gets a [`Handle`]: it reports progress (done of total, and a short label) and checks
//! whether it was cancelled. Everything it says comes back over one `mpsc` channel, which the
//! event loop polls beside terminal input and turns into `Action::Job`; `update` hands each
//! event to [`Jobs::apply`], the only place the runner's state changes. One job runs at a time.
//! A job that panics is reported as failed, never as a crash of the interface.

use std::cell::Cell;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::thread::JoinHandle;
use std::time::Duration;

thread_local! {
    static ON_JOB_THREAD: Cell<bool> = const { Cell::new(false) };
}

/// Whether the calling thread runs a job (the TUI's panic hook leaves the terminal alone for a
/// job's panic: the runner catches it and the screen goes on).
pub fn on_job_thread() -> bool {
    ON_JOB_THREAD.with(Cell::get)
}

/// How far a job has come.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Progress {
    /// Units done.
    pub done: u64,
    /// Units in all (0: not known yet).
    pub total: u64,
    /// What is being done, in a few words.
    pub label: String,
}

impl Progress {
    /// Done as a fraction of the total, within 0..=1 (0 while the total is unknown).
    pub fn ratio(&self) -> f64 {
        if self.total == 0 { 0.0 } else { (self.done as f64 / self.total as f64).clamp(0.0, 1.0) }
    }
}

/// How a job ended.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome<T> {
    /// It finished with this result.
    Done(T),
    /// It failed (or panicked) with this message.
    Failed(String),
    /// It was cancelled before it finished.
    Cancelled,
}

/// What a job says, in the order it says it.
#[derive(Debug, PartialEq, Eq)]
pub enum JobEvent<T> {
    /// Job `id` has come this far.
    Progress(u64, Progress),
    /// Job `id` ended.
    Finished(u64, Outcome<T>),
}

impl<T> JobEvent<T> {
    /// The job it is about.
    pub fn id(&self) -> u64 {
        match self {
            JobEvent::Progress(id, _) | JobEvent::Finished(id, _) => *id,
        }
    }
}

/// What a running job holds: its way to report progress and to learn that it was cancelled.
pub struct Handle<T> {
    id: u64,
    tx: Sender<JobEvent<T>>,
    cancel: Arc<AtomicBool>,
}

impl<T> Handle<T> {
    /// Reports progress (the screen shows the latest).
    pub fn progress(&self, done: u64, total: u64, label: &str) {
        let _ = self.tx.send(JobEvent::Progress(self.id, Progress { done, total, label: label.to_string() }));
    }

    /// Whether the user cancelled: a job checks this between units of work and returns early.
    pub fn cancelled(&self) -> bool {
        self.cancel.load(Ordering::Relaxed)
    }
}

/// The job that runs now, as the screen shows it.
#[derive(Debug)]
pub struct Running {
    /// Its id (events of an earlier job are ignored).
    pub id: u64,
    /// What it is, in the UI language.
    pub title: String,
    /// The latest progress it reported.
    pub progress: Progress,
    /// Cancel was asked for.
    pub cancelling: bool,
    cancel: Arc<AtomicBool>,
}

/// The runner: at most one job at a time, and the channel back to the event loop.
pub struct Jobs<T> {
    tx: Sender<JobEvent<T>>,
    rx: Receiver<JobEvent<T>>,
    next_id: u64,
    running: Option<Running>,
    thread: Option<JoinHandle<()>>,
}

impl<T: Send + 'static> Default for Jobs<T> {
    fn default() -> Self {
        Jobs::new()
    }
}

impl<T: Send + 'static> Jobs<T> {
    /// A runner with nothing running.
    pub fn new() -> Jobs<T> {
        let (tx, rx) = channel();
        Jobs { tx, rx, next_id: 1, running: None, thread: None }
    }

    /// The job running now.
    pub fn running(&self) -> Option<&Running> {
        self.running.as_ref()
    }

    /// Starts `work` on a thread of its own; refused (false) while another job runs.
    pub fn start<F>(&mut self, title: &str, work: F) -> bool
    where
        F: FnOnce(&Handle<T>) -> Result<T, String> + Send + 'static,
    {
        if self.running.is_some() {
            return false;
        }
        // the previous job's thread has sent its last event: this returns at once
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
        let id = self.next_id;
        self.next_id += 1;
        let cancel = Arc::new(AtomicBool::new(false));
        let handle = Handle { id, tx: self.tx.clone(), cancel: cancel.clone() };
        let spawned = std::thread::Builder::new().name(format!("job-{id}")).spawn(move || {
            ON_JOB_THREAD.with(|c| c.set(true));
            let result = catch_unwind(AssertUnwindSafe(|| work(&handle)));
            let outcome = match result {
                _ if handle.cancelled() => Outcome::Cancelled,
                Ok(Ok(v)) => Outcome::Done(v),
                Ok(Err(e)) => Outcome::Failed(e),
                Err(panic) => Outcome::Failed(panic_message(panic.as_ref())),
            };
            let _ = handle.tx.send(JobEvent::Finished(id, outcome));
        });
        match spawned {
            Ok(t) => self.thread = Some(t),
            // no thread: the job is reported failed through the loop, as any failure is
            Err(e) => {
                tracing::warn!("job thread: {e}");
                let _ = self.tx.send(JobEvent::Finished(id, Outcome::Failed(e.to_string())));
            }
        }
        self.running =
            Some(Running { id, title: title.to_string(), progress: Progress::default(), cancelling: false, cancel });
        true
    }

    /// Asks the running job to stop (it is reported as cancelled when it has); false when
    /// nothing runs.
    pub fn cancel(&mut self) -> bool {
        match &mut self.running {
            Some(r) => {
                r.cancel.store(true, Ordering::Relaxed);
                r.cancelling = true;
                true
            }
            None => false,
        }
    }

    /// The next event, if one is waiting (never blocks).
    pub fn try_recv(&self) -> Option<JobEvent<T>> {
        self.rx.try_recv().ok()
    }

    /// The next event, waiting at most `timeout` (tests).
    pub fn recv_timeout(&self, timeout: Duration) -> Option<JobEvent<T>> {
        self.rx.recv_timeout(timeout).ok()
    }

    /// Takes in one event: progress is kept for the screen; the end of the running job is
    /// returned. Events of jobs that are no longer running are dropped.
    pub fn apply(&mut self, event: JobEvent<T>) -> Option<(String, Outcome<T>)> {
        match event {
            JobEvent::Progress(id, p) => {
                if let Some(r) = self.running.as_mut().filter(|r| r.id == id) {
                    r.progress = p;
                }
                None
            }
            JobEvent::Finished(id, outcome) => {
                let r = self.running.take_if(|r| r.id == id)?;
                Some((r.title, outcome))
            }
        }
    }
}

impl<T> Drop for Jobs<T> {
    /// A job still running when the interface closes is cancelled and waited for, so that it
    /// lets go of the store before the store is closed.
    fn drop(&mut self) {
        if let Some(r) = &self.running {
            r.cancel.store(true, Ordering::Relaxed);
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = panic.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = panic.downcast_ref::<String>() {
        s.clone()
    } else {
        "panic".to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Instant;

    const WAIT: Duration = Duration::from_secs(10);

    /// Takes in events until the running job ends.
    fn finish<T: Send + 'static>(jobs: &mut Jobs<T>, seen: &mut Vec<Progress>) -> Outcome<T> {
        loop {
            let e = jobs.recv_timeout(WAIT).expect("the job reports within the timeout");
            if let JobEvent::Progress(_, p) = &e {
                seen.push(p.clone());
            }
            if let Some((_, outcome)) = jobs.apply(e) {
                assert!(jobs.running().is_none(), "nothing runs after the end");
                return outcome;
            }
        }
    }

    #[test]
    fn progress_arrives_in_order_and_completion_delivers_the_result() {
        let mut jobs: Jobs<u64> = Jobs::new();
        assert!(jobs.start("count", |h| {
            for i in 1..=50 {
                h.progress(i, 50, "counting");
            }
            Ok(42)
        }));
        assert_eq!(jobs.running().map(|r| r.title.as_str()), Some("count"));
        let mut seen = Vec::new();
        assert_eq!(finish(&mut jobs, &mut seen), Outcome::Done(42));
        let done: Vec<u64> = seen.iter().map(|p| p.done).collect();
        assert_eq!(done, (1..=50).collect::<Vec<_>>(), "every step, in the order sent");
        assert!(seen.iter().all(|p| p.total == 50 && p.label == "counting"));
    }

    #[test]
    fn the_latest_progress_is_what_the_screen_shows() {
        let mut jobs: Jobs<()> = Jobs::new();
        let (go_tx, go_rx) = channel::<()>();
        jobs.start("wait", move |h| {
            h.progress(3, 10, "three");
            let _ = go_rx.recv_timeout(WAIT);
            Ok(())
        });
        let e = jobs.recv_timeout(WAIT).expect("progress");
        assert!(jobs.apply(e).is_none());
        let r = jobs.running().expect("still running");
        assert_eq!((r.progress.done, r.progress.total, r.progress.label.as_str()), (3, 10, "three"));
        assert!((r.progress.ratio() - 0.3).abs() < 1e-9);
        assert!(!jobs.start("second", |_| Ok(())), "one job at a time");
        go_tx.send(()).expect("the job waits");
        assert_eq!(finish(&mut jobs, &mut vec![]), Outcome::Done(()));
    }

    #[test]
    fn cancel_stops_a_running_job_promptly_and_reports_it_cancelled() {
        let mut jobs: Jobs<u64> = Jobs::new();
        jobs.start("endless", |h| {
            let mut i = 0;
            while !h.cancelled() {
                i += 1;
                if i % 1000 == 0 {
                    h.progress(i, 0, "spinning");
                }
                std::thread::sleep(Duration::from_micros(50));
            }
            Ok(i)
        });
        // wait until it is really working
        let e = jobs.recv_timeout(WAIT).expect("it works");
        jobs.apply(e);
        let t = Instant::now();
        assert!(jobs.cancel());
        assert!(jobs.running().is_some_and(|r| r.cancelling));
        let outcome = finish(&mut jobs, &mut vec![]);
        assert_eq!(outcome, Outcome::Cancelled, "a job that stops after cancel is reported cancelled");
        assert!(t.elapsed() < Duration::from_secs(2), "stopped promptly: {:?}", t.elapsed());
        assert!(!jobs.cancel(), "nothing left to cancel");
    }

    #[test]
    fn a_panicking_job_is_an_error_not_a_crash() {
        let mut jobs: Jobs<u64> = Jobs::new();
        jobs.start("boom", |h| {
            h.progress(1, 2, "half");
            if h.id > 0 {
                panic!("the job broke");
            }
            Ok(1)
        });
        match finish(&mut jobs, &mut vec![]) {
            Outcome::Failed(msg) => assert!(msg.contains("the job broke"), "{msg}"),
            other => panic!("expected a failure, got {other:?}"),
        }
        // the runner goes on: the next job runs
        assert!(jobs.start("after", |_| Ok(7)));
        assert_eq!(finish(&mut jobs, &mut vec![]), Outcome::Done(7));
    }

    #[test]
    fn an_error_is_reported_as_failed_and_late_events_are_ignored() {
        let mut jobs: Jobs<u64> = Jobs::new();
        jobs.start("fails", |_| Err("no disk".into()));
        assert_eq!(finish(&mut jobs, &mut vec![]), Outcome::Failed("no disk".into()));
        assert!(jobs.apply(JobEvent::Progress(1, Progress::default())).is_none());
        assert!(jobs.apply(JobEvent::Finished(1, Outcome::Done(3))).is_none(), "job 1 has already ended");
    }

    #[test]
    fn closing_the_runner_cancels_and_waits_for_the_job() {
        let stopped = Arc::new(AtomicBool::new(false));
        let flag = stopped.clone();
        let mut jobs: Jobs<()> = Jobs::new();
        jobs.start("endless", move |h| {
            while !h.cancelled() {
                std::thread::sleep(Duration::from_millis(1));
            }
            flag.store(true, Ordering::SeqCst);
            Ok(())
        });
        drop(jobs);
        assert!(stopped.load(Ordering::SeqCst), "the job had stopped when the runner was gone");
    }
}
