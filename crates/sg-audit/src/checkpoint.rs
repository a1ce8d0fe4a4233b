//! Signed checkpoints of the chain's head. A hash chain alone is rebuilt by anyone who can
//! write the log; a checkpoint is the head `(seq, hash)` signed with an Ed25519 key kept outside
//! the database, so a log whose entries were deleted or rewritten and the chain recomputed no
//! longer matches the signed heads, and monitors check them with the public key alone.
//!
//! Pure: the caller reads the key file and passes the key in.

use ed25519_dalek::{Signature, Signer, SigningKey, Verifier as _, VerifyingKey};
use serde::Serialize;

/// What every checkpoint signature covers before its fields, so that a signature made for
/// anything else never passes as a checkpoint.
const DOMAIN: &[u8] = b"safeguard-audit-checkpoint-v1";

/// A signed head of the chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Checkpoint {
    /// The last entry covered.
    pub seq: u64,
    /// That entry's hash.
    #[serde(serialize_with = "crate::as_hex")]
    pub hash: [u8; 32],
    /// When it was signed, in Unix seconds.
    pub signed_at: i64,
    /// The Ed25519 signature over [`Checkpoint::message`].
    #[serde(serialize_with = "hex_bytes")]
    pub signature: Vec<u8>,
}

fn hex_bytes<S: serde::Serializer>(b: &[u8], s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&hex::encode(b))
}

impl Checkpoint {
    /// The bytes signed: a domain label, the position, the hash and the time.
    pub fn message(seq: u64, hash: &[u8; 32], signed_at: i64) -> Vec<u8> {
        let mut m = Vec::with_capacity(DOMAIN.len() + 48);
        m.extend_from_slice(DOMAIN);
        m.extend_from_slice(&seq.to_be_bytes());
        m.extend_from_slice(hash);
        m.extend_from_slice(&signed_at.to_be_bytes());
        m
    }

    /// Whether the signature is this checkpoint's, made with the key of `public`.
    pub fn verifies(&self, public: &PublicKey) -> bool {
        let Ok(signature) = Signature::from_slice(&self.signature) else { return false };
        public.0.verify(&Self::message(self.seq, &self.hash, self.signed_at), &signature).is_ok()
    }
}

/// Why a key could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct BadKey(String);

/// The secret key that signs checkpoints; wiped from memory when dropped, never printed.
pub struct AuditSigner(SigningKey);

impl std::fmt::Debug for AuditSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AuditSigner(***)")
    }
}

impl AuditSigner {
    /// A signer from 32 secret bytes (a key file's contents, or fresh random bytes).
    pub fn from_bytes(secret: &[u8; 32]) -> Self {
        Self(SigningKey::from_bytes(secret))
    }

    /// Reads a key file's text: 64 hexadecimal digits.
    pub fn from_hex(text: &str) -> Result<Self, BadKey> {
        let mut bytes = [0u8; 32];
        hex::decode_to_slice(text.trim(), &mut bytes)
            .map_err(|_| BadKey("the audit signing key is not 64 hexadecimal digits".into()))?;
        let signer = Self::from_bytes(&bytes);
        bytes.fill(0);
        Ok(signer)
    }

    /// The key as a key file's text.
    pub fn to_hex(&self) -> String {
        hex::encode(self.0.to_bytes())
    }

    /// The public key monitors verify with.
    pub fn public_key(&self) -> PublicKey {
        PublicKey(self.0.verifying_key())
    }

    /// Signs the head `(seq, hash)` at `signed_at`.
    pub fn sign(&self, seq: u64, hash: [u8; 32], signed_at: i64) -> Checkpoint {
        let signature = self.0.sign(&Checkpoint::message(seq, &hash, signed_at)).to_bytes().to_vec();
        Checkpoint { seq, hash, signed_at, signature }
    }
}

/// The public half of the signing key, written as 64 hexadecimal digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PublicKey(VerifyingKey);

impl PublicKey {
    /// Reads 64 hexadecimal digits.
    pub fn from_hex(text: &str) -> Result<Self, BadKey> {
        let mut bytes = [0u8; 32];
        hex::decode_to_slice(text.trim(), &mut bytes)
            .map_err(|_| BadKey("a public key is 64 hexadecimal digits".into()))?;
        VerifyingKey::from_bytes(&bytes).map(Self).map_err(|_| BadKey("not an Ed25519 public key".into()))
    }

    /// As 64 hexadecimal digits.
    pub fn to_hex(&self) -> String {
        hex::encode(self.0.as_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_checkpoint_verifies_only_unchanged_and_with_its_key() {
        let signer = AuditSigner::from_bytes(&[7; 32]);
        let public = PublicKey::from_hex(&signer.public_key().to_hex()).unwrap();
        let cp = signer.sign(10, [1; 32], 1_700_000_000);
        assert!(cp.verifies(&public));
        assert!(!Checkpoint { seq: 9, ..cp.clone() }.verifies(&public));
        assert!(!Checkpoint { hash: [2; 32], ..cp.clone() }.verifies(&public));
        assert!(!Checkpoint { signed_at: 1, ..cp.clone() }.verifies(&public));
        assert!(!cp.verifies(&AuditSigner::from_bytes(&[8; 32]).public_key()));
        let back = AuditSigner::from_hex(&signer.to_hex()).unwrap();
        assert_eq!(back.public_key(), signer.public_key());
        assert!(!format!("{signer:?}").contains(&signer.to_hex()));
        assert!(PublicKey::from_hex("zz").is_err());
    }
}
