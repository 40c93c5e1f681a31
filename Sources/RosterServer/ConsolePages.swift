import Foundation
import Hummingbird
import RosterCore
import RosterEngine

/// The console's pages, rendered on the server from the store and the config.
enum ConsolePages {
    static func signIn(error: String?) -> Response {
        let alert = error.map { "<p class=\"alert bad\" role=\"alert\">\(HTML.escape($0))</p>" } ?? ""
        return HTML.page(title: "Sign in", section: nil, caller: nil, content: """
            \(alert)
            <form method="post" action="/login" class="card narrow">
              <label for="token">API token or admin password</label>
              <input id="token" name="token" type="password" autocomplete="current-password" required autofocus>
              <p class="hint">A token from <code>api_tokens:</code> in the config (<code>rostersync token create NAME</code> makes one),
              or the admin password set with <code>rostersync token hash-password</code>.</p>
              <button type="submit" class="primary">Sign in</button>
            </form>
            """, status: error == nil ? .ok : .unauthorized)
    }

    static func message(_ title: String, _ text: String, caller: Caller?, status: HTTPResponse.Status) -> Response {
        let back = caller == nil ? "<p><a class=\"button\" href=\"/users\">Go to the console</a></p>" : ""
        return HTML.page(title: title, section: nil, caller: caller, content: "<p class=\"alert bad\" role=\"alert\">\(HTML.escape(text))</p>\(back)", status: status)
    }

    /// A page title for an error status.
    static func title(of status: HTTPResponse.Status) -> String {
        switch status {
        case .notFound: "Not found"
        case .forbidden: "Not allowed"
        case .badRequest: "Cannot show this page"
        default: status.reasonPhrase
        }
    }

    static func users(_ query: Query, store: any UserStore, config: RosterConfig, caller: Caller?) async throws -> Response {
        let search = query["search"] ?? ""
        let cursor = query["cursor"]?.lowercased()
        let job = try query.job(in: config)
        let selection = UserQuery(search: search, job: job, order: .emailKey(after: cursor))
        let listed = try await UsersPage(selection, limit: 50, store: store, jobs: config.jobs.map(\.name))
        let total = try await store.countUsers(selection)
        let page = listed.users
        let rows = page.map { user in
            let row = user.record.row
            return [HTML.escape(row.firstName + " " + row.lastName), HTML.escape(row.email), HTML.escape(row.license), HTML.escape(row.extension),
                    HTML.escape(row.role), HTML.escape(row.dataCenter),
                    user.record.active ? "<span class=\"badge ok\">active</span>" : "<span class=\"badge muted\">deactivated</span>",
                    listed.jobs(of: user).isEmpty ? "<span class=\"hint\">file import</span>" : listed.jobs(of: user).map(HTML.escape).joined(separator: ", ")]
        }
        let filters = "search=\(HTML.query(search))" + (job.map { "&amp;job=\(HTML.query($0))" } ?? "")
        let next = listed.nextCursor.map { "<a class=\"button\" href=\"/users?\(filters)&amp;cursor=\(HTML.query($0))\">Next page</a>" } ?? ""
        let first = cursor == nil ? "" : "<a class=\"button\" href=\"/users?\(filters)\">First page</a>"
        let jobOptions = ([""] + config.jobs.map(\.name)).map { name in
            "<option value=\"\(HTML.escape(name))\"\(name == (job ?? "") ? " selected" : "")>\(name.isEmpty ? "any source" : HTML.escape(name))</option>"
        }.joined()
        let jobFilter = config.jobs.isEmpty ? "" : "<label for=\"job\" class=\"visually-hidden\">Source job</label><select id=\"job\" name=\"job\">\(jobOptions)</select>"
        return HTML.page(title: "Users", section: "users", caller: caller, content: """
            <form method="get" action="/users" class="toolbar" role="search">
              <label for="search" class="visually-hidden">Search by name or email</label>
              <input id="search" name="search" type="search" value="\(HTML.escape(search))" placeholder="Search by name or email">
              \(jobFilter)
              <button type="submit">Search</button>
              <span class="count">\(total) users</span>
            </form>
            \(HTML.table(["Name", "Email", "License", "Extension", "Role", "Data center", "Status", "Source job"], rows,
                         empty: search.isEmpty && job == nil ? "No users yet. Import a CSV or run a job." : "No user matches these filters."))
            <p class="pager">\(first) \(next)</p>
            """)
    }

