import ArgumentParser
import Audio
import Evaluation
import Foundation
import RingsideCore
import Speech
import Telephony
import ProcessHarness

/// `ringside-bench sip`: SIP figures into `.bench/sip.json` — mouth-to-ear delay Ringside adds on
/// loopback, CPU per active Opus call against baresip, voice-to-voice of clinic scenarios over
/// SIP, and how many concurrent served calls keep voice-to-voice p95 within budget.
struct SIPBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sip",
        abstract: "SIP media delay, CPU per call vs baresip, voice-to-voice over SIP, concurrent-call capacity.",
        discussion: "Writes .bench/sip.json. Real-time: takes a few minutes. The baresip comparison needs root and baresip."
    )

    @OptionGroup var options: BenchOptions
    @Option(help: "The agent folder served for the scenario figures.") var agent = "sample-calls/clinic"
    @Option(help: "Scenarios (ids under AGENT/calls) for voice-to-voice over SIP.") var scenarios = "hours,book-happy-path,front-desk"
    @Option(help: "Concurrent calls to try, in order, for the capacity figure.") var concurrency = "1,2,4,8"
    @Option(help: "Voice-to-voice p95 budget (ms) for the capacity figure.") var budgetMs = 600.0

    func run() async throws {
        BenchLogging.bootstrap()
        let report = await SIPBench.run(agent: URL(fileURLWithPath: agent), scenarios: scenarios.split(separator: ",").map(String.init),
                                        concurrency: concurrency.split(separator: ",").compactMap { Int($0) }, budgetMs: budgetMs)
        report.printTable()
        try report.write(to: options.output)
    }
}

extension Result where Failure == Error {
    /// Captures an async throwing call's outcome, so clean-up can run before it is rethrown.
    init(catching body: () async throws -> Success) async {
        do { self = .success(try await body()) } catch { self = .failure(error) }
    }
}

enum SIPBench {
    static func run(agent: URL, scenarios: [String], concurrency: [Int], budgetMs: Double) async -> BenchReport {
        var report = BenchReport(name: "sip")
        for codec in [MediaCodec.opus, .pcmu] {
            do {
                report.addDistribution("mouth-to-ear \(codec.encodingName) loopback", try await mouthToEar(codec: codec), unit: "ms")
            } catch {
                report.notes.append("mouth-to-ear \(codec.encodingName) not measured: \(error)")
            }
        }
        do {
            let cpu = try await cpuPerOpusCall()
            report.add("CPU per Opus call, Ringside", cpu.ringside, "ms/s")
            report.add("CPU per Opus call, baresip", cpu.baresip, "ms/s")
            report.add("CPU ratio Ringside / baresip", cpu.ringside / max(cpu.baresip, 0.001), "×")
        } catch {
            report.notes.append("CPU per call vs baresip not measured: \(error)")
        }
        await scenarioFigures(agent: agent, scenarios: scenarios, concurrency: concurrency, budgetMs: budgetMs, into: &report)
        report.notes.append("mouth-to-ear: a 1 kHz burst written as a 20 ms microphone frame on one Ringside phone until it is played out on another over 127.0.0.1 (packetisation, RTP, jitter buffer, codec)")
        report.notes.append("CPU per Opus call: the same call measured at both ends over a veth pair, 15 s of speech both ways; baresip plays into PulseAudio")
        report.notes.append("voice-to-voice over SIP: the caller's true end of speech to the agent's first audio as the caller hears it; caller and agent run in this one process")
        return report
    }

    // MARK: Mouth to ear

    /// Delay of 1 kHz bursts from one phone's sink (as a microphone frame) to the other's playout.
    static func mouthToEar(codec: MediaCodec, bursts: Int = 15) async throws -> [Double] {
        let pair = try await PhonePair.connect(codec: codec)
        let result = await Result(catching: { try await burstDelays(from: pair.caller, to: pair.callee, bursts: bursts) })
        await pair.close()
        return try result.get()
    }

    /// Delays of 1 kHz bursts written as microphone frames into `sender` until `receiver` plays them out.
    static func burstDelays(from sender: PhoneCall, to receiver: PhoneCall, bursts: Int) async throws -> [Double] {
        let clock = MonotonicClock()
        let rate = sender.media.sink.rate
        let n = rate.hertz / 50
        let tone = AudioFrame.frames(from: (0..<(n * 5)).map { Int16(8000 * sin(2 * .pi * 1000 * Double($0) / Double(rate.hertz))) }, rate: rate)
        var sentAt: [MediaTime] = []
        var delays: [Double] = []
        var inBurst = false
        // One frame out per frame in: the far end's playout paces the microphone, as in a live call.
        for i in 0..<(bursts * 50 + 25) {
            let received = try await receiver.media.source.nextFrameAsync()
            let heardAt = clock.now()
            let phase = i % 50
            let frame = phase < tone.count && i < bursts * 50 ? tone[phase] : AudioFrame.silence(rate: rate, at: .zero)
            try sender.media.sink.write(frame)
            if phase == 0, i < bursts * 50 { sentAt.append(clock.now()) }
            guard let received else { break }
            if let k = received.samples.firstIndex(where: { abs(Int($0)) > 2000 }) {
                if !inBurst, delays.count < sentAt.count {
                    // Sample 0 was spoken 20 ms before its frame was handed over; sample k is heard k/rate after its frame is.
                    let mouth = sentAt[delays.count] - AudioFrame.duration
                    let ear = heardAt + .milliseconds(Double(k) * 1000 / Double(received.rate.hertz))
                    delays.append((ear - mouth).milliseconds)
                }
                inBurst = true
            } else if AudioLevel(samples: received.samples).peak < 0.01 {
                inBurst = false
            }
        }
        guard delays.count >= bursts / 2 else { throw BenchError("only \(delays.count) of \(bursts) bursts arrived") }
        return delays
    }

