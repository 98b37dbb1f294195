//! Who signed a file, bundle or statistics file alike (docs/BUNDLE.md, "Importing"): how its
//! key stands with this store (its own, trusted, new, revoked, unknown), and, once the file is
//! written, the key entry that remembers it.

use super::Refusal;
use crate::app::{App, AppError};
use crate::domain::DeviceId;
use crate::store::{KeyEntry, StoreError, Trust};
use crate::sync::Header;

/// Who signed a file (a bundle or a statistics file), as its verified header says.
pub(super) struct Signer<'a> {
    pub public_key: [u8; 32],
    pub device: DeviceId,
    pub worker: &'a str,
    pub place: &'a str,
    pub role: &'a str,
    pub division: &'a str,
}

impl<'a> Signer<'a> {
    pub(super) fn of(h: &'a Header) -> Signer<'a> {
        Signer {
            public_key: h.public_key,
            device: h.device,
            worker: &h.worker,
            place: &h.place,
            role: &h.role,
            division: &h.division,
        }
    }

    fn fingerprint(&self) -> String {
        super::hex(&self.public_key)
    }
}

impl App {
    /// How a file's signer stands with this store: its own key, trusted, or new and trusted by
    /// this import (`trust_new`); a revoked or unknown signer refuses the file.
    pub(super) fn signer_state(&self, s: &Signer<'_>, trust_new: bool) -> Result<SignerState, ImportError> {
        let own_key = self.public_key_hex()?.is_some_and(|k| k == s.fingerprint());
        let entry = self.store.key_entry(&s.public_key)?;
        match (own_key, entry.as_ref().map(|e| e.trust)) {
            (true, _) => Ok(SignerState::Own),
            (false, Some(Trust::Trusted)) => Ok(SignerState::Trusted),
            (false, Some(Trust::Revoked)) => {
                Err(Refusal::Revoked { fingerprint: s.fingerprint(), place: s.place.to_string() }.into())
            }
            (false, _) if trust_new => Ok(SignerState::New),
            (false, _) => Err(Refusal::UnknownSigner {
                fingerprint: s.fingerprint(),
                worker: s.worker.to_string(),
                place: s.place.to_string(),
                division: s.division.to_string(),
            }
            .into()),
        }
    }

    /// After a file is written: its signer is known (and trusted if this import trusted it),
    /// under the name, place and role its header gave.
    pub(super) fn remember_signer(&self, s: &Signer<'_>, signer: SignerState, now: u64) -> Result<(), AppError> {
        let old = self.store.key_entry(&s.public_key)?;
        let trust = match (signer, old.as_ref().map(|k| k.trust)) {
            (SignerState::New, _) => Trust::Trusted,
            (_, Some(t)) => t,
            (_, None) => Trust::Trusted,
        };
        self.store.put_key_entry(&KeyEntry {
            public_key: s.public_key,
            device: s.device,
            worker: s.worker.to_string(),
            place: s.place.to_string(),
            role: s.role.to_string(),
            division: s.division.to_string(),
            trust,
            first_seen_ms: old.as_ref().map_or(now, |k| k.first_seen_ms),
            changed_ms: if old.as_ref().map(|k| k.trust) == Some(trust) {
                old.map_or(now, |k| k.changed_ms)
            } else {
                now
            },
        })?;
        Ok(())
    }
}

/// How the bundle's signer stands with this store.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SignerState {
    /// This store's own key (its own backup).
    Own,
    /// A trusted key.
    Trusted,
    /// A key this import trusts (`--trust-new`).
    New,
}

/// An import's failure: a refusal of the bundle, or the store's or the app's own error.
pub(super) enum ImportError {
    Refused(Refusal),
    App(AppError),
}

impl From<Refusal> for ImportError {
    fn from(r: Refusal) -> ImportError {
        ImportError::Refused(r)
    }
}

impl From<AppError> for ImportError {
    fn from(e: AppError) -> ImportError {
        ImportError::App(e)
    }
}

impl From<StoreError> for ImportError {
    fn from(e: StoreError) -> ImportError {
        ImportError::App(AppError::Store(e))
    }
}
