-- 0007 session cleanup
-- The pool now and then deletes sessions that expired or were revoked long ago (their
-- refresh tokens go with them by cascade), so it needs DELETE on sessions. RLS already
-- lets the service role do everything on the table; anon/authenticated still get nothing.

-- grants --------------------------------------------------------------------------------
grant delete on orgplane.sessions to orgplane_service;
