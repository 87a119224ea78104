import Foundation

/// A real browser for the visual report: Debian's Chromium, headless. A page is loaded from a
/// file, its scripts run, and the DOM as they left it comes back with what the browser logged
/// of the page's console and every request the page itself started (from Chromium's network
/// log: the browser's own background requests have no origin and are left out).
public enum Browser {
    public struct Page {
        /// The DOM after the scripts ran (`--dump-dom`).
        public var dom: String
        /// Console messages the page produced (`CONSOLE` lines of the browser's log).
        public var console: [String]
        /// URLs of requests the page started.
        public var requests: [String]
        public var seconds: Double
    }

    public static var executable: String? {
        ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    static func arguments(folder: TemporaryFolder, size: (Int, Int)) -> [String] {
        ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--disable-default-apps", "--disable-extensions", "--mute-audio",
         "--user-data-dir=\(folder.file("chromium-profile"))", "--window-size=\(size.0),\(size.1)",
         "--enable-logging=stderr", "--v=0", "--virtual-time-budget=5000"]
    }

    /// Opens `path` (with `#fragment`, if given) and returns the DOM, the console and the page's requests.
    public static func open(_ path: String, fragment: String? = nil, size: (Int, Int) = (1400, 1000)) throws -> Page {
        guard let chromium = executable else { throw ToolError("chromium is not installed: run `make deps`") }
        let folder = TemporaryFolder()
        let netLog = folder.file("net.json")
        let started = Date()
        let run = try Tools.run(chromium, arguments(folder: folder, size: size) + ["--log-net-log=\(netLog)", "--dump-dom", URL(fileURLWithPath: path).absoluteString + (fragment.map { "#" + $0 } ?? "")])
        let seconds = Date().timeIntervalSince(started)
        guard run.status == 0 else { throw ToolError("chromium exited \(run.status): \(run.stderr.suffix(400))") }
        let console = run.stderr.split(separator: "\n").filter { $0.contains(":CONSOLE") }.map(String.init)
        return Page(dom: run.stdout, console: console, requests: try pageRequests(netLog), seconds: seconds)
    }

    /// Writes a screenshot of `path` to `png` (for looking at, not for asserting).
    public static func screenshot(_ path: String, to png: String, size: (Int, Int) = (1400, 1000)) throws {
        guard let chromium = executable else { throw ToolError("chromium is not installed: run `make deps`") }
        let folder = TemporaryFolder()
        let run = try Tools.run(chromium, arguments(folder: folder, size: size) + ["--screenshot=\(png)", URL(fileURLWithPath: path).absoluteString])
        guard run.status == 0 else { throw ToolError("chromium exited \(run.status): \(run.stderr.suffix(400))") }
    }

    /// Requests in a network log that a page started: `URL_REQUEST_START_JOB` events whose
    /// initiator is an origin (a file page's is "null"); the browser's own have "not an origin".
    static func pageRequests(_ netLog: String) throws -> [String] {
        guard let data = FileManager.default.contents(atPath: netLog),
              let log = try JSONSerialization.jsonObject(with: data) as? [String: Any],
              let constants = log["constants"] as? [String: Any], let types = constants["logEventTypes"] as? [String: Int],
              let start = types["URL_REQUEST_START_JOB"], let events = log["events"] as? [[String: Any]] else {
            throw ToolError("chromium wrote no readable network log")
        }
        return events.compactMap { event in
            guard event["type"] as? Int == start, let params = event["params"] as? [String: Any], let url = params["url"] as? String else { return nil }
            return params["initiator"] as? String == "not an origin" ? nil : url
        }
    }
}
