import Hummingbird
import NIOCore

/// `GET /metrics`: Prometheus text (the queue's counts, this process's requests and renders).
/// It needs a key, as every route but /health and /openapi.yaml does.
struct MetricsController {
    let service: MixdownService

    func addRoutes(to group: RouterGroup<AuthenticatedContext>) {
        group.get("metrics") { _, _ in
            let text = service.metrics.text(try await service.store.counts())
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4"], body: .init(byteBuffer: ByteBuffer(string: text)))
        }
    }
}
