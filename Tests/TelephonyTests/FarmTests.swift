import Foundation
import RingsideCore
import Testing
import TestSupport
@testable import Telephony

/// The shipped farm (deploy/kamailio/kamailio.cfg): kamailio's dispatcher in front of three `ringside
/// serve` programs on loopback. Calls spread over the instances, BYE reaches the instance that has the
/// call, a killed instance is skipped, a draining one loses no call, and a full one (--max-calls)
/// passes its calls on.
@Suite(.serialized) struct FarmTests {
    /// kamailio and its instances, each recording into its own folder.
    final class Farm: @unchecked Sendable {
        let proxy: KamailioProxy
        let ports: [UInt16]
        var instances: [ChildProcess?]
        let directory: URL
        let client: SIPPhone
        let events: PhoneEventLog

        init(maxCalls: [Int?] = [nil, nil, nil], drain: Double = 0) async throws {
            let kamailio = try #require(TestPaths.executable("kamailio"), "kamailio is not installed (Debian package kamailio); CI installs it")
            let ringside = TestPaths.builtProduct("ringside").path
            try #require(FileManager.default.isExecutableFile(atPath: ringside), "ringside is not built beside the tests")
            directory = try TestPaths.temporaryDirectory("ringside-farm")
            var ports: [UInt16] = []
            while ports.count < maxCalls.count {
                guard let p = ServeTests.freePort(excluding: ports.last), !ports.contains(p) else { continue }
                ports.append(p)
            }
            self.ports = ports
            var list = ""
            instances = []
            for (k, port) in ports.enumerated() {
                list += "1 sip:127.0.0.1:\(port)\n"
                let log = open(directory.appendingPathComponent("instance-\(k + 1).log").path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
                defer { close(log) }
                var arguments = ["serve", "--agent", TestPaths.repository.appendingPathComponent("sample-calls/clinic").path, "--headless",
                                 "--approve", "none", "--port", String(port),
                                 "--record", directory.appendingPathComponent("instance-\(k + 1)").path, "--drain", String(drain)]
                if let max = maxCalls[k] { arguments += ["--max-calls", String(max)] }
                instances.append(try ChildProcess.spawn(ringside, arguments, stdout: log, stderr: log))
            }
            let listFile = directory.appendingPathComponent("dispatcher.list")
            try list.write(to: listFile, atomically: true, encoding: .utf8)
            proxy = try KamailioProxy(executable: kamailio, configFile: TestPaths.repository.appendingPathComponent("deploy/kamailio/kamailio.cfg"),
                                      defines: ["DISPATCHER_LIST=\"\(listFile.path)\"", "PING_INTERVAL=1", "INVITE_TIMEOUT_MS=1000"])
            let clientPort = try #require(ServeTests.freePort(excluding: proxy.port))
            client = SIPPhone(configuration: SIPPhoneConfiguration(sip: SIPConfiguration(bindAddress: "127.0.0.1", port: clientPort),
                                                                   mediaAddress: "127.0.0.1", codecs: [.pcmu], autoAnswer: false))
            events = PhoneEventLog(client)
            do { try await ready() } catch {
                killProcesses()
                throw error
            }
        }

        /// Starts the phone and waits until kamailio and every instance answer (bounded).
        private func ready() async throws {
            try client.start()
            // Ready when kamailio answers and every instance answers OPTIONS itself (bounded).
            let ready = await proxy.waitUntilListening(client.agent)
            try #require(ready, "kamailio did not start: \(proxy.log)")
            for port in ports {
                var up = false
                for _ in 0..<100 where !up {
                    up = (try? await client.agent.options(uri: "sip:127.0.0.1:\(port)", timeout: 0.3))?.status == 200
                    if !up { try await Task.sleep(for: .milliseconds(100)) }
                }
                try #require(up, "instance at \(port) did not start")
            }
            // kamailio's first pings mark the instances up (PING_INTERVAL=1).
            try await Task.sleep(for: .milliseconds(1500))
        }

        /// Ends the instances and kamailio at once (synchronous, so a `defer` can rely on it; idempotent).
        func killProcesses() {
            for (k, instance) in instances.enumerated() {
                guard let instance else { continue }
                instance.signal(SIGKILL)
                _ = instance.wait()
                instances[k] = nil
            }
            proxy.stop()
        }

        /// Recording folders per instance (one per call it answered).
        func recordings() -> [Int] {
            (1...ports.count).map { k in
                (try? FileManager.default.contentsOfDirectory(atPath: directory.appendingPathComponent("instance-\(k)").path).count) ?? 0
            }
        }

        /// Places a call through kamailio and waits (bounded) until it is connected and its agent has
        /// started talking (so the instance surely ran the call); the call, or nil with why.
        func dial() async throws -> (PhoneCall?, String) {
            let call = try client.dial("sip:agent@127.0.0.1:\(proxy.port)")
            let outcome = await events.waitFor(15) { event in
                if case let .connected(c, _) = event, c === call { return true }
                if case let .ended(c, _) = event, c === call { return true }
                return false
            }
            guard case .connected? = outcome else {
                if case let .ended(_, reason)? = outcome { return (nil, reason) }
                return (nil, "neither connected nor ended in 15 s")
            }
            for _ in 0..<250 {  // at most 5 s of frames
                guard let frame = try await call.media.source.nextFrameAsync() else { break }
                if frame.samples.contains(where: { abs(Int($0)) > 1000 }) { return (call, "connected") }
            }
            return (call, "connected, but no agent audio in 5 s")
        }

        /// Hangs `call` up and waits (bounded) for its end; the end reason.
        func hangUp(_ call: PhoneCall) async -> String {
            call.hangUp()
            let ended = await events.waitFor(10) { event in
                if case let .ended(c, _) = event, c === call { return true }
                return false
            }
            if case let .ended(_, reason)? = ended { return reason }
            return "no end in 10 s"
        }

        func logs() -> String {
            "kamailio:\n\(proxy.log.suffix(3000))\n" + (1...ports.count).map { k in
                "instance \(k):\n" + ((try? String(contentsOf: directory.appendingPathComponent("instance-\(k).log"), encoding: .utf8)) ?? "").suffix(1500)
            }.joined(separator: "\n")
        }
    }

