/// Deliberate damage to outgoing RTP, for tests of loss and reordering on a clean loopback.
public struct NetworkImpairment: Sendable, Equatable {
    /// Drop every Nth audio packet (nil = none).
    public var dropEvery: Int?
    /// Hold every Nth audio packet back and send it after the next one (nil = none).
    public var swapEvery: Int?

    public init(dropEvery: Int? = nil, swapEvery: Int? = nil) {
        self.dropEvery = dropEvery
        self.swapEvery = swapEvery
    }

    public static let none = NetworkImpairment()
}
