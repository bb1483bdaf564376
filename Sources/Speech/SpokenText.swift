/// Turns written text into the words a caller would say, as the recogniser's dictionary spells them.
///
/// Used for language-model text, WER references and expectation read-back, so all three agree.
public enum SpokenText {
    static let units = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
                        "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen",
                        "seventeen", "eighteen", "nineteen"]
    static let tens = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
    static let ordinalUnits = ["zeroth", "first", "second", "third", "fourth", "fifth", "sixth", "seventh",
                               "eighth", "ninth", "tenth", "eleventh", "twelfth", "thirteenth", "fourteenth",
                               "fifteenth", "sixteenth", "seventeenth", "eighteenth", "nineteenth"]
    static let ordinalTens = ["", "", "twentieth", "thirtieth", "fortieth", "fiftieth", "sixtieth",
                              "seventieth", "eightieth", "ninetieth"]

    /// Lower-case words: punctuation dropped (apostrophes inside words kept), numerals spelled out.
    public static func words(_ text: String) -> [String] {
        var out: [String] = []
        for raw in text.lowercased().split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "-" || $0 == "/" || $0 == "," }) {
            var token = String(raw)
            if let paren = token.firstIndex(of: "("), token.hasSuffix(")") { token = String(token[..<paren]) }  // "read(2)"
            if token == "a.m." || token == "p.m." { out.append(token.replacingOccurrences(of: ".", with: "")); continue }
            token = String(token.filter { $0.isLetter || $0.isNumber || $0 == "'" || $0 == ":" })
            while token.hasPrefix("'") { token.removeFirst() }
            while token.hasSuffix("'") { token.removeLast() }
            if token.isEmpty { continue }
            if token.contains(where: \.isNumber) {
                out.append(contentsOf: spellNumeral(token))
            } else {
                out.append(token.replacingOccurrences(of: ":", with: ""))
            }
        }
        return out
    }

    /// Spells "42" as "forty two", "0427" and long numbers digit by digit, "3:30" as "three thirty",
    /// "15th" as "fifteenth", "3pm" as "three pm".
    static func spellNumeral(_ token: String) -> [String] {
        if token.contains(":") {
            let parts = token.split(separator: ":").map(String.init)
            var out: [String] = []
            for (i, p) in parts.enumerated() {
                if i > 0, p == "00" { continue }
                if i > 0, p.hasPrefix("0"), p.count == 2 { out.append("oh"); out.append(contentsOf: spellNumeral(String(p.dropFirst()))); continue }
                out.append(contentsOf: spellNumeral(p))
            }
            return out
        }
        let digits = String(token.prefix(while: \.isNumber))
        let suffix = String(token.dropFirst(digits.count))
        guard !digits.isEmpty else { return [token] }
        if ["st", "nd", "rd", "th"].contains(suffix), let n = Int(digits), n < 100 { return ordinal(n).split(separator: " ").map(String.init) }
        var out: [String]
        if digits.count <= 2, !(digits.count == 2 && digits.hasPrefix("0")), let n = Int(digits) {
            out = cardinal(n)
        } else if digits.count == 4, !digits.hasPrefix("0"), let n = Int(digits), (1900...2099).contains(n) {
            out = n % 100 == 0 ? cardinal(n / 100) + ["hundred"] : cardinal(n / 100) + (n % 100 < 10 ? ["oh"] : []) + cardinal(n % 100)
        } else {
            out = digits.compactMap { $0.wholeNumberValue.map { units[$0] } }
        }
        if !suffix.isEmpty { out.append(suffix) }
        return out
    }

    /// "forty two" for 42; 0…9999.
    public static func cardinal(_ n: Int) -> [String] {
        if n < 20 { return [units[max(0, n)]] }
        if n < 100 { return n % 10 == 0 ? [tens[n / 10]] : [tens[n / 10], units[n % 10]] }
        if n < 1000 { return [units[n / 100], "hundred"] + (n % 100 == 0 ? [] : cardinal(n % 100)) }
        return cardinal(n / 1000) + ["thousand"] + (n % 1000 == 0 ? [] : cardinal(n % 1000))
    }

    /// "twenty first" for 21; 1…99.
    public static func ordinal(_ n: Int) -> String {
        if n < 20 { return ordinalUnits[max(0, n)] }
        if n % 10 == 0 { return ordinalTens[n / 10] }
        return tens[n / 10] + " " + ordinalUnits[n % 10]
    }

    /// The value of a digit word ("oh" counts as zero), if it is one.
    public static func digitValue(_ word: String) -> Int? {
        if word == "oh" || word == "o" { return 0 }
        return units.prefix(10).firstIndex(of: word)
    }
}
