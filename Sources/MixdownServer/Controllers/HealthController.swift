import Hummingbird
import NIOCore

/// The routes anyone may call: `GET /health` and `GET /openapi.yaml` (docs/openapi.yaml itself).
struct HealthController {
    func addRoutes(to group: RouterGroup<ServiceContext>) {
        group.get("health") { _, _ in Response.json(.ok, HealthStatus()) }
        group.get("openapi.yaml") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/yaml"], body: .init(byteBuffer: ByteBuffer(string: OpenAPIDocument.yaml)))
        }
    }
}
