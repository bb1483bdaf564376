/// Work started from a loop that must not wait for it (the 20 ms audio tick): it runs in its own
/// task, and the loop picks its result up on a later pass — or waits for it where waiting is right
/// (virtual time, the end of input). Each piece of work has its own result, so an answer that
/// arrives late can never be taken for a later piece's; once cancelled, its result is dropped.
public final class PendingWork<Value: Sendable>: Sendable {
    private let box: LockedValue<Value?>
    private let task: Task<Void, Never>

    public init(_ work: @escaping @Sendable () async -> Value) {
        let box = LockedValue<Value?>(nil)
        self.box = box
        task = Task {
            let value = await work()
            if !Task.isCancelled { box.withLock { $0 = value } }
        }
    }

    /// The result once the work is done (and was not cancelled); nil before.
    public var result: Value? { box.value }
    public var isDone: Bool { result != nil }
    public func cancel() { task.cancel() }
    /// Waits until the work is over, cancelled or not.
    public func settle() async { await task.value }
}

extension PendingWork {
    /// Work that can fail: its result is the value or the error.
    public convenience init<Success: Sendable>(catching work: @escaping @Sendable () async throws -> Success)
    where Value == Result<Success, any Error> {
        self.init {
            do { return .success(try await work()) } catch { return .failure(error) }
        }
    }
}
