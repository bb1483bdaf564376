/// Hears a time of day: "three pm", "half past two", "quarter to four", "10:30", "ten thirty", "noon",
/// "fifteen thirty", "one zero three zero". Hours from 1 to 7 without am or pm are taken as
/// afternoon, as a business would.
enum SpokenTime {
    /// `HH:MM`, or nil. With `expected`, a bare number ("three") counts as an hour.
    static func parse(_ text: String, expected: Bool) -> String? {
        let t = repairingSoundAlikes(SpokenText.tokens(text))
        guard let (hour, minute, marked) = find(t, expected: expected) else { return nil }
        var h = hour
        if let marked {
            if marked == "pm", h < 12 { h += 12 }
            if marked == "am", h == 12 { h = 0 }
        } else if h >= 1, h <= 7 {
            h += 12
        }
        guard (0...23).contains(h), (0...59).contains(minute) else { return nil }
        return pad(h) + ":" + pad(minute)
    }

    static func pad(_ n: Int) -> String { n < 10 ? "0\(n)" : String(n) }

    /// "3 pm", "half past two", "15:00".
    static func spoken(_ hhmm: String) -> String {
        let parts = hhmm.split(separator: ":").compactMap { Int($0) }
        guard parts.count >= 2 else { return hhmm }
        let (h, m) = (parts[0], parts[1])
        let suffix = h >= 12 ? "pm" : "am"
        let h12 = h % 12 == 0 ? 12 : h % 12
        if h == 12, m == 0 { return "noon" }
        return m == 0 ? "\(h12) \(suffix)" : "\(h12):\(pad(m)) \(suffix)"
    }

    private static func meridiem(_ t: [String], at i: Int) -> String? {
        guard i < t.count else { return nil }
        switch t[i] {
        case "am", "a.m": return "am"
        case "pm", "p.m": return "pm"
        case "in":
            if i + 2 < t.count, t[i + 1] == "the" {
                if t[i + 2] == "morning" { return "am" }
                if t[i + 2] == "afternoon" || t[i + 2] == "evening" { return "pm" }
            }
            return nil
        default: return nil
        }
    }

    /// Words a recogniser hears for an hour ("half past free", "at for pm"), read as that hour only
    /// where an hour must stand: after "past", "to", "at", or before am, pm, o'clock or minutes.
    static let soundAlikes: [String: String] = ["free": "three", "tree": "three", "for": "four", "fore": "four", "too": "two", "won": "one", "ate": "eight"]

    static func repairingSoundAlikes(_ t: [String]) -> [String] {
        let before: Set<String> = ["past", "to", "at"]
        let after: Set<String> = ["am", "pm", "o'clock", "oclock", "thirty", "fifteen", "forty", "fifty"]
        return t.indices.map { i in
            guard let repaired = soundAlikes[t[i]] else { return t[i] }
            let hourBefore = i > 0 && before.contains(t[i - 1]) && !(t[i] == "for" && t[i - 1] == "to")
            let hourAfter = i + 1 < t.count && after.contains(t[i + 1]) && (t[i] != "for" || ["am", "pm", "o'clock", "oclock"].contains(t[i + 1]))
            return hourBefore || hourAfter ? repaired : t[i]
        }
    }

    private static func find(_ t: [String], expected: Bool) -> (Int, Int, String?)? {
        for (i, w) in t.enumerated() {
            if w == "noon" || w == "midday" { return (12, 0, "pm") }
            let colon = w.split(separator: ":").compactMap { Int($0) }
            if colon.count == 2, w.contains(":") { return (colon[0], colon[1], meridiem(t, at: i + 1)) }
            // "half past two", "quarter to four", "ten past three", "twenty to five"
            if w == "past" || w == "to", i >= 1, let hour = SpokenText.number(t, at: i + 1), hour.value <= 12 {
                var minutes: Int?
                if t[i - 1] == "half" { minutes = 30 }
                if t[i - 1] == "quarter" { minutes = 15 }
                if t[i - 1] == "minutes", i >= 2, let n = SpokenText.number(t, at: i - 2) { minutes = n.value }
                if minutes == nil, let n = SpokenText.number(t, at: i - 1), n.used == 1 { minutes = n.value }
                if minutes == nil, i >= 2, let n = SpokenText.number(t, at: i - 2), n.used == 2 { minutes = n.value }
                if let minutes {
                    let mark = meridiem(t, at: i + 1 + hour.used)
                    return w == "past" ? (hour.value, minutes, mark) : (hour.value == 1 ? 12 : hour.value - 1, 60 - minutes, mark)
                }
            }
        }
        for i in t.indices {
            // "one zero three zero": a 24-hour time said digit by digit.
            let isDigit = { (k: Int) in k >= 0 && k < t.count && SpokenText.units[t[k]] != nil }
            if !isDigit(i - 1), !isDigit(i + 4), (i..<(i + 4)).allSatisfy(isDigit) {
                let d = t[i..<(i + 4)].compactMap { SpokenText.units[$0] }
                if d[0] * 10 + d[1] <= 23, d[2] * 10 + d[3] <= 59 { return (d[0] * 10 + d[1], d[2] * 10 + d[3], meridiem(t, at: i + 4)) }
            }
            // A digit inside a run of digits ("one zero four two seven") is part of a number, not an hour.
            let inRun = { (k: Int) in isDigit(k) && t[k] != "oh" && t[k] != "o" }
            if SpokenText.units[t[i]] != nil, inRun(i - 1) || inRun(i + 1) { continue }
            guard let hour = hourWord(t, at: i) else { continue }
            var j = i + 1
            var minute = 0
            var onTheHour = false
            if j < t.count, t[j] == "o'clock" || t[j] == "oclock" || t[j] == "hundred" { j += 1; onTheHour = true }
            else if j < t.count, t[j] == "oh" || t[j] == "o", j + 1 < t.count, let u = SpokenText.units[t[j + 1]] { minute = u; j += 2 }
            else if j < t.count, SpokenText.units[t[j]] == nil, let m = SpokenText.number(t, at: j), m.value >= 10, m.value < 60 { minute = m.value; j += m.used }
            let mark = meridiem(t, at: j)
            let anchored = mark != nil || onTheHour || (i > 0 && ["at", "for", "around", "about"].contains(t[i - 1])) || t.contains("o'clock") || t.contains("oclock") || minute > 0
            if anchored || expected { return (hour, minute, mark) }
        }
        return nil
    }

    private static func hourWord(_ t: [String], at i: Int) -> Int? {
        if let n = Int(t[i]), (0...23).contains(n) { return n }
        if let u = SpokenText.units[t[i]], u > 0, t[i] != "o", t[i] != "oh" { return u }
        if let v = SpokenText.teens[t[i]], v <= 12 { return v }
        // "fifteen thirty", "seventeen hundred": a 24-hour clock, only with its minutes.
        if let v = SpokenText.teens[t[i]], i + 1 < t.count, t[i + 1] == "hundred" || SpokenText.tens[t[i + 1]] != nil { return v }
        return nil
    }
}
