import CCurl
import RosterConnectors

/// `curl_global_init` runs once per process, the first time a client is made. Swift runs global
/// initializers exactly once, under a lock. `curl_global_cleanup` is never called: other clients may
/// still be alive, and the process exit frees what it would free.
let curlGlobalInitResult: CURLcode = rs_global_init_all()

/// One libcurl easy handle and the C callbacks that fill a response.
///
/// Not Sendable: each worker thread of ``CurlWorkerPool`` makes one, uses it for every transfer
/// it runs (so curl's connection cache gives keep-alive), and drops it when the thread exits.
/// This file and nothing else in the module touches `Unsafe*`/`Unmanaged`.
final class CurlEasy {
    private let handle: UnsafeMutableRawPointer

    /// - Returns: nil when libcurl could not allocate a handle.
    init?() {
        guard curlGlobalInitResult == CURLE_OK, let handle = curl_easy_init() else { return nil }
        self.handle = handle
    }

    deinit { curl_easy_cleanup(handle) }

    /// Runs one transfer to completion on the calling thread (which blocks).
    ///
    /// Every option is set again after `curl_easy_reset`, which keeps the connection cache, so nothing
    /// from an earlier request leaks into this one and idle connections are still reused.
    func perform(_ request: HTTPRequest, scheme: String, cancellation: CancellationFlag) -> Result<HTTPResponse, TransportError> {
        curl_easy_reset(handle)
        let state = TransferState(maxBodyBytes: request.maxBodyBytes, cancellation: cancellation)
        var headerList: UnsafeMutablePointer<curl_slist>?
        defer { curl_slist_free_all(headerList) }
        for (name, value) in request.headers {
            // "Name;" is curl's spelling of a header sent with an empty value.
            headerList = curl_slist_append(headerList, value.isEmpty ? "\(name);" : "\(name): \(value)")
        }
        // Without this curl waits for "100 Continue" before sending larger POST bodies.
        headerList = curl_slist_append(headerList, "Expect:")

        // Why safe: `state` outlives the transfer (withExtendedLifetime below); curl hands this
        // pointer back only to our callbacks, and only during curl_easy_perform.
        let context = Unmanaged.passUnretained(state).toOpaque()
        let allowed = request.allowedSchemes.map { $0.lowercased() }.sorted()
        var status = setOptions(request, scheme: scheme, allowed: allowed, headerList: headerList, context: context)
        if status == CURLE_OK {
            status = withExtendedLifetime(state) { curl_easy_perform(handle) }
        }
        guard status == CURLE_OK else {
            return .failure(transportError(status, request: request, state: state))
        }
        var code = 0
        _ = rs_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &code)
        // file:// and sftp:// have no HTTP status; a completed read counts as 200.
        let httpStatus = (scheme == "http" || scheme == "https") ? code : (code == 0 ? 200 : code)
        return .success(HTTPResponse(status: httpStatus, headers: state.headers, body: state.body))
    }

    private func setOptions(
        _ request: HTTPRequest, scheme: String, allowed: [String],
        headerList: UnsafeMutablePointer<curl_slist>?, context: UnsafeMutableRawPointer
    ) -> CURLcode {
        // Swift's String-to-C-string arguments live only for each call; curl copies every string
        // option (since 7.17), and the header list lives until perform's defer frees it.
        var results: [CURLcode] = [
            rs_setopt_string(handle, CURLOPT_URL, request.url),
            rs_setopt_long(handle, CURLOPT_NOSIGNAL, 1),
            rs_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, milliseconds(request.connectTimeout)),
            rs_setopt_long(handle, CURLOPT_TIMEOUT_MS, milliseconds(request.totalTimeout)),
            rs_setopt_long(handle, CURLOPT_SSL_VERIFYPEER, 1),
            rs_setopt_long(handle, CURLOPT_SSL_VERIFYHOST, 2),
            rs_set_protocols(
                handle, allowed.joined(separator: ","), scheme, protocolMask(allowed), protocolMask([scheme])),
            rs_setopt_long(handle, CURLOPT_FOLLOWLOCATION, 1),
            rs_setopt_long(handle, CURLOPT_MAXREDIRS, 5),
            rs_setopt_long(handle, CURLOPT_SUPPRESS_CONNECT_HEADERS, 1),
            rs_setopt_string(handle, CURLOPT_USERAGENT, "RosterSync"),
            rs_setopt_off(handle, CURLOPT_MAXFILESIZE_LARGE, curl_off_t(request.maxBodyBytes)),
            rs_setopt_slist(handle, CURLOPT_HTTPHEADER, headerList),
            rs_setopt_write_function(handle, CURLOPT_WRITEFUNCTION, receiveBody),
            rs_setopt_pointer(handle, CURLOPT_WRITEDATA, context),
            rs_setopt_write_function(handle, CURLOPT_HEADERFUNCTION, receiveHeaderLine),
            rs_setopt_pointer(handle, CURLOPT_HEADERDATA, context),
            rs_setopt_long(handle, CURLOPT_NOPROGRESS, 0),
            rs_setopt_progress_function(handle, checkCancellation),
            rs_setopt_pointer(handle, CURLOPT_XFERINFODATA, context),
        ]
        if let caFile = request.caFile {
            results.append(rs_setopt_string(handle, CURLOPT_CAINFO, caFile))
        }
        switch request.method {
        case .get:
            results.append(rs_setopt_long(handle, CURLOPT_HTTPGET, 1))
        case .post:
            let body = request.body ?? []
            results.append(rs_setopt_off(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count)))
            // COPYPOSTFIELDS makes curl keep its own copy, so `body` need not outlive this call.
            if body.isEmpty {
                results.append(rs_setopt_string(handle, CURLOPT_COPYPOSTFIELDS, ""))
            } else {
                results.append(body.withUnsafeBytes { bytes in
                    // Why safe: curl only reads (copies) these bytes, during this call.
                    rs_setopt_pointer(handle, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: bytes.baseAddress!))
                })
            }
        }
        return results.first { $0 != CURLE_OK } ?? CURLE_OK
    }

    private func transportError(_ code: CURLcode, request: HTTPRequest, state: TransferState) -> TransportError {
        let reason = String(cString: curl_easy_strerror(code))
        let kind: TransportError.Kind
        var detail = reason
        switch code {
        case CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY,
            CURLE_GOT_NOTHING, CURLE_SEND_ERROR, CURLE_RECV_ERROR, CURLE_PARTIAL_FILE:
            kind = .connectionFailed
        case CURLE_OPERATION_TIMEDOUT:
            kind = .timedOut
            detail = "\(reason) (connect limit \(request.connectTimeout) s, total limit \(request.totalTimeout) s)"
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER,
            CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_PINNEDPUBKEYNOTMATCH,
            CURLE_SSL_INVALIDCERTSTATUS, CURLE_SSL_CRL_BADFILE, CURLE_SSL_SHUTDOWN_FAILED, CURLE_USE_SSL_FAILED,
            CURLE_SSL_ENGINE_NOTFOUND, CURLE_SSL_ENGINE_SETFAILED, CURLE_SSL_ENGINE_INITFAILED:
            kind = .tls
        case CURLE_ABORTED_BY_CALLBACK:
            kind = .cancelled
            detail = "request cancelled"
        case CURLE_FILESIZE_EXCEEDED,
            CURLE_WRITE_ERROR where state.bodyTooLarge:
            kind = .bodyTooLarge
            detail = "response body is larger than the \(request.maxBodyBytes)-byte limit"
        case CURLE_UNSUPPORTED_PROTOCOL:
            kind = .disallowedScheme
            detail = "\(reason); allowed schemes: \(request.allowedSchemes.sorted().joined(separator: ", ")), redirects only within the original scheme"
        default:
            kind = .other
        }
        return TransportError(kind: kind, redactedURL: request.url.redactedURL, detail: detail)
    }
}

