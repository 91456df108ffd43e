import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import TambonCore
import TambonOSS
import TambonProtocol
import TambonWebKit

/// `POST /v1/bank/confirmations`: a bank confirms a Thai QR bill payment (README, "Bank confirmations").
///
/// The bank names itself (`Tambon-Bank: scb`) and signs the exact body bytes with its secret
/// (`Tambon-Signature: <hex HMAC-SHA256>`); a missing or wrong signature is answered 401 before the body is parsed,
/// and nothing is stored. The answer follows SCB's published payment-confirmation reply — `resCode` `00` when the
/// payment is recorded (matched, waiting for its bill, or in review: the bank's part is done either way) — so a
/// bank's retry of the same transaction id gets the same answer and changes nothing.
public struct BankController: Sendable {
    let desk: PaymentDesk
    let logger: Logger

    public static let path = "/v1/bank/confirmations"
    static let bankHeader = HTTPField.Name("Tambon-Bank")!
    static let signatureHeader = HTTPField.Name("Tambon-Signature")!

    public init(desk: PaymentDesk, logger: Logger) {
        self.desk = desk
        self.logger = logger
    }

    public func addRoutes(to router: Router<TambonRequestContext>) {
        router.post(RouterPath(Self.path)) { request, _ in
            do {
                return try await confirm(request)
            } catch let error as Answer {
                return error.response
            } catch {
                // A fault of the hub (disk, database): 503, so the bank retries as its documentation says it does.
                logger.error("bank confirmation failed", metadata: ["error": "\(TambonError(error).english)"])
                return Answer(.serviceUnavailable, code: "99", "the hub could not record the confirmation; retry").response
            }
        }
    }

    func confirm(_ request: Request) async throws -> Response {
        guard let bank = request.headers[Self.bankHeader], let signature = request.headers[Self.signatureHeader] else {
            throw Answer(.unauthorized, code: "401", "Tambon-Bank and Tambon-Signature are required")
        }
        let buffer: ByteBuffer
        do {
            buffer = try await BodyReader.collect(request, upTo: BankConfirmation.maximumBytes, grace: .seconds(10))
        } catch let error as WebError {
            throw Answer(HTTPResponse.Status(code: TambonError(error).kind.httpStatus), code: "413", TambonError(error).english)
        }
        let body = Array(buffer.readableBytesView)
        guard desk.banks.verify(bank: bank, signature: signature, body: body) else {
            logger.warning("bank confirmation refused: unknown bank or wrong signature", metadata: ["bank": "\(bank.prefix(16))"])
            throw Answer(.unauthorized, code: "401", "unknown bank or wrong signature")
        }
        let confirmation: BankConfirmation
        do {
            confirmation = try BankConfirmation(json: try JSONValue(parsing: body))
        } catch let refusal as BankConfirmation.Refusal {
            throw Answer(.badRequest, code: "400", refusal.english)
        } catch {
            throw Answer(.badRequest, code: "400", "the body is not valid JSON")
        }
        let recorded = try await desk.record(confirmation, bank: bank)
        return Answer(
            .ok, code: "00", "success",
            extra: ["transactionId": .string(confirmation.transactionID), "match": .string(recorded.match), "replayed": .bool(recorded.replayed)]
        ).response
    }

    /// The reply a bank reads: `resCode`, `resDesc`, and for a recorded payment its transaction id.
    struct Answer: Error {
        let status: HTTPResponse.Status
        let code: String
        let description: String
        var extra: [String: JSONValue] = [:]

        init(_ status: HTTPResponse.Status, code: String, _ description: String, extra: [String: JSONValue] = [:]) {
            self.status = status
            self.code = code
            self.description = description
            self.extra = extra
        }

        var response: Response {
            var body = extra
            body["resCode"] = .string(code)
            body["resDesc"] = .string(description)
            return JSONResponse.make(.object(body), status: status)
        }
    }
}
