/// A final response to a request Ringside sent (OPTIONS probe, REGISTER).
public struct SIPResponse: Sendable, Equatable, CustomStringConvertible {
    public var status: Int
    public var phrase: String
    /// The peer's Server or User-Agent header, if it sent one.
    public var server: String?

    public init(status: Int, phrase: String, server: String? = nil) {
        self.status = status
        self.phrase = phrase
        self.server = server
    }

    public var isSuccess: Bool { (200..<300).contains(status) }
    public var description: String { "\(status) \(phrase)" + (server.map { " (\($0))" } ?? "") }
}