private func milliseconds(_ seconds: Double) -> Int {
    seconds.isFinite && seconds > 0 ? Int((seconds * 1000).rounded(.up)) : 0
}

/// The bitmask equivalent of the protocol names, for libcurl older than 7.85 (see `rs_set_protocols`).
private func protocolMask(_ schemes: [String]) -> Int {
    let bits: [String: Int32] = ["http": CURLPROTO_HTTP, "https": CURLPROTO_HTTPS, "file": CURLPROTO_FILE, "sftp": CURLPROTO_SFTP]
    return schemes.reduce(0) { $0 | Int(bits[$1] ?? 0) }
}

/// What the callbacks of one transfer collect. Touched only by the worker thread running it.
private final class TransferState {
    let maxBodyBytes: Int
    let cancellation: CancellationFlag
    var headers: [(name: String, value: String)] = []
    var body: [UInt8] = []
    var bodyTooLarge = false

    init(maxBodyBytes: Int, cancellation: CancellationFlag) {
        self.maxBodyBytes = maxBodyBytes
        self.cancellation = cancellation
    }

    /// Records one raw header line. A status line starts a new response (a redirect hop or an
    /// interim 1xx), so only the final response's headers remain.
    func addHeaderLine(_ raw: String) {
        // "\r\n" is one Character in Swift, so test isNewline rather than "\r" and "\n".
        let line = raw.trimmingSuffix { $0.isNewline }
        if line.hasPrefix("HTTP/") {
            headers.removeAll(keepingCapacity: true)
            body.removeAll(keepingCapacity: true)
        } else if let first = line.first, first == " " || first == "\t", !headers.isEmpty {
            headers[headers.count - 1].value += " " + line.trimmingPrefix { $0 == " " || $0 == "\t" }
        } else if let colon = line.firstIndex(of: ":") {
            let name = String(line[..<colon])
            let value = String(line[line.index(after: colon)...].trimmingPrefix { $0 == " " || $0 == "\t" })
            headers.append((name: name, value: value.trimmingSuffix { $0 == " " || $0 == "\t" }))
            if name.lowercased() == "content-length", let length = Int(value), length <= maxBodyBytes {
                body.reserveCapacity(length)
            }
        }
    }
}

