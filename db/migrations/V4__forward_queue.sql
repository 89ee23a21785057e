-- Forwarding of stored instances to configured DICOM destinations (PACS) over C-STORE.
--
-- forward_destination mirrors the configuration (GLASSBOX_FORWARD_DESTINATIONS, written at start-up) so that the
-- forwarding rule can run inside the database: the trigger below queues a new instance for every destination
-- whose rule it matches in the same transaction that commits the instance's index row. An instance is therefore
-- never stored without its forwards being queued, whatever crashes afterwards.

CREATE TABLE forward_destination (
    name                TEXT PRIMARY KEY,           -- operator's name for it, as configured
    ae_title            TEXT NOT NULL,              -- called AE title
    host                TEXT NOT NULL,
    port                INTEGER NOT NULL CHECK (port BETWEEN 1 AND 65535),
    -- the rule: instances received one of these ways (NULL: any way) whose SOP Class UID is LIKE one of these
    received_via        TEXT[],
    sop_class_patterns  TEXT[] NOT NULL,
    enabled             BOOLEAN NOT NULL DEFAULT true,   -- false once removed from the configuration; items stay
    updated_at          TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE forward_item (
    id                  BIGSERIAL PRIMARY KEY,
    destination         TEXT NOT NULL REFERENCES forward_destination(name),
    sop_instance_uid    TEXT NOT NULL,              -- the stored instance (instance.sop_instance_uid)
    state               TEXT NOT NULL DEFAULT 'pending'
                        CHECK (state IN ('pending', 'sending', 'delivered', 'dead')),
    attempts            INTEGER NOT NULL DEFAULT 0,
    next_attempt_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    lease_until         TIMESTAMPTZ,                -- while 'sending': after this a crashed sender's item is taken again
    last_error          TEXT,                       -- why the last attempt failed, in words
    last_dimse_status   INTEGER,                    -- the peer's C-STORE response status, when it answered one
    last_error_comment  TEXT,                       -- the peer's Error Comment (0000,0902), when it sent one
    queued_by           TEXT NOT NULL,              -- 'rule' or 'request'
    created_at          TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at          TIMESTAMPTZ NOT NULL DEFAULT now(),
    delivered_at        TIMESTAMPTZ,
    -- one item per instance and destination: queued twice (rule and request) it is still sent once
    UNIQUE (destination, sop_instance_uid)
);
-- what the sender polls: due pending items and expired leases
CREATE INDEX forward_item_due ON forward_item(next_attempt_at) WHERE state IN ('pending', 'sending');
CREATE INDEX forward_item_state ON forward_item(state, id);

CREATE FUNCTION glassbox_forward_by_rule() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO forward_item (destination, sop_instance_uid, queued_by)
    SELECT d.name, NEW.sop_instance_uid, 'rule'
      FROM forward_destination d
     WHERE d.enabled
       AND (d.received_via IS NULL OR NEW.received_via = ANY (d.received_via))
       AND EXISTS (SELECT 1 FROM unnest(d.sop_class_patterns) AS p WHERE NEW.sop_class_uid LIKE p)
    ON CONFLICT (destination, sop_instance_uid) DO NOTHING;
    RETURN NULL;
END $$;

CREATE TRIGGER instance_forward_by_rule AFTER INSERT ON instance
    FOR EACH ROW EXECUTE FUNCTION glassbox_forward_by_rule();
