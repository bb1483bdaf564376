import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Reads a SIP password from a file that only its owner may read (as ssh does with keys): a password
/// others can read is refused with a message that says how to fix it.
public enum PasswordFile {
    /// The file's first line, without its line ending.
    public static func read(_ path: String) throws -> String {
        var info = stat()
        guard stat(path, &info) == 0 else { throw PasswordFileError.unreadable(path: path, reason: String(cString: strerror(errno))) }
        guard info.st_uid == geteuid() else { throw PasswordFileError.notOwned(path: path) }
        let mode = info.st_mode & 0o777
        guard mode & 0o077 == 0 else { throw PasswordFileError.tooOpen(path: path, mode: mode) }
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw PasswordFileError.unreadable(path: path, reason: error.localizedDescription)
        }
        let password = text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
        let trimmed = password.hasSuffix("\r") ? String(password.dropLast()) : password
        guard !trimmed.isEmpty else { throw PasswordFileError.empty(path: path) }
        return trimmed
    }
}

/// Why a password file was not used.
public enum PasswordFileError: Error, Sendable, Equatable, CustomStringConvertible {
    case unreadable(path: String, reason: String)
    case notOwned(path: String)
    case tooOpen(path: String, mode: mode_t)
    case empty(path: String)

    public var description: String {
        switch self {
        case let .unreadable(p, r): return "cannot read the password file \(p): \(r)"
        case let .notOwned(p): return "the password file \(p) belongs to another user; it must be yours and readable only by you"
        case let .tooOpen(p, m):
            return "the password file \(p) can be read by others (mode \(String(m, radix: 8))): run chmod 600 \(p) so only you can read it"
        case let .empty(p): return "the password file \(p) is empty: put the password on its first line"
        }
    }
}
