-- Paired with the other backend's 0004: the same statements on both.

-- The integration whose publication or verification fired an execution, so the dashboard
-- shows each integration's latest webhook status. Executions enqueued before this column
-- existed have none and are not shown.
ALTER TABLE webhook_executions ADD COLUMN consumer_name TEXT;
ALTER TABLE webhook_executions ADD COLUMN provider_name TEXT;
CREATE INDEX webhook_executions_by_integration
    ON webhook_executions (consumer_name, provider_name, id);
