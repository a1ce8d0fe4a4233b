-- Accounts against takeover (issue 16): single-use TOTP codes and atomic sign-in throttling.

-- The last TOTP time step accepted for this user: a code of that step or an earlier one is
-- refused, so a code seen over a shoulder or in a proxy's log cannot be used again.
ALTER TABLE users ADD COLUMN totp_last_step BIGINT;

-- Sign-in throttling, one row per key (a hash of a name, of an address, or of both), locked
-- and written in one transaction per attempt so that simultaneous attempts are counted one by
-- one, by every server process. Not in backups: it is state of minutes.
CREATE TABLE sign_in_throttle (
    key           BYTEA PRIMARY KEY,
    failures      BIGINT NOT NULL,
    blocked_until BIGINT NOT NULL,
    last_at       BIGINT NOT NULL
);

-- Replaced by sign_in_throttle (it counted failures after they were evaluated, so simultaneous
-- attempts were all evaluated).
DROP TABLE sign_in_failures;
