import Audio
import Foundation
import RingsideCore
import Speech
import Telephony
import ProcessHarness

/// Several callers at once on one `ringside serve`, with each recogniser writing the finals: what a
/// caller waits for an answer (end of their speech → the agent's first audio, as heard on the line),
/// what each call costs the machine in CPU seconds, and what each concurrent call adds to memory.
enum ServeCapacity {
    /// What the callers say, one turn after another; every line is answered in one reply.
    static let lines = ["What are your opening hours?", "Are you open on Saturday?", "Where can I park?"]
    /// The rate the callers' phones take frames at (`SIPPhoneConfiguration`'s own; the wire is PCMU either way).
    static let phoneRate = SIPPhoneConfiguration().rate

    struct Round {
        var engine: String
        var concurrent: Int
        var v2v: [Double] = []
        var unanswered = 0
        var cpuSecondsPerCall = 0.0
        var extraMBPerCall = 0.0
    }

    static func run(agent: URL, engines: [String], levels: [Int], into report: inout BenchReport) async throws {
        var speech: [[AudioFrame]] = []
        for line in lines {
            var frames: [AudioFrame] = []
            for try await f in try FliteSynthesizer(voice: "slt").synthesize(line, rate: Self.phoneRate).frames { frames.append(f) }
            speech.append(frames)
        }
        for engine in engines {
            let served = try ServeBench.Served.start(agent: agent, extra: ["--stt", engine, "--max-calls", "16"])
            defer { served.stop() }
            // serve may still be starting: a first call, tried a bounded number of times, also loads
            // the models; it is not measured.
            var up = false
            for _ in 0..<50 where !up {
                up = (try? await converse(port: served.port, speech: [])) != nil
                if !up { try await Task.sleep(for: .milliseconds(200)) }
            }
            guard up else { throw BenchError("serve --stt \(engine) did not answer: \((try? String(contentsOf: served.log, encoding: .utf8)) ?? "")") }
            for k in levels {
                let r = try await round(served: served, engine: engine, callers: k, speech: speech)
                let label = "capacity \(engine) ×\(k)"
                report.addDistribution("\(label): v2v on the line", r.v2v, unit: "ms")
                report.add("\(label): turns unanswered in 5 s", Double(r.unanswered), "turns")
                report.add("\(label): CPU per call", r.cpuSecondsPerCall, "s")
                report.add("\(label): memory per concurrent call", r.extraMBPerCall, "MB")
            }
        }
    }

    /// `callers` calls at once, each saying every line and waiting for the agent's answer.
    static func round(served: ServeBench.Served, engine: String, callers: Int, speech: [[AudioFrame]]) async throws -> Round {
        let pid = served.process.pid
        let cpuBefore = cpuSeconds(pid)
        let rssBefore = ServeBench.residentKB(pid) ?? 0
        let peak = PeakSampler(pid: pid)
        let sampling = Task { await peak.run() }
        let results = try await withThrowingTaskGroup(of: (v2v: [Double], unanswered: Int).self) { group in
            for _ in 0..<callers {
                group.addTask { try await converse(port: served.port, speech: speech) }
            }
            var all: [(v2v: [Double], unanswered: Int)] = []
            for try await r in group { all.append(r) }
            return all
        }
        sampling.cancel()
        let peakKB = await peak.peakKB
        var r = Round(engine: engine, concurrent: callers)
        r.v2v = results.flatMap(\.v2v)
        r.unanswered = results.reduce(0) { $0 + $1.unanswered }
        r.cpuSecondsPerCall = (cpuSeconds(pid) - cpuBefore) / Double(callers)
        r.extraMBPerCall = max(0, peakKB - rssBefore) / 1024 / Double(callers)
        return r
    }

    /// One caller: dial, let the greeting finish, then each line with the time to the agent's answer.
    static func converse(port: UInt16, speech: [[AudioFrame]]) async throws -> (v2v: [Double], unanswered: Int) {
        let phone = SIPPhone(configuration: SIPPhoneConfiguration(sip: SIPConfiguration(bindAddress: "127.0.0.1", port: try ServeBench.freePort()),
                                                                  mediaAddress: "127.0.0.1", codecs: [.pcmu], autoAnswer: false))
        try phone.start()
        defer { Task { await phone.shutdown() } }
        let call = try phone.dial("sip:agent@127.0.0.1:\(port)")
        var connected = false
        for await event in phone.events {
            if case .connected = event { connected = true; break }
            if case .ended = event { break }
        }
        guard connected else { throw BenchError("serve did not answer a capacity call") }
        let silence = AudioFrame.silence(rate: Self.phoneRate, at: .zero)
        /// Frames until the agent has been quiet for `quietFrames` after speaking (bounded to 20 s).
        func waitForQuiet(quietFrames: Int = 40) async throws {
            var quiet = 0, heard = false
            for _ in 0..<1000 {
                try call.media.sink.write(silence)
                guard let f = try await call.media.source.nextFrameAsync() else { return }
                if AudioLevel(frame: f).rms > 0.01 { heard = true; quiet = 0 } else { quiet += 1 }
                if heard && quiet >= quietFrames { return }
            }
        }
        try await waitForQuiet()
        var v2v: [Double] = [], unanswered = 0
        for line in speech {
            for f in line {
                try call.media.sink.write(f)
                _ = try await call.media.source.nextFrameAsync()
            }
            let ended = ContinuousClock.now
            var answered = false
            for _ in 0..<250 where !answered {  // 5 s
                try call.media.sink.write(silence)
                guard let f = try await call.media.source.nextFrameAsync() else { break }
                if AudioLevel(frame: f).rms > 0.01 {
                    answered = true
                    v2v.append((ContinuousClock.now - ended).milliseconds)
                }
            }
            if answered { try await waitForQuiet() } else { unanswered += 1 }
        }
        call.hangUp()
        for await event in phone.events { if case .ended = event { break } }
        return (v2v, unanswered)
    }

    /// User + system CPU time of a process, seconds.
    static func cpuSeconds(_ pid: pid_t) -> Double {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return 0 }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        // After the command name: state is field 3, utime 14, stime 15 (1-based over the whole line).
        guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }
}

/// Samples a process's resident memory every 100 ms until cancelled; keeps the highest.
actor PeakSampler {
    let pid: pid_t
    private(set) var peakKB = 0.0
    init(pid: pid_t) { self.pid = pid }

    func run() async {
        while !Task.isCancelled {
            if let kb = ServeBench.residentKB(pid) { peakKB = max(peakKB, kb) }
            try? await Task.sleep(for: .milliseconds(100))
        }
    }
}
