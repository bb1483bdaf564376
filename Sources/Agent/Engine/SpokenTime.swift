/// Hears a time of day: "three pm", "half past two", "quarter to four", "10:30", "ten thirty", "noon".
/// Hours from 1 to 7 without am or pm are taken as afternoon, as a business would.
enum SpokenTime {
    /// `HH:MM`, or nil. With `expected`, a bare number ("three") counts as an hour.
    static func parse(_ text: String, expected: Bool) -> String? {
        let t = SpokenText.tokens(text)
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
            guard let hour = hourWord(t, at: i) else { continue }
            var j = i + 1
            var minute = 0
            if j < t.count, t[j] == "o'clock" || t[j] == "oclock" { j += 1 }
            else if j < t.count, t[j] == "oh" || t[j] == "o", j + 1 < t.count, let u = SpokenText.units[t[j + 1]] { minute = u; j += 2 }
            else if j < t.count, SpokenText.units[t[j]] == nil, let m = SpokenText.number(t, at: j), m.value >= 10, m.value < 60 { minute = m.value; j += m.used }
            let mark = meridiem(t, at: j)
            let anchored = mark != nil || (i > 0 && ["at", "for", "around", "about"].contains(t[i - 1])) || t.contains("o'clock") || t.contains("oclock") || minute > 0
            if anchored || expected { return (hour, minute, mark) }
        }
        return nil
    }

    private static func hourWord(_ t: [String], at i: Int) -> Int? {
        if let n = Int(t[i]), (0...23).contains(n) { return n }
        if let u = SpokenText.units[t[i]], u > 0, t[i] != "o", t[i] != "oh" { return u }
        if let v = SpokenText.teens[t[i]], v <= 12 { return v }
        return nil
    }
}
