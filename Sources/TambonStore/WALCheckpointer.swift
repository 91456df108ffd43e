import Dispatch
import Foundation
import GRDB
import Synchronization

/// Checkpoints the store's write-ahead log from a connection of its own, on a timer, so that no commit waits for
/// one.
///
/// SQLite's automatic checkpoint runs at the end of the commit that takes the log past 1,000 pages. It copies the
/// log's pages into the database file and syncs that file, on the writer's thread, while the next batch waits.
/// Profiling `tambon-bench store` put a fifth of the apply's time there. Here a `PASSIVE` checkpoint runs on
/// its own thread instead, whenever the log has changed since the last tick. Such a checkpoint never waits for
/// readers or the writer: it copies what it can and leaves the rest for the next tick. The writer keeps SQLite's
/// own checkpoint as a safety net, at ``writerPages`` pages, in case this one falls behind. After a checkpoint,
/// the next commit starts the log again from its beginning, and the log file is cut back to
/// ``logSizeLimitBytes``.
final class WALCheckpointer: Sendable {
    /// The writer's own checkpoint threshold, in pages (SQLite's default is 1,000): about 40 MiB of log at the
    /// default 4 KiB page. It is reached only if the background checkpoint cannot keep up.
    static let writerPages = 10_000
    /// The size the log file is cut back to once checkpointed (`journal_size_limit`).
    static let logSizeLimitBytes = 64 << 20

    /// What a tick last saw of the log file, so an idle store costs one `stat` a tick and no checkpoint.
    private struct Seen: Equatable {
        var size: UInt64
        var modified: Date
    }

    /// The timer, only ever touched to start and cancel it.
    private let timer: Mutex<any DispatchSourceTimer>
    /// The log file as of the last complete checkpoint (nil: none yet, or frames were left for the next tick).
    private let seen = Mutex<Seen?>(nil)
    private let connection: DatabaseQueue
    private let logPath: String

    /// Starts checkpointing the database at `path` (already in WAL mode) every `interval`.
    init(path: String, every interval: Duration) throws {
        var configuration = Configuration()
        // A passive checkpoint never waits; a busy database means "next tick".
        configuration.busyMode = .immediateError
        configuration.label = "tambon.checkpoint"
        connection = try DatabaseQueue(path: path, configuration: configuration)
        logPath = path + "-wal"
        let timer = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "tambon.checkpoint", qos: .utility))
        // Between a millisecond and a day, in whole nanoseconds (no arithmetic here can overflow).
        let seconds = min(max(interval.components.seconds, 0), 86_400)
        let nanoseconds = max(1_000_000, seconds * 1_000_000_000 + (seconds < 86_400 ? interval.components.attoseconds / 1_000_000_000 : 0))
        let period = DispatchTimeInterval.nanoseconds(Int(nanoseconds))
        timer.schedule(deadline: .now() + period, repeating: period, leeway: .nanoseconds(Int(nanoseconds / 10)))
        self.timer = Mutex(timer)
        self.timer.withLock { timer in
            timer.setEventHandler { [weak self] in self?.tick() }
            timer.resume()
        }
    }

    /// One tick: a passive checkpoint if the log file changed since the last complete one.
    private func tick() {
        let attributes = try? FileManager.default.attributesOfItem(atPath: logPath)
        guard let size = (attributes?[.size] as? NSNumber)?.uint64Value, size > 0, let modified = attributes?[.modificationDate] as? Date
        else { return }
        let current = Seen(size: size, modified: modified)
        guard seen.withLock({ $0 }) != current else { return }
        guard let result = try? connection.writeWithoutTransaction({ db in try db.checkpoint(.passive) }) else {
            // Busy (another checkpoint, a restart of the log): the next tick tries again. Should it never succeed,
            // the writer's own checkpoint still bounds the log (``writerPages``).
            return
        }
        // Frames a reader still needed were left: look again next tick, changed or not.
        seen.withLock { $0 = result.checkpointedFrameCount >= result.walFrameCount ? current : nil }
    }

    deinit {
        timer.withLock { $0.cancel() }
    }
}
