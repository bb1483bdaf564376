import Foundation
import RingsideCore
import Testing
import TestSupport
@testable import Session

/// The event model's one redaction rule (`CallEventPayload.mappingText`) covers every kind of event
/// and every free-text field, and every writer goes through it.
@Suite struct CallEventRedactionTests {
    static let secret = "s3cret-4242"
    static let name = "plain-name"
    static let samples = CallEventSamples.every(text: secret, name: name)
    static func hide(_ text: String) -> String { text.replacingOccurrences(of: secret, with: "[redacted]") }

    static func json(_ payload: CallEventPayload) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(payload), as: UTF8.self)
    }

    @Test func everyKindOfEventHasASample() {
        let sampled = Set(Self.samples.map(\.kind))
        let missing = CallEventKind.allCases.filter { !sampled.contains($0) }
        #expect(missing.isEmpty, "no redaction sample for \(missing): add one to CallEventSamples")
    }

    /// A sample must plant the secret (or the name) in every string it has, so an unplanted field
    /// cannot slip past the checks below.
    @Test func everyStringOfEverySampleIsPlanted() {
        for sample in Self.samples {
            for s in CallEventSamples.strings(in: sample) {
                #expect(s == Self.secret || s == Self.name, "\(sample.kind): the field holding \"\(s)\" is neither text nor a name")
            }
        }
    }

    @Test func theRuleHidesEveryFreeTextField() throws {
        for sample in Self.samples {
            let before = try Self.json(sample)
            let after = try Self.json(sample.mappingText(Self.hide))
            #expect(!after.contains(Self.secret), "\(sample.kind) keeps free text unredacted: \(after)")
            if before.contains(Self.secret) { #expect(after.contains("[redacted]"), "\(after)") }
            #expect(try JSONDecoder().decode(CallEventPayload.self, from: Data(after.utf8)) == sample.mappingText(Self.hide),
                    "\(sample.kind) does not survive encoding")
        }
    }

    /// Every kind of event, with a secret in each free-text field, through the bus into a recording, and
    /// straight into a recorder: no written file holds the secret, and the recording reads back whole.
    @Test func noWrittenFileHoldsASecret() async throws {
        let root = try TestPaths.temporaryDirectory()
        let viaBus = try CallRecorder(directory: root.appendingPathComponent("bus"), rate: .hz16000)
        let direct = try CallRecorder(directory: root.appendingPathComponent("direct"), rate: .hz16000, redact: Self.hide)
        let bus = CallEventBus(callID: "c1", clock: VirtualClock(), redact: Self.hide)
        bus.observe(viaBus.observe)
        for (i, sample) in Self.samples.enumerated() {
            bus.emit(.session, sample)
            direct.observe(CallEvent(callID: "c1", turn: 1, time: .milliseconds(Double(i)), stage: .session, payload: sample))
        }
        await bus.drain()
        viaBus.close()
        direct.close()
        #expect(bus.events.allSatisfy { !(try! Self.json($0.payload)).contains(Self.secret) })
        for folder in ["bus", "direct"] {
            let dir = root.appendingPathComponent(folder)
            for file in [CallRecorder.FileName.events, CallRecorder.FileName.transcript] {
                let text = try String(contentsOf: dir.appendingPathComponent(file), encoding: .utf8)
                #expect(!text.isEmpty)
                #expect(!text.contains(Self.secret), "\(folder)/\(file) holds the secret:\n\(text)")
            }
            let recording = try Recording.load(dir)
            #expect(recording.problems.filter { $0.contains("events.jsonl") }.isEmpty, "\(recording.problems)")
            // Every kind but live partials (which the recorder never writes) reads back.
            #expect(recording.events.count == Self.samples.count - 1)
        }
    }
}