    // MARK: CPU against baresip

    /// CPU time per second of one Opus call, for Ringside (this process) and for baresip on the
    /// other end of the same call, inside a network namespace made for the measurement.
    static func cpuPerOpusCall(seconds: Double = 15) async throws -> (ringside: Double, baresip: Double) {
        guard let baresip = ProgramPaths.executable("baresip") else { throw BenchError("baresip is not installed") }
        guard getuid() == 0 else { throw BenchError("needs root for a network namespace") }
        let namespace = try TestNetworkNamespace()
        defer { namespace.remove() }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ringside-bench-sip-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        // Speech-like audio for the whole measurement (baresip hangs up at the end of its file).
        let speech = try await speechSamples(seconds: seconds + 10)
        let wav = dir.appendingPathComponent("speech.wav")
        try WAVFile.write(PCMAudio(sampleRate: 16000, channels: 1, samples: speech), to: wav.path)
        let pulse = ProcessInfo.processInfo.environment["PULSE_SERVER"]
        guard pulse != nil else { throw BenchError("needs PULSE_SERVER (make bench starts a private daemon): baresip's player must be paced by a sound server") }
        let peer = try BaresipPeer(executable: baresip, namespace: namespace, playing: wav, codec: "opus", dumpAudio: false, pulseServer: pulse)
        defer { peer.stop() }
        let phone = SIPPhone(configuration: SIPPhoneConfiguration(sip: SIPConfiguration(bindAddress: namespace.hostAddress, port: 0),
                                                                  mediaAddress: namespace.hostAddress, codecs: [.opus]))
        try phone.start()
        var listening = false
        for _ in 0..<50 where !listening {
            listening = (try? await phone.agent.options(uri: peer.uri, timeout: 0.5))?.status == 200
        }
        guard listening else {
            await phone.shutdown()
            throw BenchError("baresip did not answer OPTIONS")
        }
        let call = try phone.dial(peer.uri)
        let watch = PhoneWatch(phone)
        guard await watch.waitConnected(10) else {
            await phone.shutdown()
            throw BenchError("the call to baresip did not connect")
        }
        let frames = AudioFrame.frames(from: speech, rate: .hz16000)
        func exchange(_ count: Int, from start: Int) async throws {
            for i in 0..<count {
                guard try await call.media.source.nextFrameAsync() != nil else { throw BenchError("baresip's audio stopped") }
                try call.media.sink.write(frames[(start + i) % frames.count])
            }
        }
        try await exchange(100, from: 0)  // 2 s to settle
        let ours0 = ProcessCPU.selfSeconds(), theirs0 = try ProcessCPU.seconds(pid: peer.process.pid)
        let wall0 = ContinuousClock.now
        try await exchange(Int(seconds * 50), from: 100)
        let ours = ProcessCPU.selfSeconds() - ours0, theirs = try ProcessCPU.seconds(pid: peer.process.pid) - theirs0
        let took = ContinuousClock.now - wall0
        let wall = Double(took.components.seconds) + Double(took.components.attoseconds) / 1e18
        call.hangUp()
        await phone.shutdown()
        return (ours * 1000 / wall, theirs * 1000 / wall)
    }

    static func speechSamples(seconds: Double) async throws -> [Int16] {
        let voice = try FliteSynthesizer(voice: "rms")
        var out: [Int16] = []
        let text = "Hello, I would like to book an appointment for Tuesday morning at nine, or Thursday afternoon if that is easier for you."
        while Double(out.count) < seconds * 16000 {
            for try await f in try voice.synthesize(text, rate: .hz16000).frames { out += f.samples }
            out += [Int16](repeating: 0, count: 8000)
        }
        return out
    }

    // MARK: Scenarios over SIP

