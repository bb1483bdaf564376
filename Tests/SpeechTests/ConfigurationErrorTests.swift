import RingsideCore
import Testing
@testable import Speech

@Suite("bad configuration")
struct ConfigurationErrorTests {
    @Test("a missing model folder names the missing file")
    func missingModel() {
        #expect { try AcousticModel.locate(directory: "/nonexistent/model") } throws: { error in
            guard case let SpeechSetupError.modelMissing(path, _) = error else { return false }
            return path.hasPrefix("/nonexistent/model/")
        }
    }

    @Test("a recogniser pointed at a missing dictionary names the path")
    func missingDictionary() throws {
        var cfg = try PocketSphinxConfiguration.standard()
        cfg.model.dictionary = "/nonexistent/words.dict"
        cfg.vocabularyLimit = nil
        #expect { try PocketSphinxRecognizer(configuration: cfg) } throws: { error in
            (error as? SpeechSetupError).map { "\($0)".contains("/nonexistent/words.dict") } ?? false
        }
    }

    @Test("an unknown flite voice is named in the error")
    func unknownFliteVoice() {
        #expect(throws: SpeechSetupError.unknownVoice("bogus", available: FliteVoices.names)) { try FliteSynthesizer(voice: "bogus") }
    }

    @Test("an unknown espeak-ng voice is named in the error")
    func unknownEspeakVoice() {
        #expect { try EspeakSynthesizer(voice: "xx-nowhere") } throws: { error in
            "\(error)".contains("xx-nowhere")
        }
    }
}
