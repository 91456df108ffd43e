import Dispatch

/// A thread of the log writer's own, as a task executor: a transaction that holds the log's lock runs its steps
/// here (`withTaskExecutorPreference`), not on the concurrency pool.
///
/// On PostgreSQL a batch is a chain of statements, and between two of them the writer's task must be scheduled
/// again. On the shared pool (one thread per core) it queued behind whatever else was ready — above all the
/// signature checks of the pushes waiting for their turn — while it held the lock every other writer waits for:
/// sampling in the national simulation found the lock's holder idle, waiting for the hub's next statement, about
/// half of the time. On a thread of its own the operating system's scheduler gives it its share at once. (SQLite's
/// writer already runs on a queue of its own: GRDB's.)
public final class WriterExecutor: TaskExecutor, Sendable {
    private let queue: DispatchQueue

    public init(label: String = "tambon.writer") {
        queue = DispatchQueue(label: label, qos: .userInitiated)
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        queue.async { job.runSynchronously(on: executor) }
    }
}
