import Foundation
import RingsideCore

/// One row of level meters, one per side that has reported a level (caller and agent at least),
/// filled on a -60…0 dBFS scale and graded good/warn/bad towards clipping.
public struct LevelMeterWidget: Widget {
    public init() {}

    public func render(_ state: CallState, in area: Rect, theme: Theme, into grid: inout Grid) {
        guard area.height > 0 else { return }
        var speakers: [Speaker] = [.caller, .agent]
        if state.levels[.human] != nil || state.mode == .human { speakers.append(.human) }
        let each = area.width / speakers.count
        for (i, speaker) in speakers.enumerated() {
            let cell = Rect(x: area.x + i * each, y: area.y, width: each - 1, height: 1)
            let muted = state.view.micMuted && speaker != .agent
            drawMeter(speaker.rawValue, level: state.levels[speaker] ?? AudioLevel(), muted: muted, in: cell, into: &grid)
        }
    }

    func drawMeter(_ label: String, level: AudioLevel, muted: Bool, in row: Rect, into grid: inout Grid) {
        var x = row.x
        x += grid.write(label + " ", x: x, y: row.y, limit: row.width, fg: .speaker(Speaker(rawValue: label)))
        let figure = muted ? " muted" : (level.rms > 0 ? " " + String(Int((20 * log10(level.rms)).rounded())) + "dB" : " -∞dB")
        let width = row.maxX - x - 7
        guard width > 2 else { return }
        let filled = muted ? 0 : Int((level.meterFraction * Double(width)).rounded())
        for i in 0..<width {
            let fraction = Double(i + 1) / Double(width)
            let role: ColorRole = fraction > 0.9 ? .bad : (fraction > 0.7 ? .warn : .good)
            if i < filled {
                grid.write("▮", x: x + i, y: row.y, limit: 1, fg: role)
            } else {
                grid.write("·", x: x + i, y: row.y, limit: 1, fg: .border)
            }
        }
        grid.write(figure, x: x + width, y: row.y, limit: 7, fg: muted ? .warn : .muted)
    }
}
