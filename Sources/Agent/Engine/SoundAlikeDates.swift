/// Days a recogniser hears for one another: the teens and the tens ("thirteenth" / "thirtieth",
/// "nineteen fifteen" / "nineteen fifty") differ in one unstressed syllable and are the commonest
/// mishearing of a spoken date. A lookup that found nothing for the date heard may try these.
enum SoundAlikeDates {
    /// 13 ↔ 30, 14 ↔ 40, … 19 ↔ 90.
    static func partner(_ n: Int) -> Int? {
        if (13...19).contains(n) { return (n - 10) * 10 }
        if n % 10 == 0, (30...90).contains(n) { return n / 10 + 10 }
        return nil
    }

    /// Real calendar days that differ from `day` by one teen/ten swap, in the day of the month or in
    /// the last two digits of the year; never `day` itself.
    static func variants(of day: CalendarDay) -> [CalendarDay] {
        var out: [CalendarDay] = []
        if let d = partner(day.day), let v = CalendarDay(year: day.year, month: day.month, day: d) { out.append(v) }
        if let y = partner(day.year % 100), let v = CalendarDay(year: day.year - day.year % 100 + y, month: day.month, day: day.day) { out.append(v) }
        return out
    }
}
