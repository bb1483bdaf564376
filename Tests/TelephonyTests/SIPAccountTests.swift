import Foundation
import RingsideCore
import Testing
import TestSupport
@testable import Telephony

/// The configuration file's `accounts:` read strictly, with errors at their line, and passwords that
/// are read only from where the account says and never shown.
@Suite struct SIPAccountTests {
    static let file = "/home/me/.config/ringside/config.yaml"

    @Test func readsAnAccountAndFillsItsDefaults() throws {
        let yaml = """
            accounts:
              office:
                registrar: sip:pbx.example.com:5080
                user: ringside
                password_env: OFFICE_PASSWORD
                expires: 600
                transport: tcp
              home:
                registrar: sip:10.0.0.1
                user: me
                domain: example.org
                auth_user: me-auth
                password_file: home-password
            """
        let config = try SIPAccountsFile.parse(yaml: yaml, file: Self.file)
        let office = try config.account("office")
        #expect(office.addressOfRecord == "sip:ringside@pbx.example.com:5080")
        #expect(office.registrarURI == "sip:pbx.example.com:5080;transport=tcp")
        #expect(office.expires == 600)
        #expect(office.location == SourceLocation(file: Self.file, line: 2, column: 3))
        let credentials = try #require(try office.credentials(environment: ["OFFICE_PASSWORD": "hunter2-secret"]))
        #expect(credentials.username == "ringside" && credentials.password == "hunter2-secret")
        #expect(!"\(office)".contains("hunter2") && !"\(credentials)".contains("hunter2"), "\(office) \(credentials)")
        #expect("\(office)".contains("password from $OFFICE_PASSWORD"))
        let home = try config.account("home")
        #expect(home.addressOfRecord == "sip:me@example.org")
        #expect(home.password == .file("/home/me/.config/ringside/home-password"), "a relative password_file is next to the configuration")
        #expect(home.registrarURI == "sip:10.0.0.1")
    }

    @Test(arguments: [
        // (yaml, line, column, words the message must hold)
        ("accounts:\n  office:\n    registrar: sip:pbx\n    user: me\n    passwrd_file: x\n", 5, 5, "unknown key 'passwrd_file'"),
        ("accounts:\n  office:\n    user: me\n", 3, 5, "missing 'registrar'"),
        ("accounts:\n  office:\n    registrar: pbx.example.com\n    user: me\n", 3, 16, "is not a SIP URI"),
        ("accounts:\n  office:\n    registrar: sip:pbx\n    user: me\n    password_env: A\n    password_file: b\n", 6, 20, "not both"),
        ("accounts:\n  office:\n    registrar: sip:pbx\n    user: me\n    expires: 0\n", 5, 14, "out of range"),
        ("accounts:\n  office:\n    registrar: sip:pbx\n    user: me@pbx\n", 4, 11, "cannot be used here"),
        ("accounts:\n  office:\n    registrar: sip:pbx\n    user: me\n    transport: sctp\n", 5, 16, "'sctp' is not allowed"),
        ("acounts:\n  office: {}\n", 1, 1, "did you mean 'accounts'"),
    ])
    func errorsNameTheFileLineAndColumn(yaml: String, line: Int, column: Int, words: String) {
        Self.expectRefused(yaml, line: line, column: column, words: words)
    }

    /// The configuration file `yaml` is refused with an error at `line`:`column` holding `words`.
    static func expectRefused(_ yaml: String, line: Int, column: Int, words: String) {
        do {
            _ = try SIPAccountsFile.parse(yaml: yaml, file: file)
            Issue.record("accepted:\n\(yaml)")
        } catch {
            #expect(error.location == SourceLocation(file: file, line: line, column: column), "\(error)")
            #expect(error.description.hasPrefix("\(file):\(line):\(column): "), "\(error)")
            #expect(error.description.contains(words), "\(error)")
        }
    }

    @Test func anUnknownAccountListsTheOnesThereAre() throws {
        let config = try SIPAccountsFile.parse(yaml: "accounts:\n  office: {registrar: 'sip:pbx', user: me}\n", file: Self.file)
        #expect(throws: LocatedError.self) { try config.account("ofice") }
        do { _ = try config.account("ofice") } catch { #expect(error.description.contains("accounts here: office"), "\(error)") }
    }

    @Test func passwordFileOthersCanReadIsRefusedAndAMissingVariableNamed() throws {
        let dir = try TestPaths.temporaryDirectory("ringside-account-password")
        let file = dir.appendingPathComponent("password").path
        try "pw-in-a-file\n".write(toFile: file, atomically: true, encoding: .utf8)
        let account = SIPAccount(name: "office", registrar: "sip:pbx", user: "me", password: .file(file),
                                 location: SourceLocation(file: Self.file, line: 2, column: 3))
        chmod(file, 0o644)
        do {
            _ = try account.credentials()
            Issue.record("a password file others can read was used")
        } catch {
            #expect(error.description.hasPrefix("\(Self.file):2:3: account office: the password file \(file) can be read by others"), "\(error)")
            #expect(error.description.contains("chmod 600") && !error.description.contains("pw-in-a-file"), "\(error)")
        }
        chmod(file, 0o600)
        #expect(try account.credentials()?.password == "pw-in-a-file")

        let fromEnvironment = SIPAccount(name: "office", registrar: "sip:pbx", user: "me", password: .environment("RINGSIDE_TEST_UNSET_PW"))
        #expect(throws: SIPAccountError.passwordMissing(account: "office", variable: "RINGSIDE_TEST_UNSET_PW", location: SourceLocation(file: ""))) {
            try fromEnvironment.credentials(environment: [:])
        }
    }

    @Test func defaultPathFollowsTheEnvironment() {
        #expect(SIPAccountsFile.defaultPath(environment: ["RINGSIDE_CONFIG": "/tmp/r.yaml", "XDG_CONFIG_HOME": "/x"]) == "/tmp/r.yaml")
        #expect(SIPAccountsFile.defaultPath(environment: ["XDG_CONFIG_HOME": "/x"]) == "/x/ringside/config.yaml")
        #expect(SIPAccountsFile.defaultPath(environment: [:]).hasSuffix("/.config/ringside/config.yaml"))
    }
}
