/// Hears a calendar day in what a caller said: "tomorrow", "next Tuesday", "the fourth of March",
/// "March 4th 1980", "November the twenty first", "4 March nineteen eighty", "2026-03-04",
/// "3/4/1980" (month/day/year).
enum SpokenDate {
    /// A day heard, and which of the caller's words said it.
    struct Mention: Equatable {
        var day: CalendarDay
        var words: Range<Int>
    }

    static func parse(_ text: String, today: CalendarDay) -> CalendarDay? {
        parse(tokens: SpokenText.tokens(text), today: today)
    }

    static func parse(tokens t: [String], today: CalendarDay) -> CalendarDay? {
        find(t, today: today)?.day
    }

    /// Every day a sentence names, in the order `parse` would prefer them ("I'm Wei Chen, born the
    /// fifteenth of July nineteen ninety, and I'd like Friday": the birthday, then Friday).
    static func mentions(_ text: String, today: CalendarDay) -> [Mention] {
        var t = SpokenText.tokens(text)
        var out: [Mention] = []
        // Each day found is blanked out and the sentence read again; a sentence names a few at most.
        while out.count < 4, let mention = find(t, today: today) {
            out.append(mention)
            for i in mention.words { t[i] = "" }
        }
        return out
    }

    private static func find(_ t: [String], today: CalendarDay) -> Mention? {
        for (i, w) in t.enumerated() {
            if let day = CalendarDay(iso: w) { return Mention(day: day, words: i..<(i + 1)) }
            let slash = w.split(separator: "/").compactMap { Int($0) }
            if slash.count == 3, let day = CalendarDay(year: slash[2] < 100 ? 1900 + slash[2] : slash[2], month: slash[0], day: slash[1]) {
                return Mention(day: day, words: i..<(i + 1))
            }
            if w == "today" { return Mention(day: today, words: i..<(i + 1)) }
            if w == "tomorrow" {
                if i >= 2, t[i - 2] == "day", t[i - 1] == "after" { return Mention(day: today.adding(days: 2), words: (i - 2)..<(i + 1)) }
                return Mention(day: today.adding(days: 1), words: i..<(i + 1))
            }
        }
        // Month names, with the day before ("the 4th of March") or after ("March 4th", "March the 4th").
        for (i, w) in t.enumerated() {
            guard let monthIndex = monthIndex(w) else { continue }
            var day: Int?
            var start = i
            var end = i + 1
            let dayAt = i + 1 < t.count && t[i + 1] == "the" ? i + 2 : i + 1
            if let after = SpokenText.dayOrdinal(t, at: dayAt) {
                day = after.value
                end = dayAt + after.used
            } else {
                var j = i - 1
                if j >= 0, t[j] == "of" { j -= 1 }
                // Look back at most two tokens for "twenty first" style ordinals.
                if j >= 1, let two = SpokenText.dayOrdinal(t, at: j - 1), two.used == 2 { day = two.value; start = j - 1 }
                else if j >= 0, let one = SpokenText.dayOrdinal(t, at: j) { day = one.value; start = j }
            }
            guard let day else { continue }
            if start > 0, t[start - 1] == "the" { start -= 1 }
            var yearStart = end
            if yearStart < t.count, t[yearStart] == "of" || t[yearStart] == "in" { yearStart += 1 }
            if let year = year(t, at: yearStart) {
                guard let dated = CalendarDay(year: year.value, month: monthIndex + 1, day: day) else { return nil }
                return Mention(day: dated, words: start..<(yearStart + year.used))
            }
            guard let thisYear = CalendarDay(year: today.year, month: monthIndex + 1, day: day) else { return nil }
            let next = thisYear < today ? CalendarDay(year: today.year + 1, month: monthIndex + 1, day: day) : thisYear
            return next.map { Mention(day: $0, words: start..<end) }
        }
        for (i, w) in t.enumerated() {
            guard let weekday = CalendarDay.weekdayNames.firstIndex(of: w) else { continue }
            var ahead = (weekday - today.weekday + 7) % 7
            if ahead == 0 { ahead = 7 }
            if i > 0, t[i - 1] == "next", ahead < 7, i > 1, t[i - 2] == "week" { ahead += 7 }
            let start = i > 0 && ["next", "this", "on"].contains(t[i - 1]) ? i - 1 : i
            return Mention(day: today.adding(days: ahead), words: start..<(i + 1))
        }
        // "the fourth" alone: this month, or next month once it has passed.
        for i in t.indices where t[i] == "the" {
            guard let ordinal = SpokenText.dayOrdinal(t, at: i + 1), Int(t[i + 1]) == nil else { continue }
            let words = i..<(i + 1 + ordinal.used)
            if let d = CalendarDay(year: today.year, month: today.month, day: ordinal.value), !(d < today) { return Mention(day: d, words: words) }
            let nextMonth = today.month == 12 ? 1 : today.month + 1
            return CalendarDay(year: today.month == 12 ? today.year + 1 : today.year, month: nextMonth, day: ordinal.value)
                .map { Mention(day: $0, words: words) }
        }
        return nil
    }

    static func monthIndex(_ w: String) -> Int? {
        if let i = CalendarDay.monthNames.firstIndex(of: w) { return i }
        if w.count >= 3, w != "may", let i = CalendarDay.monthNames.firstIndex(where: { $0.hasPrefix(w) && w.count == 3 }) { return i }
        return nil
    }

    /// A year and how many words said it: "1980", "nineteen eighty", "nineteen eighty two",
    /// "two thousand and five", "twenty twenty six".
    static func year(_ t: [String], at i: Int) -> (value: Int, used: Int)? {
        guard i < t.count else { return nil }
        if let n = Int(t[i]), (1900...2100).contains(n) { return (n, 1) }
        let century: Int?
        if let teen = SpokenText.teens[t[i]], teen >= 18 { century = teen } else if t[i] == "twenty" { century = 20 } else { century = nil }
        if let century, i + 1 < t.count {
            if t[i + 1] == "hundred" { return (century * 100, 2) }
            if t[i + 1] == "oh" || t[i + 1] == "o", i + 2 < t.count, let u = SpokenText.units[t[i + 2]] { return (century * 100 + u, 3) }
            if let rest = SpokenText.number(t, at: i + 1), rest.value < 100, rest.value >= 10 { return (century * 100 + rest.value, 1 + rest.used) }
        }
        if let n = SpokenText.number(t, at: i), (1900...2100).contains(n.value) { return n }
        return nil
    }
}
