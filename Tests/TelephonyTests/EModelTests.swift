import Testing
@testable import Telephony

@Suite struct EModelTests {
    @Test func ratingToMOSKnownValues() {
        #expect(abs(EModel.mos(rating: 93.2) - 4.41) < 0.01)
        #expect(abs(EModel.mos(rating: 50) - 2.58) < 0.01)
        #expect(EModel.mos(rating: -5) == 1)
        #expect(EModel.mos(rating: 120) == 4.5)
    }

    @Test func g711ImpairmentFromLossAndDelay() {
        // No loss, no delay: R = 93.2.
        #expect(abs(EModel.rating(codec: EModel.impairment(for: .pcmu), lossPercent: 0, oneWayDelayMs: 0) - 93.2) < 1e-9)
        // 2 % random loss with PLC (Bpl 25.1): Ie,eff = 95·2/27.1 ≈ 7.01.
        let withPLC = EModel.effectiveEquipmentImpairment(EModel.impairment(for: .pcmu), lossPercent: 2)
        #expect(abs(withPLC - 7.011) < 0.01)
        // Without PLC (Bpl 4.3) the same loss hurts far more: 95·2/6.3 ≈ 30.16.
        let noPLC = EModel.effectiveEquipmentImpairment(EModel.impairment(for: .pcma, concealment: false), lossPercent: 2)
        #expect(abs(noPLC - 30.159) < 0.01)
        // Delay: 150 ms → Id 3.6; 300 ms → 7.2 + 0.11·122.7 = 20.697.
        #expect(abs(EModel.delayImpairment(oneWayDelayMs: 150) - 3.6) < 1e-9)
        #expect(abs(EModel.delayImpairment(oneWayDelayMs: 300) - 20.697) < 1e-6)
        #expect(EModel.mos(codec: .pcmu, lossPercent: 5, oneWayDelayMs: 200) < EModel.mos(codec: .pcmu, lossPercent: 0, oneWayDelayMs: 20))
        #expect(EModel.mos(codec: .opus, lossPercent: 5, oneWayDelayMs: 40) > EModel.mos(codec: .pcmu, lossPercent: 5, oneWayDelayMs: 40, concealment: false))
    }
}
