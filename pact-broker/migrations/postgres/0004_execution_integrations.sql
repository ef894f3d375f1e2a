-- Paired with the other backend's 0004: the same statements on both.

-- The integration whose publication or verification fired an execution, so the dashboard
-- shows each integration's latest webhook status. Executions enqueued before this column
-- existed have none and are not shown.
ALTER TABLE webhook_executions ADD COLUMN consumer_name TEXT;
ALTER TABLE webhook_executions ADD COLUMN provider_name TEXT;
CREATE INDEX webhook_executions_by_integration
    ON webhook_executions (consumer_name, provider_name, id);

-- A pacticipant's versions newest first, for the dashboard's "latest pact of each
-- integration" (a walk back from the newest version instead of grouping every publication).
CREATE INDEX versions_by_pacticipant ON versions (pacticipant_id, id);