    @Test func callsSpreadBYEFindsItsInstanceAndAKilledInstanceIsSkipped() async throws {
        let farm = try await Farm()
        defer { farm.killProcesses() }
        for n in 1...30 {
            let (call, why) = try await farm.dial()
            let connected = try #require(call, "call \(n) failed: \(why)\n\(farm.logs())")
            #expect(why == "connected", "call \(n): \(why)")
            let reason = await farm.hangUp(connected)
            #expect(reason == "hung up", "call \(n) ended with \(reason): the BYE did not reach its instance")
        }
        let spread = farm.recordings()
        #expect(spread.reduce(0, +) == 30 && spread.allSatisfy { $0 >= 8 }, "calls per instance: \(spread)")
        // Every instance heard its calls end by the caller's BYE (not an RTP timeout); the last call's
        // recording may still be closing: wait (bounded) for every recording's call-ended record.
        for _ in 0..<100 {
            let closed = (1...3).allSatisfy { k in
                let folder = farm.directory.appendingPathComponent("instance-\(k)")
                return ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).allSatisfy { call in
                    ((try? String(contentsOf: folder.appendingPathComponent(call).appendingPathComponent("events.jsonl"), encoding: .utf8)) ?? "")
                        .contains("callEnded")
                }
            }
            if closed { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        for k in 1...3 {
            let folder = farm.directory.appendingPathComponent("instance-\(k)")
            for call in try FileManager.default.contentsOfDirectory(atPath: folder.path) {
                let events = try String(contentsOf: folder.appendingPathComponent(call).appendingPathComponent("events.jsonl"), encoding: .utf8)
                #expect(events.contains("remote hung up"), "instance \(k), call \(call): not ended by the BYE")
            }
        }

        // Instance 2 dies: the next calls all connect on the other two.
        farm.instances[1]?.signal(SIGKILL)
        _ = farm.instances[1]?.wait()
        farm.instances[1] = nil
        var slowest = 0.0
        for n in 1...9 {
            let started = Date()
            let (call, why) = try await farm.dial()
            let connected = try #require(call, "call \(n) after the kill failed: \(why)\n\(farm.logs())")
            slowest = max(slowest, Date().timeIntervalSince(started))
            _ = await farm.hangUp(connected)
        }
        #expect(farm.proxy.log.contains("marked down"), "kamailio never marked the killed instance down")
        await farm.client.shutdown()
        print("farm: calls per instance \(spread); after killing instance 2, 9 calls connected, the slowest (to the greeting) in \(String(format: "%.2f", slowest)) s")
    }

    @Test func aDrainingInstanceLosesNoCallAndAFullOnePassesCallsOn() async throws {
        let farm = try await Farm(maxCalls: [nil, nil, 1], drain: 20)
        defer { farm.killProcesses() }
        // Six calls held at once: round robin gives instance 3 two of them, and it takes one (--max-calls 1).
        var held: [PhoneCall] = []
        for n in 1...6 {
            let (call, why) = try await farm.dial()
            held.append(try #require(call, "held call \(n) failed: \(why)\n\(farm.logs())"))
        }
        #expect(farm.recordings()[2] == 1, "instance 3 (--max-calls 1) took \(farm.recordings()[2]) calls")

        // Instance 1 drains: its live calls go on, new calls go elsewhere, none fails.
        farm.instances[0]?.signal(SIGTERM)
        let onOne = farm.recordings()[0]
        for n in 1...4 {
            let (call, why) = try await farm.dial()
            let connected = try #require(call, "call \(n) during the drain failed: \(why)\n\(farm.logs())")
            _ = await farm.hangUp(connected)
        }
        #expect(farm.recordings()[0] == onOne, "the draining instance took new calls")
        // The held calls were never cut: each still hears its agent, then hangs up normally.
        for call in held {
            _ = try await call.media.source.nextFrameAsync()
            #expect(!call.hasEnded, "a held call ended during the drain: \(call.endReason ?? "")")
        }
        for call in held { #expect(await farm.hangUp(call) == "hung up") }
        // With its calls over, the draining instance exits 0 by itself.
        let status = farm.instances[0]?.wait(atMost: 8)
        #expect(status == 0, "the drained instance exited with \(status.map(String.init) ?? "nothing yet")")
        farm.instances[0] = nil
        await farm.client.shutdown()
    }
}