    static func scenarioFigures(agent: URL, scenarios: [String], concurrency: [Int], budgetMs: Double, into report: inout BenchReport) async {
        guard !scenarios.isEmpty else { return }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ringside-bench-serve-\(getpid())")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let server: LoopbackAgentServer
        do {
            server = try LoopbackAgentServer(agentDirectory: agent, databaseURL: dir.appendingPathComponent("agent.sqlite"))
        } catch {
            report.notes.append("scenarios over SIP not measured: \(error)")
            return
        }
        let files = scenarios.map { agent.appendingPathComponent("calls/\($0).yaml") }
        var all: [Double] = []
        for codec in [MediaCodec.opus, .pcmu] {
            let runner = ScenarioRunner(options: ScenarioRunner.Options(target: .sip, parallelism: 1, remote: server.dialer(codecs: [codec])))
            for result in await runner.run(ScenarioEntry.load(paths: files)) {
                let v2v = result.metrics.voiceToVoiceMs
                all += v2v
                let p = Percentiles(v2v)
                report.add("v2v \(result.scenarioID) \(codec.encodingName) p50", p.p50, "ms")
                report.add("v2v \(result.scenarioID) \(codec.encodingName) p95", p.p95, "ms")
                if result.verdict != .pass { report.notes.append("\(result.scenarioID) over \(codec.encodingName): \(result.verdict.rawValue) — \(result.firstReason)") }
            }
        }
        report.addDistribution("voice-to-voice over SIP, all scenarios", all, unit: "ms")

        // Capacity: N simultaneous callers, each a copy of the first scenario.
        var best = 0
        for n in concurrency {
            let entries = ScenarioEntry.load(paths: [files[0]])
            guard case let .loaded(scenario)? = entries.first else { break }
            var copies = scenario
            copies.runs = n
            let runner = ScenarioRunner(options: ScenarioRunner.Options(target: .sip, parallelism: n, remote: server.dialer(codecs: [.opus])))
            let results = await runner.run([.loaded(copies)])
            let v2v = results.flatMap(\.metrics.voiceToVoiceMs)
            let p95 = Percentiles(v2v).p95
            let passed = results.filter { $0.verdict == .pass }.count
            report.add("\(n) concurrent calls: v2v p95", p95, "ms", target: "≤ \(Int(budgetMs)) ms", met: !v2v.isEmpty && p95 <= budgetMs)
            report.notes.append("\(n) concurrent calls: \(passed)/\(n) passed, \(v2v.count) turns measured")
            guard !v2v.isEmpty, p95 <= budgetMs else { break }
            best = n
        }
        report.add("max concurrent served calls with v2v p95 ≤ \(Int(budgetMs)) ms", Double(best), "calls")
        await server.stop()
    }
}

/// Two Ringside phones on 127.0.0.1 in a call with each other.
struct PhonePair {
    let callerPhone: SIPPhone
    let calleePhone: SIPPhone
    let caller: PhoneCall
    let callee: PhoneCall

    static func connect(codec: MediaCodec) async throws -> PhonePair {
        let a = SIPPhone(configuration: SIPPhoneConfiguration(sip: SIPConfiguration(port: 0), codecs: [codec]))
        let b = SIPPhone(configuration: SIPPhoneConfiguration(sip: SIPConfiguration(port: 0), codecs: [codec], autoAnswer: true))
        try a.start()
        try b.start()
        let watchB = PhoneWatch(b)
        let call = try a.dial("sip:bench@127.0.0.1:\(b.agent.localPort)")
        let watchA = PhoneWatch(a)
        guard await watchA.waitConnected(10), let inbound = await watchB.connectedCall(10) else {
            await a.shutdown()
            await b.shutdown()
            throw BenchError("the loopback call did not connect")
        }
        return PhonePair(callerPhone: a, calleePhone: b, caller: call, callee: inbound)
    }

    func close() async {
        caller.hangUp()
        await callerPhone.shutdown()
        await calleePhone.shutdown()
    }
}

/// Follows a phone's events (its one consumer) so a benchmark can wait for a connection, bounded.
final class PhoneWatch: @unchecked Sendable {
    private let connected = LockedValue<PhoneCall?>(nil)

    init(_ phone: SIPPhone) {
        let events = phone.events
        Task { [connected] in
            for await event in events {
                if case let .connected(call, _) = event { connected.withLock { $0 = $0 ?? call } }
            }
        }
    }

    func connectedCall(_ seconds: Double) async -> PhoneCall? {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if let call = connected.value { return call }
            try? await Task.sleep(nanoseconds: 10_000_000)
        }
        return connected.value
    }

    func waitConnected(_ seconds: Double) async -> Bool { await connectedCall(seconds) != nil }
}

/// CPU time used by a process (user + system), from getrusage or /proc.
enum ProcessCPU {
    static func selfSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }

    static func seconds(pid: pid_t) throws -> Double {
        let stat = try String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)
        // Fields after the parenthesised command name; utime and stime are the 14th and 15th overall.
        guard let close = stat.lastIndex(of: ")") else { throw BenchError("cannot read /proc/\(pid)/stat") }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { throw BenchError("cannot parse /proc/\(pid)/stat") }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }
}

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