    static func importPage(caller: Caller?) -> Response {
        let form = caller?.canWrite == true ? """
            <div class="dropzone" id="dropzone" tabindex="0" role="button" aria-describedby="drop-help">
              <p><strong>Drop a CSV file here</strong> or choose one</p>
              <input type="file" id="file" accept=".csv,text/csv" aria-label="CSV file to import">
              <p id="drop-help" class="hint">Columns as in the <a href="/api/template.csv">import template</a>. Rows that fail are listed with their reasons.</p>
            </div>
            <label class="check"><input type="checkbox" id="dry-run"> Dry run: check the file and write nothing</label>
            <p id="import-status" role="status" aria-live="polite"></p>
            <dialog id="result" aria-labelledby="result-title">
              <h2 id="result-title"></h2>
              <p id="result-detail"></p>
              <div id="result-failures"></div>
              <p class="actions"><a id="result-download" class="button" href="#" download>Download failed rows</a>
              <a id="result-run" class="button" href="#">Open run</a>
              <button type="button" id="result-close" class="primary">Close</button></p>
            </dialog>
            """ : "<p class=\"alert warn\">Your token has scope read: it can view but not import.</p>"
        return HTML.page(title: "Import users", section: "import", caller: caller, content: form)
    }

    static func jobs(_ jobs: [JobBody], caller: Caller?) -> Response {
        let csrf = HTML.escape(caller?.csrfToken ?? "")
        let rows = jobs.map { job in
            let buttons = caller?.canWrite == true ? """
                <form method="post" action="/jobs/\(HTML.query(job.name))/run" class="inline"><input type="hidden" name="csrf" value="\(csrf)">
                <button type="submit" class="primary"\(job.running ? " disabled" : "")>Run now</button></form>
                <form method="post" action="/jobs/\(HTML.query(job.name))/run" class="inline"><input type="hidden" name="csrf" value="\(csrf)">
                <input type="hidden" name="dry_run" value="true"><button type="submit">Dry run</button></form>
                """ : ""
            let last = job.lastRun.map { "<a href=\"/runs/\($0.id)\">run \($0.id)</a> \(HTML.status($0.status))" } ?? "never run"
            return [HTML.escape(job.name), job.schedule.map { "<code>\(HTML.escape($0))</code> (\(HTML.escape(job.timezone)))" } ?? "manual only",
                    HTML.escape(job.nextRun.map(readable) ?? "–"), last, buttons]
        }
        return HTML.page(title: "Jobs", section: "jobs", caller: caller, content: HTML.table(
            ["Job", "Schedule", "Next run", "Last run", ""], rows, empty: "No jobs are configured; add them under jobs: in the config."))
    }

    static func dryRun(_ result: SyncResult, caller: Caller?) -> Response {
        let rows = result.plan.map { change in
            [HTML.escape(change.action.rawValue), HTML.escape(change.email),
             change.changes.map { "\(HTML.escape($0.column)): \(HTML.escape($0.old)) → \(HTML.escape($0.new))" }.joined(separator: "<br>")]
        }
        let run = result.run
        return HTML.page(title: "Dry run of \(run.source)", section: "jobs", caller: caller, content: """
            <p class="alert info">Nothing was written. Pulled \(run.pulled): \(run.created) to create, \(run.updated) to update, \(run.unchanged) unchanged, \(run.failed) failing, \(run.deactivated) to deactivate.</p>
            \(run.message.map { "<p class=\"alert warn\">\(HTML.escape($0))</p>" } ?? "")
            \(HTML.table(["Action", "Email", "Changes"], rows, empty: "No changes: the roster already matches the source."))
            """)
    }

