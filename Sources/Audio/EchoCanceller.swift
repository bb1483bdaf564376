internal import CPulse
import Foundation

/// The audio server's echo canceller (`module-echo-cancel`, WebRTC method) loaded for one call: a
/// virtual microphone from which the speaker's sound has been subtracted, and a virtual speaker
/// whose sound it subtracts. Open the call's capture on `source` and its playback on `sink`.
///
/// Works on PulseAudio and on PipeWire's Pulse layer (which implements the same module). A module
/// left behind by a killed Ringside is unloaded before a new one loads, so names never collide.
///
/// ```swift
/// let aec = try EchoCanceller.load(server: nil, microphone: nil, speaker: nil)
/// defer { aec.unload() }
/// // capture from aec.source, play to aec.sink
/// ```
public struct EchoCanceller: Sendable, Equatable {
    /// Names of the virtual devices (fixed, so a stale module from an earlier run can be found).
    public static let sourceName = "ringside_echo_cancelled_mic"
    public static let sinkName = "ringside_echo_cancelled_speaker"

    public let server: String?
    public let moduleIndex: UInt32
    public let source: String
    public let sink: String
    public let method: String

    /// The module arguments: WebRTC cancelling without gain control (which would fight the call's
    /// own levels), on the chosen or default devices.
    public static func arguments(microphone: String?, speaker: String?) -> String {
        var args = ["aec_method=webrtc", "aec_args='analog_gain_control=0 digital_gain_control=0'",
                    "source_name=\(sourceName)", "sink_name=\(sinkName)"]
        if let microphone { args.append("source_master=\(microphone)") }
        if let speaker { args.append("sink_master=\(speaker)") }
        return args.joined(separator: " ")
    }

    /// Loads the echo canceller between the microphone and the speaker (nil: the server's defaults).
    /// Throws `AudioServerError` when there is no server or the module cannot load (not installed,
    /// or refused), with the server's reason.
    public static func load(server: String?, microphone: String?, speaker: String?) throws -> EchoCanceller {
        for stale in try PulseModules.list(server: server) where stale.name == "module-echo-cancel" && stale.arguments.contains(sourceName) {
            PulseModules.unload(stale.index, server: server)
        }
        let index = try PulseModules.load("module-echo-cancel", arguments: arguments(microphone: microphone, speaker: speaker), server: server)
        return EchoCanceller(server: server, moduleIndex: index, source: sourceName, sink: sinkName, method: "webrtc")
    }

    /// Unloads the module; the call's streams on its devices should be closed first.
    public func unload() { PulseModules.unload(moduleIndex, server: server) }

    /// Whether the module is still loaded.
    public func isLoaded() throws -> Bool { try PulseModules.list(server: server).contains { $0.index == moduleIndex } }
}

/// Loads, lists and unloads the audio server's modules (echo cancelling, the benchmarks' null sinks).
public enum PulseModules {
    /// A loaded module: its index, name and arguments.
    public struct Module: Sendable, Equatable {
        public var index: UInt32
        public var name: String
        public var arguments: String
    }

    private final class Reply {
        var index = UInt32.max
        var modules: [Module] = []
    }

    /// Loads a module; throws with the server's reason when it refuses (not installed, bad arguments).
    public static func load(_ name: String, arguments: String, server: String?) throws -> UInt32 {
        let control = try PulseControl(server: server, applicationName: "Ringside")
        defer { control.close() }
        let reply = Reply()
        try control.complete(pa_context_load_module(control.context, name, arguments, { _, index, user in
            guard let user else { return }
            Unmanaged<Reply>.fromOpaque(user).takeUnretainedValue().index = index
        }, Unmanaged.passUnretained(reply).toOpaque()))
        guard reply.index != UInt32.max else {
            throw AudioServerError.streamFailed(device: name, reason: "the server refused to load it (\(control.lastError))")
        }
        return reply.index
    }

    /// Unloads a module; does nothing when the server or the module is gone.
    public static func unload(_ index: UInt32, server: String?) {
        guard let control = try? PulseControl(server: server, applicationName: "Ringside") else { return }
        defer { control.close() }
        try? control.complete(pa_context_unload_module(control.context, index, { _, _, _ in }, nil))
    }

    /// The loaded modules.
    public static func list(server: String?) throws -> [Module] {
        let control = try PulseControl(server: server, applicationName: "Ringside")
        defer { control.close() }
        let reply = Reply()
        try control.complete(pa_context_get_module_info_list(control.context, { _, info, eol, user in
            guard eol == 0, let info, let user else { return }
            Unmanaged<Reply>.fromOpaque(user).takeUnretainedValue().modules.append(Module(
                index: info.pointee.index, name: info.pointee.name.map { String(cString: $0) } ?? "",
                arguments: info.pointee.argument.map { String(cString: $0) } ?? ""))
        }, Unmanaged.passUnretained(reply).toOpaque()))
        return reply.modules
    }
}
