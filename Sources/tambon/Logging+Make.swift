import Foundation
import Logging

enum Logging {
    /// A logger writing to stderr; TAMBON_LOG_LEVEL (trace…critical) overrides the level.
    static func make(_ label: String, level: Logger.Level) -> Logger {
        var logger = Logger(label: label) { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = ProcessInfo.processInfo.environment["TAMBON_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? level
        return logger
    }
}
