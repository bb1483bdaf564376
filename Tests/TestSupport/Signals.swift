import Foundation

/// Test signals: tones, noise, and measures of how alike two signals are.
public enum Signals {
    public static func sine(frequency: Double, sampleRate: Int, seconds: Double, amplitude: Double = 0.5) -> [Int16] {
        let n = Int(Double(sampleRate) * seconds)
        return (0..<n).map { i in Int16(amplitude * 32767 * sin(2 * Double.pi * frequency * Double(i) / Double(sampleRate))) }
    }

}
