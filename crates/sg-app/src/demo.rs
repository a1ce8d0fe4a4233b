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
const BATCH: u64 = 5_000;

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
        let user = std::sync::Arc::new(self.demo_user().await?);
        let dist = std::sync::Arc::new(dist.clone());
        let today = self.clock.today();
        let now = self.clock.now();
        // A pipeline of two: the store writes one batch on its own task while this one builds
        // the next (generating, sealing, wrapping keys) on a blocking thread, so on a multi-core machine the CPU
        // work and the database work overlap instead of taking turns.
        let mut writing: Option<(u64, tokio::task::JoinHandle<sg_store::StoreResult<()>>)> = None;
        let mut start = 0;
        // Demonstration support providers are names; those that are organisations here count.
        let mut names = std::collections::HashMap::new();
        while start < n {
            let end = (start + BATCH).min(n);
            let (keys, dist, user) = (self.keys.clone(), dist.clone(), user.clone());
            let batch = tokio::task::spawn_blocking(move || {
                (start..end).map(|i| demo_case(&keys, &dist, seed, i, today, now, &user)).collect::<Result<Vec<_>, _>>()
            })
            .await
            .map_err(|e| AppError::Internal(format!("the demo generator stopped: {e}")))??;
            let mut batch = batch;
            for c in &mut batch {
                c.relationships = crate::relationships::rows(self.store.as_ref(), &c.state, &mut names).await?;
            }
            if let Some((done, previous)) = writing.take() {
                join(previous).await?;
                progress(done);
            }
            let store = self.store.clone();
            writing = Some((end, tokio::spawn(async move { store.create_cases_bulk(&batch).await })));
            start = end;
        }
        if let Some((done, last)) = writing {
            join(last).await?;
            progress(done);
        }
        Ok(())
    }

    async fn demo_user(&self) -> Result<sg_store::User, AppError> {
        if let Some((user, _)) = self.store.user_by_name(DEMO_USER).await? {
            return Ok(user);
        }
        let org = self.store.ensure_org(DEMO_ORG, OrgKind::Ngo, self.clock.now()).await?;
        crate::auth::check_org_kind(org.kind, Role::FirstResponder)?;
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

async fn join(write: tokio::task::JoinHandle<sg_store::StoreResult<()>>) -> Result<(), AppError> {
    write.await.map_err(|e| AppError::Internal(format!("the demo writer stopped: {e}")))?.map_err(AppError::from)
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
    // It is a version 7 UUID whose time field is the index: consecutive cases get ascending
    // ids, so a bulk load appends to the B-trees keyed by case id (cases, events, vault, keys)
    // instead of inserting all over them; the rest (and so the reference) stays random per
    // (seed, index).
    let digest = sha2::Sha256::digest([seed.to_le_bytes(), index.to_le_bytes()].concat());
    let random: [u8; 10] = digest[..10].try_into().expect("ten bytes");
    let id = CaseId(uuid::Builder::from_unix_timestamp_millis(index, &random).into_uuid());
    let person = identified.then_some((&c.identity, &c.account));
    let (vault, person_key) = crate::vault::seal_if_identified(keys, id, person)?;
    Ok(NewCase {
        id,
        reference: CaseReference::for_case(id),
        next_due: crate::queue::next_due(&events),
        events,
        state,
        created_by: user.id,
        created_by_org: user.org,
        created_at: now,
        vault,
        person_key,
        dtn_code_hash: None,
        relationships: Vec::new(),
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
