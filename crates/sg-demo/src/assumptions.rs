//! How synthetic cases are drawn: each modelling choice, with its figure and its source.
//!
//! Figures from the data folder (`shared/data/uk-nrm`, Home Office NRM statistics, Open
//! Government Licence v3.0, via humaniverse/asylum) are used as published; figures quoted from
//! `shared/reference/nrm-domain.md` (section numbers given) are constants below. Where no source
//! gives a number, the constant says "assumption" and why the value is plausible.
//!
//! 1. **Referral date.** A quarter from 2014 Q1 to 2023 Q4 drawn by its NRM referrals plus Duty to
//!    Notify reports (`nrm_referrals_longitudinal.csv` without the `Total` location rows, and
//!    `nrm_duty_to_notify_longitudinal.csv`), then a uniform day in it. A date after `today` is
//!    moved to `today`.
//! 2. **Duty to Notify.** In each quarter a case is a Duty to Notify report (an adult who did not
//!    consent) with probability reports / (reports + referrals); among adults that is reports /
//!    (reports + adult referrals), for example 1,044 / (1,044 + 1,978) = 35% in 2023 Q4, and
//!    21,298 reports against 89,328 referrals (19% of all cases) over 2014–2023. None before
//!    2015 Q4 (the duty began on 1 November 2015). Reports come from specified public
//!    authorities in England and Wales (MSA 2015 s52; the Scottish and NI duties are unconfirmed,
//!    nrm-domain.md 2.4), so a report is drawn again when its responder is an NGO or pinned to
//!    Scotland or Northern Ireland, and its jurisdiction is England and Wales.
//! 3. **Age and location.** Drawn together from the same quarter's age × location counts, so the
//!    rise of child referrals (29% in 2014, 44% in 2023) is kept. The brief suggested taking age
//!    from the cube; the cube only covers 2022 Q2 – 2023 Q4, so its age mix would be wrong for
//!    the earlier years.
//! 4. **Responder, exploitation, gender, nationality.** One cell of the pooled referral cube
//!    (`quarterly/nrm_referrals_*.csv.gz`, 30,197 people over the seven quarters 2022 Q2 – 2023
//!    Q4) for the age drawn, weighted by people; subtotal rows are dropped and police forces come
//!    from the police files. The quarters are pooled because referral dates span 2014–2023 while
//!    the cube covers seven quarters: pooling uses all of it for every date, and the one trend
//!    that matters most (age) is already taken from the longitudinal table.
//!    - Exploitation labels (`Sexual, Labour & Criminal`) become sets of types; each type gets one
//!      plausible checkbox of the referral form (for example "Forced to commit a crime" for criminal). `Not specified or
//!      unknown` (11% of the cube) gets the most common type in the cube, **Labour**
//!      (computed, not fixed), with the form "Other", because a case needs at least one type.
//!    - Gender `Not Recorded` counts as unknown.
//!    - Nationality: the whole label, else the two halves of a dual label; `Unknown` and
//!      labels naming no country give no nationality (see `unmapped_nationality_labels`).
//! 5. **Jurisdiction.** Police Scotland, TARA → Scotland; PSNI, Belfast and Lisburn Women's Aid,
//!    Youth Work Alliance → Northern Ireland; every other police force and BAWSO, Kalayaan, Unseen
//!    → England and Wales. Responders that refer from anywhere (Home Office, local authorities,
//!    national charities) get Scotland and Northern Ireland with the shares those two forces have
//!    among police referrals in the cube (391 and 42 of 6,899: 5.7% and 0.6%).
//! 6. **Competent authority.** The SCA for every child and person of unknown age (nrm-domain.md
//!    2.5). The IECA decides only foreign adults' cases (offenders, immigration detention,
//!    inadmissibility), so for adults who are not British and are referred on or after
//!    [`IECA_START`], the IECA with probability [`IECA_SHARE_OF_ALL_REFERRALS`] divided by the
//!    adult share of referrals in the last year of the tables (50.7% in 2023) and by the foreign
//!    share of adults in the cube (90%): about 46%. Otherwise the SCA (the domain has no
//!    older authorities, so pre-April 2019 cases show the SCA).
//! 7. **Reasonable grounds.** Waiting time log-normal, median [`RG_MEDIAN_DAYS_BEFORE_2023`] days
//!    before 2023 and [`RG_MEDIAN_DAYS_2023`] by quarter of 2023. Outcome positive with the rate
//!    of the decision's quarter and age group in `nrm_reasonable_grounds.csv` (decisions after
//!    2023 use 2023 as a whole), so the 2023 fall (adults 41% positive) follows the decision date.
//! 8. **Conclusive grounds.** Only after a positive RG, at least [`RECOVERY_DAYS_BEFORE`] days
//!    after it when it was before [`RECOVERY_30_DAYS_FROM`] and [`RECOVERY_DAYS_AFTER`] from then
//!    on; otherwise log-normal, median [`CG_MEDIAN_DAYS`]. Outcome by the decision quarter and
//!    age group in `nrm_conclusive_grounds.csv`, as for RG.
//! 9. **Reconsideration, support, withdrawal.** See the constants below.
//!
//! Decisions whose date falls after `today` are not made: the case waits, as recent cases do.

