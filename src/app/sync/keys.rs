//! The signers this store trusts (`gridlog keys`): a bundle is imported only when its signer is
//! this store itself or a trusted key; trust is given by fingerprint (printed by the refusal of
//! an unknown signer, and by `keys show` on the other store) and can be revoked.

use super::hex;
use crate::app::{App, AppError};
use crate::i18n::tr;
use crate::store::{KeyEntry, Trust};

/// This store's own key, to give to the peers that will trust it.
#[derive(Clone, Debug, serde::Serialize)]
pub struct OwnKey {
    /// The fingerprint (hex of the public key).
    pub fingerprint: String,
    /// The device.
    pub device: String,
    /// Worker, place, role and division.
    pub worker: String,
    /// Place name.
    pub place: String,
    /// Role code.
    pub role: String,
    /// Division code.
    pub division: String,
}

/// A signer this store knows.
#[derive(Clone, Debug, serde::Serialize)]
pub struct KeyInfo {
    /// Fingerprint.
    pub fingerprint: String,
    /// `trusted` or `revoked`.
    pub trust: &'static str,
    /// Its device.
    pub device: String,
    /// Who it said it was (empty until its first bundle is imported).
    pub worker: String,
    /// Place name.
    pub place: String,
    /// Role code.
    pub role: String,
    /// Division code.
    pub division: String,
    /// When its trust last changed (ms).
    pub changed_ms: u64,
}

impl KeyInfo {
    fn of(k: &KeyEntry) -> KeyInfo {
        KeyInfo {
            fingerprint: hex(&k.public_key),
            trust: match k.trust {
                Trust::Trusted => "trusted",
                Trust::Revoked => "revoked",
                Trust::Seen => "seen",
            },
            device: if k.device.0 == 0 { String::new() } else { k.device.to_string() },
            worker: k.worker.clone(),
            place: k.place.clone(),
            role: k.role.clone(),
            division: k.division.clone(),
            changed_ms: k.changed_ms,
        }
    }
}

impl App {
    /// This store's key and who it is.
    pub fn own_key(&self) -> Result<OwnKey, AppError> {
        let me = self.require_identity()?;
        Ok(OwnKey {
            fingerprint: self.public_key_hex()?.ok_or(AppError::NotInitialised)?,
            device: me.device.to_string(),
            worker: me.worker.clone(),
            place: me.place.clone(),
            role: me.role.clone(),
            division: me.division.clone(),
        })
    }

    /// Every signer known, trusted first.
    pub fn keys(&self) -> Result<Vec<KeyInfo>, AppError> {
        let mut all: Vec<KeyInfo> = self.store.key_entries()?.iter().map(KeyInfo::of).collect();
        all.sort_by_key(|k| (k.trust != "trusted", k.place.clone(), k.fingerprint.clone()));
        Ok(all)
    }

    /// Trusts the key with `fingerprint`: the whole fingerprint (64 hex digits) of any key, or
    /// the first 8 or more digits of one this store has met.
    pub fn trust_key(&self, fingerprint: &str) -> Result<KeyInfo, AppError> {
        self.set_trust(fingerprint, Trust::Trusted)
    }

    /// Revokes the key: its bundles are refused from now on (what was imported stays).
    pub fn revoke_key(&self, fingerprint: &str) -> Result<KeyInfo, AppError> {
        self.set_trust(fingerprint, Trust::Revoked)
    }

    fn set_trust(&self, fingerprint: &str, trust: Trust) -> Result<KeyInfo, AppError> {
        self.require_identity()?;
        let fp = super::normalize_fingerprint(fingerprint);
        let bad = || AppError::Usage(tr(self.lang, "sync.bad_fingerprint", &[fingerprint]));
        if fp.len() < 8 || !fp.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(bad());
        }
        if self.public_key_hex()?.is_some_and(|own| own.starts_with(&fp)) {
            return Err(AppError::Usage(tr(self.lang, "sync.own_key", &[])));
        }
        let now = (self.now_ms)();
        let matches: Vec<KeyEntry> =
            self.store.key_entries()?.into_iter().filter(|k| hex(&k.public_key).starts_with(&fp)).collect();
        let mut entry = match matches.len() {
            1 => matches.into_iter().next().ok_or_else(bad)?,
            0 if fp.len() == 64 => {
                let key = super::key_of_fingerprint(&fp).ok_or_else(bad)?;
                if ed25519_dalek::VerifyingKey::from_bytes(&key).is_err() {
                    return Err(bad());
                }
                KeyEntry {
                    public_key: key,
                    device: crate::domain::DeviceId(0),
                    worker: String::new(),
                    place: String::new(),
                    role: String::new(),
                    division: String::new(),
                    trust,
                    first_seen_ms: now,
                    changed_ms: now,
                }
            }
            0 => return Err(AppError::Usage(tr(self.lang, "sync.no_such_key", &[fingerprint]))),
            _ => return Err(AppError::Usage(tr(self.lang, "sync.ambiguous_key", &[fingerprint]))),
        };
        entry.trust = trust;
        entry.changed_ms = now;
        self.store.put_key_entry(&entry)?;
        Ok(KeyInfo::of(&entry))
    }
}
