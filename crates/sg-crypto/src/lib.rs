//! Field encryption for the identity vault.
//!
//! Each person has a random **data key**; their identity and account are sealed with it using
//! XChaCha20-Poly1305, with associated data that binds each value to its case and field, so a
//! ciphertext moved to another record or field fails to open. Data keys are stored only
//! **wrapped** (sealed) by a **master key** that lives outside the database. Destroying a
//! person's wrapped data key erases their identity for good (crypto-shredding); rotating the
//! master key re-wraps data keys without touching the data.
//!
//! Every envelope names the key that sealed it:
//! `0x01 | key id length (1 byte) | key id | nonce (24 bytes) | ciphertext and tag`.

use std::fmt;

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rand::RngCore;
use zeroize::{Zeroize, ZeroizeOnDrop};

/// The envelope format's version byte.
const VERSION: u8 = 1;
const NONCE_LEN: usize = 24;

/// Why a value could not be opened or a key could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CryptoError {
    /// The bytes are not an envelope of a known version.
    #[error("not a Safeguard envelope (bad version or truncated)")]
    Malformed,
    /// The envelope names a key this key ring does not have.
    #[error("the key {0:?} that sealed this value is not available")]
    UnknownKey(String),
    /// Authentication failed: the value, its associated data or the key is wrong.
    #[error("the value failed authentication: it was altered, moved, or sealed with another key")]
    Tampered,
    /// A key file's contents are not a key.
    #[error("{0}")]
    BadKey(String),
}

/// 32 secret bytes, wiped from memory when dropped and never printed.
#[derive(Clone, Zeroize, ZeroizeOnDrop, PartialEq, Eq)]
struct Secret([u8; 32]);

impl Secret {
    fn random() -> Self {
        let mut b = [0u8; 32];
        rand::rng().fill_bytes(&mut b);
        Self(b)
    }
}

/// The envelope's header (version and key id) is authenticated with the caller's associated
/// data, so the key id cannot be changed unnoticed either.
fn header(key_id: &str) -> Vec<u8> {
    let id = key_id.as_bytes();
    let mut h = Vec::with_capacity(2 + id.len());
    h.push(VERSION);
    h.push(u8::try_from(id.len()).expect("key ids are short"));
    h.extend_from_slice(id);
    h
}

fn seal(key: &Secret, key_id: &str, plaintext: &[u8], aad: &[u8]) -> Vec<u8> {
    let cipher = XChaCha20Poly1305::new((&key.0).into());
    let mut nonce = [0u8; NONCE_LEN];
    rand::rng().fill_bytes(&mut nonce);
    let mut out = header(key_id);
    let full_aad = [out.as_slice(), aad].concat();
    let ct = cipher
        .encrypt(XNonce::from_slice(&nonce), Payload { msg: plaintext, aad: &full_aad })
        .expect("XChaCha20-Poly1305 encryption cannot fail for in-memory buffers");
    out.reserve(NONCE_LEN + ct.len());
    out.extend_from_slice(&nonce);
    out.extend_from_slice(&ct);
    out
}

/// The first bytes of every envelope sealed by the master key `key_id` (version, id length, id):
/// what the store matches to count the data keys one master key wraps.
pub fn envelope_header(key_id: &str) -> Vec<u8> {
    header(key_id)
}

/// The key id an envelope names.
pub fn envelope_key_id(envelope: &[u8]) -> Result<&str, CryptoError> {
    parse(envelope).map(|(id, _, _)| id)
}

fn parse(envelope: &[u8]) -> Result<(&str, &[u8], &[u8]), CryptoError> {
    let (&version, rest) = envelope.split_first().ok_or(CryptoError::Malformed)?;
    let (&id_len, rest) = rest.split_first().ok_or(CryptoError::Malformed)?;
    if version != VERSION || rest.len() < id_len as usize + NONCE_LEN + 16 {
        return Err(CryptoError::Malformed);
    }
    let (id, rest) = rest.split_at(id_len as usize);
    let (nonce, ct) = rest.split_at(NONCE_LEN);
    Ok((std::str::from_utf8(id).map_err(|_| CryptoError::Malformed)?, nonce, ct))
}

fn open(key: &Secret, envelope: &[u8], aad: &[u8]) -> Result<Vec<u8>, CryptoError> {
    let (id, nonce, ct) = parse(envelope)?;
    let full_aad = [header(id).as_slice(), aad].concat();
    XChaCha20Poly1305::new((&key.0).into())
        .decrypt(XNonce::from_slice(nonce), Payload { msg: ct, aad: &full_aad })
        .map_err(|_| CryptoError::Tampered)
}

/// One person's data key.
#[derive(Clone)]
pub struct DataKey(Secret);

impl fmt::Debug for DataKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DataKey(***)")
    }
}

/// The key id written into envelopes sealed with a person's data key.
const DATA_KEY_ID: &str = "person-v1";

