-- When an API token was last used (issue 14): written at most once a minute per token by
-- the server, so `adam token list` can show it. Not audited: a use is not a change.
ALTER TABLE api_tokens ADD COLUMN last_used BIGINT;
