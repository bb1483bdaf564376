/// A learned end-of-turn model: the probability that the speaker has finished, from the last seconds of audio.
///
/// Unlike `TurnCompleteness`, which reads the words of a partial transcript, such a model hears the
/// audio itself (intonation, a trailing "um", a cut-off word) and needs no recogniser.
public protocol EndOfTurnModel: Sendable {
    /// The probability, from 0 to 1, that the speaker's turn is complete at the end of `samples16k`:
    /// 16 kHz mono audio, oldest sample first, ending now (the model reads only the last seconds).
    func probabilityComplete(samples16k: [Int16]) async throws -> Double
}
