import Foundation
import RingsideCore
#if canImport(Glibc)
import Glibc
#endif

/// An IPv4 or IPv6 network in CIDR form (`127.0.0.0/8`, `::1/128`), for allow-lists of SIP sources.
public struct IPNetwork: Sendable, Equatable, CustomStringConvertible {
    /// The network's address bytes (4 or 16), host bits cleared.
    public let bytes: [UInt8]
    public let prefixLength: Int

    /// Parses `ADDRESS/PREFIX` (a bare address means a single host).
    public init(parsing text: String) throws {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        guard let address = Self.bytes(of: parts[0].trimmingCharacters(in: .whitespaces)) else { throw IPNetworkError.badAddress(text) }
        let bits = address.count * 8
        var prefix = bits
        if parts.count == 2 {
            guard let p = Int(parts[1].trimmingCharacters(in: .whitespaces)), (0...bits).contains(p) else { throw IPNetworkError.badPrefix(text, maximum: bits) }
            prefix = p
        }
        bytes = Self.masked(address, prefix: prefix)
        prefixLength = prefix
    }

    /// Parses a comma-separated list, e.g. `127.0.0.0/8,::1/128`.
    public static func list(_ text: String) throws -> [IPNetwork] {
        try text.split(separator: ",").map { try IPNetwork(parsing: String($0)) }
    }

    /// True when the numeric address `address` lies in this network (IPv4-mapped IPv6 counts as IPv4).
    public func contains(_ address: String) -> Bool {
        guard var candidate = Self.bytes(of: address) else { return false }
        if candidate.count == 16, bytes.count == 4, candidate.prefix(12) == Self.v4MappedPrefix[...] { candidate = Array(candidate.suffix(4)) }
        guard candidate.count == bytes.count else { return false }
        return Self.masked(candidate, prefix: prefixLength) == bytes
    }

    public var description: String {
        var buf = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        let family = bytes.count == 4 ? AF_INET : AF_INET6
        _ = bytes.withUnsafeBytes { inet_ntop(family, $0.baseAddress, &buf, socklen_t(buf.count)) }
        return "\(String(nulTerminated: buf))/\(prefixLength)"
    }

    private static let v4MappedPrefix: [UInt8] = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF]

    static func bytes(of address: String) -> [UInt8]? {
        var v4 = [UInt8](repeating: 0, count: 4)
        if inet_pton(AF_INET, address, &v4) == 1 { return v4 }
        var v6 = [UInt8](repeating: 0, count: 16)
        let bare = address.hasPrefix("[") && address.hasSuffix("]") ? String(address.dropFirst().dropLast()) : address
        if inet_pton(AF_INET6, bare, &v6) == 1 { return v6 }
        return nil
    }

    private static func masked(_ address: [UInt8], prefix: Int) -> [UInt8] {
        address.enumerated().map { index, byte in
            let keep = max(0, min(8, prefix - index * 8))
            return keep == 8 ? byte : byte & UInt8(truncatingIfNeeded: 0xFF << (8 - keep))
        }
    }
}

/// Why a network in an allow-list could not be read.
public enum IPNetworkError: Error, Sendable, Equatable, CustomStringConvertible {
    case badAddress(String)
    case badPrefix(String, maximum: Int)

    public var description: String {
        switch self {
        case let .badAddress(t): return "\"\(t)\" is not a network: expected ADDRESS/PREFIX such as 127.0.0.0/8 or ::1/128"
        case let .badPrefix(t, m): return "\"\(t)\" has a bad prefix length: expected 0 to \(m)"
        }
    }
}
