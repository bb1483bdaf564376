import Foundation
import RingsideCore
import Testing
@testable import Speech
#if canImport(Glibc)
import Glibc
#endif

/// Smart Turn v3.2, the learned end-of-turn model: the real ONNX model and our server, as `make setup`
/// installs them (Tests/Support/install-smart-turn.sh), on speech synthesised by flite.
@Suite("Smart Turn end-of-turn model", .serialized)
struct SmartTurnTests {
    /// Finished turns, and unfinished ones that trail off in a filler. Flite reads every text as a
    /// finished sentence (falling pitch at the end), and Smart Turn, trained on people, then hears a
    /// finished turn even in "I'd like to book an appointment for": what it does hear on a synthetic
    /// voice is the hesitation of a trailing "um".
    static let complete = [
        "I'd like to book an appointment for Tuesday please.",
        "Can you tell me your opening hours?",
        "Could you send me a reminder by text message?",
        "My name is John Smith.",
    ]
    static let incomplete = [
        "I'd like to book an appointment for, um",
        "My name is John, and, um",
        "I want to cancel my, um",
        "So I was thinking that maybe, uh",
    ]
    /// Unfinished only in their words: printed, not asserted (the model calls most of them complete).
    static let unfinishedWords = [
        "I'd like to book an appointment for",
        "My name is John and",
        "I want to cancel my",
        "Could I speak to the",
    ]

    /// `text` as a caller's turn: flite's kal voice at 16 kHz, trimmed of flite's own silences, then
    /// 0.3 s of silence before (a VAD's pre-roll) and 0.2 s after (the pause that asks the question).
    static func turn(_ text: String, voice: String = "kal") async throws -> [Int16] {
        let job = try FliteSynthesizer(voice: voice).synthesize(text, rate: .hz16000, start: .zero)
        var speech: [Int16] = []
        for try await frame in job.frames { speech += frame.samples }
        if let a = speech.firstIndex(where: { abs(Int($0)) > 64 }), let b = speech.lastIndex(where: { abs(Int($0)) > 64 }) {
            speech = Array(speech[a...b])
        }
        return [Int16](repeating: 0, count: 4_800) + speech + [Int16](repeating: 0, count: 3_200)
    }

    static func percentile(_ values: [Double], _ p: Double) -> Double {
        let sorted = values.sorted()
        return sorted[min(sorted.count - 1, Int((Double(sorted.count - 1) * p).rounded()))]
    }

    static func isAlive(_ pid: pid_t) -> Bool { kill(pid, 0) == 0 }

