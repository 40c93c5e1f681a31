import Foundation
import RosterCore
import RosterMapping
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Maps `records` deterministic Graph-shaped users with `mappings/microsoft-graph-users.yaml`
/// and prints rows/s and peak RSS.
///
/// Records are generated in memory in batches of 10,000 (not timed), as a connector delivers
/// pages, so peak RSS reflects streaming rather than the whole pull; only `Mapping.map` is timed.
/// The mapping file is looked up under the current directory, then relative to this source file.
/// - Throws: ``MappingDiagnostics`` when the mapping file is missing or invalid.
func runMappingBench(records: Int) throws {
    let mapping = try MappingFile.load(path: graphMappingPath())
    let clock = ContinuousClock()
    var mappingTime = Duration.zero, generationTime = Duration.zero, floorTime = Duration.zero
    var mappingCPU = 0.0, floorCPU = 0.0
    var kept = 0, filtered = 0, checksum = 0
    var next = 0
    while next < records {
        let batchEnd = min(records, next + 10_000)
        let generationStart = clock.now
        let users = (next..<batchEnd).map(graphUser)
        let start = clock.now
        let startCPU = threadCPUSeconds()
        generationTime += start - generationStart
        for user in users {
            let mapped = mapping.map(user)
            if mapped.isFilteredOut { filtered += 1 } else { kept += 1 }
            checksum &+= mapped.row.email.utf8.count &+ mapped.row.extension.utf8.count &+ mapped.attributes.count
        }
        mappingTime += clock.now - start
        mappingCPU += threadCPUSeconds() - startCPU
        let floorStart = clock.now, floorStartCPU = threadCPUSeconds()
        for user in users {
            for field in graphFields { checksum &+= user[field] == nil ? 0 : 1 }
        }
        floorTime += clock.now - floorStart
        floorCPU += threadCPUSeconds() - floorStartCPU
        next = batchEnd
    }
    print("mapping: \(records) Graph records (\(kept) rows, \(filtered) filtered) mapped in \(mappingTime), generated in \(generationTime)")
    print("mapping: \(perSecond(records, mappingTime)) rows/s, peak RSS \(peakResidentKiB()) KiB, checksum \(checksum)")
    print("mapping: floor (only the \(graphFields.count) top-level dictionary lookups): \(perSecond(records, floorTime)) records/s")
    // On a shared machine wall time includes waiting for a core; thread CPU time does not.
    print("mapping: by thread CPU time: \(Int(Double(records) / mappingCPU)) rows/s, floor \(Int(Double(records) / floorCPU)) records/s")
}

/// The top-level fields the Graph mapping reads: looking them up is the floor of its cost.
private let graphFields = [
    "accountEnabled", "id", "givenName", "surname", "businessPhones", "mail", "userPrincipalName",
    "department", "usageLocation", "jobTitle",
]

/// `count` per second of `duration`.
func perSecond(_ count: Int, _ duration: Duration) -> Int {
    let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    return seconds > 0 ? Int(Double(count) / seconds) : 0
}

private func graphMappingPath() -> String {
    let local = "mappings/microsoft-graph-users.yaml"
    if FileManager.default.fileExists(atPath: local) { return local }
    return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent(local).path
}

private let departments = ["Support", "Sales", "Contact Center", "Team Leads", "IT", "Finance", "Engineering"]
private let locations = ["US", "GB", "BR", "DE"]
private let givenNames = ["Ada", "Bob", "Chen", "Dina", "Emil", "Fatima", "Goran", "Hana"]
private let surnames = ["Hawkins", "Davis", "Kingston", "Okafor", "Silva", "Nakamura", "Novak", "Berg"]

/// The `index`-th synthetic Graph user: every 10th has no `mail`, every 20th is disabled.
private func graphUser(_ index: Int) -> JSONValue {
    let given = givenNames[index % givenNames.count], surname = surnames[(index / 8) % surnames.count]
    let login = "\(given).\(surname)\(index)@Contoso.com"
    return .object([
        "id": .string("00000000-0000-0000-0000-\(String(index))"),
        "givenName": .string(given),
        "surname": .string(surname),
        "mail": index % 10 == 3 ? .null : .string(login),
        "userPrincipalName": .string(login),
        "businessPhones": .array([.string("+1 425 555 \(1000 + index % 9000)")]),
        "mobilePhone": .null,
        "department": .string(departments[index % departments.count]),
        "jobTitle": .string("Agent"),
        "usageLocation": .string(locations[index % locations.count]),
        "accountEnabled": .bool(index % 20 != 7),
    ])
}

/// CPU time this thread has used, in seconds.
private func threadCPUSeconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
}

/// Peak resident set size of this process in KiB (`ru_maxrss` is KiB on Linux, bytes on macOS).
func peakResidentKiB() -> Int {
    #if canImport(Darwin)
    Int(resourceUsage().ru_maxrss) / 1024
    #else
    Int(resourceUsage().ru_maxrss)
    #endif
}

/// User plus system CPU seconds this process has used.
func processCPUSeconds() -> Double {
    let usage = resourceUsage()
    func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
    return seconds(usage.ru_utime) + seconds(usage.ru_stime)
}

private func resourceUsage() -> rusage {
    var usage = rusage()
    #if canImport(Darwin)
    getrusage(RUSAGE_SELF, &usage)
    #else
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    #endif
    return usage
}
