/// What a row may name: licenses and their seats, roles, data centers (DESIGN §1, §4).
///
/// Built from the `catalog:` section of `rostersync.yaml`; ``Catalog/standard`` is the default
/// when no config file exists.
public struct Catalog: Sendable, Equatable {
    /// The built-in roles, in canonical casing.
    public static let builtInRoles = ["Admin", "Supervisor", "Agent", "Billing Admin", "Inbound Agent", "Limited Agent"]
    /// The licenses, in canonical casing. `Unassigned` never needs a seat.
    public static let licenses = ["Contact", "Enterprise", "Unassigned"]

    /// Seats per licensed license; `nil` (or a missing key) means unlimited.
    public var seats: [String: Int]
    /// Custom roles added to the built-in ones, in canonical casing.
    public var customRoles: [String]
    /// Data center code (upper-case, two letters) → display name.
    public var dataCenters: [String: String]
    /// Inclusive range for automatic extension assignment, when configured.
    public var extensionRange: ClosedRange<Int>?

    public init(
        seats: [String: Int] = [:], customRoles: [String] = [],
        dataCenters: [String: String] = Catalog.defaultDataCenters, extensionRange: ClosedRange<Int>? = nil
    ) {
        self.seats = seats
        self.customRoles = customRoles
        self.dataCenters = dataCenters
        self.extensionRange = extensionRange
    }

    public static let defaultDataCenters = ["US": "US East", "UK": "UK", "BR": "BR"]
    /// Unlimited seats, built-in roles, the three default data centers.
    public static let standard = Catalog()

    /// All roles, canonical casing, built-in first.
    public var roles: [String] { Catalog.builtInRoles + customRoles }

    /// The canonical spelling of `role` (case-insensitive), or `nil` when unknown.
    public func canonicalRole(_ role: String) -> String? {
        let key = role.lowercased()
        return roles.first { $0.lowercased() == key }
    }

    /// Seats available for `license` in total, or `nil` when unlimited.
    public func seatLimit(for license: String) -> Int? {
        license == "Unassigned" ? nil : seats[license]
    }

    /// Data center codes sorted for messages, with their names: `US (US East), UK, BR`.
    public var dataCenterList: String {
        dataCenters.keys.sorted { a, b in
            // The default codes keep the template's order; others follow alphabetically.
            let order = ["US", "UK", "BR"]
            let ia = order.firstIndex(of: a) ?? order.count, ib = order.firstIndex(of: b) ?? order.count
            return ia != ib ? ia < ib : a < b
        }.map { code in
            let name = dataCenters[code] ?? code
            return name == code ? code : "\(code) (\(name))"
        }.joined(separator: ", ")
    }
}
