//! Raising a record from a visit, as the work happens: the form's pre-filled values, and the
//! save that writes the new record and links it from the visit, so that the link holds both
//! ways (a demand's `visit`; the visit's `links`).
//!
//! `Store::commit` takes several drafts but numbers a new record inside its transaction, so a
//! draft of the same commit cannot name it: this is two writes, the new record first (it
//! already names its visit), then the visit's `links` (docs/ARCHITECTURE.md, "Write path").
//! Should the second fail, [`App::raised`] still finds the record from its `visit` field.

use serde_json::{Value as J, json};

use super::{App, AppError, RecordView};
use crate::domain::{EntityId, Kind, Value};

/// How many records after a visit (on its device) [`App::raised`] reads to find those that
/// name it without being in its `links`: a record raised on the spot is numbered right after
/// it, and these records sit in the visit's block or the next, so this costs one or two reads.
pub const RAISED_LOOKAHEAD: u32 = 16;

/// A record raised from a visit.
#[derive(Debug)]
pub struct Raised {
    /// The new record (written).
    pub record: RecordView,
    /// Why the visit's `links` could not take it (a visit already linking its most records):
    /// the record is written all the same, and a demand still names its visit.
    pub link_error: Option<AppError>,
}

impl App {
    /// The values a record of `kind` raised from visit `visit` starts with: received (or found)
    /// on the visit's date, a demand's channel VISIT, its requester the first person met, and
    /// the visit itself.
    pub fn raise_defaults(&self, visit: EntityId, kind: Kind) -> Result<J, AppError> {
        let v = self.entity(visit)?;
        if v.kind != Kind::Visit {
            return Err(AppError::NoSuchRecord(visit.to_string()));
        }
        let date = v.state.day("date").map(|d| d.to_string());
        let first_met = match v.state.get("met") {
            Some(Value::List(l)) => l.iter().find_map(|x| match x {
                Value::Ref(id) => Some(id.to_string()),
                _ => None,
            }),
            _ => None,
        };
        let text_of = |id: Option<EntityId>, field: &str| {
            id.and_then(|id| self.entity(id).ok()).and_then(|e| e.state.text(field).map(String::from))
        };
        let household = match v.state.get("household") {
            Some(Value::Ref(id)) => Some(*id),
            _ => None,
        };
        let first_met_id = first_met.as_deref().and_then(EntityId::parse);
        let mut m = serde_json::Map::new();
        match kind {
            Kind::Demand => {
                m.insert("channel".into(), json!("VISIT"));
                m.insert("visit".into(), json!(visit.to_string()));
                if let Some(d) = &date {
                    m.insert("received_on".into(), json!(d));
                }
                if let Some(p) = first_met {
                    m.insert("requester".into(), json!(p));
                }
            }
            Kind::Dispute => {
                // found while visiting: the mediator's own finding; the person met applies
                m.insert("source".into(), json!("PROACTIVE"));
                if let Some(d) = &date {
                    m.insert("received_on".into(), json!(d));
                }
                if let (Some(id), Some(name)) = (first_met_id, text_of(first_met_id, "name")) {
                    let party = json!({"name": name, "role": "APPLICANT", "person": id.to_string()});
                    m.insert("parties".into(), json!([party]));
                }
            }
            Kind::Hazard => {
                if let Some(d) = &date {
                    m.insert("found_on".into(), json!(d));
                }
                // found at the household visited
                if let Some(address) = text_of(household, "address") {
                    m.insert("location".into(), json!(address));
                }
            }
            _ => return Err(AppError::NoSuchRecord(visit.to_string())),
        }
        Ok(J::Object(m))
    }

    /// Writes a new record of `kind` raised from visit `visit` (a demand names it in `visit`),
    /// then adds it to the visit's `links`. Nothing is written when the record is invalid; once
    /// it is written, a failure to link it is reported beside it, not as a failure to save (saving
    /// again would write it twice).
    pub fn raise(&mut self, visit: EntityId, kind: Kind, input: &J) -> Result<Raised, AppError> {
        let v = self.entity(visit)?;
        if v.kind != Kind::Visit || !matches!(kind, Kind::Demand | Kind::Dispute | Kind::Hazard) {
            return Err(AppError::NoSuchRecord(visit.to_string()));
        }
        let mut input = input.clone();
        if kind == Kind::Demand
            && let Some(o) = input.as_object_mut()
        {
            o.insert("visit".into(), json!(visit.to_string()));
        }
        let created = self.add(kind, &input)?;
        // a demand is linked by `add` (it names its visit); the others are linked here
        let link_error = match kind {
            Kind::Demand if self.view(visit)?.raised().contains(&created.entity.id) => None,
            _ => self.link_to_visit(visit, created.entity.id).err(),
        };
        if let Some(e) = &link_error {
            tracing::warn!("record {} raised from visit {visit} but not linked from it: {e:?}", created.entity.id);
        }
        Ok(Raised { record: self.view(created.entity.id)?, link_error })
    }

