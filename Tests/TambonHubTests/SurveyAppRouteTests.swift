import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import TambonSurveyApp
import TambonWebKit
import Testing

/// The survey app's files as the hub and the office node serve them (both add these routes; the JavaScript hub test
/// fetches them from a running hub): byte for byte the repository's, with a validator that answers
/// 304 when the phone already holds them, and nothing else under `/survey/`.
@Suite struct SurveyAppRouteTests {
    @Test func theHubServesTheAppsFilesAsTheyAreInTheRepository() async throws {
        let router = Router(context: TambonRequestContext.self)
        SurveyApp.addRoutes(to: router)
        let application = Application(router: router)
        let app = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources/TambonSurveyApp/app")
        try await application.test(.router) { client in
            #expect(!SurveyApp.fileNames.isEmpty)
            for name in SurveyApp.fileNames {
                let onDisk = try Data(contentsOf: app.appendingPathComponent(name))
                let etag = try await client.execute(uri: "/survey/" + name, method: .get) { response in
                    #expect(response.status == .ok && Data(response.body.readableBytesView) == onDisk, "\(name)")
                    #expect(response.headers[.contentType]?.hasPrefix(name.hasSuffix(".js") ? "text/javascript" : "") == true)
                    return try #require(response.headers[.eTag])
                }
                var conditional = HTTPFields()
                conditional[.ifNoneMatch] = etag
                #expect(try await client.execute(uri: "/survey/" + name, method: .get, headers: conditional) { $0.status } == .notModified)
            }
            #expect(try await client.execute(uri: "/survey/..%2FPackage.swift", method: .get) { $0.status } == .notFound)
            #expect(try await client.execute(uri: "/survey/nothing.js", method: .get) { $0.status } == .notFound)
        }
    }
}