    static func runs(_ query: Query, store: any UserStore, caller: Caller?) async throws -> Response {
        let status = query["status"]
        let offset = try query.offset("offset")
        let all = try await store.runs(limit: 100_000).filter { status == nil || $0.status.rawValue == status }
        let rows = all.dropFirst(offset).prefix(50).map { run in
            ["<a href=\"/runs/\(run.id)\">\(run.id)</a>", HTML.escape(run.kind), HTML.escape(run.source), HTML.escape(run.trigger.rawValue),
             HTML.escape(readable(run.startedAt)), HTML.status(run.status.rawValue), "\(run.rows)", "\(run.created)", "\(run.updated)", "\(run.failed)"]
        }
        let options = ([""] + RunStatus.allCases.map(\.rawValue)).map { value in
            "<option value=\"\(HTML.escape(value))\"\(value == (status ?? "") ? " selected" : "")>\(value.isEmpty ? "any status" : HTML.escape(value))</option>"
        }.joined()
        let filter = status.map { "&amp;status=\(HTML.query($0))" } ?? ""
        let pager = (offset > 0 ? "<a class=\"button\" href=\"/runs?offset=\(max(0, offset - 50))\(filter)\">Newer</a> " : "")
            + (all.count > offset + 50 ? "<a class=\"button\" href=\"/runs?offset=\(offset + 50)\(filter)\">Older</a>" : "")
        return HTML.page(title: "Runs", section: "runs", caller: caller, content: """
            <form method="get" action="/runs" class="toolbar"><label for="status">Status</label>
            <select id="status" name="status">\(options)</select><button type="submit">Filter</button><span class="count">\(all.count) runs</span></form>
            \(HTML.table(["Run", "Kind", "Source", "Trigger", "Started", "Status", "Rows", "Created", "Updated", "Failed"], Array(rows), empty: "No runs yet."))
            <p class="pager">\(pager)</p>
            """)
    }

    static func run(_ run: RunRecord, failures: [ReportRow], caller: Caller?) -> Response {
        let columns = run.reportColumns ?? Template.headers
        let counts = [("Rows", run.rows), ("Created", run.created), ("Updated", run.updated), ("Unchanged", run.unchanged),
                      ("Failed", run.failed), ("Deactivated", run.deactivated)] + (run.kind == "sync" ? [("Pulled", run.pulled)] : [])
        let tiles = counts.map { "<div class=\"tile\"><span class=\"number\">\($0.1)</span><span>\($0.0)</span></div>" }.joined()
        let failureRows = failures.prefix(500).map { failure in
            ["\(failure.row)"] + failure.cells.map(HTML.escape) + ["<span class=\"reason\">\(failure.errors.map(HTML.escape).joined(separator: "<br>"))</span>"]
        }
        let download = failures.isEmpty ? "" : "<p><a class=\"button primary\" href=\"/api/runs/\(run.id)/failures.csv\" download>Download failed rows</a> Fix them and import the file as it is.</p>"
        let running = run.status == .running ? """
            <div class="alert info live" id="live" data-run="\(run.id)" role="status" aria-live="polite">
            <p><span class="spinner" aria-hidden="true"></span> <span id="live-text">This run is going; the page shows its progress until it ends.</span></p>
            <progress id="live-bar" aria-label="Progress of run \(run.id)"></progress></div>
            """ : ""
        return HTML.page(title: "Run \(run.id): \(run.kind) of \(run.source)", section: "runs", caller: caller, content: """
            <p>\(HTML.status(run.status.rawValue)) started \(HTML.escape(readable(run.startedAt)))\(run.finishedAt.map { ", finished \(HTML.escape(readable($0)))" } ?? "") · trigger \(HTML.escape(run.trigger.rawValue))</p>
            \(running)
            \(run.message.map { "<p class=\"alert warn\">\(HTML.escape($0))</p>" } ?? "")
            <div class="tiles">\(tiles)</div>
            <h2>Failed rows</h2>
            \(download)
            \(HTML.table(["Row"] + columns + ["Reasons"], failureRows, empty: "No failed rows."))
            """, refresh: run.status == .running ? 2 : nil)
    }

    /// A time as people read it: `2026-12-03 10:15 UTC`.
    static func readable(_ date: Date) -> String {
        let text = ScheduleTime.string(date, in: .gmt)
        return String(text.prefix(10)) + " " + String(text.dropFirst(11).prefix(5)) + " UTC"
    }

    /// An ISO 8601 time with offset, shown as `2026-12-04 02:00 (-05:00)`.
    static func readable(_ iso: String) -> String {
        guard iso.count >= 25 else { return iso }
        return String(iso.prefix(10)) + " " + String(iso.dropFirst(11).prefix(5)) + " (" + String(iso.suffix(6)) + ")"
    }
}
