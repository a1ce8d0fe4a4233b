//! Sealing and opening a person's identifying record with their data key.
//!
//! The associated data binds each sealed value to its case and field, and each wrapped data key
//! to its case, so nothing can be moved between records unnoticed.

use sg_crypto::{DataKey, KeyRing};
use sg_domain::{AccountContext, CaseId, Identity, PersonalAccount};
use sg_store::VaultField;

use crate::AppError;

fn field_aad(case: CaseId, field: VaultField) -> Vec<u8> {
    format!("safeguard/vault/v1|{case}|{}", field.as_str()).into_bytes()
}

pub(crate) fn key_aad(case: CaseId) -> Vec<u8> {
    format!("safeguard/person-key/v1|{case}").into_bytes()
}

/// A sealed identifying record: the wrapped data key and the sealed fields.
pub struct Sealed {
    /// The data key, wrapped by the current master key.
    pub person_key: Vec<u8>,
    /// The sealed fields.
    pub fields: Vec<(VaultField, Vec<u8>)>,
}

/// Seals identity and account under a new data key for `case`.
pub fn seal(keys: &KeyRing, case: CaseId, identity: &Identity, account: &PersonalAccount) -> Result<Sealed, AppError> {
    seal_with_context(keys, case, identity, account, None)
}

/// [`seal`], with the context for inconsistencies in the account when some was given (an
/// empty context is not stored).
pub fn seal_with_context(
    keys: &KeyRing,
    case: CaseId,
    identity: &Identity,
    account: &PersonalAccount,
    context: Option<&AccountContext>,
) -> Result<Sealed, AppError> {
    seal_under(keys, case, &DataKey::generate(), identity, account, context)
}

/// [`seal_with_context`] under a given data key: the case's own, when it has one already (a
/// report whose reasons were sealed before it was converted keeps them readable).
pub fn seal_under(
    keys: &KeyRing,
    case: CaseId,
    dk: &DataKey,
    identity: &Identity,
    account: &PersonalAccount,
    context: Option<&AccountContext>,
) -> Result<Sealed, AppError> {
    let enc = |e: serde_json::Error| AppError::Internal(format!("cannot encode the identifying record: {e}"));
    let identity = serde_json::to_vec(identity).map_err(enc)?;
    let account = serde_json::to_vec(account).map_err(enc)?;
    let mut fields = vec![
        (VaultField::Identity, dk.seal(&identity, &field_aad(case, VaultField::Identity))),
        (VaultField::Account, dk.seal(&account, &field_aad(case, VaultField::Account))),
    ];
    if let Some(context) = context.filter(|c| !c.is_empty()) {
        let context = serde_json::to_vec(context).map_err(enc)?;
        fields.push((VaultField::AccountContext, dk.seal(&context, &field_aad(case, VaultField::AccountContext))));
    }
    Ok(Sealed { person_key: keys.wrap(dk, &key_aad(case)), fields })
}

/// Sealed vault fields, ready to store.
pub type VaultRows = Vec<(VaultField, Vec<u8>)>;

/// The vault fields and wrapped data key of a new case: sealed when there is a person, none
/// for an anonymous Duty to Notify report.
pub fn seal_if_identified(
    keys: &KeyRing,
    case: CaseId,
    person: Option<(&Identity, &PersonalAccount)>,
) -> Result<(VaultRows, Option<Vec<u8>>), AppError> {
    match person {
        Some((identity, account)) => {
            let sealed = seal(keys, case, identity, account)?;
            Ok((sealed.fields, Some(sealed.person_key)))
        }
        None => Ok((vec![], None)),
    }
}

/// Unwraps a person's data key.
pub fn data_key(keys: &KeyRing, case: CaseId, wrapped: &[u8]) -> Result<DataKey, AppError> {
    keys.unwrap(wrapped, &key_aad(case))
        .map_err(|e| AppError::Internal(format!("cannot unwrap the data key of {case}: {e}")))
}

/// Opens one sealed field and decodes it.
pub fn open<T: serde::de::DeserializeOwned>(
    dk: &DataKey,
    case: CaseId,
    field: VaultField,
    sealed: &[u8],
) -> Result<T, AppError> {
    let plain = dk
        .open(sealed, &field_aad(case, field))
        .map_err(|e| AppError::Internal(format!("cannot open the {} of {case}: {e}", field.as_str())))?;
    serde_json::from_slice(&plain).map_err(|e| AppError::Internal(format!("unreadable vault entry: {e}")))
}

