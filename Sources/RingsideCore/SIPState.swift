/// Where a call's SIP dialog stands, as the call screen and the recording show it.
///
/// Encoded as a keyed object (`{"onHold":{"direction":"recvonly"}}`); recordings written before this
/// type existed hold the state as a sentence (`"on hold (recvonly)"`), which decoding still reads.
public enum SIPState: Sendable, Equatable, Codable, CustomStringConvertible {
    case incoming
    /// The far end is ringing (180).
    case ringing
    /// Another provisional response (183 session progress).
    case progress(status: Int)
    /// Media is flowing with `codec`; `peer` names the far end when known.
    case connected(codec: String, peer: String?)
    /// Hold: `direction` is what this side may still do.
    case onHold(direction: HoldDirection)
    case resumed
    /// Handing the caller on to `target`, by `method`.
    case transferring(target: String, method: TransferMethod)
    case transferred(to: String)
    /// How a transfer is going (a NOTIFY's status line).
    case transferProgress(status: Int, phrase: String)
    /// The caller is bridged to `target`; the agent is silent.
    case bridged(to: String)
    /// A bridge ended because `side` left, for `reason`.
    case bridgeEnded(side: BridgeSide, reason: String)
    /// The dialog ended (a BYE, a failure), for `reason`.
    case ended(reason: String)
    /// This side sent a DTMF digit.
    case dtmfSent(digit: String)

    /// What a held call may still do (SDP direction attribute).
    public enum HoldDirection: String, Sendable, Codable {
        /// We put the far end on hold.
        case sendonly
        /// The far end put us on hold.
        case recvonly
        case inactive
    }

    /// How a caller is handed on to a human.
    public enum TransferMethod: String, Sendable, Codable {
        /// A blind transfer: the caller's phone calls the target.
        case refer
        /// We call the target and join the two calls' audio.
        case bridge
    }

    /// Which leg of a bridge ended it.
    public enum BridgeSide: String, Sendable, Codable {
        case target, caller
    }

    public var description: String {
        switch self {
        case .incoming: return "incoming"
        case .ringing: return "ringing"
        case let .progress(status): return "progress \(status)"
        case let .connected(codec, peer): return "connected \(codec)" + (peer.map { " \($0)" } ?? "")
        case let .onHold(direction): return "on hold (\(direction.rawValue))"
        case .resumed: return "resumed"
        case let .transferring(target, .refer): return "transferring to \(target) (REFER)"
        case let .transferring(target, .bridge): return "calling \(target) to bridge the caller"
        case let .transferred(to): return "transferred to \(to)"
        case let .transferProgress(status, phrase): return "transfer \(status) \(phrase)"
        case let .bridged(to): return "bridged to \(to): the agent is silent"
        case let .bridgeEnded(side, reason): return "bridge ended: the \(side.rawValue) \(reason)"
        case let .ended(reason): return "ended: \(reason)"
        case let .dtmfSent(digit): return "sent DTMF \(digit)"
        }
    }

    /// The same state with every free text (reasons, phrases, addresses) passed through `transform`; codec and digit are kept.
    public func mappingText(_ transform: (String) -> String) -> SIPState {
        switch self {
        case .incoming, .ringing, .progress, .onHold, .resumed, .dtmfSent: return self
        case let .connected(codec, peer): return .connected(codec: codec, peer: peer.map(transform))
        case let .transferring(target, method): return .transferring(target: transform(target), method: method)
        case let .transferred(to): return .transferred(to: transform(to))
        case let .transferProgress(status, phrase): return .transferProgress(status: status, phrase: transform(phrase))
        case let .bridged(to): return .bridged(to: transform(to))
        case let .bridgeEnded(side, reason): return .bridgeEnded(side: side, reason: transform(reason))
        case let .ended(reason): return .ended(reason: transform(reason))
        }
    }

    private enum Case: String, CodingKey, CaseIterable {
        case incoming, ringing, progress, connected, onHold, resumed, transferring, transferred, transferProgress, bridged, bridgeEnded, ended, dtmfSent
    }
    private enum Field: String, CodingKey {
        case status, codec, peer, direction, target, method, to, phrase, side, reason, digit
    }

