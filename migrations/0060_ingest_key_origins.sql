-- Allowed origins per ingest key (telemetry contract v1.1, Browsers). Keys that existed before this
-- column allow any origin (any_origin defaults to 1); a key limited to a list has any_origin = 0 and
-- its exact origins (scheme://host[:port]) in allowed_origins.
ALTER TABLE ingest_keys ADD COLUMN IF NOT EXISTS any_origin UInt8 DEFAULT 1;
ALTER TABLE ingest_keys ADD COLUMN IF NOT EXISTS allowed_origins Array(String) DEFAULT [];
