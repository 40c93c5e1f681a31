import Yams

/// What one YAML document may cost to read: its size in bytes, and the number of values a walker
/// meets once every alias is expanded (a 3 KB "billion laughs" file of nested aliases expands to
/// 10⁹ values and would never finish).
package struct YAMLLimits: Sendable {
    /// The largest file, in UTF-8 bytes.
    package var maxBytes: Int
    /// The most values (scalars, lists, mappings and keys) the document may expand to.
    package var maxValues: Int

    /// A limit pair.
    package init(maxBytes: Int, maxValues: Int) {
        self.maxBytes = maxBytes
        self.maxValues = maxValues
    }

    /// 1 MiB and 200,000 values: far above any config, connector or mapping file written by hand.
    package static let standard = YAMLLimits(maxBytes: 1 << 20, maxValues: 200_000)

    /// Where and why `root` expands beyond ``maxValues``, or `nil` when it does not. The walk
    /// stops at the limit, so it costs at most ``maxValues`` steps whatever the aliases.
    func excess(in root: Node) -> (node: Node, message: String)? {
        var budget = maxValues
        var aliasUser: Node?
        guard let node = firstNodeBeyond(&budget, in: root, aliasUser: &aliasUser) else { return nil }
        let here = aliasUser == nil ? "" : " (the aliases in this value repeat most of them)"
        return (aliasUser ?? node, "the document has more than \(maxValues) values, counting each alias as a copy of what it names\(here); write the repeated values out once, or nest fewer aliases")
    }

    /// Counts `node` and its children against `budget`; the node at which it ran out, if it did.
    /// `aliasUser` ends as the outermost node on the path to it that holds an alias: a child that
    /// stands earlier in the file than its parent is an alias of a value anchored there.
    private func firstNodeBeyond(_ budget: inout Int, in node: Node, aliasUser: inout Node?) -> Node? {
        budget -= 1
        if budget < 0 { return node }
        let children: [Node] = switch node {
        case .scalar, .alias: []
        case .sequence(let sequence): Array(sequence)
        case .mapping(let mapping): mapping.flatMap { [$0.key, $0.value] }
        }
        for child in children {
            if let found = firstNodeBeyond(&budget, in: child, aliasUser: &aliasUser) {
                if Self.standsBefore(child, node) { aliasUser = node }
                return found
            }
        }
        return nil
    }

    private static func standsBefore(_ first: Node, _ second: Node) -> Bool {
        guard let a = first.mark, let b = second.mark else { return false }
        return (a.line, a.column) < (b.line, b.column)
    }
}
