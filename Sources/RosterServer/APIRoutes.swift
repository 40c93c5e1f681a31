import Foundation
import Hummingbird
import RosterCore
import RosterEngine
import RosterMapping

/// The JSON API under `/api` (docs/openapi.yaml). Every route needs a token (``AuthMiddleware``);
/// uploads and runs need a `write` token.
struct APIRoutes {
    let environment: ServerEnvironment

    func register(on routes: inout RouteTable) {
        routes.add(.get, "/healthz") { _, _ in JSONBody.response(["status": "ok"]) }
        routes.add(.get, "/metrics") { _, _ in environment.jobs.metrics.exposition() }
        routes.add(.get, "/api/template.csv") { _, _ in
            CSVDownload.response(CSVWriter.document(header: Template.headers, rows: Template.sampleRows.map(\.cells)), fileName: "user-import-template.csv")
        }
        routes.add(.post, "/api/imports") { request, context in try await importFile(request, context) }
        routes.add(.get, "/api/users") { request, _ in
            try await environment.usersPages.response(for: request.uri.query ?? "", endedRuns: environment.jobs.monitor.endedRuns) {
                try await users(Query(request))
            }
        }
        routes.add(.get, "/api/jobs") { _, _ in JSONBody.response(["jobs": try await jobs()]) }
        routes.add(.post, "/api/jobs/{name}/runs") { request, context in try await startRun(request, context) }
        routes.add(.get, "/api/runs") { request, _ in try await runs(Query(request)) }
        routes.add(.get, "/api/runs/{id}") { _, context in JSONBody.response(RunBody(try await run(runID(context)))) }
        routes.add(.get, "/api/runs/{id}/failures") { request, context in try await failures(runID(context), Query(request)) }
        routes.add(.get, "/api/runs/{id}/failures.csv") { _, context in try await failuresCSV(runID(context)) }
        routes.add(.get, "/api/runs/{id}/events") { _, context in try await RunEvents(environment: environment).response(for: run(runID(context))) }
    }

    // MARK: Imports

    private func importFile(_ request: Request, _ context: ServerContext) async throws -> Response {
        try requireWrite(context)
        let query = Query(request)
        let dryRun = try query.bool("dry_run") ?? false
        let mapping = try query["mapping"].map(loadMapping)
        let upload = try await Upload.receive(
            request, name: query["filename"], limit: environment.config.http.uploadLimit, directory: environment.uploadDirectory)
        defer { upload.remove() }
        let monitor = environment.jobs.monitor
        let store = RunStartWatchingStore(base: environment.store, monitor: monitor)
        let service = ImportService(store: store, catalog: environment.config.catalog, clock: environment.clock, logger: context.logger)
        let progress: @Sendable (ImportProgress) -> Void = { progress in
            if let id = store.runID { monitor.imported(id, rows: progress.rows, expected: progress.expectedRows) }
        }
        var options = ImportOptions(dryRun: dryRun, reportPath: upload.folder + "/failed-rows.csv", trigger: .api)
        if dryRun { options.reportPath = nil }
        do {
            let result = if let mapping {
                try await service.importFile(at: upload.path, mapping: mapping, options: options, progress: progress)
            } else {
                try await service.importFile(at: upload.path, options: options, progress: progress)
            }
            return JSONBody.response(RunBody(result.run, dryRun: dryRun), status: dryRun ? .ok : .created)
        } catch let rejection as FileRejection {
            throw APIError(.unprocessableContent, "\(rejection) Nothing was imported; fix the file and upload it again.")
        } catch let busy as StoreBusy {
            throw APIError(.serviceUnavailable, busy.description)
        }
    }

    /// The mapping file `NAME.yaml` of the mappings folder; NAME is letters, digits, - and _ only.
    private func loadMapping(_ name: String) throws -> Mapping {
        guard name.count <= 100, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else {
            throw APIError(.badRequest, "mapping must be the name of a file in the mappings folder without .yaml (letters, digits, - and _), e.g. custom-columns-csv")
        }
        let path = environment.mappingsDirectory + "/" + name + ".yaml"
        guard FileManager.default.fileExists(atPath: path) else {
            let known = ((try? FileManager.default.contentsOfDirectory(atPath: environment.mappingsDirectory)) ?? [])
                .filter { $0.hasSuffix(".yaml") }.map { String($0.dropLast(5)) }.sorted()
            throw APIError(.notFound, "no mapping named '\(name)'; mappings: \(known.isEmpty ? "none" : known.joined(separator: ", "))")
        }
        do {
            return try MappingFile.load(path: path)
        } catch {
            throw APIError(.unprocessableContent, "mapping '\(name)' cannot be used:\n\(error)")
        }
    }

    // MARK: Users

    private func users(_ query: Query) async throws -> ByteBuffer {
        let limit = try query.limit()
        let selection = UserQuery(
            active: try query.bool("active"), search: query["search"], job: try query.job(in: environment.config),
            license: query["license"], role: query["role"], order: .emailKey(after: query["cursor"]?.lowercased()))
        let page = try await UsersPage(selection, limit: limit, store: environment.store, jobs: environment.config.jobs.map(\.name))
        return UsersPageJSON.body(page)
    }