fn bound_aad(purpose: &str, binding: &[u8]) -> Vec<u8> {
    let mut aad = purpose.as_bytes().to_vec();
    aad.extend_from_slice(binding);
    aad
}

/// Seals `plain` under a fresh data key, the key wrapped by the master key, both bound to
/// `purpose` and `binding`: `v1.` then the wrapped key and the sealed bytes, base64url, joined
/// by `.`.
fn seal_bound(keys: &KeyRing, purpose: &str, binding: &[u8], plain: &[u8]) -> String {
    use base64::Engine;
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let dk = DataKey::generate();
    let aad = bound_aad(purpose, binding);
    format!("v1.{}.{}", b64.encode(keys.wrap(&dk, &aad)), b64.encode(dk.seal(plain, &aad)))
}

/// Opens what [`seal_bound`] sealed with the same purpose and binding; `None` if it cannot.
fn open_bound(keys: &KeyRing, purpose: &str, binding: &[u8], sealed: &str) -> Option<Vec<u8>> {
    use base64::Engine;
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let mut parts = sealed.split('.');
    let (Some("v1"), Some(wrapped), Some(body), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
        return None;
    };
    let aad = bound_aad(purpose, binding);
    let dk = keys.unwrap(&b64.decode(wrapped).ok()?, &aad).ok()?;
    dk.open(&b64.decode(body).ok()?, &aad).ok()
}

const DRAFT: &str = "safeguard/draft/v1|";
const KEPT_FORM: &str = "safeguard/kept-form/v1|";

/// Seals a referral draft under a fresh data key, bound to `binding` (the draft id and its
/// author, so a sealed draft cannot be moved to another row or user): `v1.` then the wrapped key and the sealed
/// draft, base64url, joined by `.`.
pub fn seal_draft(keys: &KeyRing, binding: &[u8], draft: &str) -> String {
    seal_bound(keys, DRAFT, binding, draft.as_bytes())
}

/// Opens a draft sealed by [`seal_draft`] with the same binding (its id and author).
pub fn open_draft(keys: &KeyRing, binding: &[u8], sealed: &str) -> Result<String, AppError> {
    let bad = || AppError::Internal("unreadable draft".into());
    String::from_utf8(open_bound(keys, DRAFT, binding, sealed).ok_or_else(bad)?).map_err(|_| bad())
}

/// Seals a form kept after its session ended (`crate::kept_forms`) as [`seal_draft`] seals a
/// draft, bound to `binding` (its user and token hash).
pub fn seal_kept_form(keys: &KeyRing, binding: &[u8], form: &[u8]) -> String {
    seal_bound(keys, KEPT_FORM, binding, form)
}

/// Opens a form sealed by [`seal_kept_form`] with the same binding.
pub fn open_kept_form(keys: &KeyRing, binding: &[u8], sealed: &str) -> Result<Vec<u8>, AppError> {
    open_bound(keys, KEPT_FORM, binding, sealed).ok_or_else(|| AppError::Internal("unreadable kept form".into()))
}

impl crate::App {
    /// Re-wraps every person's data key with the current master key, `page` at a time; returns
    /// how many. Each page is one transaction, so an interruption leaves every key readable
    /// (old pages under the old key, new ones under the new).
    pub async fn rewrap_all_person_keys(&self, page: u32) -> Result<u64, AppError> {
        let mut after = None;
        let mut count = 0;
        loop {
            let keys = self.store.person_keys_page(after, page).await?;
            let Some((last, _)) = keys.last() else { break };
            after = Some(*last);
            let mut rewrapped = Vec::with_capacity(keys.len());
            for (case, wrapped) in &keys {
                let dk = data_key(&self.keys, *case, wrapped)?;
                rewrapped.push((*case, self.keys.wrap(&dk, &key_aad(*case))));
            }
            self.store.replace_person_keys(&rewrapped).await?;
            count += rewrapped.len() as u64;
        }
        Ok(count)
    }
}
