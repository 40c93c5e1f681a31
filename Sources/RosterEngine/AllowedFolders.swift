import Foundation
import RosterCore

/// `allowed_folders:` confines the local files jobs read (connector and mapping files, `file:`
/// URLs) to chosen folders, so a config cannot make the program read `/etc/shadow` or echo the
/// lines of an arbitrary file in a mapping error.
extension RosterConfig {
    /// Confines every job's local files to ``allowedFolders``, or to the config file's folder
    /// when none are configured and `confineByDefault` (`serve` passes true; one-off commands
    /// confine only when configured). Checks the connector, mapping and `file:` URLs of the
    /// config now (symbolic links and `..` resolved), and sets ``JobConfig/readableFolders`` so
    /// a sync also refuses a `file:` URL written in the connector file itself.
    /// - Throws: ``ConfigError`` naming each job, setting and file outside, and the folders allowed.
    public mutating func confineJobFiles(file: String, confineByDefault: Bool) throws(ConfigError) {
        guard let folders = allowedFolders ?? (confineByDefault ? [Self.canonicalPath(folder.isEmpty ? "." : folder)] : nil) else { return }
        var diagnostics: [ConfigDiagnostic] = []
        for index in jobs.indices {
            jobs[index].readableFolders = folders
            let job = jobs[index]
            var reads = [("connector", job.connector), ("mapping", job.mapping)]
            let urls = job.settings.map { ("settings.\($0.key)", $0.value) }.sorted { $0.0 < $1.0 }
                + [("base_url", job.baseURL), ("token_url", job.tokenURL)].compactMap { name, url in url.map { (name, $0) } }
            for (name, url) in urls where url.lowercased().hasPrefix("file:") { reads.append((name, Self.localPath(ofFileURL: url))) }
            for (name, path) in reads {
                guard let refusal = job.refusal(toRead: path, as: name, configured: allowedFolders != nil) else { continue }
                diagnostics.append(ConfigDiagnostic(file: file, line: job.line, column: 1, message: refusal))
            }
        }
        guard diagnostics.isEmpty else { throw ConfigError(diagnostics) }
    }

    /// The path of a `file:` URL (`file:///a/b`, `file://localhost/a/b`, `file:/a/b`), percent-escapes decoded.
    static func localPath(ofFileURL url: String) -> String {
        var rest = Substring(url.dropFirst("file:".count))
        if rest.hasPrefix("//") {
            rest = rest.dropFirst(2)
            rest = rest.firstIndex(of: "/").map { rest[$0...] } ?? "/"
        }
        let path = String(rest.prefix { $0 != "?" && $0 != "#" })
        return path.removingPercentEncoding ?? path
    }

    /// `path` absolute, with `.`, `..` and symbolic links resolved as far as the path exists.
    static func canonicalPath(_ path: String) -> String {
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        var existing = URL(fileURLWithPath: absolute).standardizedFileURL.path
        var missing: [String] = []
        while existing != "/" {
            if let resolved = realpath(existing, nil) {
                defer { free(resolved) }
                return ([String(cString: resolved)] + missing.reversed()).joined(separator: "/").replacingOccurrences(of: "//", with: "/")
            }
            missing.append((existing as NSString).lastPathComponent)
            existing = (existing as NSString).deletingLastPathComponent
        }
        return "/" + missing.reversed().joined(separator: "/")
    }
}

extension JobConfig {
    /// Why this job may not read `path` (named `name` in the message), or `nil` when it may:
    /// no ``readableFolders`` are set, or the path lies inside one.
    /// - Parameter configured: the folders come from `allowed_folders` (false: `serve`'s default;
    ///   `nil`: not known).
    func refusal(toRead path: String, as name: String, configured: Bool? = nil) -> String? {
        guard let folders = readableFolders else { return nil }
        let canonical = RosterConfig.canonicalPath(path)
        guard !folders.contains(where: { canonical == $0 || canonical.hasPrefix($0.hasSuffix("/") ? $0 : $0 + "/") }) else { return nil }
        let how = switch configured {
        case true?: "it is not in allowed_folders"
        case false?: "`serve` reads only files in the config file's folder unless allowed_folders lists others"
        case nil: "not in allowed_folders (`serve` allows the config file's folder by default)"
        }
        return "job '\(self.name)': \(name) reads \(canonical), outside the allowed folders (\(folders.joined(separator: ", "))): \(how); move the file into one of them, or add its folder to allowed_folders"
    }

    /// Why this job may not read the `file:` URL `url`, or `nil` when it may or `url` is not a `file:` URL.
    func refusal(toOpen url: String, as name: String) -> String? {
        guard url.lowercased().hasPrefix("file:") else { return nil }
        return refusal(toRead: RosterConfig.localPath(ofFileURL: url), as: name)
    }
}
