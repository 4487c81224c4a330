-- 0002 accounts: users, sessions (refresh-token families), refresh tokens, rate limits

-- tables --------------------------------------------------------------------------------
/** A person who can log in. Emails are stored lower-case; passwords only as argon2id PHC strings. */
create table orgplane.users (
  id uuid primary key default gen_random_uuid(),
  email text not null,
  name text not null default '',
  password_hash text not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint users_email_key unique (email),
  constraint users_email_normalised check (email = lower(email) and length(email) between 3 and 254),
  constraint users_name_length check (length(name) <= 100)
);

/** One login: the family of its refresh tokens. Revoking it stops its access tokens at once. */
create table orgplane.sessions (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references orgplane.users (id) on delete cascade,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  revoked_at timestamptz,
  revoked_reason text,
  constraint sessions_revoked_reason check (revoked_reason in ('logout', 'password_changed', 'refresh_reused'))
);
create index sessions_user_id_idx on orgplane.sessions (user_id);

/** Refresh tokens, stored only as SHA-256 hashes; each is used once, then rotated. */
create table orgplane.refresh_tokens (
  id bigint generated always as identity primary key,
  session_id uuid not null references orgplane.sessions (id) on delete cascade,
  token_hash text not null,
  created_at timestamptz not null default now(),
  used_at timestamptz,
  constraint refresh_tokens_token_hash_key unique (token_hash)
);
create index refresh_tokens_session_id_idx on orgplane.refresh_tokens (session_id);

/** Fixed-window attempt counters; one row per bucket (e.g. login by IP). Lost on crash, by design. */
create unlogged table orgplane.rate_limits (
  bucket text primary key,
  window_start timestamptz not null,
  hits integer not null
);

-- grants --------------------------------------------------------------------------------
grant select, insert, update on orgplane.users to orgplane_service;
grant select, insert, update on orgplane.sessions to orgplane_service;
grant select, insert, update on orgplane.refresh_tokens to orgplane_service;
grant select, insert, update, delete on orgplane.rate_limits to orgplane_service;

-- row level security ----------------------------------------------------------------------
-- RLS is on everywhere; only the service role has a policy. anon/authenticated see nothing.
alter table orgplane.users enable row level security;
alter table orgplane.sessions enable row level security;
alter table orgplane.refresh_tokens enable row level security;
alter table orgplane.rate_limits enable row level security;
create policy "service manages users" on orgplane.users for all to orgplane_service using (true) with check (true);
create policy "service manages sessions" on orgplane.sessions for all to orgplane_service using (true) with check (true);
create policy "service manages refresh tokens" on orgplane.refresh_tokens for all to orgplane_service using (true) with check (true);
create policy "service counts attempts" on orgplane.rate_limits for all to orgplane_service using (true) with check (true);
