import Foundation
import Hummingbird
import MixdownCore
import MixdownRender

/// Batches: `POST /v1/batches` (`{"production": {…}, "rows": [{…}, …]}`) queues one job per
/// row of variables; `GET /v1/batches/{id}` sums them up.
struct BatchesController {
    let service: MixdownService

    func addRoutes(to group: RouterGroup<AuthenticatedContext>) {
        group.post("batches", use: create)
        group.get("batches/:id", use: status)
    }

    @Sendable func create(_ request: Request, _ context: AuthenticatedContext) async throws -> Response {
        let key = context.key
        let configuration = service.configuration
        let strict = try MixdownService.flag(request, "strict")
        let root = try await service.readJSON(request, limit: 32 << 20, file: "batch")
        let top = try JSONField(node: root, path: "").object(allowed: ["production", "rows"])
        guard let productionField = top["production"] else { throw APIError(.unprocessableContent, "invalidBatch", "missing production", path: "production") }
        guard let rowsField = top["rows"] else { throw APIError(.unprocessableContent, "invalidBatch", "missing rows", path: "rows") }
        let rows = try rowsField.list()
        guard !rows.isEmpty, rows.count <= configuration.maxBatchRows else {
            throw APIError(.unprocessableContent, "invalidBatch", "rows: 1 to \(configuration.maxBatchRows) objects of variables", path: "rows")
        }
        let admitted = try await service.gate(for: key.name).admit(productionField.node, file: "batch")
        var variables = [[String: String]]()
        for (i, row) in rows.enumerated() {
            var values = [String: String]()
            for (name, value) in try row.dictionary() { values[name] = try value.string() }
            do {
                var check = service.renderRequest(admitted.production, variables: values, folder: configuration.dataDirectory + "/tmp")
                check.strict = strict
                _ = try Pipeline.check(check)
            } catch let error as MixdownError {
                throw APIError(.unprocessableContent, error.code.rawValue, error.reason, path: "rows[\(i)]" + (error.keyPath.map { ($0.hasPrefix("audience.") ? "." + $0.dropFirst(9) : ": " + $0) } ?? ""))
            }
            variables.append(values)
        }
        try await service.checkConcurrency(key, adding: rows.count)
        let batch = UUID().uuidString.lowercased()
        let production = JSONValue(productionField.node).settingStrict(strict)
        let now = Date().timeIntervalSince1970
        let webhook = admitted.webhook.map { Webhook.target(url: $0) }
        let jobs = variables.map { values in
            JobRecord(id: UUID().uuidString.lowercased(), key: key.name, spec: JobSpec.production(.init(production: production, variables: values)).text,
                      state: .queued, progress: 0, batch: batch, webhook: webhook, attempts: 0, created: now)
        }
        _ = try await service.store.enqueue(jobs)
        return Response.json(.accepted, BatchAccepted(id: batch, jobs: jobs.map(\.id)), headers: [.location: "/v1/batches/\(batch)"])
    }

    @Sendable func status(_ request: Request, _ context: AuthenticatedContext) async throws -> Response {
        let id = try context.parameters.require("id")
        let jobs = try await service.store.jobs(batch: id, key: context.key.name)
        guard !jobs.isEmpty else { throw APIError.notFound("batch") }
        var counts = [String: Int]()
        for state in JobState.allCases { counts[state.rawValue] = jobs.filter { $0.state == state }.count }
        let status = jobs.allSatisfy { $0.state == .succeeded } ? "succeeded"
            : jobs.allSatisfy(\.state.isFinal) ? (jobs.contains { $0.state == .failed } ? "failed" : "cancelled")
            : jobs.contains { $0.state == .running } || jobs.contains(where: \.state.isFinal) ? "running" : "queued"
        let progress = jobs.map { $0.state.isFinal ? 1 : $0.progress }.reduce(0, +) / Double(jobs.count)
        return Response.json(.ok, BatchStatus(id: id, status: status, progress: progress, counts: counts, jobs: jobs.map(\.id)))
    }
}
