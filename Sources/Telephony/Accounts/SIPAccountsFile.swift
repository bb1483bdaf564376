import Foundation
import RingsideCore

/// Ringside's configuration file (`$XDG_CONFIG_HOME/ringside/config.yaml`): its SIP accounts, and
/// `ringside supervise`'s settings (`SuperviseSettings`).
///
/// ```yaml
/// accounts:
///   office:
///     registrar: sip:pbx.example.com
///     user: ringside
///     password_file: ~/.config/ringside/office-password   # chmod 600
///     expires: 600
/// supervise:
///   alerts: {phrases: [speak to a person], silence_s: 8}
/// ```
public struct SIPAccountsFile: Sendable, Equatable {
    public var accounts: [String: SIPAccount]
    public var path: String
    /// The `supervise:` section (empty settings when there is none).
    public var supervise = SuperviseSettings()

    /// `--config`, else `$RINGSIDE_CONFIG`, else `$XDG_CONFIG_HOME/ringside/config.yaml` (`~/.config/ringside/config.yaml`).
    public static func defaultPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let path = environment["RINGSIDE_CONFIG"], !path.isEmpty { return path }
        let base = environment["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".config").path
        return URL(fileURLWithPath: base).appendingPathComponent("ringside/config.yaml").path
    }

    public static func load(_ path: String) throws(LocatedError) -> SIPAccountsFile {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw LocatedError(SourceLocation(file: path), problem: "cannot read the configuration file",
                               suggestion: "create it with an 'accounts:' section, or name another with --config")
        }
        return try parse(yaml: text, file: path)
    }

    /// The account called `name`, or an error listing the ones there are.
    public func account(_ name: String) throws(LocatedError) -> SIPAccount {
        guard let account = accounts[name] else {
            let known = accounts.keys.sorted()
            throw LocatedError(SourceLocation(file: path), field: "accounts", problem: "no account named '\(name)'",
                               suggestion: known.isEmpty ? "add one under 'accounts:'" : "accounts here: " + known.joined(separator: ", "))
        }
        return account
    }

    /// Reads the file strictly: unknown keys, missing fields and bad values are errors at their line.
    public static func parse(yaml: String, file: String) throws(LocatedError) -> SIPAccountsFile {
        let top = try StrictYAMLNode.document(yaml: yaml, file: file, what: "configuration file", example: "accounts: {office: {registrar: sip:pbx.example.com, user: me}}")
        let keys = try top.mapping(allowed: ["accounts", "supervise"])
        var accounts: [String: SIPAccount] = [:]
        if let list = keys["accounts"], !["", "~", "null"].contains(list.node.scalar?.string ?? "-") {
            guard let mapping = list.node.mapping else { throw list.error("expected accounts by name", suggestion: "write 'office:' and its fields under it") }
            for (key, value) in mapping {
                let name = key.string ?? ""
                let location = SourceLocation(file: file, line: key.mark?.line ?? 0, column: key.mark?.column ?? 0)
                guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "." }) else {
                    throw LocatedError(location, field: "accounts", problem: "'\(name)' is not a usable account name", suggestion: "use letters, digits, '-', '_' or '.'")
                }
                guard accounts[name] == nil else {
                    throw LocatedError(location, field: "accounts.\(name)", problem: "account '\(name)' appears twice", suggestion: "keep one")
                }
                accounts[name] = try account(name, StrictYAMLNode(node: value, file: file, path: "accounts.\(name)"), at: location)
            }
        }
        var loaded = SIPAccountsFile(accounts: accounts, path: file)
        if let section = keys["supervise"] { loaded.supervise = try SuperviseSettings.parse(section) }
        return loaded
    }

    private static func account(_ name: String, _ node: StrictYAMLNode, at location: SourceLocation) throws(LocatedError) -> SIPAccount {
        let fields = try node.mapping(allowed: ["registrar", "user", "domain", "aor", "auth_user", "password_env", "password_file", "expires", "transport"])
        guard let registrar = fields["registrar"] else {
            throw node.error("missing 'registrar'", suggestion: "add e.g. 'registrar: sip:pbx.example.com'")
        }
        guard let user = fields["user"] else { throw node.error("missing 'user'", suggestion: "add the user name the registrar knows you by") }
        var account = SIPAccount(name: name, registrar: try sipURI(registrar), user: try token(user),
                                 location: location)
        if let n = fields["domain"] { account.domain = try token(n, allowsPort: true) }
        if let n = fields["aor"] { account.aor = try sipURI(n) }
        if let n = fields["auth_user"] { account.authUser = try token(n) }
        if let n = fields["expires"] { account.expires = try n.int(in: 1...86_400) }
        if let n = fields["transport"] {
            let transport = try n.choice(SIPTransport.self)
            guard transport != .both else { throw n.error("'both' is not a transport to a registrar", suggestion: "use udp or tcp") }
            account.transport = transport
        }
        switch (fields["password_env"], fields["password_file"]) {
        case let (env?, file?):
            let later = env.line > file.line ? env : file
            throw later.error("give password_env or password_file, not both")
        case let (env?, nil):
            let variable = try env.string()
            guard !variable.isEmpty, variable.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) else {
                throw env.error("'\(variable)' is not an environment variable name", suggestion: "e.g. RINGSIDE_OFFICE_PASSWORD")
            }
            account.password = .environment(variable)
        case let (nil, path?):
            account.password = .file(resolve(try path.string(), relativeTo: location.file))
        case (nil, nil):
            break
        }
        return account
    }

    private static func sipURI(_ node: StrictYAMLNode) throws(LocatedError) -> String {
        let s = try node.string()
        let lower = s.lowercased()
        guard lower.hasPrefix("sip:") || lower.hasPrefix("sips:"), SIPAccount.host(of: s).count > 0, !s.contains(" ") else {
            throw node.error("'\(s)' is not a SIP URI", suggestion: "write e.g. sip:pbx.example.com or sip:pbx.example.com:5060")
        }
        return s
    }

    private static func token(_ node: StrictYAMLNode, allowsPort: Bool = false) throws(LocatedError) -> String {
        let s = try node.string()
        guard !s.isEmpty, !s.hasPrefix("sip:"), !s.contains(where: { $0 == "@" || (!allowsPort && $0 == ":") || $0.isWhitespace || $0 == "<" || $0 == ">" }) else {
            throw node.error("'\(s)' cannot be used here", suggestion: "give the name alone, without 'sip:', '@' or spaces")
        }
        return s
    }

    /// `~/…` is the home folder; a relative path is relative to the configuration file's folder.
    private static func resolve(_ path: String, relativeTo file: String) -> String {
        if path.hasPrefix("~/") { return FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(String(path.dropFirst(2))).path }
        if path.hasPrefix("/") { return path }
        return URL(fileURLWithPath: file).deletingLastPathComponent().appendingPathComponent(path).standardizedFileURL.path
    }
}
