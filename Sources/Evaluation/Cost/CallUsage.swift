import RingsideCore

/// What one call used of each billed resource, measured from its events.
///
/// Recognition and telephony run for the whole call (the caller's audio is streamed throughout);
/// synthesis is billed for the agent audio actually played; LLM tokens are estimated for the turns
/// an LLM answered, as the conversation so far (an LLM is sent it every turn) plus the reply, at four
/// characters a token. The intent engine uses no tokens.
public struct CallUsage: Sendable, Codable, Equatable {
    public var sttSeconds: Double
    public var ttsSeconds: Double
    public var telephonySeconds: Double
    public var llmTokens: Int

    public init(sttSeconds: Double = 0, ttsSeconds: Double = 0, telephonySeconds: Double = 0, llmTokens: Int = 0) {
        self.sttSeconds = sttSeconds
        self.ttsSeconds = ttsSeconds
        self.telephonySeconds = telephonySeconds
        self.llmTokens = llmTokens
    }

    public static func measure(_ events: [CallEvent]) -> CallUsage {
        var usage = CallUsage()
        let duration = events.last?.time.seconds ?? 0
        usage.sttSeconds = duration
        usage.telephonySeconds = duration
        var playing: MediaTime?
        var conversationCharacters = 0
        for event in events {
            switch event.payload {
            case .playoutStarted:
                if playing == nil { playing = event.time }
            case .playoutFinished, .bargeIn, .callEnded:
                if let start = playing {
                    usage.ttsSeconds += max(0, (event.time - start).seconds)
                    playing = nil
                }
            case let .finalTranscript(_, text, _):
                conversationCharacters += text.count
            case let .brainDecided(_, _, path, reply, _):
                conversationCharacters += reply.count
                if path.answerer == .llm { usage.llmTokens += (conversationCharacters + 3) / 4 }
            default:
                break
            }
        }
        return usage
    }
}
