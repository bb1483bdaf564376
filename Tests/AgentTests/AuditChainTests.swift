import Foundation
import RingsideCore
import Testing
@testable import Agent

/// The audit log's hash chain: editing, deleting or reordering one line is found at that line.
@Suite struct AuditChainTests {
    func writeLog(entries: Int) async throws -> URL {
        let url = Fixtures.temporaryFolder().appendingPathComponent("audit.jsonl")
        let log = try AuditLog(url: url, redactor: Redactor())
        for i in 1...entries {
            await log.append(call: "c1", kind: "tool", time: .milliseconds(Double(i)), detail: ["n": .number(Double(i)), "tool": "find_patient"])
        }
        return url
    }

    func lines(_ url: URL) throws -> [String] {
        try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map(String.init)
    }

    @Test func intactChainVerifies() async throws {
        let url = try await writeLog(entries: 6)
        #expect(try AuditVerifier.verify(fileAt: url) == .intact(entries: 6))
    }

    @Test func reopeningContinuesTheChain() async throws {
        let url = try await writeLog(entries: 3)
        let again = try AuditLog(url: url, redactor: Redactor())
        await again.append(call: "c2", kind: "call_started", time: .zero, detail: [:])
        #expect(try AuditVerifier.verify(fileAt: url) == .intact(entries: 4))
    }

    @Test(arguments: [1, 3, 6])
    func editedLineIsFound(line: Int) async throws {
        let url = try await writeLog(entries: 6)
        var text = try lines(url)
        text[line - 1] = text[line - 1].replacingOccurrences(of: "find_patient", with: "cancel_appointment")
        let verdict = AuditVerifier.verify(text: text.joined(separator: "\n") + "\n")
        #expect(verdict == .tampered(line: line, reason: "content does not match its hash (the line was edited)"))
    }

    @Test(arguments: [1, 3, 5])
    func deletedLineIsFound(line: Int) async throws {
        let url = try await writeLog(entries: 6)
        var text = try lines(url)
        text.remove(at: line - 1)
        guard case .tampered(let at, _) = AuditVerifier.verify(text: text.joined(separator: "\n")) else {
            Issue.record("deleting line \(line) was not detected")
            return
        }
        #expect(at == line)
    }

    @Test(arguments: [1, 2, 4])
    func reorderedLinesAreFound(line: Int) async throws {
        let url = try await writeLog(entries: 6)
        var text = try lines(url)
        text.swapAt(line - 1, line)
        guard case .tampered(let at, _) = AuditVerifier.verify(text: text.joined(separator: "\n")) else {
            Issue.record("swapping lines \(line) and \(line + 1) was not detected")
            return
        }
        #expect(at == line)
    }

    @Test func editWithRecomputedHashStillBreaksTheNextLine() async throws {
        let url = try await writeLog(entries: 4)
        var text = try lines(url)
        var entry = try JSONDecoder().decode(AuditEntry.self, from: Data(text[1].utf8))
        entry.detail = ["n": .number(99)]
        entry.hash = entry.computedHash
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        text[1] = String(decoding: try encoder.encode(entry), as: UTF8.self)
        #expect(AuditVerifier.verify(text: text.joined(separator: "\n")) == .tampered(line: 3, reason: "does not chain to the line before (a line was removed or moved)"))
    }

    @Test func sha256MatchesKnownVectors() {
        #expect(SHA256.hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex(String(repeating: "a", count: 1000)) == "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3")
    }
}
