-- Paired with the other backend's 0002: the same statements on both.

-- At most one currently deployed version per pacticipant, environment and application
-- instance, even when two brokers record deployments at once.
CREATE UNIQUE INDEX deployed_versions_one_current
    ON deployed_versions (pacticipant_id, environment_id, application_instance)
    WHERE currently_deployed;

-- Webhooks limited to the pacticipants with a label (`{"consumer": {"label": "x"}}`), beside
-- those limited to one pacticipant by id.
ALTER TABLE webhooks ADD COLUMN consumer_label TEXT;
ALTER TABLE webhooks ADD COLUMN provider_label TEXT;
