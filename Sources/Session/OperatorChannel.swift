import Audio
import Foundation
import RingsideCore
import Speech
import Synchronization

/// The human operator's side of a takeover: their microphone (or typed lines spoken by TTS) goes to
/// the caller, and their speech is transcribed as the `human` speaker.
public final class OperatorChannel: @unchecked Sendable {
    private let microphone: (any AudioSource)?
    private let listener: SpeechListener?
    private let synthesizer: any SpeechSynthesizer
    private let rate: SampleRate
    private let bus: CallEventBus
    private var typed: [AudioFrame] = []
    private var typedIndex = 0
    private var pendingJobs: [SynthesisJob] = []
    private var active = false

    /// `microphone` may be nil (typed text only); `listener` transcribes it (speaker `.human`).
    public init(microphone: (any AudioSource)?, listener: SpeechListener?, synthesizer: any SpeechSynthesizer, rate: SampleRate, bus: CallEventBus) {
        self.microphone = microphone
        self.listener = listener
        self.synthesizer = synthesizer
        self.rate = rate
        self.bus = bus
    }

    /// The takeover starts: audio captured before now is stale and dropped.
    func begin() {
        active = true
        if let mic = microphone, mic.isLive { while (try? mic.pollFrame()) != nil {} }
    }

    func end() {
        active = false
        // The microphone is the operator's again (a lazily opened one is closed until the next takeover).
        microphone?.close()
        for j in pendingJobs { j.cancel() }
        pendingJobs = []
        typed = []
        typedIndex = 0
    }

    /// The call is over: the microphone is released.
    func close() {
        end()
    }

    /// Speaks typed text to the caller with the operator's TTS voice.
    func speak(_ text: String) {
        do {
            pendingJobs.append(try synthesizer.synthesize(text, rate: rate))
        } catch {
            bus.emit(.tts, .error("cannot speak the operator's text: \(error)"))
        }
    }

    private var micFrame: AudioFrame?

    /// Reads the operator's microphone for this tick and returns their finished sentences.
    func listen(at time: MediaTime) async -> [String] {
        guard active, let mic = microphone else { return [] }
        micFrame = (try? mic.isLive ? mic.pollFrame() : mic.nextFrame()) ?? nil
        guard let listener, let frame = micFrame else { return [] }
        var finals: [String] = []
        do {
            for event in try await listener.process(AudioFrame(rate: rate, samples: frame.samples, timestamp: time)) {
                bus.emit(event.stage, event.payload, at: event.time)
                if case let .finalTranscript(_, text, _) = event.payload, !text.isEmpty { finals.append(text) }
            }
        } catch {
            bus.emit(.stt, .error("operator speech recognition failed: \(error)"))
        }
        return finals
    }

    /// What goes to the caller this tick: typed text being spoken first, else the microphone.
    func nextOutputFrame(at time: MediaTime, wait: Bool) async -> AudioFrame? {
        while let job = pendingJobs.first {
            var frames: [AudioFrame] = []
            do {
                for try await f in job.frames { frames.append(f) }
            } catch {
                bus.emit(.tts, .error("operator speech failed: \(error)"))
            }
            typed += frames
            pendingJobs.removeFirst()
        }
        if typedIndex < typed.count {
            defer { typedIndex += 1 }
            return typed[typedIndex]
        }
        return micFrame
    }
}
