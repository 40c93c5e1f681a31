import Foundation

/// A connector-file string with `{{ config.x }}` / `{{ secrets.y }}` placeholders, parsed at load.
public struct TemplateString: Sendable, Hashable, CustomStringConvertible {
    /// A literal run or a placeholder.
    public enum Part: Sendable, Hashable {
        /// Text taken as written.
        case literal(String)
        /// `{{ config.KEY }}`.
        case config(String)
        /// `{{ secrets.KEY }}`.
        case secret(String)
    }

    /// The parts in order.
    public var parts: [Part]
    /// Where the string is written.
    public var location: FileLocation

    /// A template with no placeholders.
    public init(literal: String, location: FileLocation) {
        self.parts = literal.isEmpty ? [] : [.literal(literal)]
        self.location = location
    }

    /// The template as written, placeholders included (never a resolved value).
    public var description: String {
        parts.map { part in
            switch part {
            case .literal(let text): text
            case .config(let key): "{{ config.\(key) }}"
            case .secret(let key): "{{ secrets.\(key) }}"
            }
        }.joined()
    }

    /// True when any part is a `secrets.` placeholder.
    public var usesSecrets: Bool {
        parts.contains { if case .secret = $0 { true } else { false } }
    }

    /// Parses `text` written at `location`.
    /// - Throws: a message (without location) for an unterminated `{{` or an unknown namespace.
    static func parse(_ text: String, location: FileLocation) throws(TemplateSyntaxError) -> TemplateString {
        var parts: [Part] = []
        var rest = Substring(text)
        while let open = rest.range(of: "{{") {
            if open.lowerBound > rest.startIndex { parts.append(.literal(String(rest[..<open.lowerBound]))) }
            guard let close = rest[open.upperBound...].range(of: "}}") else {
                throw TemplateSyntaxError(message: "unterminated '{{' in '\(text)'; close it with '}}'")
            }
            let inner = rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            let pieces = inner.split(separator: ".", maxSplits: 1).map(String.init)
            guard pieces.count == 2, !pieces[1].isEmpty else {
                throw TemplateSyntaxError(message: "placeholder '{{ \(inner) }}' must be '{{ config.KEY }}' or '{{ secrets.KEY }}'")
            }
            switch pieces[0] {
            case "config": parts.append(.config(pieces[1]))
            case "secrets": parts.append(.secret(pieces[1]))
            default:
                throw TemplateSyntaxError(
                    message: "unknown placeholder namespace '\(pieces[0])'"
                        + Suggestion.hint(for: pieces[0], among: ["config", "secrets"]))
            }
            rest = rest[close.upperBound...]
        }
        if !rest.isEmpty { parts.append(.literal(String(rest))) }
        return TemplateString(parts: parts, location: location)
    }

    private init(parts: [Part], location: FileLocation) {
        self.parts = parts
        self.location = location
    }
}

/// A malformed placeholder; the loader adds the location.
struct TemplateSyntaxError: Error {
    var message: String
}
