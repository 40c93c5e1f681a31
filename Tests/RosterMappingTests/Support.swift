import RosterCore
import RosterMapping

/// Mapping YAML with `First Name` given by `rule` and every other column a constant, so one
/// rule can be exercised through the public API.
func yaml(firstName rule: String, extra: String = "") -> String {
    """
    columns:
      First Name: \(rule)
      Last Name: {constant: L}
      License: {constant: Enterprise}
      Extension: {constant: ""}
      Email Address: {constant: a@b.c}
      Role: {constant: Agent}
      Data Center: {constant: US}
    \(extra)
    """
}

/// The `First Name` cell that `rule` gives for `record`.
func firstName(_ rule: String, _ record: JSONValue) throws -> String {
    let mapping = try MappingFile.parse(yaml: yaml(firstName: rule), path: "t.yaml")
    return mapping.map(record).row.firstName
}

/// The diagnostics that loading `text` raises (empty when it loads).
func diagnostics(_ text: String) -> [MappingDiagnostic] {
    do {
        _ = try MappingFile.parse(yaml: text, path: "m.yaml")
        return []
    } catch {
        return error.diagnostics
    }
}
