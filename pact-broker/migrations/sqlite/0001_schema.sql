-- The broker's schema on SQLite. Paired with ../postgres/0001_schema.sql: the same tables,
-- columns and indexes; only the identity columns are spelled per backend.
-- Times are RFC 3339 UTC text with microseconds, so they sort as they compare.

CREATE TABLE pacticipants (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL UNIQUE,
    display_name TEXT,
    main_branch TEXT,
    repository_url TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- A version's id is its order: a later version of a pacticipant has a larger id.
CREATE TABLE versions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    pacticipant_id BIGINT NOT NULL REFERENCES pacticipants (id) ON DELETE CASCADE,
    number TEXT NOT NULL,
    build_url TEXT,
    created_at TEXT NOT NULL,
    UNIQUE (pacticipant_id, number)
);

CREATE TABLE branches (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    pacticipant_id BIGINT NOT NULL REFERENCES pacticipants (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (pacticipant_id, name)
);

CREATE TABLE branch_versions (
    branch_id BIGINT NOT NULL REFERENCES branches (id) ON DELETE CASCADE,
    version_id BIGINT NOT NULL REFERENCES versions (id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    PRIMARY KEY (branch_id, version_id)
);
CREATE INDEX branch_versions_by_version ON branch_versions (version_id);

CREATE TABLE tags (
    version_id BIGINT NOT NULL REFERENCES versions (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (version_id, name)
);
CREATE INDEX tags_by_name ON tags (name, version_id);

-- Pact content, addressed by its sha within an integration: a content verified once is
-- verified for every consumer version that published it.
CREATE TABLE pact_contents (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    consumer_id BIGINT NOT NULL REFERENCES pacticipants (id) ON DELETE CASCADE,
    provider_id BIGINT NOT NULL REFERENCES pacticipants (id) ON DELETE CASCADE,
    sha TEXT NOT NULL,
    content TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (consumer_id, provider_id, sha)
);
CREATE INDEX pact_contents_by_provider ON pact_contents (provider_id, sha);

-- The pact a consumer version published for a provider (one per pair; a merge or an
-- allowed overwrite replaces the content it points to).
CREATE TABLE pact_publications (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    consumer_version_id BIGINT NOT NULL REFERENCES versions (id) ON DELETE CASCADE,
    provider_id BIGINT NOT NULL REFERENCES pacticipants (id) ON DELETE CASCADE,
    pact_content_id BIGINT NOT NULL REFERENCES pact_contents (id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (consumer_version_id, provider_id)
);
CREATE INDEX pact_publications_by_provider ON pact_publications (provider_id, consumer_version_id);
CREATE INDEX pact_publications_by_content ON pact_publications (pact_content_id);

CREATE TABLE verifications (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    pact_content_id BIGINT NOT NULL REFERENCES pact_contents (id) ON DELETE CASCADE,
    provider_version_id BIGINT NOT NULL REFERENCES versions (id) ON DELETE CASCADE,
    success BOOLEAN NOT NULL,
    build_url TEXT,
    body TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX verifications_by_content ON verifications (pact_content_id, provider_version_id, id);
CREATE INDEX verifications_by_provider_version ON verifications (provider_version_id, pact_content_id);

CREATE TABLE environments (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    uuid TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL UNIQUE,
    display_name TEXT,
    production BOOLEAN NOT NULL,
    contacts TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE deployed_versions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    uuid TEXT NOT NULL UNIQUE,
    version_id BIGINT NOT NULL REFERENCES versions (id) ON DELETE CASCADE,
    pacticipant_id BIGINT NOT NULL REFERENCES pacticipants (id) ON DELETE CASCADE,
    environment_id BIGINT NOT NULL REFERENCES environments (id) ON DELETE CASCADE,
    application_instance TEXT NOT NULL,
    currently_deployed BOOLEAN NOT NULL,
    created_at TEXT NOT NULL,
    undeployed_at TEXT
);
CREATE INDEX deployed_versions_current ON deployed_versions (environment_id, pacticipant_id, currently_deployed);
CREATE INDEX deployed_versions_by_version ON deployed_versions (version_id);

CREATE TABLE released_versions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    uuid TEXT NOT NULL UNIQUE,
    version_id BIGINT NOT NULL REFERENCES versions (id) ON DELETE CASCADE,
    pacticipant_id BIGINT NOT NULL REFERENCES pacticipants (id) ON DELETE CASCADE,
    environment_id BIGINT NOT NULL REFERENCES environments (id) ON DELETE CASCADE,
    currently_supported BOOLEAN NOT NULL,
    created_at TEXT NOT NULL,
    support_ended_at TEXT,
    UNIQUE (version_id, environment_id)
);
CREATE INDEX released_versions_current ON released_versions (environment_id, pacticipant_id, currently_supported);

CREATE TABLE webhooks (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    uuid TEXT NOT NULL UNIQUE,
    description TEXT,
    consumer_id BIGINT REFERENCES pacticipants (id) ON DELETE CASCADE,
    provider_id BIGINT REFERENCES pacticipants (id) ON DELETE CASCADE,
    enabled BOOLEAN NOT NULL,
    events TEXT NOT NULL,
    request TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
