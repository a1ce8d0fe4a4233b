-- The case list of an organisation, newest referral first, at a million cases: each index ends
-- in (referred_on DESC, id DESC), the list's order, so a page is read in order and stops early,
-- and the filters the list offers are answered inside an index rather than row by row.
-- The organisation's cases with every filter column alongside, so filtering and counting
-- need no table rows; it replaces cases_by_org.
DROP INDEX cases_by_org;
CREATE INDEX cases_by_org ON cases (created_by_org, referred_on DESC, id DESC, status, kind, jurisdiction, age, competent_authority);
-- Filtering by status, by jurisdiction (with or without age) or by competent authority counts a
-- range of an index.
CREATE INDEX cases_by_org_status ON cases (created_by_org, status, referred_on DESC, id DESC);
CREATE INDEX cases_by_org_place ON cases (created_by_org, jurisdiction, age, referred_on DESC, id DESC);
CREATE INDEX cases_by_org_authority ON cases (created_by_org, competent_authority, referred_on DESC, id DESC);
