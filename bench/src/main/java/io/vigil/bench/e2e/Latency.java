package io.vigil.bench.e2e;

import io.vigil.gateway.job.ProgressReporter;
import java.nio.file.Path;

/**
 * Result latency at a given load: the telemetry is published at a fixed rate (half of the measured
 * maximum) and Vigil's own histogram gives the time from each window's close (event time passing
 * its end) to its result's hand-over to the MQTT client, over the run's last 10 000 results.
 */
final class Latency {

    /**
     * p50, p99 and max in milliseconds, the rate the telemetry was published at, and the garbage
     * collector's pauses while it was.
     */
    record Figures(
            double readingsPerSecond,
            double p50,
            double p99,
            double max,
            long results,
            int gcPauses,
            double gcPauseMaxMillis) {}

    private final Path workDir;
    private final String url;

    Latency(Path workDir, String url) {
        this.workDir = workDir;
        this.url = url;
    }

    Figures measure(double readingsPerSecond, Telemetry warmup, Telemetry measured)
            throws Exception {
        Throughput publisher = new Throughput(workDir, url);
        try (InProcessVigil vigil = InProcessVigil.start(workDir, url, 1, "1s")) {
            // The warm-up runs at the same pace: the histogram keeps the last 10 000 results, and
            // any from a full-speed burst would count against the paced run.
            publisher.feedVigil(warmup, 1, readingsPerSecond, false);
            // Fed by hand: the rate achieved is timed over the publishing alone.
            long base = InProcessVigil.readingsWindowed();
            long resultsBefore = InProcessVigil.resultsDelivered();
            GcPauses.Summary gc;
            double achieved;
            try (GcPauses pauses = new GcPauses()) {
                achieved =
                        measured.readings
                                / publisher
                                        .publishPaced(measured, 1, readingsPerSecond, true)
                                        .seconds();
                Throughput.awaitVigil(base + measured.readings);
                gc = pauses.summary();
            }
            double[] q = ProgressReporter.latencyMillis(0.5, 0.99, 1.0);
            return new Figures(
                    achieved,
                    q[0],
                    q[1],
                    q[2],
                    InProcessVigil.resultsDelivered() - resultsBefore,
                    gc.count(),
                    gc.maxMillis());
        }
    }
}