impl DataKey {
    /// A new random data key.
    pub fn generate() -> Self {
        Self(Secret::random())
    }
    /// Seals a value; `aad` binds it to where it belongs (case and field).
    pub fn seal(&self, plaintext: &[u8], aad: &[u8]) -> Vec<u8> {
        seal(&self.0, DATA_KEY_ID, plaintext, aad)
    }
    /// Opens a value sealed with this key and the same `aad`.
    pub fn open(&self, envelope: &[u8], aad: &[u8]) -> Result<Vec<u8>, CryptoError> {
        open(&self.0, envelope, aad)
    }
}

/// A master key and its id (the id goes into every envelope it seals).
#[derive(Clone)]
pub struct MasterKey {
    id: String,
    key: Secret,
}

impl fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "MasterKey({}, ***)", self.id)
    }
}

impl MasterKey {
    /// A new random master key with this id.
    pub fn generate(id: &str) -> Self {
        Self { id: id.to_string(), key: Secret::random() }
    }
    /// Reads a key file's text: 64 hexadecimal digits (whitespace around them is ignored).
    pub fn from_hex(id: &str, text: &str) -> Result<Self, CryptoError> {
        let mut bytes = [0u8; 32];
        hex::decode_to_slice(text.trim(), &mut bytes)
            .map_err(|_| CryptoError::BadKey(format!("master key {id:?} is not 64 hexadecimal digits")))?;
        if id.is_empty() || id.len() > 64 {
            return Err(CryptoError::BadKey("a master key id must be 1 to 64 characters".into()));
        }
        Ok(Self { id: id.to_string(), key: Secret(bytes) })
    }
    /// The key as a key file's text.
    pub fn to_hex(&self) -> String {
        hex::encode(self.key.0)
    }
    /// The key's id.
    pub fn id(&self) -> &str {
        &self.id
    }
}

/// The master keys: the newest seals, any of them opens.
#[derive(Debug, Clone)]
pub struct KeyRing {
    keys: Vec<MasterKey>,
}

impl KeyRing {
    /// A key ring whose last key is the current one. Needs at least one key.
    pub fn new(keys: Vec<MasterKey>) -> Result<Self, CryptoError> {
        if keys.is_empty() {
            return Err(CryptoError::BadKey("no master key".into()));
        }
        Ok(Self { keys })
    }
    /// The ids of the master keys, oldest first (the last one seals).
    pub fn ids(&self) -> Vec<&str> {
        self.keys.iter().map(|k| k.id.as_str()).collect()
    }
    /// The key that seals new values.
    pub fn current(&self) -> &MasterKey {
        self.keys.last().expect("never empty")
    }
    /// Wraps a person's data key with the current master key; `aad` names the person's record.
    pub fn wrap(&self, data_key: &DataKey, aad: &[u8]) -> Vec<u8> {
        let current = self.current();
        seal(&current.key, &current.id, &data_key.0 .0, aad)
    }
    /// Seals a small secret (a TOTP secret, say) directly with the current master key.
    pub fn seal(&self, plaintext: &[u8], aad: &[u8]) -> Vec<u8> {
        let current = self.current();
        seal(&current.key, &current.id, plaintext, aad)
    }

    /// Opens a secret sealed by [`KeyRing::seal`] with whichever master key sealed it.
    pub fn open(&self, envelope: &[u8], aad: &[u8]) -> Result<Vec<u8>, CryptoError> {
        let id = envelope_key_id(envelope)?;
        let key = self.keys.iter().find(|k| k.id == id).ok_or_else(|| CryptoError::UnknownKey(id.to_string()))?;
        open(&key.key, envelope, aad)
    }

    /// A value derived from the current master key, `label` and `data` (SHA-256 over the key and
    /// length-prefixed inputs): stable for the same inputs, unguessable without the key.
    pub fn derive(&self, label: &str, data: &[u8]) -> [u8; 32] {
        use sha2::Digest;
        let mut h = sha2::Sha256::new();
        h.update(self.current().key.0);
        h.update((label.len() as u64).to_be_bytes());
        h.update(label.as_bytes());
        h.update((data.len() as u64).to_be_bytes());
        h.update(data);
        h.finalize().into()
    }

    /// Unwraps a data key with whichever master key sealed it.
    pub fn unwrap(&self, wrapped: &[u8], aad: &[u8]) -> Result<DataKey, CryptoError> {
        let id = envelope_key_id(wrapped)?;
        let key = self.keys.iter().find(|k| k.id == id).ok_or_else(|| CryptoError::UnknownKey(id.to_string()))?;
        let mut bytes = open(&key.key, wrapped, aad)?;
        let secret: [u8; 32] = bytes.as_slice().try_into().map_err(|_| CryptoError::Tampered)?;
        bytes.zeroize();
        Ok(DataKey(Secret(secret)))
    }
}

