-- 0015 account deletion: the service may delete a user (DELETE /api/me) and the
-- organizations only that user belonged to.
--
-- Deleting a user cascades to their sessions (and refresh tokens), memberships (whose
-- triggers revoke their keys and invites and keep the last-owner rule), API keys,
-- authenticator, recovery codes and challenges; organizations and invites they created keep
-- a null creator. Audit events have no foreign keys (0009): account.deleted and every
-- earlier event keep naming the deleted user's id.

-- grants --------------------------------------------------------------------------------
grant delete on orgplane.users to orgplane_service;
-- Only for organizations whose one member is the account being deleted (the pool checks it
-- under the organization's lock). When organization deletion lands (DELETE
-- /api/organizations/{id}), sole-member organizations go through that path instead.
grant delete on orgplane.organizations to orgplane_service;
