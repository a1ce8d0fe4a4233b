-- A reservation of an Idempotency-Key is a lease: the server answering the request renews it
-- while it runs (every 10 s, to 30 s ahead), and another server takes the key over only once
-- it has run out, so a live server's request is never run twice. Rows reserved before this
-- migration have an expired lease (0) and are taken over as before.
ALTER TABLE api_idempotency ADD COLUMN lease_until BIGINT NOT NULL DEFAULT 0;
