import Foundation
import RingsideCore

/// Which engine writes the finals of a call's turns.
public enum RecognizerEngine: String, Sendable, CaseIterable, Codable {
    /// pocketsphinx streams partials; Whisper writes each turn's final (`TwoPassRecognizer`).
    case whisper
    /// pocketsphinx alone.
    case pocketsphinx

    /// The engine when none is asked for: `RINGSIDE_STT` if set, else Whisper.
    public static func preferred(environment: [String: String] = ProcessInfo.processInfo.environment) -> RecognizerEngine {
        environment["RINGSIDE_STT"].flatMap(RecognizerEngine.init(rawValue:)) ?? .whisper
    }

    private static let warned = LockedValue(false)

    /// The recogniser for a call's speech: `streaming` alone, or with Whisper's final pass.
    ///
    /// `engine == nil` means the preferred engine, falling back to pocketsphinx with one line on
    /// standard error (once per process) where Whisper cannot run; an engine asked for by name that
    /// cannot run is an error naming the file or the CPU and the fix. `decodeAfter` replaces the
    /// silence after which Whisper's decode starts, and the audio it keeps after the speech (the two
    /// must match, or the speculative decode never serves as the final).
    public static func ears(streaming: any SpeechRecognizer, engine: RecognizerEngine?, realtime: Bool,
                            vocabulary: DomainVocabulary? = nil, digitLengths: Set<Int> = [],
                            decodeAfter: MediaTime? = nil) async throws -> any SpeechRecognizer {
        let wanted = engine ?? preferred()
        guard wanted == .whisper else { return streaming }
        let model: WhisperModel
        do {
            model = try WhisperModel.shared()
        } catch {
            if engine == .whisper { throw error }
            let first = warned.withLock { w -> Bool in defer { w = true }; return !w }
            if first { FileHandle.standardError.write(Data("ringside: whisper unavailable, using pocketsphinx: \(error)\n".utf8)) }
            return streaming
        }
        // A live caller's first turn must not wait for what only a thread's first decode does.
        if realtime { model.warmUp() }
        var settings: TwoPassRecognizer.Settings = realtime ? .init() : .virtualTime
        if let decodeAfter {
            settings.speculationPause = decodeAfter
            settings.tail = decodeAfter
        }
        let twoPass = TwoPassRecognizer(streaming: streaming, whisper: model, settings: settings)
        if let vocabulary { await twoPass.bias(towards: vocabulary) }
        await twoPass.expectDigitStrings(ofLength: digitLengths)
        return twoPass
    }
}
