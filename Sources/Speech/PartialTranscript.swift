import RingsideCore

/// A hypothesis while the caller is still speaking: it may change until the final arrives.
public struct PartialTranscript: Sendable, Equatable {
    /// Words recognised so far, lower case, separated by single spaces.
    public var text: String
    /// End of the audio this hypothesis covers (the last fed frame's end), on the frames' timeline.
    public var audioTime: MediaTime
    /// True when the text differs from the previous partial of this utterance.
    public var changed: Bool

    public init(text: String, audioTime: MediaTime, changed: Bool) {
        self.text = text
        self.audioTime = audioTime
        self.changed = changed
    }
}
