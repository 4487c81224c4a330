/// `orgplane postgrest-config`: a PostgREST configuration for the organizations' schemas
/// (docs/TENANCY.md, "PostgREST"). It names the JWT secret by reference (`$(JWT_SECRET)`,
/// which PostgREST reads from its environment), never by value.
public enum PostgRESTConfig {
    /// The configuration text for `schemas` (every organization's, oldest first).
    public static func render(schemas: [String], issuerNote: String) -> String {
        """
        # PostgREST for Orgplane's organization schemas (docs/TENANCY.md, "PostgREST").
        # Written by `orgplane postgrest-config`; run it again when organizations are added
        # (or ALTER ROLE orgplane_authenticator SET pgrst.db_schemas = '…'; NOTIFY pgrst).

        # The authenticator: LOGIN NOINHERIT, a member of every organization role and of anon.
        # Give it a password first: alter role orgplane_authenticator password '…'
        db-uri = "postgresql://orgplane_authenticator@localhost:5432/orgplane"

        # Every organization's schema; a request picks one with Accept-Profile/Content-Profile.
        db-schemas = "\(schemas.joined(separator: ","))"
        db-anon-role = "anon"
        db-extra-search-path = ""

        # Tokens from POST /api/organizations/{id}/db-token: HS256 with Orgplane's JWT_SECRET
        # (the same environment variable, read by PostgREST; its bytes as they are, not base64).
        jwt-secret = "$(JWT_SECRET)"
        jwt-secret-is-base64 = false
        jwt-aud = "orgplane:db"
        role-claim-key = ".role"
        # \(issuerNote)

        # Behind PgBouncer or any transaction pooler: parameterized, never prepared.
        db-prepared-statements = false

        """
    }
}
