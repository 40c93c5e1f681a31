import RosterCore

/// One step of a value's transform pipeline, compiled at load time.
///
/// Every transform maps text to text and never fails: a regex without a match, a split index
/// out of range or `first`/`last` of empty text give empty text, and the validator then decides.
/// Transforms run on a value's UTF-8 bytes in place (see ``apply(to:)``); text beyond ASCII
/// goes through `String` where Unicode rules (case mapping, characters) decide.
enum Transform: Sendable {
    case trim, lower, upper, title, digits
    case first(Int), last(Int)
    /// Capture `group` of the first match; `nil` means group 1 when the pattern has groups, else the whole match.
    case capture(CompiledRegex, group: Int?)
    case replace(from: String, to: String)
    case split(separator: String, index: Int, rest: Bool)
    case prefix(String), suffix(String)

    /// Names accepted in `transforms:`, for messages and did-you-mean.
    static let names = [
        "trim", "lower", "upper", "title", "digits", "first", "last", "regex", "replace", "split", "prefix", "suffix",
    ]
    /// Transforms written as a bare word (no argument).
    static let bareNames = ["trim", "lower", "upper", "title", "digits"]

    /// Applies the transform to the UTF-8 text `text` (valid UTF-8; it stays so), in place.
    ///
    /// ASCII text is changed byte by byte; other text where it matters goes through `String`:
    /// `lower`/`upper` use Unicode case mapping, `title` Unicode letters, `first`/`last` count
    /// characters (never cutting a letter in half) and `trim` keeps a space that a combining mark
    /// is attached to.
    func apply(to text: inout UTF8Buffer) {
        switch self {
        case .trim:
            if !UTF8Text.trimSpaces(&text) { applyToString(&text) { $0.trimmingSpaces() } }
        case .lower:
            if !UTF8Text.mapASCII(text.mutableBytes, UTF8Text.lowercased) { applyToString(&text) { $0.lowercased() } }
        case .upper:
            if !UTF8Text.mapASCII(text.mutableBytes, { $0 &- 0x61 < 26 ? $0 & 0xDF : $0 }) { applyToString(&text) { $0.uppercased() } }
        case .title:
            if !UTF8Text.titleCaseASCII(text.mutableBytes) { applyToString(&text, Transform.titleCased) }
        case .digits:
            text.removeAll { $0 &- 0x30 >= 10 }
        case .first(let count):
            guard text.count > count else { return }
            if UTF8Text.hasOneByteCharacters(text.bytes) { text.keep(0..<count) } else { applyToString(&text) { String($0.prefix(count)) } }
        case .last(let count):
            guard text.count > count else { return }
            if UTF8Text.hasOneByteCharacters(text.bytes) {
                text.keep(text.count - count..<text.count)
            } else {
                applyToString(&text) { String($0.suffix(count)) }
            }
        case .capture(let regex, let group):
            applyToString(&text) { regex.capture(group, in: $0) }
        case .replace(let from, let to):
            applyToString(&text) { $0.replacing(from, with: to) }
        case .split(let separator, let index, let rest):
            applyToString(&text) { Transform.piece(of: $0, separator, index, rest) }
        case .prefix(let affix):
            if !text.isEmpty { text.prepend(affix) }
        case .suffix(let affix):
            if !text.isEmpty { text.append(affix) }
        }
    }

    private func applyToString(_ text: inout UTF8Buffer, _ transform: (String) -> String) {
        text.replace(with: transform(text.string))
    }

    /// `text.lowercased()`, returning the text itself when it is ASCII without capitals (the common
    /// case for emails and map keys), and folding other ASCII text byte by byte: Unicode case
    /// mapping is only needed, and only paid for, beyond ASCII.
    static func lowercased(_ text: String) -> String {
        var hasCapitals = false
        for byte in text.utf8 {
            if byte >= 0x80 { return text.lowercased() }
            if byte &- 0x41 < 26 { hasCapitals = true }
        }
        guard hasCapitals else { return text }
        return String(unsafeUninitializedCapacity: text.utf8.count) { buffer in
            for (index, byte) in text.utf8.enumerated() { buffer[index] = UTF8Text.lowercased(byte) }
            return text.utf8.count
        }
    }

    /// Upper-cases the first letter of every word and lower-cases the rest; a word starts after
    /// anything that is not a letter, so `o'neil-SMITH` becomes `O'Neil-Smith`.
    static func titleCased(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        var startOfWord = true
        for character in text {
            if character.isLetter {
                result += startOfWord ? character.uppercased() : character.lowercased()
                startOfWord = false
            } else {
                result.append(character)
                startOfWord = true
            }
        }
        return result
    }

    /// The `index`-th non-empty piece of `text` split at `separator` (negative counts from the end);
    /// with `rest`, that piece and all after it, joined by `separator`.
    static func piece(of text: String, _ separator: String, _ index: Int, _ rest: Bool) -> String {
        let pieces = text.split(separator: separator, omittingEmptySubsequences: true)
        let position = index < 0 ? pieces.count + index : index
        guard pieces.indices.contains(position) else { return "" }
        return rest ? pieces[position...].joined(separator: separator) : String(pieces[position])
    }
}
