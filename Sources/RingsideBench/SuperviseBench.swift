import ArgumentParser
import Audio
import Foundation
import ProcessHarness
import RingsideCore
import Telephony

/// `ringside-bench supervise`: what the supervise bridge costs, into `.bench/supervise.json` — the
/// audio delay it adds in each direction (bursts through `ringside supervise` between two Ringside
/// phones, against the same phones in a direct call in the same run) and its CPU per bridged call
/// (both legs transcribed) against baresip's per call.
struct SuperviseBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "supervise",
        abstract: "supervise: audio delay the bridge adds per direction, CPU per bridged call vs baresip.",
        discussion: "Writes .bench/supervise.json. Real-time: about two minutes. The baresip figure needs root and baresip."
    )

    @OptionGroup var options: BenchOptions
    @Option(help: "1 kHz bursts sent each way.") var bursts = 15
    @Option(help: "Seconds of speech both ways for the CPU figure.") var seconds = 15.0

    func run() async throws {
        BenchLogging.bootstrap()
        let report = await SuperviseBench.run(bursts: bursts, seconds: seconds)
        report.printTable()
        try report.write(to: options.output)
    }
}

enum SuperviseBench {
    /// One jitter buffer's least depth: the target's allowance (the bridge itself relays packets as they arrive).
    static let jitterDepthMs = JitterBuffer().minimumDepth.milliseconds
    static let codec = MediaCodec.pcmu

    static func run(bursts: Int, seconds: Double) async -> BenchReport {
        var report = BenchReport(name: "supervise")
        var direct: Double?
        do {
            let d = try await SIPBench.mouthToEar(codec: codec, bursts: bursts)
            report.addDistribution("direct call \(codec.encodingName) mouth-to-ear", d, unit: "ms")
            direct = Percentiles(d).p50
        } catch {
            report.notes.append("direct call not measured: \(error)")
        }
        var ringsideCPU: Double?
        do {
            let bridged = try await throughBridge(bursts: bursts, seconds: seconds)
            for (name, delays) in [("caller → agent", bridged.toAgent), ("agent → caller", bridged.toCaller)] {
                report.addDistribution("through supervise \(name)", delays, unit: "ms")
                if let direct {
                    let added = Percentiles(delays).p50 - direct
                    report.add("delay added \(name) (p50)", added, "ms", target: "≤ \(format(jitterDepthMs + 10)) ms (one jitter-buffer depth + 10)",
                               met: added <= jitterDepthMs + 10)
                }
            }
            report.add("CPU per bridged call, supervise", bridged.cpu, "ms/s")
            ringsideCPU = bridged.cpu
        } catch {
            report.notes.append("bridge not measured: \(error)")
        }
        do {
            let baresip = try await SIPBench.cpuPerOpusCall(seconds: seconds).baresip
            report.add("CPU per call, baresip", baresip, "ms/s")
            if let ringsideCPU {
                report.add("CPU ratio supervise / baresip", ringsideCPU / max(baresip, 0.001), "×", target: "≤ 1.0×", met: ringsideCPU <= baresip)
            }
        } catch {
            report.notes.append("baresip's CPU per call not measured: \(error)")
        }
        report.notes.append("bursts: a 1 kHz burst written as a 20 ms microphone frame on one Ringside phone until it is played out on the other, \(codec.encodingName) on both legs; direct: the same phones calling each other")
        report.notes.append("CPU per bridged call: the supervise process (two RTP legs relayed as packets arrive, both sides transcribed by pocketsphinx with a bounded search, no recording) per second of speech both ways; baresip: one Opus call, audio through PulseAudio")
        return report
    }

    struct Bridged {
        var toAgent: [Double]
        var toCaller: [Double]
        var cpu: Double
    }

    /// A caller phone → `ringside supervise` → an answering phone as the agent, all on 127.0.0.1.
    static func throughBridge(bursts: Int, seconds: Double) async throws -> Bridged {
        let ringside = ProgramPaths.builtProduct("ringside").path
        guard FileManager.default.isExecutableFile(atPath: ringside) else { throw BenchError("ringside is not built beside ringside-bench (\(ringside))") }
        let phone = { (answer: Bool) in
            SIPPhone(configuration: SIPPhoneConfiguration(sip: SIPConfiguration(bindAddress: "127.0.0.1", port: 0), mediaAddress: "127.0.0.1",
                                                          codecs: [codec], autoAnswer: answer))
        }
        let agentPhone = phone(true), callerPhone = phone(false)
        try agentPhone.start()
        try callerPhone.start()
        let agentWatch = PhoneWatch(agentPhone), callerWatch = PhoneWatch(callerPhone)
        let port = try ServeBench.freePort()
        let dir = try ProgramPaths.temporaryDirectory("ringside-bench-supervise")
        let out = dir.appendingPathComponent("out.jsonl")
        let fd = open(out.path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        let process = try ChildProcess.spawn(ringside, ["supervise", "--agent-uri", "sip:agent@127.0.0.1:\(agentPhone.agent.localPort)",
                                                       "--port", String(port), "--headless", "--no-record", "--stt", "pocketsphinx"],
                                             stdout: fd, stderr: fd)
        close(fd)
        defer {
            process.signal(SIGKILL)
            _ = process.wait()
            try? FileManager.default.removeItem(at: dir)
        }
        let result = await Result(catching: { () async throws -> Bridged in
            // supervise's first note says it listens; bounded.
            var listening = false
            for _ in 0..<300 where !listening {
                listening = ((try? String(contentsOf: out, encoding: .utf8)) ?? "").contains("\"kind\":\"note\"")
                if !listening { try await Task.sleep(for: .milliseconds(50)) }
            }
            guard listening else { throw BenchError("supervise did not start listening in 15 s") }
            let call = try callerPhone.dial("sip:bench@127.0.0.1:\(port)")
            guard await callerWatch.waitConnected(15), let agentCall = await agentWatch.connectedCall(15) else {
                throw BenchError("the call through supervise did not connect")
            }
            let toAgent = try await SIPBench.burstDelays(from: call, to: agentCall, bursts: bursts)
            let toCaller = try await SIPBench.burstDelays(from: agentCall, to: call, bursts: bursts)
            let speech = AudioFrame.frames(from: try await SIPBench.speechSamples(seconds: seconds + 2), rate: .hz16000)
            // Both ends talk for `seconds`, each paced by what it plays out, as in a live call.
            func talk(_ c: PhoneCall, offset: Int) async throws {
                for i in 0..<Int(seconds * 50) {
                    guard try await c.media.source.nextFrameAsync() != nil else { throw BenchError("the bridged audio stopped") }
                    try c.media.sink.write(speech[(offset + i) % speech.count])
                }
            }
            let cpu0 = try ProcessCPU.seconds(pid: process.pid)
            let wall0 = ContinuousClock.now
            async let a: Void = talk(call, offset: 0)
            async let b: Void = talk(agentCall, offset: speech.count / 2)
            _ = try await (a, b)
            let took = ContinuousClock.now - wall0
            let cpu = try ProcessCPU.seconds(pid: process.pid) - cpu0
            call.hangUp()
            return Bridged(toAgent: toAgent, toCaller: toCaller, cpu: cpu * 1000 / took.seconds)
        })
        await callerPhone.shutdown()
        await agentPhone.shutdown()
        return try result.get()
    }
}
