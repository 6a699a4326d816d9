package io.vigil.gateway.simulator;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A fleet of simulated pumps with a fault schedule, stepped in simulated time.
 *
 * <p>Asset {@code pump-01} always stays healthy, so a consumer can check that it yields no anomaly.
 * The other assets each get one fault, cycling through {@link FaultKind}, starting between a
 * quarter and two fifths of the run and lasting until shortly before its end. The same seed gives
 * the same readings, which makes the simulator usable for training data and for tests.
 */
public final class PumpSimulator {

    private final List<String> assets;
    private final List<PumpPhysics> pumps;
    private final List<Fault> faults;
    private final Fault[] faultByAsset;
    private final long samplePeriodMillis;
    private final long startEpochMillis;
    private long step;

    /**
     * @param assetCount number of pumps, at least 1
     * @param samplePeriodMillis time between two samples of one pump
     * @param runMillis the simulated length of the run, which places the faults
     * @param startEpochMillis event time of the first sample
     * @param seed seed of every random choice
     * @param injectFaults whether to inject faults; {@code false} gives healthy training data
     */
    public PumpSimulator(
            int assetCount,
            long samplePeriodMillis,
            long runMillis,
            long startEpochMillis,
            long seed,
            boolean injectFaults) {
        if (assetCount < 1) {
            throw new IllegalArgumentException(
                    "assetCount must be at least 1, got " + assetCount + ".");
        }
        if (samplePeriodMillis <= 0 || runMillis <= 0) {
            throw new IllegalArgumentException(
                    "samplePeriodMillis and runMillis must be positive.");
        }
        this.samplePeriodMillis = samplePeriodMillis;
        this.startEpochMillis = startEpochMillis;
        this.assets = new ArrayList<>();
        this.pumps = new ArrayList<>();
        this.faults = new ArrayList<>();
        this.faultByAsset = new Fault[assetCount];
        for (int i = 1; i <= assetCount; i++) {
            String asset = String.format("pump-%02d", i);
            assets.add(asset);
            pumps.add(new PumpPhysics(seed * 1_000_003L + i));
            if (injectFaults && i > 1) {
                int slot = (i - 2) % FaultKind.values().length;
                long start = (long) (runMillis * (0.25 + 0.05 * slot));
                long end = (long) (runMillis * 0.95);
                faultByAsset[i - 1] = new Fault(asset, FaultKind.values()[slot], start, end);
                faults.add(faultByAsset[i - 1]);
            }
        }
    }

    /** The asset ids, {@code pump-01} first. */
    public List<String> assets() {
        return List.copyOf(assets);
    }

    /** The fault schedule, one entry per faulty asset. */
    public List<Fault> faults() {
        return List.copyOf(faults);
    }

    /** The assets that never get a fault. */
    public List<String> healthyAssets() {
        return assets.stream().filter(a -> faultOf(a).isEmpty()).toList();
    }

    public Optional<Fault> faultOf(String asset) {
        return faults.stream().filter(f -> f.asset().equals(asset)).findFirst();
    }

    public long samplePeriodMillis() {
        return samplePeriodMillis;
    }

    /** Simulated time since the start of the run, of the next step. */
    public long offsetMillis() {
        return step * samplePeriodMillis;
    }

    /** Advances every pump by one sample period and returns one reading per asset. */
    public List<PumpReading> nextStep() {
        long offset = offsetMillis();
        long timestamp = startEpochMillis + offset;
        List<PumpReading> readings = new ArrayList<>(assets.size());
        for (int i = 0; i < assets.size(); i++) {
            String asset = assets.get(i);
            readings.add(pumps.get(i).step(asset, timestamp, offset, faultByAsset[i]));
        }
        step++;
        return readings;
    }
}
