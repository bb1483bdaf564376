/// A point on a call's monotonic timeline, in nanoseconds since the clock's origin.
///
/// Every `CallEvent` carries one; latencies are differences of two of them.
public struct MediaTime: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public var nanoseconds: Int64

    public init(nanoseconds: Int64) { self.nanoseconds = nanoseconds }

    public static let zero = MediaTime(nanoseconds: 0)

    public static func milliseconds(_ ms: Double) -> MediaTime {
        MediaTime(nanoseconds: Int64((ms * 1_000_000).rounded()))
    }
    public static func seconds(_ s: Double) -> MediaTime {
        MediaTime(nanoseconds: Int64((s * 1_000_000_000).rounded()))
    }

    public var milliseconds: Double { Double(nanoseconds) / 1_000_000 }
    public var seconds: Double { Double(nanoseconds) / 1_000_000_000 }

    public static func < (a: MediaTime, b: MediaTime) -> Bool { a.nanoseconds < b.nanoseconds }
    public static func + (a: MediaTime, b: MediaTime) -> MediaTime { MediaTime(nanoseconds: a.nanoseconds + b.nanoseconds) }
    public static func - (a: MediaTime, b: MediaTime) -> MediaTime { MediaTime(nanoseconds: a.nanoseconds - b.nanoseconds) }
    public static func += (a: inout MediaTime, b: MediaTime) { a.nanoseconds += b.nanoseconds }

    public var description: String { String(format: "%.3fs", seconds) }

    public init(from decoder: Decoder) throws {
        nanoseconds = try decoder.singleValueContainer().decode(Int64.self)
    }
    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(nanoseconds)
    }
}