use time::{macros::date, Date};

/// Share of all referrals routed to the IECA: "Q4 2025: 6,021 referrals (SCA 79%, IECA 21%)"
/// (nrm-domain.md 3.2). The IECA takes only adults, so the generator divides by the adult share.
pub const IECA_SHARE_OF_ALL_REFERRALS: f64 = 0.21;
/// The IECA was created on 8 November 2021 (nrm-domain.md 2.1).
pub const IECA_START: Date = date!(2021 - 11 - 08);
/// Median days from referral to RG decision before 2023: "median 5–6 days before 2023"
/// (nrm-domain.md 2.6, BIICL/PEC report).
pub const RG_MEDIAN_DAYS_BEFORE_2023: f64 = 6.0;
/// Median days to RG for referrals in 2023 Q1–Q4, and later. Q3 is the source's "up to 47 days
/// in Q3 2023" (nrm-domain.md 2.6); the other quarters are an assumption that the wait grew
/// through the year after the NABA threshold change of 30 January 2023 and eased a little after.
pub const RG_MEDIAN_DAYS_2023: [f64; 4] = [20.0, 35.0, 47.0, 40.0];
/// Spread of the RG wait (log-normal sigma; assumption): with median 6 days, 90% of decisions
/// come within about 19 days.
pub const RG_SIGMA: f64 = 0.9;
/// Minimum recovery period before 13 December 2022: 45 days (nrm-domain.md 2.7, 2.16).
pub const RECOVERY_DAYS_BEFORE: i64 = 45;
/// Minimum recovery period from 13 December 2022: 30 days (nrm-domain.md 2.7, 2.16).
pub const RECOVERY_DAYS_AFTER: i64 = 30;
/// The day the 30-day minimum began.
pub const RECOVERY_30_DAYS_FROM: Date = date!(2022 - 12 - 13);
/// Median days from the start of the recovery period to the CG decision. With
/// [`CG_SIGMA`] the mean is about 530 days, close to "average wait for a CG decision was 550
/// days in Q3 2025" (nrm-domain.md 2.8).
pub const CG_MEDIAN_DAYS: f64 = 470.0;
/// Spread of the CG wait (log-normal sigma; assumption): 90% between about 205 and 1,080 days.
pub const CG_SIGMA: f64 = 0.5;
/// Share of negative RG decisions that get a reconsideration request. Q1 2025 annex: 183 accepted
/// RG requests (nrm-domain.md 2.10), against about 2,400 negative RG decisions a quarter (Q4
/// 2025: 6,346 decisions, 62% positive; nrm-domain.md 3.2): about 8%.
pub const RG_RECONSIDERATION_SHARE: f64 = 0.08;
/// Share of negative CG decisions that get a reconsideration request: 117 accepted CG requests in
/// Q1 2025 against about 2,000 negative CG decisions a quarter (Q4 2025: 7,406, 73% positive):
/// about 6%.
pub const CG_RECONSIDERATION_SHARE: f64 = 0.06;
/// Requests come within 30 calendar days of the decision (guidance v3.8, nrm-domain.md 2.10).
pub const RECONSIDERATION_WITHIN_DAYS: i64 = 30;
/// Median days to decide a reconsideration (assumption: no published figure; two months).
pub const RECONSIDERATION_MEDIAN_DAYS: f64 = 60.0;
/// Share of reconsiderations that overturn the decision: "In 2024 more than 70% of reconsidered
/// cases were overturned" (nrm-domain.md 2.10).
pub const OVERTURNED_SHARE: f64 = 0.70;
/// Share of adults with a positive RG decision who enter Home Office-funded support
/// (assumption: support needs the adult's separate consent and is needs-based, nrm-domain.md
/// 2.3, 2.12; no figure is published in the data, so one in two). They enter within a week.
pub const SUPPORT_SHARE: f64 = 0.5;
/// Days of move-on support after a positive CG before leaving support: "at least 45 days"
/// (nrm-domain.md 2.12); up to twice that when a recovery needs assessment extends it.
pub const MOVE_ON_DAYS: (i64, i64) = (45, 90);
/// Days of exit support after a negative CG: "up to 14 days" (nrm-domain.md 2.12).
pub const EXIT_AFTER_NEGATIVE_DAYS: (i64, i64) = (7, 14);
/// Share of adult referrals withdrawn by the person (assumption: "an adult can withdraw at any
/// time", nrm-domain.md 2.3; no figure published, so a small 3%), within a year of referral.
pub const WITHDRAWN_SHARE: f64 = 0.03;
/// Withdrawals happen uniformly within this many days of the referral (assumption).
pub const WITHDRAWN_WITHIN_DAYS: i64 = 365;
/// Age at referral for the synthetic date of birth: children 12 to 17 and adults 18 to 55
/// (assumption; the tables give only the age group). People of unknown age have no date of birth.
pub const CHILD_AGE_YEARS: (i64, i64) = (12, 17);
/// See [`CHILD_AGE_YEARS`].
pub const ADULT_AGE_YEARS: (i64, i64) = (18, 55);
