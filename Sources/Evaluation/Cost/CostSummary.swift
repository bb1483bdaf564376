/// Estimated running costs of a test run under a `PriceTable`.
///
/// A call is *resolved* when it passed its task without a handoff to a human; *escalated* when the
/// agent handed it over. Per resolved call is everything spent divided by the calls resolved (what
/// each resolution really costs, failures included); per escalated call is the mean cost of the
/// escalated calls (what the agent spent before a person took over).
public struct CostSummary: Sendable, Codable, Equatable {
    public var prices: PriceTable
    /// Each graded run's cost, in result order (`name` → cost).
    public var perRun: [String: Double]
    public var total: Double
    public var perCall: Double?
    public var resolvedCalls: Int
    public var perResolvedCall: Double?
    public var escalatedCalls: Int
    public var perEscalatedCall: Double?

    public init(_ results: [ScenarioRunResult], prices: PriceTable) {
        self.prices = prices
        let graded = results.filter { $0.verdict != .error }
        var perRun: [String: Double] = [:]
        var escalatedCosts: [Double] = []
        var resolved = 0
        for r in graded {
            let cost = prices.cost(of: r.metrics.usage ?? CallUsage())
            perRun[r.name] = cost
            let escalated = r.metrics.escalated ?? false
            if escalated { escalatedCosts.append(cost) }
            if !escalated, r.metrics.taskSuccess, r.verdict == .pass { resolved += 1 }
        }
        self.perRun = perRun
        total = perRun.values.reduce(0, +)
        perCall = graded.isEmpty ? nil : total / Double(graded.count)
        resolvedCalls = resolved
        perResolvedCall = resolved == 0 ? nil : total / Double(resolved)
        escalatedCalls = escalatedCosts.count
        perEscalatedCall = escalatedCosts.isEmpty ? nil : escalatedCosts.reduce(0, +) / Double(escalatedCosts.count)
    }

    /// "$0.0123"-style text in the table's currency.
    public func format(_ value: Double?) -> String {
        guard let value else { return "—" }
        let symbol = prices.currency == "USD" ? "$" : prices.currency == "EUR" ? "€" : prices.currency + " "
        return symbol + String(format: "%.4f", value)
    }
}
