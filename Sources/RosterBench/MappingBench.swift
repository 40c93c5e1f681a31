import Foundation
import RosterCore
import RosterMapping
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Maps a Graph-shaped JSON-lines file of `records` users with `mappings/microsoft-graph-users.yaml`
/// and prints rows/s (wall and per CPU-second) and peak RSS; then the mapping step alone.
///
/// The file (`DIR/graph-users-N.jsonl`) is written first (once; later runs reuse it) and not timed; the timed part reads it in
/// chunks, parses every line into a `JSONValue` and maps it (``Mapping/mapJSONLines(from:file:chunkSize:_:)``), as
/// `map --input` does; a sync parses pulled pages and maps them the same way. The map-only figure maps the same users
/// generated in memory in batches of 10,000 (not timed), timing only `Mapping.map`.
/// The mapping file is looked up under the current directory, then relative to this source file.
/// - Throws: ``MappingDiagnostics`` when the mapping file is missing or invalid; file errors.
func runMappingBench(records: Int, directory: String) throws {
    let mapping = try MappingFile.load(path: graphMappingPath())
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    let path = "\(directory)/graph-users-\(records).jsonl"
    let clock = ContinuousClock()
    // The file's content depends only on `records`, so one written by an earlier run is reused.
    if !FileManager.default.fileExists(atPath: path) {
        let writeStart = clock.now
        try GraphUsers.writeJSONLines(count: records, to: path)
        print("mapping: wrote \(records) Graph users to \(path) in \(clock.now - writeStart)")
    }
    let size = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0

    var kept = 0, filtered = 0, checksum = 0
    var source = try FileByteSource(path: path)
    let start = clock.now, startCPU = cpuSeconds(CLOCK_PROCESS_CPUTIME_ID)
    let mapped = try mapping.mapJSONLines(from: &source, file: path) { _, record in
        if record.isFilteredOut { filtered += 1 } else { kept += 1 }
        checksum &+= record.row.email.utf8.count &+ record.row.extension.utf8.count &+ record.attributes.count
    }
    let fileTime = clock.now - start, fileCPU = cpuSeconds(CLOCK_PROCESS_CPUTIME_ID) - startCPU
    print("mapping: \(mapped) JSON lines (\(kept) rows, \(filtered) filtered) read, parsed and mapped in \(fileTime), checksum \(checksum)")
    let rate = perSecond(mapped, fileTime)
    print("mapping: JSON lines file: \(rate) rows/s wall, \(Int(Double(mapped) / fileCPU)) rows per CPU-second (\(String(format: "%.2f", fileCPU)) s CPU), \(rate * size / max(mapped, 1) / 1_000_000) MB/s, peak RSS \(peakResidentKiB()) KiB")

    let (valueTime, valueCPU, valueChecksum) = mapJSONValues(records, mapping)
    print("mapping: map only (records built in memory, not timed): \(perSecond(records, valueTime)) rows/s wall, \(Int(Double(records) / valueCPU)) rows/s thread CPU, checksum \(valueChecksum)")
}

/// Maps `records` in-memory Graph users through ``Mapping/map(_:)``: (wall, thread CPU seconds, checksum).
private func mapJSONValues(_ records: Int, _ mapping: Mapping) -> (Duration, Double, Int) {
    let clock = ContinuousClock()
    var time = Duration.zero, cpu = 0.0, checksum = 0
    var next = 0
    while next < records {
        let batchEnd = min(records, next + 10_000)
        let users = (next..<batchEnd).map(GraphUsers.value)
        let start = clock.now, startCPU = cpuSeconds(CLOCK_THREAD_CPUTIME_ID)
        for user in users {
            let record = mapping.map(user)
            checksum &+= record.row.email.utf8.count &+ record.row.extension.utf8.count &+ record.attributes.count
        }
        time += clock.now - start
        cpu += cpuSeconds(CLOCK_THREAD_CPUTIME_ID) - startCPU
        next = batchEnd
    }
    return (time, cpu, checksum)
}

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

/// CPU time this thread has used, in seconds.
/// CPU seconds used so far by this thread (`CLOCK_THREAD_CPUTIME_ID`) or process (`CLOCK_PROCESS_CPUTIME_ID`).
private func cpuSeconds(_ clockID: clockid_t) -> Double {
    var time = timespec()
    clock_gettime(clockID, &time)
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
