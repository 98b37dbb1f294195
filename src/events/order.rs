//! The order in which the fold applies a record's events (docs/ARCHITECTURE.md, "Event
//! kernel"): distinct events only, the creation first, then every other event after what it
//! is known to have seen.
//!
//! An event's stamp alone cannot give that order: a device takes a remote reading into its
//! clock only up to its own wall clock plus the drift cap, so an edit made after receiving a
//! write from a clock days ahead (or a record created on such a clock) is stamped *before* the
//! version it replaced. The fold therefore orders events by their **causal reading**: the
//! largest of the event's own clock reading and the reading just after the causal reading of
//! what it is known to have seen — the record's creation (a change is made to a record its
//! writer holds) and each version its writes replaced (`Write::base`). That is the reading the
//! writer's clock would have given without the cap. Equal causal readings keep the order of
//! the stamps (then `seq`). In a history whose clocks stay within the cap the causal reading is
//! the reading itself, so the order is the stamps' order.

use super::event::{Event, Op};
use super::hlc::Hlc;

/// A record's events, each `(device, seq)` once, in the order the fold applies them: the
/// creation first (if any; with two, the earlier stamp), then the others by causal reading.
/// Returns the events and whether the first is the creation.
pub(super) fn apply_order<'a>(events: impl Iterator<Item = &'a Event>) -> (Vec<&'a Event>, bool) {
    let mut v = distinct(events.collect());
    v.sort_by_key(|e| (e.stamp(), e.seq));
    let create = v.iter().position(|e| matches!(e.op, Op::Create { .. }));
    let lift = causal_readings(&v, create);
    let lifted = lift.iter().zip(&v).any(|(l, e)| *l != e.hlc);
    let mut rest: Vec<usize> = (0..v.len()).filter(|i| Some(*i) != create).collect();
    if lifted {
        // stable: equal causal readings keep the (stamp, seq) order
        rest.sort_by_key(|i| lift[*i]);
    }
    let ordered = create.into_iter().chain(rest).map(|i| v[i]).collect();
    (ordered, create.is_some())
}

/// One event per `(device, seq)`. Copies of one event are one; two different events with one
/// identity (a copied store: `check::clashes` reports it) are decided the same way everywhere,
/// by the smaller content hash, so replicas never diverge.
fn distinct(mut v: Vec<&Event>) -> Vec<&Event> {
    v.sort_by_key(|e| e.key());
    let mut out: Vec<&Event> = Vec::with_capacity(v.len());
    let mut i = 0;
    while i < v.len() {
        let mut j = i + 1;
        while j < v.len() && v[j].key() == v[i].key() {
            j += 1;
        }
        let run = &v[i..j];
        let pick = if run.iter().all(|e| *e == run[0]) {
            run[0]
        } else {
            run.iter().copied().min_by_key(|e| e.content_hash()).unwrap_or(run[0])
        };
        out.push(pick);
        i = j;
    }
    out
}

/// The causal reading of each event of `v` (sorted by stamp): the largest of its own reading,
/// the one just after the creation's, and the one just after the causal reading of each
/// version its writes replaced (just after the base's own reading when that event is not
/// held). Computed depth first, without recursion; a cycle of bases (only crafted events make
/// one) is cut where it closes, in the same place on every replica because the walk follows
/// the sorted order.
fn causal_readings(v: &[&Event], create: Option<usize>) -> Vec<Hlc> {
    let n = v.len();
    let mut lift: Vec<Hlc> = v.iter().map(|e| e.hlc).collect();
    // the bases that are held, as edges i → j (compressed rows)
    let mut starts = Vec::with_capacity(n + 1);
    let mut targets = Vec::new();
    let mut forward = false;
    for (i, e) in v.iter().enumerate() {
        starts.push(targets.len());
        if let Some(c) = create
            && c != i
        {
            lift[i] = lift[i].max(v[c].hlc.next());
        }
        let Op::Change { set, .. } = &e.op else { continue };
        for base in set.iter().filter_map(|w| w.base) {
            lift[i] = lift[i].max(base.hlc.next());
            let lo = v.partition_point(|x| x.stamp() < base);
            let hi = v.partition_point(|x| x.stamp() <= base);
            forward |= hi > i;
            targets.extend((lo..hi).filter(|j| *j != i));
        }
    }
    starts.push(targets.len());
    if !forward {
        // every base is stamped before its writer (clocks within the cap): one pass in order
        for i in 0..n {
            for &j in &targets[starts[i]..starts[i + 1]] {
                lift[i] = lift[i].max(lift[j].next());
            }
        }
        return lift;
    }
    const NEW: u8 = 0;
    const ACTIVE: u8 = 1;
    const DONE: u8 = 2;
    let mut state = vec![NEW; n];
    let mut stack: Vec<(usize, usize)> = Vec::new();
    for root in 0..n {
        if state[root] != NEW {
            continue;
        }
        state[root] = ACTIVE;
        stack.push((root, starts[root]));
        while let Some(top) = stack.last_mut() {
            let (i, k) = *top;
            if k < starts[i + 1] {
                top.1 += 1;
                let j = targets[k];
                match state[j] {
                    NEW => {
                        state[j] = ACTIVE;
                        stack.push((j, starts[j]));
                    }
                    DONE => lift[i] = lift[i].max(lift[j].next()),
                    _ => {} // a cycle: the base's own stamp already bounds it
                }
            } else {
                stack.pop();
                state[i] = DONE;
                if let Some(&(p, _)) = stack.last() {
                    lift[p] = lift[p].max(lift[i].next());
                }
            }
        }
    }
    lift
}
