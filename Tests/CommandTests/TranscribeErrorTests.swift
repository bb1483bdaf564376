import Foundation
import Testing
import TestSupport

/// `ringside transcribe` given something that is not a readable WAV file: one line on stderr naming
/// the file and the problem, exit 2, nothing on stdout.
@Suite struct TranscribeErrorTests {
    var ringside: String { TestPaths.builtProduct("ringside").path }

    func expectOneLine(_ path: String, _ problem: String) throws {
        let run = try runProgram(ringside, ["transcribe", "--engine", "pocketsphinx", path])
        #expect(run.status == 2, "\(run.stderr)")
        #expect(run.stdout.isEmpty)
        #expect(run.stderr == "ringside: \(path): \(problem)\n")
    }

    @Test func directoryIsNamedAsSuch() throws {
        try expectOneLine(try TestPaths.temporaryDirectory("not-a-wav").path, "is a directory, not a WAV file")
    }

    @Test func missingFileIsNamedAsSuch() throws {
        try expectOneLine(try TestPaths.temporaryDirectory("no-wav").appendingPathComponent("absent.wav").path, "no such file")
    }

    @Test func conformanceCorpusGivesOneLineEach() throws {
        let dir = TestPaths.conformance("wav-malformed")
        try expectOneLine(dir.appendingPathComponent("bad.wav").path, "no 'data' chunk: the file holds no audio")
        try expectOneLine(dir.appendingPathComponent("evil.wav").path, "no 'data' chunk: the file holds no audio")
        try expectOneLine(dir.appendingPathComponent("awful.wav").path, "header field sample rate = 1092676 is impossible")
    }

    @Test func cutShortAndGarbageHeaders() throws {
        let dir = try TestPaths.temporaryDirectory("broken-wav")
        let whole = try Data(contentsOf: TestPaths.conformance("wav-malformed").appendingPathComponent("null.wav"))
        let cut = dir.appendingPathComponent("cut.wav")
        try whole.prefix(30).write(to: cut)
        try expectOneLine(cut.path, "the header is cut short: the file ends inside its 'fmt ' chunk, after 30 bytes")
        let tiny = dir.appendingPathComponent("tiny.wav")
        try Data("RIFF".utf8).write(to: tiny)
        try expectOneLine(tiny.path, "only 4 bytes, too short for a WAV header (44 bytes at least)")
        let text = dir.appendingPathComponent("notes.wav")
        try Data(String(repeating: "not audio at all ", count: 8).utf8).write(to: text)
        try expectOneLine(text.path, "not a WAV file (no RIFF signature at the start)")
    }
}
