extension String {
    /// The text of a NUL-terminated buffer that a C function filled, up to the first NUL (all of it
    /// without one). Replaces `String(cString: array)`, deprecated for arrays.
    public init(nulTerminated buffer: [CChar]) {
        self = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
