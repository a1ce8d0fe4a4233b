//! Demonstration data: synthetic cases drawn from the real NRM statistics (see `sg-demo`),
//! stored through the same domain rules as real ones.

use sg_demo::{generate, Distributions};
use sg_domain::lifecycle::open_case;
use sg_domain::Coded;
use sg_domain::{CaseId, CaseReference, CaseState, Role, UserId};
use sg_store::{NewCase, NewUser, OrgKind};
use sha2::Digest;

use crate::{App, AppError};

/// The organisation that demonstration cases are recorded under.
pub const DEMO_ORG: &str = "Safeguard demonstration data";
/// The user that demonstration cases are recorded by.
pub const DEMO_USER: &str = "demo-data";
/// Cases per transaction: large enough to amortise the commit's fsync, small enough to show
/// progress often.
const BATCH: u64 = 2_000;

impl App {
    /// Adds `n` synthetic cases for `seed`, calling `progress` with the number stored so far.
    /// Case `i` of seed `s` is always the same case.
    pub async fn add_demo_cases(
        &self,
        dist: &Distributions,
        n: u64,
        seed: u64,
        progress: impl Fn(u64),
    ) -> Result<(), AppError> {
        let user = self.demo_user().await?;
        let today = self.clock.today();
        let now = self.clock.now();
        let mut done = 0;
        while done < n {
            let end = (done + BATCH).min(n);
            let mut batch = Vec::with_capacity((end - done) as usize);
            for index in done..end {
                batch.push(demo_case(&self.keys, dist, seed, index, today, now, &user)?);
            }
            self.store.create_cases_bulk(&batch).await?;
            done = end;
            progress(done);
        }
        Ok(())
    }

    async fn demo_user(&self) -> Result<sg_store::User, AppError> {
        if let Some((user, _)) = self.store.user_by_name(DEMO_USER).await? {
            return Ok(user);
        }
        let org = self.store.ensure_org(DEMO_ORG, OrgKind::Other).await?;
        let new = NewUser {
            id: UserId(uuid::Uuid::new_v4()),
            org: org.id,
            name: DEMO_USER.into(),
            role: Role::FirstResponder,
            created_at: self.clock.now(),
        };
        Ok(self.store.create_user(&new).await?)
    }
}

fn demo_case(
    keys: &sg_crypto::KeyRing,
    dist: &Distributions,
    seed: u64,
    index: u64,
    today: time::Date,
    now: time::OffsetDateTime,
    user: &sg_store::User,
) -> Result<NewCase, AppError> {
    let c = generate(dist, seed, index, today);
    let route = sg_app_route(&c);
    let on = c.facts.referred_on;
    let identified = c.consent_to_referral || c.facts.age_at_exploitation.treated_as_child();
    let mut events = open_case(c.facts, c.consent_to_referral, route, on);
    let mut state = CaseState::replay(&events).ok_or_else(|| AppError::Internal("empty demo case".into()))?;
    for (command, date) in &c.steps {
        let new = state
            .decide(command, *date, today)
            .map_err(|e| AppError::Internal(format!("demo case {index} of seed {seed} is invalid: {e}")))?;
        new.iter().for_each(|e| state.apply(e));
        events.extend(new);
    }
    // A deterministic id per (seed, index) keeps references stable across runs of the same seed.
    let digest = sha2::Sha256::digest([seed.to_le_bytes(), index.to_le_bytes()].concat());
    let bytes: [u8; 16] = digest[..16].try_into().expect("sixteen bytes");
    let id = CaseId(uuid::Builder::from_random_bytes(bytes).into_uuid());
    let person = identified.then_some((&c.identity, &c.account));
    let (vault, person_key) = crate::vault::seal_if_identified(keys, id, person)?;
    Ok(NewCase {
        id,
        reference: CaseReference::for_case(id),
        events,
        state,
        created_by: user.id,
        created_by_org: user.org,
        created_at: now,
        vault,
        person_key,
        dtn_code_hash: None,
        audit: vec![sg_audit::AuditRecord {
            at: now.unix_timestamp(),
            actor: Some(user.id.to_string()),
            role: user.role.code().to_string(),
            action: sg_audit::AuditAction::CaseCreated,
            case_id: Some(id.to_string()),
            outcome: sg_audit::Outcome::Allowed,
            detail: "demonstration data".into(),
        }],
    })
}

fn sg_app_route(c: &sg_demo::DemoCase) -> (sg_domain::CompetentAuthority, String) {
    if c.competent_authority == sg_domain::CompetentAuthority::Sca {
        (c.competent_authority, "demonstration data: Single Competent Authority".into())
    } else {
        (c.competent_authority, "demonstration data: adult within the IECA's remit".into())
    }
}
