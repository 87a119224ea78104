/// Two stages of a stream on two cores (when the pool has one free): while `consume` takes
/// block k (metering, encoding, spilling), `produce` makes block k + 1. Blocks are handed over
/// in order, two buffers in turn, so nothing is allocated per block.
public enum Pipelined {
    /// `produce` fills its buffer and says whether there was one; `consume` gets each in order.
    /// `make` creates the two buffers (a block, or several buses of the same frames).
    public static func run<Buffer>(make: () -> Buffer, pool: WorkerPool, produce: (inout Buffer) throws -> Bool,
                                   consume: (Buffer) throws -> Void) throws {
        var ready = make()
        var next = make()
        guard try produce(&ready) else { return }
        while true {
            var more = false
            try pool.forEach(2) { (stage: Int) throws in
                if stage == 0 { try consume(ready) } else { more = try produce(&next) }
            }
            guard more else { return }
            swap(&ready, &next)
        }
    }

    /// One block of `channels` × `capacity` frames per stage.
    public static func run(channels: Int, capacity: Int, pool: WorkerPool, produce: (inout AudioBlock) throws -> Bool,
                           consume: (AudioBlock) throws -> Void) throws {
        try run(make: { AudioBlock(channels: channels, capacity: capacity) }, pool: pool, produce: produce, consume: consume)
    }
}
