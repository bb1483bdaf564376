import Foundation
import Logging
import RingsideCore
import Synchronization
import Testing
@testable import Agent

/// Card numbers (Luhn-checked), SSNs and dates of birth never reach a log file.
@Suite struct RedactionTests {
    @Test func patterns() {
        let r = Redactor()
        #expect(r.redact("my card is 4111 1111 1111 1111 thanks") == "my card is [card] thanks")
        #expect(r.redact("card 4111-1111-1111-1112") == "card 4111-1111-1111-1112") // fails Luhn: not a card
        #expect(r.redact("order 10427 for 3 items") == "order 10427 for 3 items")
        #expect(r.redact("ssn 123-45-6789") == "ssn [ssn]")
        #expect(r.redact("my social security number is 123456789") == "my [ssn]")
        #expect(r.redact("born 1980-03-04, visit 2026-03-04") == "born [dob], visit 2026-03-04")
        #expect(!r.redact("I was born on March 4th 1980").contains("1980"))
        #expect(!r.redact("the fourth of March nineteen eighty").contains("nineteen"))
    }

    /// Numbers read out digit by digit, as the recogniser writes them, partial transcripts included.
    @Test func spokenCardAndSocialSecurityNumbers() {
        let r = Redactor()
        let card = "four one one one one one one one one one one one one one one one"
        #expect(r.redact("my card number is \(card) thanks") == "my card number is [card] thanks")
        #expect(r.redact("the number is \(card)") == "the number is [card]", "13+ spoken digits are a card without a cue")
        #expect(r.redact("my card number is four one one one one one one") == "my card number is [card]", "a partial after the cue")
        #expect(r.redact("my visa is four one one one, one one one one") == "my visa is [card]")
        #expect(r.redact("my social security number is one two three four five") == "my social security number is [ssn]")
        #expect(r.redact("order one zero four two seven please") == "order one zero four two seven please")
        #expect(r.redact("one oh four two seven") == "one oh four two seven")
        #expect(r.redact("the fourth of March nineteen eighty") != "the fourth of March nineteen eighty")
        let onlyCards = Redactor(kinds: [.cardNumber])
        #expect(onlyCards.redact("social security one two three four five six seven eight nine") == "social security one two three four five six seven eight nine")
        #expect(Redactor(kinds: []).redact("my card is \(card)") == "my card is \(card)")
    }

    /// A log handler that appends lines to a file, standing in for any log backend.
    struct FileLogHandler: LogHandler {
        let url: URL
        var logLevel: Logger.Level = .trace
        var metadata: Logger.Metadata = [:]
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(event: LogEvent) {
            let text = "\(event.level) \(event.message) \(event.metadata ?? [:])\n"
            if let handle = try? FileHandle(forWritingTo: url) {
                handle.seekToEndOfFile()
                handle.write(Data(text.utf8))
                try? handle.close()
            }
        }
    }

    /// Plays `lines` to the clinic agent with every event, audit entry and log line written to files
    /// in one folder; returns the folder and the call's database.
    func recordCall(_ lines: [String]) async throws -> (logs: URL, database: DatabaseQueue) {
        let agent = try Fixtures.loadAgent("clinic")
        let folder = Fixtures.temporaryFolder()
        let logs = folder.appendingPathComponent("logs")
        try FileManager.default.createDirectory(at: logs, withIntermediateDirectories: true)
        let eventsURL = logs.appendingPathComponent("events.jsonl")
        let logURL = logs.appendingPathComponent("agent.log")
        #expect(FileManager.default.createFile(atPath: eventsURL.path, contents: nil))
        #expect(FileManager.default.createFile(atPath: logURL.path, contents: nil))
        let encoder = JSONEncoder()
        let eventLines = Mutex<[String]>([])
        let clock = VirtualClock()
        let sink = EventCollector(callID: "pii", clock: clock) { event in
            if let data = try? encoder.encode(event) { eventLines.withLock { $0.append(String(decoding: data, as: UTF8.self)) } }
        }
        let logger = Logger(label: "test") { _ in RedactingLogHandler(wrapping: FileLogHandler(url: logURL)) }
        let database = try AgentDatabase.create(at: folder.appendingPathComponent("clinic.sqlite"), definition: agent)
        let options = ConversationOptions(callID: "pii", clock: clock, events: sink, approvalMode: .approveAll, auditURL: logs.appendingPathComponent("audit.jsonl"), logger: logger)
        let conversation = try Conversation(agent: agent, database: database, options: options)
        _ = await conversation.start()
        for line in lines {
            conversation.tracer.emit(.finalTranscript(speaker: .caller, text: line, confidence: 1), stage: .stt)
            _ = await conversation.hear(line)
            logger.info("caller said \(line)", metadata: ["utterance": "\(line)"])
        }
        await conversation.end(reason: "done")
        try eventLines.withLock { $0 }.joined(separator: "\n").write(to: eventsURL, atomically: true, encoding: .utf8)
        return (logs, database)
    }

    func expectNoSecret(_ secrets: [String], in logs: URL) throws {
        let files = try FileManager.default.contentsOfDirectory(at: logs, includingPropertiesForKeys: nil)
        #expect(files.count == 3)
        for file in files {
            let text = try String(contentsOf: file, encoding: .utf8)
            #expect(!text.isEmpty, "\(file.lastPathComponent) is empty")
            for secret in secrets {
                #expect(!text.contains(secret), "\(file.lastPathComponent) contains \(secret)")
            }
        }
    }

    @Test func noSecretReachesAnyLogFile() async throws {
        let (logs, database) = try await recordCall([
            "I'd like to book an appointment",
            "John Smith",
            "my date of birth is March 4th 1980",
            "my card number is 4111 1111 1111 1111 and my SSN is 123-45-6789",
            "Tuesday",
            "9 am",
            "yes",
        ])
        try expectNoSecret(["4111 1111 1111 1111", "4111111111111111", "123-45-6789", "123456789", "1980-03-04", "March 4th 1980", "1980"], in: logs)
        // The booking itself still went through: redaction hides, it does not break the call.
        let booked = try await database.read { db in try Int.fetchOne(db, sql: "SELECT patient_id FROM slots WHERE id = 1") }
        #expect(booked == 1)
    }

    /// A message taken after identification failed twice: the dates of birth given (wrong, so never
    /// matched) and a card number inside the message reach no file; the message itself is recorded.
    @Test func aMessageAfterFailedIdentificationKeepsPersonalDataOutOfEveryFile() async throws {
        let (logs, database) = try await recordCall([
            "I'd like to book an appointment",
            "John Smith",
            "March 5th 1980",
            "John Smith",
            "the sixth of March nineteen eighty",
            "please call me back, my card is 4111 1111 1111 1111",
            "yes",
        ])
        try expectNoSecret(["4111 1111 1111 1111", "4111111111111111", "1980-03-05", "March 5th 1980", "1980-03-06", "sixth of March nineteen eighty"], in: logs)
        let message = try await database.read { db in try String.fetchOne(db, sql: "SELECT name || ': ' || text FROM messages") }
        #expect(message?.hasPrefix("John Smith: please call me back") == true, "\(message ?? "no message")")
    }
}

import GRDB
