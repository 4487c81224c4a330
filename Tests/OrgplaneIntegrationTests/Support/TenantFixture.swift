import Foundation
import Postgres

/// Tables in an organization's schema (provisioned with the organization, docs/TENANCY.md),
/// made directly as the superuser: `diary`, whose RLS shows each user their own rows (read
/// by every role), and `secrets`, which only the owner role may read.
enum TenantFixture {
    /// Creates both tables in the organization's schema.
    static func provision(_ organizationID: String) throws {
        let hex = organizationID.replacingOccurrences(of: "-", with: "")
        precondition(hex.utf8.count == 32 && hex.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) })
        let s = "o_\(hex)"
        try Superuser.connect().executeTrustedScript(
            """
            create table \(s).diary (id serial primary key, author uuid not null, body text not null);
            comment on table \(s).diary is 'Each member''s notes';
            comment on column \(s).diary.body is 'The note itself';
            alter table \(s).diary owner to \(s)_owner;
            alter table \(s).diary enable row level security;
            create policy own on \(s).diary using (author = (orgplane.claims()->>'sub')::uuid);
            grant select, insert, update, delete on \(s).diary to \(s)_rw;
            grant select on \(s).diary to \(s)_ro;
            create table \(s).secrets (id int primary key, value text);
            alter table \(s).secrets owner to \(s)_owner;
            """
        )
    }

    /// Adds a note by `author` (bypassing RLS, as the superuser).
    static func addNote(_ organizationID: String, author: String, body: String) throws {
        let hex = organizationID.replacingOccurrences(of: "-", with: "")
        try Superuser.connect().executeTrustedScript(
            "insert into o_\(hex).diary (author, body) values ('\(UUID(uuidString: author)!.uuidString.lowercased())', '\(body.replacingOccurrences(of: "'", with: "''"))')"
        )
    }
}
