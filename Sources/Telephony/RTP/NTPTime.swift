import Foundation

/// Wall-clock time as a 64-bit NTP timestamp (seconds since 1900 in the high 32 bits), as RTCP carries it.
public enum NTPTime {
    static let unixToNTP: UInt64 = 2_208_988_800

    /// NTP time for seconds since 1970.
    public static func from(unixSeconds: Double) -> UInt64 {
        let whole = UInt64(unixSeconds)
        let frac = UInt64((unixSeconds - Double(whole)) * 4_294_967_296)
        return (whole + unixToNTP) << 32 | (frac & 0xFFFF_FFFF)
    }

    /// The current time.
    public static func now() -> UInt64 { from(unixSeconds: Date().timeIntervalSince1970) }
}
