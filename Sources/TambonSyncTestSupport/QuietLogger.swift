import Logging

/// Tests expect failures on purpose; their warnings would only bury the test report.
public let quietLogger: Logger = {
    var logger = Logger(label: "test.sync")
    logger.logLevel = .critical
    return logger
}()
