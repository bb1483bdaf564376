import Foundation
import Testing
import TestSupport
@testable import Audio

@Suite struct WAVTests {
    @Test(arguments: [(8000, 1), (16000, 1), (48000, 1), (8000, 2), (16000, 2), (48000, 2)])
    func roundTrip(rate: Int, channels: Int) throws {
        let dir = try TestPaths.temporaryDirectory()
        let path = dir.appendingPathComponent("rt.wav").path
        let samples = (0..<(rate / 10 * channels)).map { Int16(truncatingIfNeeded: $0 * 37 - 12000) }
        let audio = PCMAudio(sampleRate: rate, channels: channels, samples: samples)
        try WAVFile.write(audio, to: path)
        let back = try WAVFile.read(path: path)
        #expect(back == audio)
        #expect(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int == 44 + samples.count * 2)
    }

    @Test func conformanceCorpusGivesSpecificErrors() throws {
        let dir = TestPaths.conformance("wav-malformed")
        #expect(FileManager.default.fileExists(atPath: dir.path), "the shared conformance corpus must sit beside the checkout")
        func error(_ name: String) -> WAVError? {
            do { _ = try WAVFile.read(path: dir.appendingPathComponent(name).path); return nil } catch { return error as? WAVError }
        }
        #expect(error("bad.wav") == .missingDataChunk(path: dir.appendingPathComponent("bad.wav").path))
        #expect(error("evil.wav") == .missingDataChunk(path: dir.appendingPathComponent("evil.wav").path))
        #expect(error("awful.wav") == .absurdHeader(path: dir.appendingPathComponent("awful.wav").path, field: "sample rate", value: 0x10AC44))
        let empty = try WAVFile.read(path: dir.appendingPathComponent("null.wav").path)
        #expect(empty.samples.isEmpty)
        #expect(empty.sampleRate == 16000)
    }

    @Test func syntheticMalformedHeaders() throws {
        func header(tag: Int = 1, channels: Int = 1, rate: Int = 16000, bits: Int = 16, dataBytes: Int = 4) -> Data {
            var h = WAVFile.header(sampleRate: rate, channels: channels, dataBytes: dataBytes)
            h[20] = UInt8(tag & 0xFF); h[21] = UInt8(tag >> 8)
            h[34] = UInt8(bits)
            return h
        }
        #expect(throws: WAVError.tooShort(path: "m", bytes: 3)) { try WAVFile.decode(Data([1, 2, 3]), path: "m") }
        #expect(throws: WAVError.notRIFF(path: "m")) { try WAVFile.decode(Data(repeating: 0, count: 64), path: "m") }
        #expect(throws: WAVError.notPCM(path: "m", formatTag: 3)) { try WAVFile.decode(header(tag: 3) + Data(count: 4), path: "m") }
        var eightBit = header(bits: 8)
        eightBit[32] = 1  // block align consistent with 8-bit mono
        #expect(throws: WAVError.unsupportedBitsPerSample(path: "m", bits: 8)) { try WAVFile.decode(eightBit + Data(count: 4), path: "m") }
        #expect(throws: WAVError.truncated(path: "m", declaredBytes: 4000, availableBytes: 10)) {
            try WAVFile.decode(header(dataBytes: 4000) + Data(count: 10), path: "m")
        }
        var manyChannels = header(channels: 300)
        manyChannels[22] = 44; manyChannels[23] = 1
        #expect(throws: WAVError.absurdHeader(path: "m", field: "channels", value: 300)) { try WAVFile.decode(manyChannels + Data(count: 4), path: "m") }
        // Lenient reading (a killed recorder) keeps what is there, whole frames only.
        let lenient = try WAVFile.decode(header(dataBytes: 4000) + Data(count: 11), path: "m", lenient: true)
        #expect(lenient.samples.count == 5)
    }

    @Test func streamingWriterLeavesAPlayableFileAtEveryFlush() throws {
        let dir = try TestPaths.temporaryDirectory()
        let path = dir.appendingPathComponent("rec.wav").path
        let writer = try WAVWriter(path: path, sampleRate: 16000, channels: 2)
        writer.append([Int16](repeating: 100, count: 640))
        try writer.flush()
        // Another process reading now (as after a crash) sees a complete, valid file.
        let mid = try WAVFile.read(path: path)
        #expect(mid.samples.count == 640)
        #expect(mid.channels == 2)
        writer.append([Int16](repeating: -5, count: 320))
        // Not flushed yet: the file still reads as the first part.
        #expect(try WAVFile.read(path: path).samples.count == 640)
        try writer.close()
        #expect(try WAVFile.read(path: path).samples.count == 960)
    }

    @Test func repairFixesAHeaderLeftAtZero() throws {
        let dir = try TestPaths.temporaryDirectory()
        let path = dir.appendingPathComponent("killed.wav").path
        var data = WAVFile.header(sampleRate: 8000, channels: 1, dataBytes: 0)
        data.append(Data(repeating: 1, count: 1600))
        try data.write(to: URL(fileURLWithPath: path))
        #expect(try WAVFile.read(path: path).samples.isEmpty)
        #expect(try WAVFile.repair(path: path) == 1600)
        #expect(try WAVFile.read(path: path).samples.count == 800)
    }

    @Test func pathsThatAreNotWAVFilesAreNamed() throws {
        let dir = try TestPaths.temporaryDirectory("wav-paths")
        #expect(throws: WAVError.isDirectory(path: dir.path)) { try WAVFile.read(path: dir.path) }
        let absent = dir.appendingPathComponent("absent.wav").path
        #expect(throws: WAVError.notFound(path: absent)) { try WAVFile.read(path: absent) }
        #expect(WAVError.isDirectory(path: "/x/y").description == "/x/y: is a directory, not a WAV file")
        let cut = WAVFile.header(sampleRate: 16000, channels: 1, dataBytes: 0).prefix(30)
        #expect(throws: WAVError.headerCutShort(path: "m", chunk: "fmt ", bytes: 30)) { try WAVFile.decode(cut, path: "m") }
    }
}
