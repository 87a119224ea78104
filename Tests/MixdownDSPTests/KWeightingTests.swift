import Testing
@testable import MixdownDSP

@Suite struct KWeightingTests {
    /// The coefficient table of ITU-R BS.1770-4 (Tables 1 and 2) at 48 kHz.
    @Test func matchesTheStandardsTableAt48kHz() {
        let (shelf, highPass) = KWeighting.stages(sampleRate: 48_000)
        let table = [(shelf.b0, 1.53512485958697), (shelf.b1, -2.69169618940638), (shelf.b2, 1.19839281085285),
                     (shelf.a1, -1.69065929318241), (shelf.a2, 0.73248077421585),
                     (highPass.b0, 1.0), (highPass.b1, -2.0), (highPass.b2, 1.0),
                     (highPass.a1, -1.99004745483398), (highPass.a2, 0.99007225036621)]
        for (derived, published) in table { #expect(abs(derived - published) < 1e-8) }
    }

    /// The same analogue filter at every rate: responses agree across the band (bilinear
    /// warping of the shelf grows as the rate falls, hence the looser bound at 22.05 kHz).
    @Test("same response at other rates", arguments: [44_100, 32_000, 96_000, 22_050])
    func sameResponse(rate: Int) {
        let reference = KWeighting.stages(sampleRate: 48_000)
        let other = KWeighting.stages(sampleRate: rate)
        for f in [20.0, 50, 100, 500, 1_000, 2_000, 4_000, 8_000] where f < Double(rate) / 4 {
            let a = reference.shelf.magnitude(at: f, sampleRate: 48_000) * reference.highPass.magnitude(at: f, sampleRate: 48_000)
            let b = other.shelf.magnitude(at: f, sampleRate: rate) * other.highPass.magnitude(at: f, sampleRate: rate)
            #expect(abs(20 * log10(a / b)) < (rate >= 32_000 ? 0.02 : 0.1), "\(f) Hz at \(rate) Hz")
        }
    }
}

#if canImport(Glibc)
import Glibc
#endif