    /// Adds `record` to visit `visit`'s links (once).
    pub(super) fn link_to_visit(&mut self, visit: EntityId, record: EntityId) -> Result<(), AppError> {
        let v = self.entity(visit)?;
        if v.kind != Kind::Visit {
            return Err(AppError::NoSuchRecord(visit.to_string()));
        }
        let mut links: Vec<J> = match v.state.get("links") {
            Some(Value::List(l)) => l
                .iter()
                .filter_map(|x| match x {
                    Value::Ref(id) => Some(json!(id.to_string())),
                    _ => None,
                })
                .collect(),
            _ => vec![],
        };
        let new = json!(record.to_string());
        if !links.contains(&new) {
            links.push(new);
            self.act(visit, "edit", &json!({ "links": links }))?;
        }
        Ok(())
    }

    /// What visit `visit` raised: its `links`, then the records numbered shortly after it
    /// (see [`RAISED_LOOKAHEAD`]) that name it as their `visit`.
    pub fn raised(&self, visit: EntityId) -> Result<Vec<EntityId>, AppError> {
        let mut out = self.view(visit)?.raised();
        let next: Vec<EntityId> = (1..=RAISED_LOOKAHEAD)
            .filter_map(|k| visit.n.checked_add(k).map(|n| EntityId { device: visit.device, n }))
            .collect();
        for r in self.views_of(&next)? {
            let names_it = matches!(r.entity.state.get("visit"), Some(Value::Ref(id)) if *id == visit);
            if names_it && !out.contains(&r.entity.id) {
                out.push(r.entity.id);
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::tests::app;

    #[test]
    fn a_demand_raised_from_a_visit_links_both_ways() {
        let dir = tempfile::tempdir().unwrap();
        let mut app = app(dir.path());
        let today = app.today().to_string();
        let hh = app.add(Kind::Household, &json!({"address": "一组8号"})).unwrap().entity.id;
        let p = app.add(Kind::Person, &json!({"name": "张三", "household": hh.to_string()})).unwrap().entity.id;
        let visit = app
            .add(
                Kind::Visit,
                &json!({"date": today, "household": hh.to_string(), "met": [p.to_string()], "type": "ROUTINE"}),
            )
            .unwrap()
            .entity
            .id;
        let mut input = app.raise_defaults(visit, Kind::Demand).unwrap();
        assert_eq!(input["channel"], "VISIT");
        assert_eq!(input["requester"], p.to_string());
        assert_eq!(input["received_on"], today);
        let o = input.as_object_mut().unwrap();
        o.insert("demand_kind".into(), json!("HELP"));
        o.insert("domain".into(), json!("ELDER_CARE"));
        o.insert("content".into(), json!("希望安装扶手"));
        let dispute = app.raise_defaults(visit, Kind::Dispute).unwrap();
        assert_eq!(dispute["parties"][0]["name"], "张三");
        assert_eq!(app.raise_defaults(visit, Kind::Hazard).unwrap()["location"], "一组8号");
        let raised = app.raise(visit, Kind::Demand, &input).unwrap();
        assert!(raised.link_error.is_none());
        let d = raised.record.entity.id;
        assert_eq!(app.entity(d).unwrap().state.get("visit"), Some(&Value::Ref(visit)));
        assert_eq!(app.raised(visit).unwrap(), vec![d]);
        let json = app.view(visit).unwrap().to_json(false);
        assert_eq!(json["raised"], json!([d.to_string()]));
        // a demand that names the visit without being linked from it is found too
        let mut other = app.raise_defaults(visit, Kind::Demand).unwrap();
        let o = other.as_object_mut().unwrap();
        o.insert("demand_kind".into(), json!("INQUIRY"));
        o.insert("domain".into(), json!("ELDER_CARE"));
        o.insert("content".into(), json!("咨询"));
        let d2 = app.add(Kind::Demand, &other).unwrap().entity.id;
        assert_eq!(app.raised(visit).unwrap(), vec![d, d2]);
    }

    #[test]
    fn an_invalid_raised_record_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let mut app = app(dir.path());
        let today = app.today().to_string();
        let hh = app.add(Kind::Household, &json!({"address": "一组9号"})).unwrap().entity.id;
        let visit =
            app.add(Kind::Visit, &json!({"date": today, "household": hh.to_string(), "type": "ROUTINE"})).unwrap();
        let input = app.raise_defaults(visit.entity.id, Kind::Demand).unwrap();
        assert!(app.raise(visit.entity.id, Kind::Demand, &input).is_err());
        assert!(app.raised(visit.entity.id).unwrap().is_empty());
        assert!(app.entity(visit.entity.id).unwrap().state.get("links").is_none());
    }
}
