-- Paired with the other backend's 0003: the same statements on both, but for the identity
-- column.

-- The webhook outbox: one row per webhook an event fired, written after the publication or
-- verification that raised it committed, and executed by whichever broker claims it first.
-- A row is due when it is pending, its next_attempt_at has passed and it is not claimed (or
-- its claim has lapsed: the broker that claimed it stopped or crashed).
CREATE TABLE webhook_executions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    webhook_uuid TEXT NOT NULL,
    event_name TEXT NOT NULL,
    -- The rendered request, credentials included, as JSON text: served masked only.
    request TEXT NOT NULL,
    -- pending, succeeded or failed (after the last attempt).
    status TEXT NOT NULL,
    attempts BIGINT NOT NULL,
    next_attempt_at TEXT NOT NULL,
    claimed_until TEXT,
    last_response_status BIGINT,
    last_response_body TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX webhook_executions_due ON webhook_executions (status, next_attempt_at);
CREATE INDEX webhook_executions_by_webhook ON webhook_executions (webhook_uuid, id);
