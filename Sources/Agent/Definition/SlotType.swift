/// The kind of value a slot holds, which decides how it is heard and what the recogniser listens for.
public enum SlotType: String, Sendable, Codable, CaseIterable {
    /// A calendar day: "next Tuesday", "the fourth of March", "tomorrow", "March 4 1980".
    case date
    /// A time of day: "three pm", "half past two", "10:30".
    case time
    /// A number: "forty two", "120".
    case number
    /// A digit string, spoken digit by digit or as a number: "four two seven one".
    case digits
    /// A person's name, matched against known names when the slot lists them.
    case name
    /// Yes or no.
    case yesNo = "yes_no"
    /// Free text (an address, a reason), taken as said.
    case text
    /// One of the slot's listed `values`.
    case choice
}