    /// Waits up to `seconds` for `pid` to be gone (not even a zombie: the model reaps it).
    static func vanishes(_ pid: pid_t, within seconds: Double = 3) async -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if !isAlive(pid) { return true }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return !isAlive(pid)
    }

    @Test("the install is found, with the model, the server and the Python packages")
    func installed() throws {
        let installation = try SmartTurnInstallation.locate()
        #expect(installation.isComplete)
        #expect(FileManager.default.fileExists(atPath: installation.prefix + "/share/ringside/silero_vad.onnx"))
        let version = try String(contentsOfFile: installation.prefix + "/VERSION", encoding: .utf8)
        #expect(version.hasPrefix("smart-turn 3.2 (pipecat-ai 1.14.0)"))
    }

    @Test("finished turns score above unfinished ones; each side of 0.5 for most")
    func completeVersusIncomplete() async throws {
        let model = try SmartTurnModel()
        defer { model.close() }
        var complete: [Double] = [], incomplete: [Double] = []
        for text in Self.complete {
            let p = try await model.probabilityComplete(samples16k: try await Self.turn(text))
            complete.append(p)
            print(String(format: "smart-turn: complete   %.3f  %@", p, text))
        }
        for text in Self.incomplete {
            let p = try await model.probabilityComplete(samples16k: try await Self.turn(text))
            incomplete.append(p)
            print(String(format: "smart-turn: incomplete %.3f  %@", p, text))
        }
        for text in Self.unfinishedWords {
            let p = try await model.probabilityComplete(samples16k: try await Self.turn(text))
            print(String(format: "smart-turn: unasserted %.3f  %@", p, text))
        }
        let meanComplete = complete.reduce(0, +) / Double(complete.count)
        let meanIncomplete = incomplete.reduce(0, +) / Double(incomplete.count)
        #expect(meanComplete - meanIncomplete > 0.5, "complete \(complete), incomplete \(incomplete)")
        #expect(complete.filter { $0 > 0.5 }.count >= complete.count - 1, "complete \(complete)")
        #expect(incomplete.filter { $0 < 0.5 }.count >= incomplete.count - 1, "incomplete \(incomplete)")
    }

    @Test("silence, a lone sample and more than 8 s are all answered; only the last 8 s count")
    func edges() async throws {
        let model = try SmartTurnModel()
        defer { model.close() }
        for samples in [[], [Int16(100)], [Int16](repeating: 0, count: 16_000)] {
            let p = try await model.probabilityComplete(samples16k: samples)
            #expect((0...1).contains(p))
        }
        let turn = try await Self.turn(Self.complete[0])
        let alone = try await model.probabilityComplete(samples16k: turn)
        let noise = (0..<200_000).map { Int16(truncatingIfNeeded: ($0 &* 7919) % 4001 - 2000) }
        let afterNoise = try await model.probabilityComplete(samples16k: noise + [Int16](repeating: 0, count: 128_000 - turn.count) + turn)
        #expect(abs(alone - afterNoise) < 1e-6, "what comes before the last 8 s is not heard")
    }

    @Test("per decision: model time, round trip, overhead; server memory and CPU")
    func latency() async throws {
        let model = try SmartTurnModel()
        defer { model.close() }
        let started = Date()
        try await model.start()
        let startup = Date().timeIntervalSince(started)
        // A full window, as a live caller's turn sends.
        let turn = try await Self.turn(Self.complete[0])
        let window = [Int16](repeating: 0, count: SmartTurnModel.windowSamples - turn.count) + turn
        _ = try await model.decide(samples16k: window)
        let pid = try #require(model.serverProcessID)
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        func cpuSeconds() -> Double {
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { return 0 }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            return (Double(fields[11]) ?? 0) / ticks + (Double(fields[12]) ?? 0) / ticks
        }
        let cpuBefore = cpuSeconds()
        var modelMs: [Double] = [], roundTrip: [Double] = [], awaited: [Double] = [], overhead: [Double] = []
        let calls = 50
        for _ in 0..<calls {
            let t0 = DispatchTime.now().uptimeNanoseconds
            let d = try await model.decide(samples16k: window)
            awaited.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6)
            modelMs.append(d.modelMilliseconds)
            roundTrip.append(d.roundTripMilliseconds)
            overhead.append(awaited.last! - d.modelMilliseconds)
        }
        let cpuPerDecision = (cpuSeconds() - cpuBefore) / Double(calls) * 1000
        let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
        let rss = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") }.map { String($0.dropFirst(6)).trimmingCharacters(in: .whitespaces) } ?? "?"
        let f = { (v: [Double]) in String(format: "p50 %.1f ms, p95 %.1f ms", Self.percentile(v, 0.5), Self.percentile(v, 0.95)) }
        print("smart-turn: start \(String(format: "%.2f", startup)) s; over \(calls) decisions: model \(f(modelMs)); socket round trip \(f(roundTrip)); "
              + "awaited \(f(awaited)); overhead (awaited - model) \(f(overhead)); server RSS \(rss); server CPU \(String(format: "%.1f", cpuPerDecision)) ms/decision")
        // The target is ≤ 5 ms; the bound leaves room for a loaded CI machine.
        #expect(Self.percentile(overhead, 0.5) < 25)
    }

    @Test("a missing install names the fix and where it looked")
    func missingInstall() throws {
        let nowhere = "/nonexistent/ringside-smart-turn"
        #expect(throws: SmartTurnError.notInstalled(lookedIn: [nowhere])) {
            try SmartTurnInstallation.locate(environment: ["RINGSIDE_SMART_TURN_PREFIX": nowhere])
        }
        do {
            _ = try SmartTurnModel(environment: ["RINGSIDE_SMART_TURN_PREFIX": nowhere])
            Issue.record("a model without an install")
        } catch let error as SmartTurnError {
            #expect(error.description.hasPrefix("Smart Turn is not installed: run `make setup`"))
            #expect(error.description.contains(nowhere))
        }
        // Without the variable, every place looked in is named.
        let places = SmartTurnInstallation.candidates(environment: [:])
        #expect(places.contains { $0.hasSuffix("/lib/ringside/smart-turn") })
        #expect(places.contains { $0.hasSuffix("/.build/smart-turn") })
        let python = #expect(throws: SmartTurnError.self) {
            try SmartTurnModel(installation: try SmartTurnInstallation.locate(), environment: ["RINGSIDE_SMART_TURN_PYTHON": "/nonexistent/python3"])
        }
        #expect(python?.description.contains("RINGSIDE_SMART_TURN_PYTHON=/nonexistent/python3 is not an executable") == true, "\(String(describing: python))")
    }

    @Test("a damaged model: the error carries the server's own complaint")
    func damagedModel() async throws {
        let real = try SmartTurnInstallation.locate()
        let prefix = FileManager.default.temporaryDirectory.appendingPathComponent("smart-turn-damaged-\(getpid())").path
        defer { try? FileManager.default.removeItem(atPath: prefix) }
        let broken = SmartTurnInstallation(prefix: prefix)
        let fm = FileManager.default
        try fm.createDirectory(atPath: prefix + "/share/ringside", withIntermediateDirectories: true)
        try fm.createDirectory(atPath: prefix + "/libexec/ringside", withIntermediateDirectories: true)
        try fm.createSymbolicLink(atPath: broken.pythonPath, withDestinationPath: real.pythonPath)
        try fm.copyItem(atPath: real.serverPath, toPath: broken.serverPath)
        try Data("not an onnx model".utf8).write(to: URL(fileURLWithPath: broken.modelPath))
        let model = try SmartTurnModel(installation: broken)
        defer { model.close() }
        do {
            _ = try await model.probabilityComplete(samples16k: [])
            Issue.record("a damaged model answered")
        } catch let error as SmartTurnError {
            guard case let .serverFailed(reason) = error else { Issue.record("\(error)"); return }
            #expect(reason.contains("exited with status 3"), "\(reason)")
            #expect(reason.contains("cannot load"), "\(reason)")
        }
        #expect(model.serverProcessID == nil)
    }

    @Test("the server is gone after close() and after the model is released; a killed one is restarted")
    func processLifetime() async throws {
        let model = try SmartTurnModel()
        let turn = try await Self.turn(Self.complete[1])
        let first = try await model.probabilityComplete(samples16k: turn)
        let pid = try #require(model.serverProcessID)
        #expect(Self.isAlive(pid))

        // Killed behind the model's back: the next decision restarts it and answers the same.
        kill(pid, SIGKILL)
        let again = try await model.probabilityComplete(samples16k: turn)
        #expect(abs(first - again) < 1e-6)
        let second = try #require(model.serverProcessID)
        #expect(second != pid)
        #expect(model.restartCount == 1)

        let directory = try #require(model.serverDirectory)
        model.close()
        #expect(model.serverProcessID == nil)
        #expect(!Self.isAlive(second), "close() waits for the server and reaps it")
        #expect(!FileManager.default.fileExists(atPath: directory))
        await #expect(throws: SmartTurnError.closed) { try await model.probabilityComplete(samples16k: turn) }

        // Released without close(): deinit stops it.
        var released: SmartTurnModel? = try SmartTurnModel()
        _ = try await released!.probabilityComplete(samples16k: turn)
        let third = try #require(released!.serverProcessID)
        #expect(Self.isAlive(third))
        released = nil
        #expect(await Self.vanishes(third), "the server outlived its model")
    }

    @Test("the server leaves by itself when its standard input closes, removing its directory")
    func exitsOnEndOfInput() throws {
        let installation = try SmartTurnInstallation.locate()
        let server = try SmartTurnServer.start(python: try SmartTurnInstallation.python(), installation: installation,
                                               model: ["--model", installation.modelPath], startTimeout: 30, answerTimeout: 20)
        #expect(FileManager.default.fileExists(atPath: server.directory + "/socket"))
        server.stop()  // closes its standard input, then waits up to 1 s before it would kill it
        #expect(server.exitDescription == "exited with status 0")
        #expect(!FileManager.default.fileExists(atPath: server.directory))
    }
}
