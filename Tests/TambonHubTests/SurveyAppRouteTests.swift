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
            // sw.js carries the app's version and file list; files.json is that list. The rest are as on disk.
            for name in SurveyApp.fileNames where name != "sw.js" && name != "files.json" && !name.hasPrefix("vendor/") {
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
            let worker = try await client.execute(uri: "/survey/sw.js", method: .get) { String(buffer: $0.body) }
            #expect(!worker.contains("__TAMBON_APP") && worker.contains("\"protocol.js\"") && worker.contains("\"index.html\""))
            let list = try await client.execute(uri: "/survey/files.json", method: .get) { String(buffer: $0.body) }
            #expect(list.hasPrefix("[") && list.contains("\"app.js\"") && !list.contains("sw.js"), "the shell the worker caches")
            let index = try await client.execute(uri: "/survey/", method: .get) { response in
                #expect(response.headers[.contentSecurityPolicy]?.contains("script-src 'self'") == true)
                return String(buffer: response.body)
            }
            #expect(index.contains("<html lang=\"th\">"), "the app at /survey/")
            #expect(try await client.execute(uri: "/survey", method: .get) { $0.headers[.location] } == "/survey/")
            // Leaflet as Debian packages it (scripts/setup installs libjs-leaflet), served beside the app.
            if let leaflet = FileManager.default.contents(atPath: "/usr/share/javascript/leaflet/leaflet.esm.min.js") {
                let served = try await client.execute(uri: "/survey/vendor/leaflet.esm.min.js", method: .get) { Data($0.body.readableBytesView) }
                #expect(served == leaflet && list.contains("vendor/leaflet.esm.min.js"), "the worker caches the map too")
            }
            #expect(try await client.execute(uri: "/survey/..%2FPackage.swift", method: .get) { $0.status } == .notFound)
            #expect(try await client.execute(uri: "/survey/nothing.js", method: .get) { $0.status } == .notFound)
        }
    }
}
