//! Demonstration data: synthetic cases drawn from the real NRM statistics (see `sg-demo`),
//! stored through the same domain rules as real ones.

use sg_demo::{generate, Distributions};
use sg_domain::lifecycle::open_case;
use sg_domain::Coded;
use sg_domain::{CaseId, CaseReference, CaseState, Role, UserId};
use std::collections::{HashMap, VecDeque};
use std::sync::Arc;

use sg_store::{CaseBatches, NewCase, NewUser, OrgKind, StoreError, StoreResult};
use sha2::Digest;

use crate::{App, AppError};

/// The organisation that demonstration cases are recorded under.
pub const DEMO_ORG: &str = "Safeguard demonstration data";
/// The user that demonstration cases are recorded by.
pub const DEMO_USER: &str = "demo-data";
/// Cases per batch: large enough that handing a batch over costs little, small enough that the
/// first batch (generated while the writer waits) and the last (written while the generators
/// wait) are short.
const BATCH: u64 = 2_000;

impl App {
    /// Adds `n` synthetic cases for `seed`, calling `progress` with the number stored so far.
    /// Case `i` of seed `s` is always the same case.
    pub async fn add_demo_cases(
        &self,
        dist: &Distributions,
        n: u64,
        seed: u64,
        progress: impl Fn(u64) + Send + Sync,
    ) -> Result<(), AppError> {
        let user = self.demo_user().await?;
        let job = Arc::new(Job {
            keys: self.keys.clone(),
            dist: dist.clone(),
            seed,
            today: self.clock.today(),
            now: self.clock.now(),
            user,
        });
        // The generators run ahead of the writer on every core, each on a batch of its own;
        // batches are handed over in order, so ids still ascend in the store.
        let ahead = std::thread::available_parallelism().map_or(2, |p| p.get()).max(2);
        // The providers are looked up now, not while the load holds the database: a large load
        // may lock out readers until it commits (see `load_cases`).
        let mut names = HashMap::new();
        for name in sg_demo::SUPPORT_PROVIDERS {
            names.insert(name.to_string(), self.store.org_by_name(name).await?.map(|o| o.id));
        }
        let mut batches =
            DemoBatches { app: self, job, next: 0, n, ahead, running: VecDeque::new(), names, failed: None };
        let stored = self.store.load_cases(n, &mut batches, &progress).await;
        if let Some(e) = batches.failed.take() {
            return Err(e);
        }
        stored?;
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

/// What every demonstration case of one load is made from.
struct Job {
    keys: Arc<sg_crypto::KeyRing>,
    dist: Distributions,
    seed: u64,
    today: time::Date,
    now: time::OffsetDateTime,
    user: sg_store::User,
}

type Generating = tokio::task::JoinHandle<Result<Vec<NewCase>, AppError>>;

/// The batches of a demonstration load: up to `ahead` generated at once on blocking threads,
/// given to the store in index order.
struct DemoBatches<'a> {
    app: &'a App,
    job: Arc<Job>,
    /// The index of the first case not yet handed to a generator.
    next: u64,
    n: u64,
    ahead: usize,
    running: VecDeque<Generating>,
    /// Demonstration support providers are names; those that are organisations here count.
    names: HashMap<String, Option<sg_domain::OrgId>>,
    /// What stopped the generators, given back to the caller as it was.
    failed: Option<AppError>,
}

impl DemoBatches<'_> {
    /// Starts generators until `ahead` are running or every case has one.
    fn start(&mut self) {
        while self.running.len() < self.ahead && self.next < self.n {
            let (start, end) = (self.next, (self.next + BATCH).min(self.n));
            let job = self.job.clone();
            self.running.push_back(tokio::task::spawn_blocking(move || {
                (start..end).map(|i| demo_case(&job, i)).collect::<Result<Vec<_>, _>>()
            }));
            self.next = end;
        }
    }

    async fn next(&mut self) -> Option<Result<Vec<NewCase>, AppError>> {
        self.start();
        let generating = self.running.pop_front()?;
        // The next generator starts before this batch is written, so that writing overlaps it.
        self.start();
        let batch = generating.await.map_err(|e| AppError::Internal(format!("the demo generator stopped: {e}")));
        let mut batch = match batch {
            Ok(Ok(batch)) => batch,
            Ok(Err(e)) | Err(e) => return Some(Err(e)),
        };
        for c in &mut batch {
            match crate::relationships::rows(self.app.store.as_ref(), &c.state, &mut self.names).await {
                Ok(rows) => c.relationships = rows,
                Err(e) => return Some(Err(e)),
            }
        }
        Some(Ok(batch))
    }
}

#[async_trait::async_trait]
impl CaseBatches for DemoBatches<'_> {
    async fn next_batch(&mut self) -> Option<StoreResult<Vec<NewCase>>> {
        match self.next().await? {
            Ok(batch) => Some(Ok(batch)),
            Err(e) => {
                self.failed = Some(e);
                Some(Err(StoreError::Other("the demonstration data could not be generated".into())))
            }
        }
    }
}

fn demo_case(job: &Job, index: u64) -> Result<NewCase, AppError> {
    let Job { keys, dist, seed, today, now, user } = job;
    let (seed, today, now) = (*seed, *today, *now);
    let c = generate(dist, seed, index, today);
    let route = sg_app_route(&c);
    let on = c.facts.referred_on;
    let identified = c.consent_to_referral || c.facts.age_at_referral().treated_as_child();
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
