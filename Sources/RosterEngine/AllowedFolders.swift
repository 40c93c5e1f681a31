import Foundation
import RosterCore

/// `allowed_folders:` confines the local files jobs read (connector and mapping files, `file:`
/// URLs) to chosen folders, so a config cannot make the program read `/etc/shadow` or echo the
/// lines of an arbitrary file in a mapping error.
extension RosterConfig {
    /// Checks that every local file of every job lies inside ``allowedFolders`` (symbolic links
    /// and `..` resolved), or inside the config file's folder when none are configured and
    /// `confineByDefault` (`serve` passes true; one-off commands confine only when configured).
    /// - Throws: ``ConfigError`` naming each job, setting and file outside, and the folders allowed.
    public func checkAllowedFolders(file: String, confineByDefault: Bool) throws(ConfigError) {
        guard let folders = allowedFolders ?? (confineByDefault ? [Self.canonicalPath(folder.isEmpty ? "." : folder)] : nil) else { return }
        var diagnostics: [ConfigDiagnostic] = []
        for job in jobs {
            var reads = [("connector", job.connector), ("mapping", job.mapping)]
            let urls = job.settings.map { ("settings.\($0.key)", $0.value) }.sorted { $0.0 < $1.0 }
                + [("base_url", job.baseURL), ("token_url", job.tokenURL)].compactMap { name, url in url.map { (name, $0) } }
            for (name, url) in urls where url.lowercased().hasPrefix("file:") { reads.append((name, Self.localPath(ofFileURL: url))) }
            for (name, path) in reads {
                let canonical = Self.canonicalPath(path)
                guard !folders.contains(where: { canonical == $0 || canonical.hasPrefix($0.hasSuffix("/") ? $0 : $0 + "/") }) else { continue }
                let how = allowedFolders == nil
                    ? "`serve` reads only files in the config file's folder unless allowed_folders lists others"
                    : "it is not in allowed_folders"
                diagnostics.append(ConfigDiagnostic(
                    file: file, line: job.line, column: 1,
                    message: "job '\(job.name)': \(name) reads \(canonical), outside the allowed folders (\(folders.joined(separator: ", "))): \(how); move the file into one of them, or add its folder to allowed_folders"))
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
