package io.vigil.bench.e2e;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Path;

/**
 * Throughput and memory against the number of assets and the window hop: the same job as the
 * throughput comparison, fed the same number of readings spread over more or fewer pumps. State per
 * asset is the heap the running job holds after a full GC, less the heap before it started, per
 * asset.
 */
final class Scaling {

    record Point(
            int assets,
            String hop,
            long readings,
            double readingsPerSecond,
            double windowsPerSecond,
            double stateMb,
            double stateKbPerAsset) {}

    private final Path workDir;
    private final String url;

    Scaling(Path workDir, String url) {
        this.workDir = workDir;
        this.url = url;
    }

    Point measure(int assets, int readingsPerAsset, String hop) throws Exception {
        long t0 = 1_700_000_000_000L;
        Telemetry warmup = Telemetry.pumps(Math.min(assets, 100), 100, 1, t0);
        Telemetry measured =
                Telemetry.pumps(assets, readingsPerAsset, 1, warmup.endMillis + 60_000);
        long heapBefore = heapAfterGc();
        Throughput publisher = new Throughput(workDir, url);
        try (InProcessVigil vigil = InProcessVigil.start(workDir, url, 1, hop)) {
            publisher.feedVigil(warmup, 1, 0, false);
            long scoredBefore = InProcessVigil.windowsScored();
            double seconds = publisher.feedVigil(measured, 1, 0, true).seconds();
            long windows = InProcessVigil.windowsScored() - scoredBefore;
            double state = (heapAfterGc() - heapBefore) / 1048576.0;
            return new Point(
                    assets,
                    hop,
                    measured.readings,
                    measured.readings / seconds,
                    windows / seconds,
                    state,
                    state * 1024 / assets);
        }
    }

    private static long heapAfterGc() throws InterruptedException {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long used = Long.MAX_VALUE;
        // A few rounds: a single System.gc() may leave garbage of finalizers and reference queues.
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
            used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
        }
        return used;
    }
}
