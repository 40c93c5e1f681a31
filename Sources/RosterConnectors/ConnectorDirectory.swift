import Foundation

/// One connector file of a directory: loaded, or with every diagnostic that stopped it.
public struct ConnectorDirectoryEntry: Sendable {
    /// The file's path (directory joined with the file name).
    public var path: String
    /// The spec, or the file's diagnostics.
    public var result: Result<ConnectorSpec, ConnectorFileError>
}

extension ConnectorFile {
    /// Loads every `*.yaml` file in `directory` (not its subdirectories), sorted by file name.
    ///
    /// A file that fails to load is returned with its diagnostics; it does not stop the others.
    /// - Throws: ``ConnectorFileError`` when the directory does not exist or cannot be read.
    public static func loadDirectory(_ directory: String) throws(ConnectorFileError) -> [ConnectorDirectoryEntry] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            throw ConnectorFileError(diagnostics: [ConnectorDiagnostic(
                file: directory, line: 1, column: 1,
                message: "connector directory not found or not readable at \(directory); ensure the directory exists")])
        }
        let base = directory.hasSuffix("/") ? String(directory.dropLast()) : directory
        return names.filter { $0.hasSuffix(".yaml") }.sorted().map { name in
            let path = "\(base)/\(name)"
            do throws(ConnectorFileError) {
                return ConnectorDirectoryEntry(path: path, result: .success(try load(path: path)))
            } catch {
                return ConnectorDirectoryEntry(path: path, result: .failure(error))
            }
        }
    }
}

extension AuthSpec {
    /// The `auth.type` spelling, e.g. `oauth2_client_credentials`.
    public var typeName: String {
        switch self {
        case .none: "none"
        case .oauth2ClientCredentials: "oauth2_client_credentials"
        case .jwtBearer: "jwt_bearer"
        case .basic: "basic"
        case .bearer: "bearer"
        case .apiKeyHeader: "api_key_header"
        }
    }
}

extension PaginatorSpec.Kind {
    /// The `paginator.type` spelling, e.g. `next_link`.
    public var typeName: String {
        switch self {
        case .none: "none"
        case .nextLink: "next_link"
        case .linkHeader: "link_header"
        case .cursor: "cursor"
        case .offset: "offset"
        case .pageNumber: "page_number"
        }
    }
}

extension IncrementalSpec {
    /// The `incremental.type` spelling, e.g. `delta_link`.
    public var typeName: String {
        switch self {
        case .deltaLink: "delta_link"
        case .updatedSince: "updated_since"
        }
    }
}