/// The secret that keys request fingerprints (HMAC-SHA256), kept in a key file beside the master
/// keys. An unkeyed hash of a request that holds a name and a date of birth is found again by
/// guessing names and dates; a keyed one cannot be checked without this file.
#[derive(Clone)]
pub struct FingerprintKey(Secret);

impl fmt::Debug for FingerprintKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("FingerprintKey(***)")
    }
}

impl FingerprintKey {
    /// A new random key.
    pub fn generate() -> Self {
        Self(Secret::random())
    }
    /// Reads a key file's text: 64 hexadecimal digits.
    pub fn from_hex(text: &str) -> Result<Self, CryptoError> {
        let mut bytes = [0u8; 32];
        hex::decode_to_slice(text.trim(), &mut bytes)
            .map_err(|_| CryptoError::BadKey("the fingerprint key is not 64 hexadecimal digits".into()))?;
        Ok(Self(Secret(bytes)))
    }
    /// The key as a key file's text.
    pub fn to_hex(&self) -> String {
        hex::encode(self.0 .0)
    }
    /// The keyed fingerprint of a request: HMAC-SHA256 of its SHA-256 digest. Fingerprints
    /// stored before the key existed were that digest, so they are re-keyed in place with this
    /// same function and still match their retries.
    pub fn fingerprint(&self, digest: &[u8]) -> Vec<u8> {
        use hmac::Mac;
        let mut mac = <hmac::Hmac<sha2::Sha256> as Mac>::new_from_slice(&self.0 .0).expect("HMAC takes any key length");
        mac.update(digest);
        mac.finalize().into_bytes().to_vec()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_opens_only_with_its_key_and_its_associated_data() {
        let dk = DataKey::generate();
        let sealed = dk.seal(b"Ana Example", b"case-1|identity");
        assert_eq!(dk.open(&sealed, b"case-1|identity").unwrap(), b"Ana Example");
        assert_eq!(dk.open(&sealed, b"case-2|identity"), Err(CryptoError::Tampered));
        assert_eq!(DataKey::generate().open(&sealed, b"case-1|identity"), Err(CryptoError::Tampered));
        assert!(!sealed.windows(3).any(|w| w == b"Ana"), "plaintext visible in the envelope");
    }

    #[test]
    fn any_changed_byte_is_detected() {
        let dk = DataKey::generate();
        let sealed = dk.seal(b"secret", b"aad");
        for i in 0..sealed.len() {
            let mut bad = sealed.clone();
            bad[i] ^= 0x01;
            assert!(dk.open(&bad, b"aad").is_err(), "byte {i} changed unnoticed");
        }
        assert_eq!(dk.open(&sealed[..10], b"aad"), Err(CryptoError::Malformed));
    }

    #[test]
    fn wrapped_keys_open_after_rotation_and_name_their_master_key() {
        let old = MasterKey::generate("m1");
        let ring = KeyRing::new(vec![old.clone()]).unwrap();
        let dk = DataKey::generate();
        let wrapped = ring.wrap(&dk, b"case-1");
        assert_eq!(envelope_key_id(&wrapped).unwrap(), "m1");
        let rotated = KeyRing::new(vec![old, MasterKey::generate("m2")]).unwrap();
        let again = rotated.unwrap(&wrapped, b"case-1").unwrap();
        let rewrapped = rotated.wrap(&again, b"case-1");
        assert_eq!(envelope_key_id(&rewrapped).unwrap(), "m2");
        let sealed = dk.seal(b"x", b"a");
        assert_eq!(rotated.unwrap(&rewrapped, b"case-1").unwrap().open(&sealed, b"a").unwrap(), b"x");
        let without_old = KeyRing::new(vec![MasterKey::generate("m3")]).unwrap();
        assert_eq!(without_old.unwrap(&wrapped, b"case-1").unwrap_err(), CryptoError::UnknownKey("m1".into()));
    }

    #[test]
    fn key_files_round_trip_and_bad_ones_are_refused() {
        let k = MasterKey::generate("m1");
        let back = MasterKey::from_hex("m1", &format!("{}\n", k.to_hex())).unwrap();
        let ring = KeyRing::new(vec![k]).unwrap();
        let w = ring.wrap(&DataKey::generate(), b"x");
        KeyRing::new(vec![back]).unwrap().unwrap(&w, b"x").unwrap();
        assert!(MasterKey::from_hex("m1", "abc").is_err());
        assert!(!format!("{:?}", ring).contains(&ring.current().to_hex()));
    }

    #[test]
    fn fingerprints_depend_on_the_key() {
        let k = FingerprintKey::generate();
        let again = FingerprintKey::from_hex(&k.to_hex()).unwrap();
        assert_eq!(k.fingerprint(b"digest"), again.fingerprint(b"digest"));
        assert_ne!(k.fingerprint(b"digest"), FingerprintKey::generate().fingerprint(b"digest"));
        assert_ne!(k.fingerprint(b"digest"), k.fingerprint(b"other"));
        assert!(!format!("{k:?}").contains(&k.to_hex()));
    }
}
