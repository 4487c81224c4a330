import Foundation
import Orgplane

/// `orgplane serve | migrate | doctor | version | bench-hash | mail-test ADDRESS`
let arguments = CommandLine.arguments.dropFirst()
let environment = ProcessInfo.processInfo.environment
switch arguments.first {
case "serve": exit(Commands.serve(environment))
case "migrate": exit(Commands.migrate(environment))
case "doctor": exit(Commands.doctor(environment))
case "postgrest-config": exit(Commands.postgrestConfig(environment))
case "bench-hash": exit(Commands.benchHash(environment))
case "bench-provision": exit(Commands.benchProvision(environment, arguments.dropFirst().first))
case "mail-test": exit(Commands.mailTest(environment, to: arguments.dropFirst().first))
case "version", "--version":
    print("orgplane \(Application.version)")
    exit(0)
default:
    print(
        """
        usage: orgplane <command>
          serve       run the FastCGI pool (see docs/INTERFACES.md for the environment)
          migrate     apply migrations/ to MIGRATE_DATABASE_URL (or DATABASE_URL)
          doctor      check configuration, database, role, RLS and migrations
          postgrest-config  print a PostgREST configuration for the organizations' schemas
          bench-hash  measure the argon2id hash rate at the configured parameters
          bench-provision N  create N organizations with their schemas on DATABASE_URL (a throwaway
                      database: bench/tenancy) and print provisioning p50/p95/p99
          mail-test ADDRESS
                      send a test message through MAIL_URL at once (checks the mail settings)
          version     print the version
        """
    )
    exit(arguments.first == nil || arguments.first == "help" || arguments.first == "--help" ? 0 : 2)
}
