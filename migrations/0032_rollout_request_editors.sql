-- Everyone who edited a change request (JSON array of {id, email}): none of them may approve it.
ALTER TABLE rollout_requests ADD COLUMN IF NOT EXISTS editors String DEFAULT '[]';
