import Foundation

/// A network namespace made by a test: a veth pair with a private /30, the host end in this
/// namespace and the peer end inside, so a peer that binds every interface (baresip) can only
/// ever reach this machine. Needs root and `ip`; `remove()` deletes both.
public final class TestNetworkNamespace: @unchecked Sendable {
    public let name: String
    /// The address on this side of the veth (bind Ringside here).
    public let hostAddress: String
    /// The address inside the namespace (the peer listens here).
    public let peerAddress: String
    private let hostLink: String
    private let ip: String

    public struct SetupError: Error, CustomStringConvertible {
        public var description: String
    }

    /// Creates the namespace and veth pair, or throws saying why (not root, no `ip`).
    public init() throws {
        guard let ip = ProgramPaths.executable("ip") else { throw SetupError(description: "`ip` (iproute2) is not installed") }
        self.ip = ip
        let tag = String(format: "%05x", UInt32.random(in: 0...0xFFFFF))
        name = "rs\(tag)"
        hostLink = "rsh\(tag)"
        // 10.213.X.Y/30: host .1, peer .2 of a random /30 block.
        let block = Int.random(in: 0..<16384) * 4
        let prefix = "10.213.\(block / 256)."
        hostAddress = prefix + String(block % 256 + 1)
        peerAddress = prefix + String(block % 256 + 2)
        let peerLink = "rsp\(tag)"
        let steps: [[String]] = [
            ["netns", "add", name],
            ["link", "add", hostLink, "type", "veth", "peer", "name", peerLink],
            ["link", "set", peerLink, "netns", name],
            ["addr", "add", hostAddress + "/30", "dev", hostLink],
            ["link", "set", hostLink, "up"],
            ["-n", name, "addr", "add", peerAddress + "/30", "dev", peerLink],
            ["-n", name, "link", "set", peerLink, "up"],
            ["-n", name, "link", "set", "lo", "up"],
        ]
        for step in steps {
            let run = try runProgram(ip, step)
            if run.status != 0 {
                remove()
                throw SetupError(description: "ip \(step.joined(separator: " ")) failed: \(run.stderr.trimmingCharacters(in: .whitespacesAndNewlines))")
            }
        }
    }

    /// Starts `path` inside the namespace (`ip netns exec` replaces itself with the program, so the
    /// child's pid is the program's).
    public func spawn(_ path: String, _ arguments: [String], environment: [String: String] = [:], stdout: Int32? = nil,
                      stderr: Int32? = nil) throws -> ChildProcess {
        try ChildProcess.spawn(ip, ["netns", "exec", name, path] + arguments, environment: environment, stdout: stdout, stderr: stderr)
    }

    /// Deletes the veth pair (both ends go with the host end) and the namespace.
    public func remove() {
        _ = try? runProgram(ip, ["link", "del", hostLink])
        _ = try? runProgram(ip, ["netns", "del", name])
    }
}
