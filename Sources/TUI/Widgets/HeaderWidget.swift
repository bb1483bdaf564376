import Foundation
import RingsideCore

/// The top two rows: call status and timer, mode, agent, mute and approvals on a bar; engines,
/// devices, echo cancelling and SIP state below.
public struct HeaderWidget: Widget {
    public init() {}

    public func render(_ state: CallState, in area: Rect, theme: Theme, into grid: inout Grid) {
        guard area.height > 0 else { return }
        let bar = area.row(0)
        grid.fill(bar, with: Cell(fg: .header, bg: .headerBar))
        var x = bar.x
        func put(_ s: String, _ role: ColorRole = .header, _ attributes: CellAttributes = []) {
            x += grid.write(s, x: x, y: bar.y, limit: bar.maxX - x, fg: role, attributes: attributes)
        }
        put(" RINGSIDE ", .header, .bold)
        put(" " + statusText(state) + " ")
        put(" ")
        put(state.mode.rawValue, state.mode == .human ? .human : .header, .bold)
        if let by = state.takenOverBy { put(" (\(by))") }
        if !state.sessionInfo.agentName.isEmpty { put("  " + state.sessionInfo.agentName) }
        var right = ""
        if state.view.onHold { right += " ON HOLD " }
        if state.view.micMuted { right += " MIC MUTED " }
        if !state.pendingApprovals.isEmpty { right += " ⚠ APPROVAL PENDING " }
        if !right.isEmpty {
            let w = DisplayWidth.of(right)
            let start = max(x + 1, bar.maxX - w)
            grid.write(right, x: start, y: bar.y, limit: bar.maxX - start, fg: .approval, attributes: .bold)
        }
        guard area.height > 1 else { return }
        grid.write(" " + DisplayWidth.truncate(detailText(state), to: area.width - 1), x: area.x, y: area.y + 1, limit: area.width, fg: .muted)
    }

    func statusText(_ state: CallState) -> String {
        if let replay = state.view.replay {
            return "\(replay.playing ? "▶" : "❚❚") REPLAY turn \(replay.index + 1)/\(replay.count) at " + LatencyFormat.clock(seconds: state.now.seconds)
        }
        switch state.status {
        case .idle: return "○ IDLE"
        case .connecting(let sip): return "◌ CONNECTING \(sip)"
        case .inCall: return "● IN CALL " + LatencyFormat.clock(seconds: state.callDuration.seconds)
        case .ended(let reason, let duration): return "■ ENDED " + LatencyFormat.clock(seconds: duration.seconds) + " (\(reason))"
        }
    }

    func detailText(_ state: CallState) -> String {
        let info = state.sessionInfo
        var parts: [String] = []
        let engines = [("stt", info.stt), ("brain", info.brain), ("tts", info.tts)].filter { !$0.1.isEmpty }.map { "\($0.0) \($0.1)" }
        if !engines.isEmpty { parts.append(engines.joined(separator: " · ")) }
        if !info.inputDevice.isEmpty || !info.outputDevice.isEmpty {
            parts.append("mic \(info.inputDevice.isEmpty ? "-" : info.inputDevice) → spk \(info.outputDevice.isEmpty ? "-" : info.outputDevice)")
        }
        parts.append("AEC \(info.echoCancel ? "on" : "off")")
        if !info.transport.isEmpty { parts.append(info.transport) }
        if let sip = state.sipState { parts.append("sip \(sip)") }
        for direction in state.rtp.keys.sorted() {
            guard let rtp = state.rtp[direction] else { continue }
            parts.append("rtp \(direction.rawValue) " + Self.quality(rtp))
        }
        // A supervised call: the remote agent's leg too, with its MOS.
        for direction in state.agentLegRTP.keys.sorted() {
            guard let rtp = state.agentLegRTP[direction] else { continue }
            parts.append("agent rtp \(direction.rawValue) " + Self.quality(rtp) + (rtp.mos.map { " MOS \(String(format: "%.1f", $0))" } ?? ""))
        }
        return parts.joined(separator: " │ ")
    }

    /// "PCMU loss 0.0% jitter 2ms".
    static func quality(_ rtp: RTPStats) -> String {
        let loss = rtp.packets + rtp.lost > 0 ? Double(rtp.lost) * 100 / Double(rtp.packets + rtp.lost) : 0
        return "\(rtp.codec) loss \(String(format: "%.1f", loss))% jitter \(Int(rtp.jitterMs.rounded()))ms"
    }
}
