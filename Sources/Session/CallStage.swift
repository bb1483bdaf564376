import Audio
import RingsideCore
import Speech

/// One stage of a call: the 20 ms frames of the stream it listens to and the events other stages
/// decided go in, the events it decides come out. A call is a composition of stages (the caller's
/// listener, the far end's ear, …) that it feeds and whose events it publishes; a stage never
/// publishes by itself, so the same stage runs unchanged in a live, a virtual-time or a remote call.
public protocol CallStage: AnyObject {
    /// One frame of the stage's stream; the events it decided on hearing it.
    func process(_ frame: AudioFrame) async throws -> [CallEvent]
    /// An event another stage of the same call decided (in order, before the next frame).
    func observe(_ event: CallEvent)
    /// The stream has ended: what the stage still holds (an open turn closed, its words).
    func finish() async throws -> [CallEvent]
}

extension CallStage {
    public func observe(_ event: CallEvent) {}
}

/// The listener is the stage that hears one speaker's turns and words.
extension SpeechListener: CallStage {
    public func finish() async throws -> [CallEvent] { try await flush() }
}
