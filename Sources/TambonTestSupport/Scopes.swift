/// Runs `body`, then awaits `teardown` whether `body` returned or threw, and returns what `body` returned or
/// rethrows what it threw. The scoped form of a `defer` whose clean-up must be awaited: unlike
/// `defer { Task { await … } }`, the clean-up has finished when this returns, so a test's servers, clients and
/// tasks never outlive it.
@discardableResult
public func withTeardown<Result>(
    isolation: isolated (any Actor)? = #isolation,
    _ body: () async throws -> Result,
    teardown: () async -> Void
) async throws -> Result {
    let result: Result
    do {
        result = try await body()
    } catch {
        await teardown()
        throw error
    }
    await teardown()
    return result
}
