-- 0011 audit: the service role names what happened, never when or under which id.
--
-- 0009 let the service role INSERT whole rows, so a compromised pool could back-date or
-- future-date a forged event (a future one would sit at the top of every first page) or pick
-- its id. Now it may insert only the descriptive columns; `id` and `at` always take their
-- defaults (gen_random_uuid(), clock_timestamp()).

-- grants --------------------------------------------------------------------------------
revoke insert on orgplane.audit_events from orgplane_service;
grant insert (action, actor_type, actor_id, organization_id, target_type, target_id, ip, request_id, outcome)
  on orgplane.audit_events to orgplane_service;