extension StringProtocol {
    fileprivate func trimmingSuffix(while drop: (Character) -> Bool) -> String {
        var end = endIndex
        while end > startIndex, drop(self[index(before: end)]) { end = index(before: end) }
        return String(self[startIndex..<end])
    }
}

// Why safe (all three callbacks): `context` is the `TransferState` that `perform` keeps alive for the
// whole transfer, and curl calls these only from inside `curl_easy_perform` on the same thread.

private let receiveBody: rs_write_callback = { data, size, count, context in
    let state = Unmanaged<TransferState>.fromOpaque(context!).takeUnretainedValue()
    let length = size * count
    guard state.body.count + length <= state.maxBodyBytes else {
        state.bodyTooLarge = true
        return 0  // fewer bytes than offered: curl stops with CURLE_WRITE_ERROR
    }
    if length > 0, let data {
        state.body.append(contentsOf: UnsafeRawBufferPointer(start: data, count: length))
    }
    return length
}

private let receiveHeaderLine: rs_write_callback = { data, size, count, context in
    let state = Unmanaged<TransferState>.fromOpaque(context!).takeUnretainedValue()
    let length = size * count
    if length > 0, let data {
        state.addHeaderLine(String(decoding: UnsafeRawBufferPointer(start: data, count: length), as: UTF8.self))
    }
    return length
}

private let checkCancellation: rs_progress_callback = { context, _, _, _, _ in
    let state = Unmanaged<TransferState>.fromOpaque(context!).takeUnretainedValue()
    return state.cancellation.isCancelled ? 1 : 0
}
