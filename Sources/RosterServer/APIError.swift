import Foundation
public import Hummingbird

/// An error answer for people: the status and one sentence saying what is wrong and what to do,
/// sent as `{"error": "..."}`.
public struct APIError: HTTPResponseError, Sendable {
    public var status: HTTPResponse.Status
    public var message: String

    public init(_ status: HTTPResponse.Status, _ message: String) {
        self.status = status
        self.message = message
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        JSONBody.response(["error": message], status: status)
    }
}

/// Turns every error that reaches the top of the router into an error answer: Hummingbird's own
/// (unknown route → 404) and anything unexpected (500, without internals). API routes answer JSON;
/// any other path is a person's browser, which gets a console page.
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            return answer(error.status, error.message, for: request)
        } catch let error as HTTPError {
            let message = switch error.status {
            case .notFound: Self.isAPI(request)
                ? "no such page or API route: \(request.method.rawValue) \(request.uri.path); see docs/openapi.yaml for the routes"
                : "There is no page at \(request.uri.path). The console's pages are Users, Import, Jobs and Runs."
            default: error.body ?? error.status.reasonPhrase
            }
            return answer(error.status, message, for: request)
        } catch {
            context.logger.error("request failed", metadata: ["path": "\(request.uri.path)", "error": "\(error)"])
            return answer(.internalServerError, "the server could not finish this request; see the server log", for: request)
        }
    }

    private static func isAPI(_ request: Request) -> Bool {
        let path = request.uri.path
        return path.hasPrefix("/api/") || path == "/healthz" || path == "/metrics" || path.hasPrefix("/assets/")
    }

    private func answer(_ status: HTTPResponse.Status, _ message: String, for request: Request) -> Response {
        guard !Self.isAPI(request) else { return JSONBody.response(["error": message], status: status) }
        return ConsolePages.message(ConsolePages.title(of: status), message, caller: nil, status: status)
    }
}

/// JSON response bodies.
enum JSONBody {
    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }()

    /// `value` as JSON text on one line.
    static func data(_ value: some Encodable) -> Data {
        (try? encoder.encode(value)) ?? Data(#"{"error":"the answer could not be encoded"}"#.utf8)
    }

    /// `value` as a JSON response with `status`.
    static func response(_ value: some Encodable, status: HTTPResponse.Status = .ok) -> Response {
        let data = data(value)
        return Response(status: status, headers: [.contentType: "application/json; charset=utf-8"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}
