import RingsideCore

/// How a call session runs: its rate and timing model, and the thresholds of turn-taking.
public struct SessionConfiguration: Sendable {
    /// Rate of every frame in the session (the recogniser's 16 kHz by default).
    public var rate: SampleRate
    /// Real time (paced by the sound card or the clock) or virtual time (as fast as the machine goes;
    /// the clock advances 20 ms per tick and slow work takes no call time).
    public var realtime: Bool
    /// Caller's agent name and engines, for the screen and the recording.
    public var agentName: String
    /// Speak a short filler when a tool has run this long without an answer.
    public var toolAnnouncementAfter: MediaTime
    public var toolAnnouncement: String
    /// While the agent speaks, caller audio quieter than this fraction of the agent's own recent level is
    /// taken for echo, not barge-in (0 disables the guard, e.g. with echo cancellation or headphones).
    public var echoGuardRatio: Double
    /// Stop after this long, whatever happens.
    public var maximumDuration: MediaTime
    /// After the caller's audio ends, wait at most this long for the agent to finish.
    public var drainTimeout: MediaTime
    /// Emit level meter events every this many ticks.
    public var levelEveryTicks: Int
    /// When the agent hands the caller to a human, keep the call up (the caller on hold) for an
    /// operator to take over or a transfer to happen, instead of ending it (`serve` with an operator).
    public var holdOnHandoff: Bool
    /// A caller who starts talking again within this long of the end of their turn being decided was
    /// not done: what they said before the pause and after it are answered as one turn.
    public var fragmentJoinWindow: MediaTime
    /// At a pause of the caller's turn, work out the reply ahead (brain with tools that write refused,
    /// first sentence synthesised and held) and play it the moment the end of the turn is decided, if
    /// the final words are the ones it answered. Off: the reply is computed after the end of the turn.
    public var speculate: Bool
    /// Silence in the caller's turn before the reply is worked out ahead.
    public var speculationPause: MediaTime

    public init(rate: SampleRate = .hz16000, realtime: Bool = true, agentName: String = "agent",
                toolAnnouncementAfter: MediaTime = .milliseconds(900), toolAnnouncement: String = "One moment while I check that.",
                echoGuardRatio: Double = 0.0, maximumDuration: MediaTime = .seconds(1800), drainTimeout: MediaTime = .seconds(30),
                levelEveryTicks: Int = 5, holdOnHandoff: Bool = false,
                fragmentJoinWindow: MediaTime = .milliseconds(1000), speculate: Bool = false,
                speculationPause: MediaTime = .milliseconds(200)) {
        self.rate = rate
        self.realtime = realtime
        self.agentName = agentName
        self.toolAnnouncementAfter = toolAnnouncementAfter
        self.toolAnnouncement = toolAnnouncement
        self.echoGuardRatio = echoGuardRatio
        self.maximumDuration = maximumDuration
        self.drainTimeout = drainTimeout
        self.levelEveryTicks = levelEveryTicks
        self.holdOnHandoff = holdOnHandoff
        self.fragmentJoinWindow = fragmentJoinWindow
        self.speculate = speculate
        self.speculationPause = speculationPause
    }
}
