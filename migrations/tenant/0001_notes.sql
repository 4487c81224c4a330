-- 0001 notes: an example tenant table a team can build on.
--
-- Runs in each organization's schema as its owner role, with that schema as the only search
-- path: names are unqualified and the owner role owns what is created, so members (_rw) get
-- select/insert/update/delete and viewers (_ro) select through the default privileges.
-- Row level security on the request's `sub` claim (orgplane.claims(), PostgREST's JWT +
-- role contract): the whole team reads the notes, each member writes only their own. Owners
-- and admins act as the owner role, which owns the table and so is not bound by its policies.

create table notes (
  id bigint generated always as identity primary key,
  author text not null default (orgplane.claims() ->> 'sub'),
  body text not null check (length(body) <= 10000),
  created_at timestamptz not null default now()
);

alter table notes enable row level security;

create policy notes_read on notes for select using (true);
create policy notes_write on notes for insert with check (author = orgplane.claims() ->> 'sub');
create policy notes_change on notes for update
  using (author = orgplane.claims() ->> 'sub') with check (author = orgplane.claims() ->> 'sub');
create policy notes_remove on notes for delete using (author = orgplane.claims() ->> 'sub');