    // MARK: Jobs

    func jobs() async throws -> [JobBody] {
        let history = try await environment.store.runs(limit: 10_000)
        return environment.config.jobs.map { job in
            let last = history.first { $0.kind == "sync" && $0.source == job.name && $0.status != .skipped }
            let next = job.schedule.flatMap { try? CronSchedule($0, timeZone: job.timeZone) }
                .flatMap { schedule in schedule.nextFireTime(after: environment.clock.now()).map { ScheduleTime.string($0, in: schedule.timeZone) } }
            return JobBody(name: job.name, schedule: job.schedule, timezone: job.timeZone, nextRun: next,
                           lastRun: last.map { RunBody($0) }, running: last?.status == .running)
        }
    }

    private func startRun(_ request: Request, _ context: ServerContext) async throws -> Response {
        try requireWrite(context)
        let name = context.parameters.get("name") ?? ""
        guard let job = environment.config.jobs.first(where: { $0.name == name }) else {
            let names = environment.config.jobs.map(\.name)
            throw APIError(.notFound, "no job named '\(name)'; jobs: \(names.isEmpty ? "none configured" : names.joined(separator: ", "))")
        }
        let query = Query(request)
        let options = SyncOptions(full: try query.bool("full") ?? false, trigger: .api)
        do {
            if try query.bool("dry_run") == true {
                let result = try await environment.jobs.dryRun(job, options: options)
                struct DryRun: Encodable {
                    var run: RunBody
                    var plan: [PlannedChangeBody]
                }
                return JSONBody.response(DryRun(run: RunBody(result.run, dryRun: true), plan: result.plan.map(PlannedChangeBody.init)))
            }
            let id = try await environment.jobs.start(job, options: options)
            var response = JSONBody.response(["id": id], status: .accepted)
            response.headers[.location] = "/api/runs/\(id)"
            return response
        } catch let conflict as RunConflict {
            throw APIError(.conflict, "job '\(conflict.job)' is already running (run \(conflict.runningRun)); wait for it to finish, then start it again")
        } catch let config as ConfigError {
            throw APIError(.unprocessableContent, config.description)
        }
    }

    // MARK: Runs

    private func runs(_ query: Query) async throws -> Response {
        let limit = try query.limit()
        let offset = try query.offset("offset")
        let status = query["status"]
        if let status, RunStatus(rawValue: status) == nil {
            throw APIError(.badRequest, "status must be one of: \(RunStatus.allCases.map(\.rawValue).joined(separator: ", ")); got '\(status)'")
        }
        let job = query["job"]
        let matching = try await environment.store.runs(limit: 100_000).filter { run in
            (status == nil || run.status.rawValue == status) && (job == nil || (run.kind == "sync" && run.source == job))
        }
        struct Page: Encodable {
            var runs: [RunBody]
            var total: Int
        }
        return JSONBody.response(Page(runs: matching.dropFirst(offset).prefix(limit).map { RunBody($0) }, total: matching.count))
    }

    func run(_ id: Int64) async throws -> RunRecord {
        guard let run = try await environment.store.run(id: id) else {
            throw APIError(.notFound, "no run \(id); GET /api/runs lists the runs")
        }
        return run
    }

    private func failures(_ id: Int64, _ query: Query) async throws -> Response {
        let record = try await run(id)
        let limit = try query.limit(default: 100, maximum: 10_000)
        let offset = try query.offset("offset")
        let rows = try await environment.store.reportRows(runID: id)
        let columns = record.reportColumns ?? Template.headers
        struct Page: Encodable {
            var run: Int64
            var columns: [String]
            var failures: [FailureBody]
            var total: Int
        }
        return JSONBody.response(Page(run: id, columns: columns, failures: rows.dropFirst(offset).prefix(limit).map { FailureBody($0, columns: columns) }, total: rows.count))
    }

    private func failuresCSV(_ id: Int64) async throws -> Response {
        let record = try await run(id)
        let rows = try await environment.store.reportRows(runID: id)
        let withExternalID = record.kind == "sync"
        let header = ReportRow.header(columns: record.reportColumns ?? Template.headers, withExternalID: withExternalID)
        let text = CSVWriter.document(header: header, rows: rows.map { $0.csvCells(withExternalID: withExternalID) })
        return CSVDownload.response(text, fileName: "run-\(id)-failed-rows.csv")
    }

    private func requireWrite(_ context: ServerContext) throws {
        guard context.caller?.canWrite == true else {
            throw APIError(.forbidden, "token '\(context.caller?.name ?? "")' has scope read; uploads and runs need a token with scope: write")
        }
    }
}

/// CSV downloads: text/csv with a file name for the browser.
enum CSVDownload {
    static func response(_ text: String, fileName: String) -> Response {
        Response(
            status: .ok,
            headers: [.contentType: "text/csv; charset=utf-8", .contentDisposition: "attachment; filename=\"\(fileName)\""],
            body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }
}