    public init(from decoder: any Decoder) throws {
        if let sentence = try? decoder.singleValueContainer().decode(String.self) {
            guard let state = SIPState(legacy: sentence) else {
                throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "\"\(sentence)\" is not a SIP state"))
            }
            self = state
            return
        }
        let container = try decoder.container(keyedBy: Case.self)
        guard let key = container.allKeys.first, container.allKeys.count == 1 else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "a SIP state is an object with exactly one key: \(Case.allCases.map(\.rawValue).joined(separator: ", "))"))
        }
        let f = try container.nestedContainer(keyedBy: Field.self, forKey: key)
        switch key {
        case .incoming: self = .incoming
        case .ringing: self = .ringing
        case .resumed: self = .resumed
        case .progress: self = .progress(status: try f.decode(Int.self, forKey: .status))
        case .connected: self = .connected(codec: try f.decode(String.self, forKey: .codec), peer: try f.decodeIfPresent(String.self, forKey: .peer))
        case .onHold: self = .onHold(direction: try f.decode(HoldDirection.self, forKey: .direction))
        case .transferring: self = .transferring(target: try f.decode(String.self, forKey: .target), method: try f.decode(TransferMethod.self, forKey: .method))
        case .transferred: self = .transferred(to: try f.decode(String.self, forKey: .to))
        case .transferProgress: self = .transferProgress(status: try f.decode(Int.self, forKey: .status), phrase: try f.decode(String.self, forKey: .phrase))
        case .bridged: self = .bridged(to: try f.decode(String.self, forKey: .to))
        case .bridgeEnded: self = .bridgeEnded(side: try f.decode(BridgeSide.self, forKey: .side), reason: try f.decode(String.self, forKey: .reason))
        case .ended: self = .ended(reason: try f.decode(String.self, forKey: .reason))
        case .dtmfSent: self = .dtmfSent(digit: try f.decode(String.self, forKey: .digit))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Case.self)
        switch self {
        case .incoming, .ringing, .resumed:
            let key: Case = self == .incoming ? .incoming : self == .ringing ? .ringing : .resumed
            _ = container.nestedContainer(keyedBy: Field.self, forKey: key)
        case let .progress(status):
            var f = container.nestedContainer(keyedBy: Field.self, forKey: .progress)
            try f.encode(status, forKey: .status)
        case let .connected(codec, peer):
            var f = container.nestedContainer(keyedBy: Field.self, forKey: .connected)
            try f.encode(codec, forKey: .codec)
            try f.encodeIfPresent(peer, forKey: .peer)
        case let .onHold(direction):
            var f = container.nestedContainer(keyedBy: Field.self, forKey: .onHold)
            try f.encode(direction, forKey: .direction)
        case let .transferring(target, method):
            var f = container.nestedContainer(keyedBy: Field.self, forKey: .transferring)
            try f.encode(target, forKey: .target)
            try f.encode(method, forKey: .method)
        case let .transferred(to):
            var f = container.nestedContainer(keyedBy: Field.self, forKey: .transferred)
            try f.encode(to, forKey: .to)
        case let .transferProgress(status, phrase):
            var f = container.nestedContainer(keyedBy: Field.self, forKey: .transferProgress)
            try f.encode(status, forKey: .status)
            try f.encode(phrase, forKey: .phrase)
        case let .bridged(to):
            var f = container.nestedContainer(keyedBy: Field.self, forKey: .bridged)
            try f.encode(to, forKey: .to)
        case let .bridgeEnded(side, reason):
            var f = container.nestedContainer(keyedBy: Field.self, forKey: .bridgeEnded)
            try f.encode(side, forKey: .side)
            try f.encode(reason, forKey: .reason)
        case let .ended(reason):
            var f = container.nestedContainer(keyedBy: Field.self, forKey: .ended)
            try f.encode(reason, forKey: .reason)
        case let .dtmfSent(digit):
            var f = container.nestedContainer(keyedBy: Field.self, forKey: .dtmfSent)
            try f.encode(digit, forKey: .digit)
        }
    }

    /// The far end's address or name, for a connected call that named it.
    public var peer: String? {
        if case let .connected(_, peer) = self { return peer }
        return nil
    }

    /// The state from the sentence recordings held before the state was typed (its `description`).
    public init?(legacy sentence: String) {
        func after(_ prefix: String) -> String? { sentence.hasPrefix(prefix) ? String(sentence.dropFirst(prefix.count)) : nil }
        switch sentence {
        case "incoming": self = .incoming; return
        case "ringing": self = .ringing; return
        case "resumed": self = .resumed; return
        default: break
        }
        if let rest = after("progress "), let status = Int(rest) {
            self = .progress(status: status)
        } else if let rest = after("connected ") {
            let parts = rest.split(separator: " ", maxSplits: 1).map(String.init)
            self = .connected(codec: parts[0], peer: parts.count > 1 ? parts[1] : nil)
        } else if let rest = after("on hold ("), rest.hasSuffix(")"), let direction = HoldDirection(rawValue: String(rest.dropLast())) {
            self = .onHold(direction: direction)
        } else if let rest = after("transferring to "), rest.hasSuffix(" (REFER)") {
            self = .transferring(target: String(rest.dropLast(" (REFER)".count)), method: .refer)
        } else if let rest = after("calling "), rest.hasSuffix(" to bridge the caller") {
            self = .transferring(target: String(rest.dropLast(" to bridge the caller".count)), method: .bridge)
        } else if let rest = after("transferred to ") {
            self = .transferred(to: rest)
        } else if let rest = after("transfer ") {
            let parts = rest.split(separator: " ", maxSplits: 1).map(String.init)
            guard let status = Int(parts[0]) else { return nil }
            self = .transferProgress(status: status, phrase: parts.count > 1 ? parts[1] : "")
        } else if let rest = after("bridged to "), rest.hasSuffix(": the agent is silent") {
            self = .bridged(to: String(rest.dropLast(": the agent is silent".count)))
        } else if let rest = after("bridge ended: the ") {
            let parts = rest.split(separator: " ", maxSplits: 1).map(String.init)
            guard let side = BridgeSide(rawValue: parts[0]) else { return nil }
            self = .bridgeEnded(side: side, reason: parts.count > 1 ? parts[1] : "")
        } else if let rest = after("ended: ") {
            self = .ended(reason: rest)
        } else if let rest = after("sent DTMF ") {
            self = .dtmfSent(digit: rest)
        } else {
            return nil
        }
    }
}
