import Foundation
import Synchronization

/// The one step that masks credentials in text bound for people or storage: stderr, run
/// messages in the store, JSON output, `connectors check`.
///
/// It knows every secret a job configured and every token or assertion obtained while the job
/// runs, in each encoding a credential travels in and a vendor may echo back: as typed,
/// percent-encoded (upper- and lower-case hex), form-encoded, JSON-escaped, base64 (of the value
/// and of `user:password` for basic auth). Each is replaced by `****`. Apply it before cutting a
/// message short, so no part of a credential survives at the cut.
public final class Redactor: Sendable {
    /// Values shorter than this are not masked (Freshdesk's literal basic-auth password `X`).
    static let shortestMasked = 4
    private let forms = Mutex<[String]>([])

    /// A redactor that knows `secrets`.
    public init(secrets: [Secret] = []) {
        for secret in secrets { add(secret) }
    }

    /// Masks `secret` from now on, in every encoding.
    public func add(_ secret: Secret) {
        add(value: secret.revealForTransport())
    }

    /// Masks the `user:password` pair of HTTP basic auth as it travels (base64), and both parts.
    public func addBasicCredentials(user: Secret, password: Secret) {
        add(user)
        add(password)
        add(value: "\(user.revealForTransport()):\(password.revealForTransport())")
    }

    /// `text` with every known credential form replaced by `****`.
    public func redact(_ text: String) -> String {
        let known = forms.withLock { $0 }
        guard !known.isEmpty else { return text }
        return known.reduce(text) { $0.contains($1) ? $0.replacingOccurrences(of: $1, with: "****") : $0 }
    }

    /// `text` redacted, then cut to `limit` characters (with `…` when cut).
    public func redact(_ text: String, limit: Int) -> String {
        let redacted = redact(text)
        return redacted.count > limit ? String(redacted.prefix(limit)) + "…" : redacted
    }

    private func add(value: String) {
        guard value.count >= Self.shortestMasked else { return }
        let encodings = Self.encodings(of: value).filter { $0.count >= Self.shortestMasked }
        forms.withLock { forms in
            for form in encodings where !forms.contains(form) { forms.append(form) }
            // Longest first, so a form that contains another is masked whole.
            forms.sort { $0.count > $1.count }
        }
    }

    /// The forms `value` travels in. Percent-encoders differ in what they leave as is: both the
    /// strict one (only `A-Z a-z 0-9 - . _ ~`) and the one of our own requests are covered.
    package static func encodings(of value: String) -> [String] {
        let strict = percentEncoded(value, spaceAsPlus: false)
        let strictForm = percentEncoded(value, spaceAsPlus: true)
        let ours = URLText.encode(value)
        let oursForm = ours.replacingOccurrences(of: "%20", with: "+")
        let base64 = Data(value.utf8).base64EncodedString()
        var forms = [value, jsonEscaped(value, slash: false), jsonEscaped(value, slash: true), base64, base64.replacingOccurrences(of: "=", with: "")]
        for encoded in [strict, strictForm, ours, oursForm] { forms += [encoded, lowercaseHex(encoded)] }
        // A multi-line value (a PEM key) also travels with its line breaks as CRLF or escaped.
        if value.contains("\n") { forms.append(value.replacingOccurrences(of: "\n", with: "\r\n")) }
        var seen = Set<String>()
        forms = forms.filter { seen.insert($0).inserted }
        return forms
    }

    private static let unreserved = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~".utf8)

    private static func percentEncoded(_ value: String, spaceAsPlus: Bool) -> String {
        var text = ""
        for byte in value.utf8 {
            if unreserved.contains(byte) {
                text.unicodeScalars.append(Unicode.Scalar(byte))
            } else if spaceAsPlus, byte == 0x20 {
                text += "+"
            } else {
                text += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return text
    }

    private static func lowercaseHex(_ encoded: String) -> String {
        var text = ""
        var remaining = 0
        for character in encoded {
            if character == "%" {
                remaining = 2
                text.append(character)
            } else if remaining > 0 {
                remaining -= 1
                text += character.lowercased()
            } else {
                text.append(character)
            }
        }
        return text
    }

    private static func jsonEscaped(_ value: String, slash: Bool) -> String {
        var text = ""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": text += "\\\""
            case "\\": text += "\\\\"
            case "/" where slash: text += "\\/"
            case "\n": text += "\\n"
            case "\r": text += "\\r"
            case "\t": text += "\\t"
            case _ where scalar.value < 0x20: text += "\\u" + String(scalar.value, radix: 16).leftPadded(to: 4)
            default: text.unicodeScalars.append(scalar)
            }
        }
        return text
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
