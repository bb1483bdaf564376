import Audio
import Foundation
import RingsideCore
import Synchronization

/// Codec and resampler cost per 20 ms frame, and the real PulseAudio playback→capture loop delay.
enum AudioBench {
    static func run(server: String?) throws -> BenchReport {
        var report = BenchReport(name: "audio")
        let clock = MonotonicClock()
        let speech = (0..<(48000 * 2)).map { i -> Int16 in
            let t = Double(i) / 48000
            return Int16(8000 * sin(2 * .pi * 220 * t) + 3000 * sin(2 * .pi * 1300 * t) * sin(2 * .pi * 3 * t))
        }
        let frames48 = AudioFrame.frames(from: speech, rate: .hz48000)

        let opus = try OpusCodec(rate: .hz48000)
        var encodeTimes: [Double] = [], decodeTimes: [Double] = []
        for f in frames48 {
            let t0 = clock.now()
            let packet = try opus.encode(f)
            let t1 = clock.now()
            _ = try opus.decode(packet, timestamp: f.timestamp)
            let t2 = clock.now()
            encodeTimes.append((t1 - t0).milliseconds)
            decodeTimes.append((t2 - t1).milliseconds)
        }
        report.addDistribution("opus encode 20 ms @48k", encodeTimes, unit: "ms")
        report.addDistribution("opus decode 20 ms @48k", decodeTimes, unit: "ms")

        let resampler = try Resampler(from: 48000, to: 16000)
        var resampleTimes: [Double] = []
        for f in frames48 {
            let t0 = clock.now()
            _ = resampler.process(f.samples)
            resampleTimes.append((clock.now() - t0).milliseconds)
        }
        report.addDistribution("resample 20 ms 48k→16k", resampleTimes, unit: "ms")

        let frames8 = AudioFrame.frames(from: try Resampler.convert(speech, from: 48000, to: 8000), rate: .hz8000)
        var g711Times: [Double] = []
        for f in frames8 {
            let t0 = clock.now()
            _ = G711.muLawDecode(G711.muLawEncode(f.samples))
            g711Times.append((clock.now() - t0).milliseconds)
        }
        report.addDistribution("G.711 μ-law enc+dec 20 ms", g711Times, unit: "ms")

        do {
            let delays = try loopDelays(server: server, runs: 8)
            report.addDistribution("PulseAudio loop delay (play→capture)", delays, unit: "ms")
        } catch {
            report.notes.append("PulseAudio loop not measured: \(error)")
        }
        return report
    }

    /// Plays a tone burst into the default sink and finds it in the default source (the sink's monitor).
    static func loopDelays(server: String?, runs: Int) throws -> [Double] {
        let info = try PulseDevices.query(server: server)
        guard let sink = info.defaultSink else { throw AudioServerError.streamFailed(device: nil, reason: "no default sink") }
        let clock = MonotonicClock()
        var burst = [Int16](repeating: 0, count: 1600)
        burst += (0..<3200).map { i in Int16(12000 * sin(2 * .pi * 900 * Double(i) / 16000) * sin(.pi * Double(i) / 3200)) }
        burst += (0..<3200).map { i in Int16(9000 * sin(2 * .pi * (300 + Double(i) / 4) * Double(i) / 16000)) }
        var delays: [Double] = []
        for _ in 0..<runs {
            let options = PulseStreamOptions(server: server, rate: .hz16000, bufferMilliseconds: 40, streamName: "bench")
            var captureOptions = options
            captureOptions.device = sink + ".monitor"
            var playbackOptions = options
            playbackOptions.device = sink
            let capture = try PulseCapture(options: captureOptions, clock: clock, ringFrames: 200)
            let firstPlayed = Mutex<MediaTime?>(nil)
            let playback = try PulsePlayback(options: playbackOptions, clock: clock) { _, at in
                firstPlayed.withLock { if $0 == nil { $0 = at } }
            }
            capture.start()
            playback.start()
            guard let first = try capture.nextFrame() else { continue }
            var captured = first.samples
            for f in AudioFrame.frames(from: burst, rate: .hz16000) { try playback.write(f) }
            while captured.count < burst.count + 16000, let f = try capture.nextFrame() { captured += f.samples }
            try playback.close()
            capture.close()
            let found = SignalAlignment.locate(burst, in: captured)
            guard found.correlation > 0.8, let played = firstPlayed.withLock({ $0 }) else { continue }
            let heard = first.timestamp + .seconds(Double(found.lag) / 16000)
            delays.append((heard - played).milliseconds)
        }
        return delays
    }
}
