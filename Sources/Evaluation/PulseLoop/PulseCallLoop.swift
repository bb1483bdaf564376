import Audio
import Foundation
import Synchronization

/// The sound path of real-time test calls on a PulseAudio server: two null sinks, loaded for the
/// loop's life. The simulated caller plays into the room sink and the agent's microphone is that
/// sink's monitor; the agent plays into the agent sink, whose monitor is what the caller hears.
/// Nothing reaches a sound card, so calls run on a headless machine and never mix with the desk's audio.
public final class PulseCallLoop: Sendable {
    /// Server address (`unix:/path` or a host); nil uses `PULSE_SERVER` or the default server.
    public let server: String?
    public let roomSink: String
    public let agentSink: String
    private let modules: Mutex<[UInt32]>

    /// Loops on one server need names of their own: the process id and a counter keep them apart.
    private static let count = Atomic<Int>(0)

    /// Loads the two sinks; throws `AudioServerError` when the server cannot be reached or refuses.
    public init(server: String?, name: String = "ringside") throws {
        self.server = server
        let unique = "\(name)_\(getpid())_\(Self.count.add(1, ordering: .relaxed).newValue)"
        roomSink = unique + "_room"
        agentSink = unique + "_agent"
        var loaded: [UInt32] = []
        do {
            for sink in [roomSink, agentSink] {
                loaded.append(try PulseModules.load("module-null-sink", arguments: "sink_name=\(sink) rate=16000 channels=1", server: server))
            }
        } catch {
            for m in loaded { PulseModules.unload(m, server: server) }
            throw error
        }
        modules = Mutex(loaded)
    }

    /// A 16 kHz stream with a 20 ms buffer on one of the loop's devices.
    public func stream(_ device: String, name: String) -> PulseStreamOptions {
        PulseStreamOptions(server: server, device: device, rate: .hz16000, bufferMilliseconds: 20, streamName: name)
    }

    /// Unloads the sinks (again: a no-op).
    public func close() {
        let loaded = modules.withLock { m -> [UInt32] in defer { m = [] }; return m }
        for m in loaded { PulseModules.unload(m, server: server) }
    }

    deinit { close() }
}
