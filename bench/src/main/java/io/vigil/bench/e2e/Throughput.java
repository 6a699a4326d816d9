package io.vigil.bench.e2e;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Readings per second from the first publish until the last message leaves the system under test: a
 * bare counting subscriber, a bare relay, and Vigil's job, each fed the same telemetry by the same
 * publisher on the same broker. Every run is preceded by a short warm-up run of the same kind, so
 * connections are up and the bare clients are compiled before the clock starts; Vigil's job takes
 * the JIT far longer, which is what {@link EndToEnd}'s warm-up round is for.
 */
final class Throughput {

    static final String TELEMETRY = "plant/pumps/+/telemetry";

    /** How long a system may show no progress before the run is declared stuck. */
    private static final long QUIET_MILLIS = 30_000;

    private final Path workDir;
    private final String url;

    Throughput(Path workDir, String url) {
        this.workDir = workDir;
        this.url = url;
    }

    /**
     * One measured run: readings and messages in, seconds from first publish to last result, and
     * the CPU time this JVM (the system under test and its listener; the broker and the publisher
     * run in processes of their own) spent meanwhile.
     */
    record Run(
            String system,
            int qos,
            int perMessage,
            long readings,
            long messages,
            double seconds,
            double cpuSeconds,
            Map<String, Double> threadCpuSeconds) {
        double readingsPerSecond() {
            return readings / seconds;
        }

        /**
         * CPU per reading: unlike the rates, it hardly depends on how the two cores were shared
         * with the broker and the publisher, so it shows what a change saved.
         */
        double cpuMicrosPerReading() {
            return cpuSeconds * 1e6 / readings;
        }

        /** CPU per reading of each {@link ThreadCpu} group, and of the rest as "other". */
        Map<String, Double> cpuMicrosPerReadingByThread() {
            Map<String, Double> micros = new LinkedHashMap<>();
            double grouped = 0;
            for (Map.Entry<String, Double> group : threadCpuSeconds.entrySet()) {
                micros.put(group.getKey(), group.getValue() * 1e6 / readings);
                grouped += group.getValue();
            }
            micros.put("other", Math.max(0, cpuSeconds - grouped) * 1e6 / readings);
            return micros;
        }
    }

    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean)
                        ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** One measured run of {@code system}: "bare", "relay" or "vigil". */
    Run run(String system, int qos, Telemetry warmup, Telemetry measured) throws Exception {
        return switch (system) {
            case "bare" -> bareSubscriber(qos, warmup, measured);
            case "relay" -> relay(qos, warmup, measured);
            case "vigil" -> vigil(qos, warmup, measured);
            default -> throw new IllegalArgumentException("Unknown system " + system);
        };
    }

    private Run bareSubscriber(int qos, Telemetry warmup, Telemetry measured) throws Exception {
        try (Tap tap = new Tap(url, "bench-bare", TELEMETRY, qos)) {
            return measureTap("bare subscriber", tap, qos, warmup, measured);
        }
    }

    private Run relay(int qos, Telemetry warmup, Telemetry measured) throws Exception {
        try (Relay relay = new Relay(url, TELEMETRY, qos);
                Tap out = new Tap(url, "bench-relay-tap", "relay/#", qos)) {
            return measureTap("relay", out, qos, warmup, measured);
        }
    }

    private Run vigil(int qos, Telemetry warmup, Telemetry measured) throws Exception {
        try (InProcessVigil vigil = InProcessVigil.start(workDir, url, qos, "1s");
                Tap scores = new Tap(url, "bench-scores", InProcessVigil.SCORES, qos)) {
            feedVigil(warmup, qos, 0, scores, false);
            long cpu = cpuNanos();
            ThreadCpu threads = new ThreadCpu();
            long started = feedVigil(measured, qos, 0, scores, true);
            return new Run(
                    "vigil",
                    qos,
                    perMessage(measured),
                    measured.readings,
                    measured.messages(),
                    (scores.lastNanos() - started) / 1e9,
                    (cpuNanos() - cpu) / 1e9,
                    threads.seconds());
        }
    }

    private Run measureTap(String system, Tap tap, int qos, Telemetry warmup, Telemetry measured)
            throws Exception {
        publishPaced(warmup, qos, 0, false);
        expect(tap.awaitCount(warmup.messages(), QUIET_MILLIS), system, "warm-up");
        long base = tap.messages();
        long cpu = cpuNanos();
        ThreadCpu threads = new ThreadCpu();
        long started = publishPaced(measured, qos, 0, true).startedNanos();
        expect(tap.awaitCount(base + measured.messages(), QUIET_MILLIS), system, "run");
        return new Run(
                system,
                qos,
                perMessage(measured),
                measured.readings,
                measured.messages(),
                (tap.lastNanos() - started) / 1e9,
                (cpuNanos() - cpu) / 1e9,
                threads.seconds());
    }

    /**
     * Publishes {@code telemetry} to the running in-process Vigil at {@code readingsPerSecond} (0:
     * as fast as the broker takes it) and waits until Vigil has windowed all of it and published
     * every score; returns when publishing started.
     */
    long feedVigil(
            Telemetry telemetry, int qos, double readingsPerSecond, Tap scores, boolean timed)
            throws Exception {
        long base = InProcessVigil.readingsWindowed();
        long started = publishPaced(telemetry, qos, readingsPerSecond, timed).startedNanos();
        awaitVigil(base + telemetry.readings, scores);
        return started;
    }

    /**
     * Waits until Vigil has taken {@code windowed} readings in all into windows and every window it
     * scored has been published and seen on the score topics.
     */
    static void awaitVigil(long windowed, Tap scores) throws InterruptedException {
        waitFor(() -> InProcessVigil.readingsWindowed() >= windowed, "readings");
        long stableSince = System.nanoTime();
        long scored = -1;
        while (true) {
            long now = InProcessVigil.windowsScored();
            if (now != scored || scores.messages() < now) {
                scored = now;
                stableSince = System.nanoTime();
            } else if (System.nanoTime() - stableSince > 1_000_000_000L) {
                return;
            }
            Thread.sleep(20);
        }
    }

    private static void waitFor(java.util.function.BooleanSupplier done, String what)
            throws InterruptedException {
        long deadline = System.nanoTime() + 10 * QUIET_MILLIS * 1_000_000L;
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Vigil made no progress on " + what);
            }
            Thread.sleep(5);
        }
    }

    private static void expect(boolean arrived, String system, String phase) {
        if (!arrived) {
            throw new IllegalStateException(system + " lost messages in its " + phase);
        }
    }

    /**
     * Publishes every message at {@code readingsPerSecond} (as fast as the broker takes them when
     * 0) from a publisher process of its own and waits for the broker's acknowledgements. A {@code
     * timed} publishing starts with a warm JIT (see {@link Publisher}).
     */
    Publisher.Publishing publishPaced(
            Telemetry telemetry, int qos, double readingsPerSecond, boolean timed)
            throws Exception {
        return Publisher.run(
                url, qos, readingsPerSecond, timed, telemetry, workDir.resolve("publisher.log"));
    }

    private static int perMessage(Telemetry telemetry) {
        return (int) (telemetry.readings / telemetry.messages());
    }
}
