import RosterCore
import Yams

/// The `transforms:` list of a rule.
extension MappingLoader {
    mutating func loadTransforms(_ node: Node, _ what: String) -> [Transform]? {
        guard case .sequence(let items) = node else {
            error(node, "\(what) transforms must be a list, e.g. transforms: [trim, lower]")
            return nil
        }
        var transforms: [Transform] = []
        var valid = true
        for item in items {
            if let transform = loadTransform(item, what) { transforms.append(transform) } else { valid = false }
        }
        return valid ? transforms : nil
    }

    private mutating func loadTransform(_ node: Node, _ what: String) -> Transform? {
        if case .scalar(let scalar) = node {
            let name = scalar.string
            switch name {
            case "trim": return .trim
            case "lower": return .lower
            case "upper": return .upper
            case "title": return .title
            case "digits": return .digits
            default:
                if Transform.names.contains(name) {
                    error(node, "transform '\(name)' needs an argument; write \(Self.example(name))")
                } else {
                    unknownTransform(name, node)
                }
                return nil
            }
        }
        guard let entries = pairs(node, "\(what) transform"), entries.count == 1, let entry = entries.first else {
            error(node, "each transform is one name or one name: argument pair, e.g. - lower or - {last: 4}")
            return nil
        }
        let argument = entry.value
        switch entry.key {
        case "first", "last":
            guard let count = argument.int, count >= 0 else {
                error(argument, "transform '\(entry.key)' takes a number of characters; write \(Self.example(entry.key))")
                return nil
            }
            return entry.key == "first" ? .first(count) : .last(count)
        case "regex":
            return loadCapture(argument)
        case "replace":
            return loadReplace(argument)
        case "split":
            return loadSplit(argument)
        case "prefix", "suffix":
            guard let text = scalarText(argument, "transform '\(entry.key)'") else { return nil }
            return entry.key == "prefix" ? .prefix(text) : .suffix(text)
        default:
            if Transform.bareNames.contains(entry.key) {
                error(entry.keyNode, "transform '\(entry.key)' takes no argument; write - \(entry.key)")
            } else {
                unknownTransform(entry.key, entry.keyNode)
            }
            return nil
        }
    }

    private mutating func unknownTransform(_ name: String, _ node: Node) {
        error(node, "unknown transform '\(name)';\(Suggestions.didYouMean(name, in: Transform.names)) transforms: \(Transform.names.joined(separator: ", "))")
    }

    private static func example(_ name: String) -> String {
        switch name {
        case "first": "{first: 4}"
        case "last": "{last: 4}"
        case "regex": "{regex: '(\\d+)$'}"
        case "replace": "{replace: {from: '-', to: ''}}"
        case "split": "{split: {separator: ' ', index: 0}}"
        case "prefix": "{prefix: '+1'}"
        default: "{suffix: ' (contractor)'}"
        }
    }

    private mutating func loadCapture(_ node: Node) -> Transform? {
        if case .scalar = node {
            return compileRegex(node, "transform 'regex'").map { .capture($0, group: nil) }
        }
        guard let entries = pairs(node, "transform 'regex'") else { return nil }
        rejectUnknownKeys(entries, allowed: ["pattern", "group"], in: "transform 'regex'")
        guard let patternNode = entries.first(where: { $0.key == "pattern" })?.value else {
            error(node, "transform 'regex' needs pattern:; write {regex: {pattern: '(\\d+)$', group: 1}}")
            return nil
        }
        var group: Int?
        if let groupNode = entries.first(where: { $0.key == "group" })?.value {
            guard let number = groupNode.int, number >= 0 else {
                error(groupNode, "transform 'regex' group: must be a capture group number (0 = whole match)")
                return nil
            }
            group = number
        }
        guard let regex = compileRegex(patternNode, "transform 'regex' pattern") else { return nil }
        if let group, group > regex.groupCount {
            error(node, "transform 'regex' group: \(group) but the pattern has \(regex.groupCount) capture group(s); use 0...\(regex.groupCount)")
            return nil
        }
        return .capture(regex, group: group)
    }

    private mutating func loadReplace(_ node: Node) -> Transform? {
        guard let entries = pairs(node, "transform 'replace'") else { return nil }
        rejectUnknownKeys(entries, allowed: ["from", "to"], in: "transform 'replace'")
        guard let fromNode = entries.first(where: { $0.key == "from" })?.value,
              let from = scalarText(fromNode, "transform 'replace' from"), !from.isEmpty else {
            error(node, "transform 'replace' needs a non-empty from:; write \(Self.example("replace"))")
            return nil
        }
        let to = entries.first(where: { $0.key == "to" }).flatMap { scalarText($0.value, "transform 'replace' to") } ?? ""
        return .replace(from: from, to: to)
    }

    private mutating func loadSplit(_ node: Node) -> Transform? {
        guard let entries = pairs(node, "transform 'split'") else { return nil }
        rejectUnknownKeys(entries, allowed: ["separator", "index", "rest"], in: "transform 'split'")
        let separator = entries.first(where: { $0.key == "separator" }).flatMap { scalarText($0.value, "transform 'split' separator") } ?? " "
        guard !separator.isEmpty else {
            error(node, "transform 'split' separator: is empty; write e.g. separator: ' '")
            return nil
        }
        guard let index = entries.first(where: { $0.key == "index" })?.value.int else {
            error(node, "transform 'split' needs a whole-number index: (0 = first piece, -1 = last); write \(Self.example("split"))")
            return nil
        }
        var rest = false
        if let restNode = entries.first(where: { $0.key == "rest" })?.value {
            guard let flag = restNode.bool else {
                error(restNode, "transform 'split' rest: must be true or false")
                return nil
            }
            rest = flag
        }
        return .split(separator: separator, index: index, rest: rest)
    }
}
