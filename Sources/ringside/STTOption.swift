import ArgumentParser
import Speech

extension RecognizerEngine: ExpressibleByArgument {}

extension RecognizerEngine {
    static let optionHelp: ArgumentHelp = """
        Who writes each turn's final transcript: whisper (Whisper tiny.en over pocketsphinx's live partials) or \
        pocketsphinx alone. Default: $RINGSIDE_STT, else whisper, falling back to pocketsphinx with a warning where \
        Whisper cannot run; named explicitly, an unusable engine is an error.
        """

    /// How the screen's header names the recogniser.
    static func headerName(_ engine: RecognizerEngine?) -> String {
        let e = engine ?? RecognizerEngine.preferred()
        if e == .whisper, WhisperModel.availability() == nil { return "whisper tiny.en + pocketsphinx partials" }
        return "pocketsphinx (adapted)"
    }
}
