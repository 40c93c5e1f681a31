import Foundation

/// URL, query, form and `Link` header text handling, on strings (no Foundation URL parsing, which
/// rewrites opaque vendor tokens).
package enum URLText {
    private static let unreserved: Set<UInt8> = Set(Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~$,:@!*'()/".utf8))
    private static let hex = Array("0123456789ABCDEF".utf8)

    /// Percent-encodes a query name or value (space as `%20`; `=`, `&`, `+`, `[`, `]`, `^` encoded).
    package static func encode(_ text: String) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            if unreserved.contains(byte) {
                bytes.append(byte)
            } else {
                bytes.append(UInt8(ascii: "%"))
                bytes.append(hex[Int(byte >> 4)])
                bytes.append(hex[Int(byte & 0xF)])
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Decodes `%XX` escapes, and `+` as space when `plusIsSpace` (forms).
    package static func decode(_ text: Substring, plusIsSpace: Bool = true) -> String {
        var bytes: [UInt8] = []
        var iterator = Array(text.utf8)[...]
        while let byte = iterator.popFirst() {
            if byte == UInt8(ascii: "%"), iterator.count >= 2,
               let value = UInt8(String(decoding: iterator.prefix(2), as: UTF8.self), radix: 16) {
                bytes.append(value)
                iterator = iterator.dropFirst(2)
            } else if byte == UInt8(ascii: "+"), plusIsSpace {
                bytes.append(UInt8(ascii: " "))
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `name=value&…`, encoded.
    package static func query(_ items: [(name: String, value: String)]) -> String {
        items.map { "\(encode($0.name))=\(encode($0.value))" }.joined(separator: "&")
    }

    /// Parses `a=1&b=2` (decoded), keeping order and repeats.
    package static func parseQuery(_ text: Substring) -> [(name: String, value: String)] {
        text.split(separator: "&").map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (decode(parts[0]), parts.count > 1 ? decode(parts[1]) : "")
        }
    }

    /// `base` + `path` + `?query`; `path` may be empty.
    package static func join(base: String, path: String, query: [(name: String, value: String)]) -> String {
        var url = base
        if !path.isEmpty { url += path.hasPrefix("/") ? path : "/" + path }
        if !query.isEmpty { url += "?" + self.query(query) }
        return url
    }

    /// `scheme://host[:port]` of an absolute URL, or `nil`.
    package static func origin(of url: String) -> String? {
        guard let schemeEnd = url.range(of: "://") else { return nil }
        let rest = url[schemeEnd.upperBound...]
        let end = rest.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? rest.endIndex
        return String(url[..<end])
    }

    /// `link` made absolute: kept when absolute, else joined to the origin (`/…`) or to `base`.
    package static func resolve(_ link: String, against base: String) -> String {
        if link.contains("://") { return link }
        if link.hasPrefix("/") { return (origin(of: base) ?? base) + link }
        return base + "/" + link
    }

    /// The URL for `rel` in a `Link` header value, e.g. `<https://x/a?page=2>; rel="next", <…>; rel="last"`.
    package static func linkHeaderTarget(_ header: String, rel: String) -> String? {
        var rest = Substring(header)
        while let open = rest.firstIndex(of: "<"), let close = rest[open...].firstIndex(of: ">") {
            let target = rest[rest.index(after: open)..<close]
            let paramsEnd = rest[close...].firstIndex(of: "<") ?? rest.endIndex
            let params = rest[rest.index(after: close)..<paramsEnd]
            for param in params.split(whereSeparator: { $0 == ";" || $0 == "," }) {
                let pair = param.split(separator: "=", maxSplits: 1)
                guard pair.count == 2, pair[0].trimmingCharacters(in: .whitespaces).lowercased() == "rel" else { continue }
                let rels = pair[1].trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
                if rels.split(separator: " ").contains(where: { $0.lowercased() == rel.lowercased() }) { return String(target) }
            }
            rest = rest[paramsEnd...]
        }
        return nil
    }
}
