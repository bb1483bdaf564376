/// A piece of the call screen: a pure function from state to cells in a rectangle.
public protocol Widget: Sendable {
    func render(_ state: CallState, in area: Rect, theme: Theme, into grid: inout Grid)
}
