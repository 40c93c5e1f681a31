import Foundation
import Hummingbird

/// Small helpers for the console's server-rendered pages: escaping and the shared layout.
enum HTML {
    /// `text` safe inside an element or a quoted attribute.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }

    /// A query string value, percent-encoded.
    static func query(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? ""
    }

    /// A table with a header row; cells are HTML already.
    static func table(_ header: [String], _ rows: [[String]], empty: String) -> String {
        guard !rows.isEmpty else { return "<p class=\"empty\">\(escape(empty))</p>" }
        let head = header.map { "<th scope=\"col\">\(escape($0))</th>" }.joined()
        let body = rows.map { "<tr>" + $0.map { "<td>\($0)</td>" }.joined() + "</tr>" }.joined(separator: "\n")
        return "<div class=\"table-wrap\"><table><thead><tr>\(head)</tr></thead><tbody>\n\(body)\n</tbody></table></div>"
    }

    /// A coloured badge for a run status.
    static func status(_ status: String) -> String {
        let tone = switch status {
        case "succeeded": "ok"
        case "completed with failures", "safeguard tripped": "warn"
        case "failed", "interrupted": "bad"
        case "running": "info"
        default: "muted"
        }
        return "<span class=\"badge \(tone)\">\(escape(status))</span>"
    }

    /// A full page: header with navigation (when signed in), the content, the shared assets.
    /// `refresh` reloads the page every so many seconds where scripts are off.
    static func page(title: String, section: String?, caller: Caller?, content: String, status: HTTPResponse.Status = .ok, refresh: Int? = nil) -> Response {
        let links = [("users", "Users"), ("import", "Import"), ("jobs", "Jobs"), ("runs", "Runs")]
        let navigation = caller == nil ? "" : """
            <nav aria-label="Main"><ul>\(links.map { key, label in
                "<li><a href=\"/\(key)\"\(key == section ? " aria-current=\"page\"" : "")>\(label)</a></li>"
            }.joined())</ul></nav>
            <form method="post" action="/logout" class="signout"><input type="hidden" name="csrf" value="\(escape(caller?.csrfToken ?? ""))">
            <span class="who">\(escape(caller?.name ?? ""))\(caller?.canWrite == true ? "" : " (read only)")</span> <button type="submit" class="link">Sign out</button></form>
            """
        let html = """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            \(refresh.map { "<noscript><meta http-equiv=\"refresh\" content=\"\($0)\"></noscript>" } ?? "")
            <meta name="csrf-token" content="\(escape(caller?.csrfToken ?? ""))">
            <title>\(escape(title)) · RosterSync</title><link rel="stylesheet" href="/assets/console.css"></head>
            <body><a class="skip" href="#main">Skip to content</a>
            <header class="top"><a class="brand" href="/users">RosterSync</a>\(navigation)</header>
            <main id="main"><h1>\(escape(title))</h1>
            \(content)
            </main><script src="/assets/console.js" defer></script></body></html>
            """
        return Response(
            status: status,
            headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store", .contentSecurityPolicy: "default-src 'self'; frame-ancestors 'none'"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: html)))
    }
}
