import ArgumentParser
import Audio

/// `ringside repair-wav`: fixes the header of a recording whose writer was killed.
struct RepairWAV: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "repair-wav",
        abstract: "Fix the size fields of a WAV recording that was cut short, so every player opens it."
    )

    @Argument(help: "The WAV file to repair in place.")
    var file: String

    func run() throws {
        do {
            let bytes = try WAVFile.repair(path: file)
            print("\(file): repaired, \(bytes) bytes of audio")
        } catch let error as WAVError {
            printError(error.description)
            throw ExitCode.failure
        }
    }
}
