import MixdownCore
import MixdownHybrid
import MixdownTimeline

extension RenderReport.HybridVoice {
    /// The report's `hybridVoice`: the matching as it was done, its boundaries where the plan
    /// placed them. A boundary with an item the plan did not place (cut by an `endAt`) is not
    /// reported.
    public init(_ matching: HybridMatching, plan: TimelinePlan) {
        var placed = [ItemID: (section: String, item: PlannedItem)]()
        for section in plan.sections { for item in section.items { placed[item.id] = (section.name, item) } }
        func side(_ id: ItemID) -> Side? {
            guard let p = placed[id] else { return nil }
            return .init(section: p.section, item: id.item, kind: matching.recordings.contains(id) ? .recording : .synthetic,
                         startSample: p.item.startSample, endSample: p.item.endSample)
        }
        func seconds(_ t: Double) -> Double { (t * 1_000).rounded() / 1_000 }
        self.init(roomNoiseFloorDbfs: matching.room.noiseFloorDb, recordingDecaySeconds: matching.decay.recording.map(seconds),
                  syntheticDecaySeconds: matching.decay.synthetic.map(seconds),
                  syntheticRoom: matching.syntheticRoom.map { .init(decaySeconds: seconds($0.decaySeconds), directToReverberantDb: $0.directToReverberantDb) },
                  toneEq: zip(MixdownHybrid.HybridVoice.speechBands.centres, matching.toneGains).map { .init(hz: ($0 * 10).rounded() / 10, gainDb: $1) },
                  boundaries: matching.boundaries.compactMap { b in
                      guard let from = side(b.from), let to = side(b.to) else { return nil }
                      return .init(sample: to.startSample, from: from, to: to, before: b.before, after: b.after)
                  })
    }
}
