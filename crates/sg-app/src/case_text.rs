//! The free text of case events (decision, routing, withdrawal and support-exit reasons) is
//! sealed under the case's data key before it is stored, so that erasing the person (which
//! destroys that key) makes it unreadable, and a copy of the database shows none of it. A case
//! with no data key yet (an anonymous report) gets one with its first reason.
//!
//! A sealed text is stored in the event's own field as `sealed:v1:` and the envelope in
//! base64; readers open it where they are allowed to see the case, and show [`ERASED`] once
//! the key is gone. Texts stored before sealing (migration 0020) are sealed in place when the
//! binary opens the database ([`App::seal_old_case_texts`]); the system's own routing reasons at
//! referral are plain and shown as they are.

use base64::Engine;
use sg_audit::AuditAction;
use sg_crypto::DataKey;
use sg_domain::{CaseId, DatedEvent};
use sg_store::{CaseRecord, PlainCaseText};

use crate::{App, AppError};

/// What marks a sealed text.
const SEALED: &str = "sealed:v1:";

/// Events sealed per transaction by [`App::seal_old_case_texts`].
const SEAL_BATCH: u32 = 500;

/// What a reader sees in place of a text whose key was destroyed.
pub const ERASED: &str = "(erased)";

fn aad(case: CaseId) -> Vec<u8> {
    format!("safeguard/case-text/v1|{case}").into_bytes()
}

fn b64() -> base64::engine::GeneralPurpose {
    base64::engine::general_purpose::STANDARD_NO_PAD
}

impl App {
    /// The case's data key, if it has one that opens.
    pub(crate) async fn data_key(&self, case: CaseId) -> Result<Option<DataKey>, AppError> {
        let Some(wrapped) = self.store.person_key(case).await? else { return Ok(None) };
        let key = self.keys.unwrap(&wrapped, &crate::vault::key_aad(case));
        key.map(Some).map_err(|e| AppError::Internal(format!("cannot open the data key of case {case}: {e}")))
    }

    /// Seals the free text of `events` under the case's data key; returns a new wrapped data
    /// key to store with them when the case had none (or `existing`, when the change itself
    /// brings the key, as a conversion does).
    pub(crate) async fn seal_event_texts(
        &self,
        case: CaseId,
        events: &mut [DatedEvent],
        existing: Option<&DataKey>,
    ) -> Result<Option<Vec<u8>>, AppError> {
        let has_text = |e: &mut DatedEvent| e.event.detail_mut().is_some_and(|t| !t.trim().is_empty());
        if !events.iter_mut().any(has_text) {
            return Ok(None);
        }
        let (key, new_wrapped) = match existing {
            Some(k) => (k.clone(), None),
            None => match self.data_key(case).await? {
                Some(k) => (k, None),
                None => {
                    let k = DataKey::generate();
                    let wrapped = self.keys.wrap(&k, &crate::vault::key_aad(case));
                    (k, Some(wrapped))
                }
            },
        };
        for text in events.iter_mut().filter_map(|e| e.event.detail_mut()) {
            if !text.trim().is_empty() {
                *text = format!("{SEALED}{}", b64().encode(key.seal(text.as_bytes(), &aad(case))));
            }
        }
        Ok(new_wrapped)
    }

    /// Seals the reasons stored in plaintext before migration 0020 (the events migration 0023
    /// marked) under each case's data key, so that erasing the person shreds them as it does
    /// newer ones; run when the binary opens a database, and a no-op once none is marked. A case
    /// with no data key gets one, unless its person was erased: then the text is sealed under a
    /// key thrown away at once (shredded, as the erasure would have). How many events.
    pub async fn seal_old_case_texts(&self) -> Result<u64, AppError> {
        let mut done = 0u64;
        loop {
            let batch = self.store.plain_case_texts(SEAL_BATCH).await?;
            if batch.is_empty() {
                return Ok(done);
            }
            let mut new_keys = Vec::new();
            let mut sealed: Vec<PlainCaseText> = Vec::with_capacity(batch.len());
            // Rows come ordered by case: one data key per run of a case's events.
            let mut current: Option<(CaseId, DataKey)> = None;
            for mut e in batch {
                if current.as_ref().is_none_or(|(c, _)| *c != e.case) {
                    current = Some((e.case, self.key_for_old_texts(e.case, &mut new_keys).await?));
                }
                let Some((case, key)) = &current else { unreachable!("set above") };
                if let Some(text) = e.event.detail_mut().filter(|t| !t.trim().is_empty() && !t.starts_with(SEALED)) {
                    *text = format!("{SEALED}{}", b64().encode(key.seal(text.as_bytes(), &aad(*case))));
                }
                sealed.push(e);
            }
            done += sealed.len() as u64;
            self.store.seal_case_texts(&sealed, &new_keys).await?;
        }
    }

    /// The key to seal a case's old texts under (see [`App::seal_old_case_texts`]).
    async fn key_for_old_texts(
        &self,
        case: CaseId,
        new_keys: &mut Vec<(CaseId, Vec<u8>)>,
    ) -> Result<DataKey, AppError> {
        if let Some(key) = self.data_key(case).await? {
            return Ok(key);
        }
        let key = DataKey::generate();
        let erased =
            self.store.audit_for_case(case).await?.iter().any(|e| e.record.action == AuditAction::IdentityErased);
        if !erased {
            new_keys.push((case, self.keys.wrap(&key, &crate::vault::key_aad(case))));
        }
        Ok(key)
    }

    /// Opens the sealed texts of a case's events in place: the text, or [`ERASED`] when the
    /// case's data key is gone or the text does not open.
    pub(crate) async fn open_event_texts(&self, record: &mut CaseRecord) -> Result<(), AppError> {
        let sealed = |e: &sg_store::StoredEvent| e.event.event.detail().is_some_and(|t| t.starts_with(SEALED));
        if !record.events.iter().any(sealed) {
            return Ok(());
        }
        let key = self.data_key(record.id).await.ok().flatten();
        let case = record.id;
        for text in record.events.iter_mut().filter_map(|e| e.event.event.detail_mut()) {
            let Some(encoded) = text.strip_prefix(SEALED) else { continue };
            let opened = key
                .as_ref()
                .and_then(|k| k.open(&b64().decode(encoded).ok()?, &aad(case)).ok())
                .and_then(|bytes| String::from_utf8(bytes).ok());
            *text = opened.unwrap_or_else(|| ERASED.to_string());
        }
        Ok(())
    }

    /// A case with its texts opened, for those already allowed to see it.
    pub(crate) async fn case_record(&self, case: CaseId) -> Result<Option<CaseRecord>, AppError> {
        let Some(mut record) = self.store.case(case).await? else { return Ok(None) };
        self.open_event_texts(&mut record).await?;
        Ok(Some(record))
    }
}
