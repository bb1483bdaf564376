/// The months and the days of the week as they are spoken (lower case): one list for the intent
/// engine's dates, the recogniser's vocabulary and text clean-up, and the benchmarks' corpus.
public enum CalendarNames {
    /// January first: a month's number is its index + 1.
    public static let months = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november",
                                "december"]
    /// Sunday first, as Gregorian weekday numbers count (index + 1).
    public static let weekdays = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"]
    /// Monday to Friday.
    public static let workdays = Array(weekdays[1...5])
}
