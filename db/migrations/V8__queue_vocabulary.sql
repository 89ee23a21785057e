-- One vocabulary for the two durable queues, job (V5) and forward_item (V4), which the server now runs through
-- one core (io.glassbox.server.queue.LeasedQueue): the same columns mean the same thing in both tables.
--
-- The pair kept is lease_expires_at + next_attempt_at, because each names the moment it holds:
--   job.run_after          -> next_attempt_at   "run after" reads as a job's; the next attempt is what the time is
--                                               for, whether the item was never tried or waits for a retry.
--   forward_item.lease_until -> lease_expires_at  the moment the lease ends, as in "lease_expires_at < now()".
-- Renaming keeps every row, and PostgreSQL carries the indexes (job_claimable_idx, job_lease_idx) and
-- constraints over to the new names.
ALTER TABLE job RENAME COLUMN run_after TO next_attempt_at;
ALTER TABLE forward_item RENAME COLUMN lease_until TO lease_expires_at;

-- The core fences every change a holder makes by its claim's token, and names the holder when a lease it stopped
-- renewing is given back: forward_item gets the two lease columns job has had since V5. Items sending when this
-- runs have neither; their leases expire as before.
ALTER TABLE forward_item
    ADD COLUMN lease_owner TEXT,                -- sender that holds it ("host/pid/forwarder")
    ADD COLUMN lease_token UUID;                -- changes with every claim

-- Expired leases are found by expiry, as for jobs (job_lease_idx).
CREATE INDEX forward_item_lease ON forward_item (lease_expires_at) WHERE state = 'sending';
