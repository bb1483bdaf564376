internal import CSofiaSip
import RingsideCore

/// The fields of a SIP `Authorization: Digest …` header (RFC 2617 / RFC 3261 §22.4), as a caller sent them.
public struct DigestAuthorization: Sendable, Equatable {
    public var username: String
    public var realm: String
    public var nonce: String
    public var uri: String
    public var response: String
    public var algorithm: String?
    public var qop: String?
    /// Nonce count, hexadecimal as sent (`00000001`).
    public var nonceCount: String?
    public var cnonce: String?

    /// Reads `name=value` parameters (values quoted or not); nil when a required one is missing.
    public init?(parameters: [String]) {
        var fields: [String: String] = [:]
        for parameter in parameters {
            guard let eq = parameter.firstIndex(of: "=") else { continue }
            let name = parameter[..<eq].lowercased()
            var value = Substring(parameter[parameter.index(after: eq)...])
            if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") { value = value.dropFirst().dropLast() }
            fields[name] = String(value)
        }
        guard let username = fields["username"], let realm = fields["realm"], let nonce = fields["nonce"], let uri = fields["uri"],
              let response = fields["response"] else { return nil }
        self.init(username: username, realm: realm, nonce: nonce, uri: uri, response: response, algorithm: fields["algorithm"],
                  qop: fields["qop"], nonceCount: fields["nc"], cnonce: fields["cnonce"])
    }

    public init(username: String, realm: String, nonce: String, uri: String, response: String, algorithm: String? = nil,
                qop: String? = nil, nonceCount: String? = nil, cnonce: String? = nil) {
        self.username = username
        self.realm = realm
        self.nonce = nonce
        self.uri = uri
        self.response = response
        self.algorithm = algorithm
        self.qop = qop
        self.nonceCount = nonceCount
        self.cnonce = cnonce
    }

    /// The response a caller who knows `password` computes for `method` (MD5; with qop=auth when `qop` is set).
    public func expectedResponse(method: String, password: String) -> String {
        let ha1 = Self.md5Hex("\(username):\(realm):\(password)")
        let ha2 = Self.md5Hex("\(method):\(uri)")
        if let qop {
            return Self.md5Hex("\(ha1):\(nonce):\(nonceCount ?? ""):\(cnonce ?? ""):\(qop):\(ha2)")
        }
        return Self.md5Hex("\(ha1):\(nonce):\(ha2)")
    }

    /// 32 lower-case hex digits (sofia's MD5).
    static func md5Hex(_ text: String) -> String {
        var out = [CChar](repeating: 0, count: 33)
        let bytes = Array(text.utf8)
        bytes.withUnsafeBytes { rs_md5_hex($0.baseAddress, bytes.count, &out) }
        return String(nulTerminated: out)
    }
}
