import RingsideCore

/// What a cell's colour means, not which colour it is; a `Theme` maps roles to colours and
/// attributes. The raw value is the key used in theme files.
public enum ColorRole: String, Sendable, Hashable, CaseIterable {
    case text
    case muted
    case background
    case title
    case border
    case header
    case headerBar = "header.bar"
    case caller
    case agent
    case human
    case note
    case partial
    case cutOff = "cut-off"
    case stageEndpointing = "stage.endpointing"
    case stageSTT = "stage.stt"
    case stageBrain = "stage.brain"
    case stageTools = "stage.tools"
    case stageTTS = "stage.tts"
    case stagePlayout = "stage.playout"
    case good
    case warn
    case bad
    case approval
    case approvalBar = "approval.bar"
    case key
    case overlay
    case overlayBar = "overlay.bar"
    case input

    /// The role that colours a latency stage's bar segment.
    public static func stage(_ stage: LatencyStage) -> ColorRole {
        switch stage {
        case .endpointing: return .stageEndpointing
        case .stt: return .stageSTT
        case .brain: return .stageBrain
        case .tools: return .stageTools
        case .tts: return .stageTTS
        case .playout: return .stagePlayout
        }
    }

    /// The role for a speaker's words.
    public static func speaker(_ speaker: Speaker?) -> ColorRole {
        switch speaker {
        case .caller: return .caller
        case .agent: return .agent
        case .human: return .human
        case nil: return .note
        }
    }
}

extension ColorRole {
    /// A one-character code for style snapshots in tests.
    public var code: String {
        switch self {
        case .text: return "t"
        case .muted: return "m"
        case .background: return "."
        case .title: return "T"
        case .border: return "-"
        case .header: return "H"
        case .headerBar: return "h"
        case .caller: return "c"
        case .agent: return "a"
        case .human: return "u"
        case .note: return "n"
        case .partial: return "p"
        case .cutOff: return "x"
        case .stageEndpointing: return "1"
        case .stageSTT: return "2"
        case .stageBrain: return "3"
        case .stageTools: return "4"
        case .stageTTS: return "5"
        case .stagePlayout: return "6"
        case .good: return "g"
        case .warn: return "w"
        case .bad: return "b"
        case .approval: return "A"
        case .approvalBar: return "B"
        case .key: return "k"
        case .overlay: return "o"
        case .overlayBar: return "O"
        case .input: return "i"
        }
    }
}
