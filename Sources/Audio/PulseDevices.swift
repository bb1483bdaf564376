internal import CPulse
import Foundation
import RingsideCore

/// A microphone-like source or speaker-like sink known to the audio server.
public struct AudioDevice: Sendable, Codable, Equatable {
    public enum Kind: String, Sendable, Codable { case source, sink }
    public var kind: Kind
    public var name: String
    public var description: String
    public var isDefault: Bool
    /// A sink's monitor: hears what is played rather than a microphone.
    public var isMonitor: Bool
    public var sampleRate: Int
    public var channels: Int
}

/// What the audio server says about itself and its devices.
public struct AudioServerInfo: Sendable, Codable, Equatable {
    public var serverName: String
    public var serverVersion: String
    public var defaultSink: String?
    public var defaultSource: String?
    public var devices: [AudioDevice]

    /// True when the server is PipeWire's Pulse layer rather than PulseAudio itself.
    public var isPipeWire: Bool { serverName.lowercased().contains("pipewire") }
}

/// A connection to the audio server's control interface on a private main loop, for one-off
/// requests (listing devices, loading modules). Not thread-safe; use from one thread and close it.
final class PulseControl {
    private let loop: OpaquePointer
    let context: OpaquePointer
    let server: String?

    init(server: String?, applicationName: String) throws {
        self.server = server
        guard let loop = pa_mainloop_new() else { throw AudioServerError.unreachable(server: server, reason: "cannot create a main loop") }
        guard let context = pa_context_new(pa_mainloop_get_api(loop), applicationName) else {
            pa_mainloop_free(loop)
            throw AudioServerError.unreachable(server: server, reason: "cannot create a context")
        }
        self.loop = loop
        self.context = context
        if pa_context_connect(context, server, PA_CONTEXT_NOAUTOSPAWN, nil) < 0 {
            let reason = lastError
            close()
            throw AudioServerError.unreachable(server: server, reason: reason)
        }
        while true {
            let state = pa_context_get_state(context)
            if state == PA_CONTEXT_READY { break }
            if rs_pa_context_is_good(state) == 0 || pa_mainloop_iterate(loop, 1, nil) < 0 {
                let reason = lastError
                close()
                throw AudioServerError.unreachable(server: server, reason: reason)
            }
        }
    }

    var lastError: String { String(cString: pa_strerror(pa_context_errno(context))) }

    /// Runs the main loop until the operation finishes.
    func complete(_ op: OpaquePointer?) throws {
        guard let op else { throw AudioServerError.ioFailed(reason: lastError) }
        defer { pa_operation_unref(op) }
        while pa_operation_get_state(op) == PA_OPERATION_RUNNING {
            if pa_mainloop_iterate(loop, 1, nil) < 0 { throw AudioServerError.ioFailed(reason: "main loop failed") }
        }
    }

    private var closed = false
    func close() {
        guard !closed else { return }
        closed = true
        pa_context_disconnect(context)
        pa_context_unref(context)
        pa_mainloop_free(loop)
    }

    deinit { close() }
}

/// Queries a PulseAudio-compatible server with the asynchronous API on a private main loop.
public enum PulseDevices {
    public static var libraryVersion: String { PulseSimpleStream.libraryVersion }

    private final class Collector {
        var info = AudioServerInfo(serverName: "", serverVersion: "", defaultSink: nil, defaultSource: nil, devices: [])
    }

    /// Lists sources and sinks; throws `AudioServerError.unreachable` when no server answers.
    public static func query(server: String? = nil, applicationName: String = "Ringside") throws -> AudioServerInfo {
        let control = try PulseControl(server: server, applicationName: applicationName)
        defer { control.close() }
        let context = control.context
        let collector = Collector()
        let box = Unmanaged.passUnretained(collector).toOpaque()

        try control.complete(pa_context_get_server_info(context, { _, info, user in
            guard let info, let user else { return }
            let c = Unmanaged<Collector>.fromOpaque(user).takeUnretainedValue()
            c.info.serverName = info.pointee.server_name.map { String(cString: $0) } ?? ""
            c.info.serverVersion = info.pointee.server_version.map { String(cString: $0) } ?? ""
            c.info.defaultSink = info.pointee.default_sink_name.map { String(cString: $0) }
            c.info.defaultSource = info.pointee.default_source_name.map { String(cString: $0) }
        }, box))

        try control.complete(pa_context_get_sink_info_list(context, { _, info, eol, user in
            guard eol == 0, let info, let user else { return }
            let c = Unmanaged<Collector>.fromOpaque(user).takeUnretainedValue()
            let name = String(cString: info.pointee.name)
            c.info.devices.append(AudioDevice(
                kind: .sink, name: name,
                description: info.pointee.description.map { String(cString: $0) } ?? name,
                isDefault: name == c.info.defaultSink, isMonitor: false,
                sampleRate: Int(info.pointee.sample_spec.rate), channels: Int(info.pointee.sample_spec.channels)))
        }, box))

        try control.complete(pa_context_get_source_info_list(context, { _, info, eol, user in
            guard eol == 0, let info, let user else { return }
            let c = Unmanaged<Collector>.fromOpaque(user).takeUnretainedValue()
            let name = String(cString: info.pointee.name)
            c.info.devices.append(AudioDevice(
                kind: .source, name: name,
                description: info.pointee.description.map { String(cString: $0) } ?? name,
                isDefault: name == c.info.defaultSource, isMonitor: info.pointee.monitor_of_sink != UInt32.max,
                sampleRate: Int(info.pointee.sample_spec.rate), channels: Int(info.pointee.sample_spec.channels)))
        }, box))

        return collector.info
    }
}
