-- 0021 accounts: verified email addresses, and one-time links to verify an address or
-- reset a password.
--
-- Existing accounts start unverified (`email_verified_at` null): nothing ever proved they
-- own their address. Links are stored only as SHA-256 hashes, each used once, with the
-- address it was sent to (a verification proves that address only). A reset ends sessions with
-- the reason 'password_changed' (the audit event tells a reset from a change).

-- tables --------------------------------------------------------------------------------
/** When the account proved it receives mail at its address (null: not yet). */
alter table orgplane.users add column email_verified_at timestamptz;

/** A one-time link: verify an address (24 h) or reset a password (30 min). */
create table orgplane.account_tokens (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references orgplane.users (id) on delete cascade,
  purpose text not null,
  token_hash text not null,
  email text not null,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  used_at timestamptz,
  constraint account_tokens_token_hash_key unique (token_hash),
  constraint account_tokens_purpose check (purpose in ('verify_email', 'reset_password')),
  constraint account_tokens_token_hash_format check (token_hash ~ '^[0-9a-f]{64}$'),
  constraint account_tokens_email_length check (length(email) between 3 and 254),
  constraint account_tokens_lifetime check (expires_at > created_at)
);
create index account_tokens_user_id_idx on orgplane.account_tokens (user_id);

-- grants --------------------------------------------------------------------------------
grant select, insert, update, delete on orgplane.account_tokens to orgplane_service;

-- row level security ----------------------------------------------------------------------
alter table orgplane.account_tokens enable row level security;

-- policies ------------------------------------------------------------------------------
create policy "service manages account tokens" on orgplane.account_tokens
  for all to orgplane_service using (true) with check (true);
