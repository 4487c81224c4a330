-- 0020 mail: the outbox of messages waiting to be sent.
--
-- A message is written here in the transaction of the change that sends it (a change that
-- rolls back sends nothing), then every pool process's courier claims due rows with
-- FOR UPDATE SKIP LOCKED (many instances never send one message twice at once), sends them,
-- and deletes each row as soon as it is delivered. A failed send is retried with backoff
-- until `max attempts`; a message whose link has expired (`expires_at`) is deleted unsent.
-- The body holds a one-time link (verification, reset, invite) in clear for those few
-- seconds or minutes: only the service role can read the table, and nothing keeps it longer
-- than its link lives.

-- tables --------------------------------------------------------------------------------
/** One message to send: the envelope and the whole RFC 5322 text. Deleted once delivered. */
create table orgplane.mail_outbox (
  id uuid primary key default gen_random_uuid(),
  created_at timestamptz not null default now(),
  sender text not null,
  recipient text not null,
  message text not null,
  -- The message is worthless after this (its link expired): deleted unsent.
  expires_at timestamptz not null,
  attempts integer not null default 0,
  next_attempt_at timestamptz not null default now(),
  last_error text,
  constraint mail_outbox_sender_length check (length(sender) between 3 and 254),
  constraint mail_outbox_recipient_length check (length(recipient) between 3 and 254),
  constraint mail_outbox_message_length check (length(message) <= 262144),
  constraint mail_outbox_attempts check (attempts >= 0),
  constraint mail_outbox_last_error_length check (length(last_error) <= 500)
);
-- The couriers' question: what is due now, oldest first.
create index mail_outbox_next_attempt_at_idx on orgplane.mail_outbox (next_attempt_at);

-- grants --------------------------------------------------------------------------------
grant select, insert, update, delete on orgplane.mail_outbox to orgplane_service;

-- row level security ----------------------------------------------------------------------
alter table orgplane.mail_outbox enable row level security;

-- policies ------------------------------------------------------------------------------
create policy "service sends mail" on orgplane.mail_outbox for all to orgplane_service using (true) with check (true);
