import Foundation
import MixdownCore

/// What a job renders, as its `spec` column keeps it. The two shapes are those rows have always
/// had, so rows written by earlier versions read the same:
///
/// - a production (`POST /v1/productions`, or one row of a batch):
///   `{"production": {…the production…}, "variables": {"NAME": "value", …}}`;
/// - a master (`POST /v1/master`): `{"master": {…settings…}}`.
enum JobSpec: Codable, Sendable, Equatable {
    case production(ProductionJob)
    case master(MasterJob)

    /// A production with a batch row's variables (none for a single production).
    struct ProductionJob: Codable, Sendable, Equatable {
        /// The production as the client sent it (media ids, template and engine names: it goes
        /// through `ProductionGate` again when rendered).
        var production: JSONValue
        var variables: [String: String]

        init(production: JSONValue, variables: [String: String]) { (self.production, self.variables) = (production, variables) }

        init(from decoder: Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            production = try container.decode(JSONValue.self, forKey: .production)
            variables = try container.decodeIfPresent([String: String].self, forKey: .variables) ?? [:]
        }
    }

    private enum Key: String, CodingKey { case master }

    init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: Key.self)
        if container.contains(.master) {
            self = .master(try container.decode(MasterJob.self, forKey: .master))
        } else {
            self = .production(try ProductionJob(from: decoder))
        }
    }

    func encode(to encoder: Encoder) throws {
        switch self {
        case .production(let job):
            try job.encode(to: encoder)
        case .master(let settings):
            var container = encoder.container(keyedBy: Key.self)
            try container.encode(settings, forKey: .master)
        }
    }

    /// A stored spec (nil: neither shape).
    init?(text: String) {
        guard let spec = JSONText.decode(JobSpec.self, from: text) else { return nil }
        self = spec
    }

    /// The text the `spec` column keeps.
    var text: String { JSONText.string(self) }
}
