/// Did-you-mean suggestions for misspelt names in messages, shared by every file format's loader.
package enum Suggestions {
    /// The candidate closest to `word` (case-insensitive), when it is close enough to be a
    /// plausible typo: at most a third of the longer word's length (at least 1 edit allowed), or
    /// a word that starts with the candidate or the reverse (`lowercase` → `lower`).
    package static func closest(to word: String, in candidates: [String]) -> String? {
        let lowered = word.lowercased()
        if lowered.count >= 3, let prefixed = candidates.first(where: {
            let candidate = $0.lowercased()
            return candidate.count >= 3 && (lowered.hasPrefix(candidate) || candidate.hasPrefix(lowered))
        }) {
            return prefixed
        }
        let target = Array(lowered.unicodeScalars)
        var best: (name: String, distance: Int)?
        for candidate in candidates {
            let scalars = Array(candidate.lowercased().unicodeScalars)
            let distance = editDistance(target, scalars)
            let allowed = max(1, max(target.count, scalars.count) / 3)
            if distance <= allowed, distance < (best?.distance ?? .max) { best = (candidate, distance) }
        }
        return best?.name
    }

    /// ` did you mean 'x'?` for a close candidate, else an empty string; for appending to messages.
    package static func didYouMean(_ word: String, in candidates: [String]) -> String {
        closest(to: word, in: candidates).map { " did you mean '\($0)'?" } ?? ""
    }

    /// Edit distance where inserting, deleting or substituting a letter, or swapping two
    /// neighbours (`mpa` → `map`), each cost 1 (optimal string alignment).
    package static func editDistance(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var table = Array(repeating: Array(repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { table[i][0] = i }
        for j in 0...b.count { table[0][j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                table[i][j] = min(table[i - 1][j] + 1, table[i][j - 1] + 1, table[i - 1][j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    table[i][j] = min(table[i][j], table[i - 2][j - 2] + 1)
                }
            }
        }
        return table[a.count][b.count]
    }
}

/// One problem in a file a person wrote (config, mapping), located and with its fix, printed as
/// compilers print errors so editors can jump to it:
/// `mappings/zendesk-users.yaml:14:7: error: unknown transform 'lowercase'; did you mean 'lower'?`
public struct FileDiagnostic: Sendable, Hashable, CustomStringConvertible {
    /// The file as the caller named it.
    public var file: String
    /// Line number, starting at 1.
    public var line: Int
    /// Column number, starting at 1 (counted in Unicode scalars, as libYAML does).
    public var column: Int
    /// What is wrong and what to write instead.
    public var message: String

    public init(file: String, line: Int, column: Int, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.message = message
    }

    /// `file:line:col: error: message`.
    public var description: String { "\(file):\(line):\(column): error: \(message)" }
}
