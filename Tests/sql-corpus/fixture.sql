-- The fixture organization's tables ({schema} is replaced by its schema). Rows are few;
-- the fuzzer only needs the queries to plan and run.
create table {schema}.notes (
    id int primary key, title text not null, body text, owner uuid, created_at timestamptz not null default now(),
    tags text[] not null default '{}', data jsonb not null default '{}', amount numeric, flag boolean, project_id int
);
create table {schema}.projects (id int primary key, name text not null, budget numeric, started date, parent_id int);
create table {schema}.events (id bigint primary key, note_id int, kind text, at timestamptz, payload jsonb, seq int);
insert into {schema}.projects values (1, 'alpha', 100, '2024-01-01', null), (2, 'beta', 50.5, '2024-02-01', 1);
insert into {schema}.notes (id, title, body, owner, tags, data, amount, flag, project_id) values
    (1, 'first', 'hello world', '00000000-0000-0000-0000-000000000001', '{a,b}', '{"k": 1, "arr": [1, 2]}', 10, true, 1),
    (2, 'second', null, null, '{}', '{"k": "x"}', null, false, 2);
insert into {schema}.events values (1, 1, 'open', '2024-01-02', '{"n": 1}', 1), (2, 1, 'close', '2024-01-03', '{"n": 2}', 2);
