package io.vigil.bench.e2e;

import io.vigil.gateway.mqtt.internal.TcpSocketFactory;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

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

    /** One measured run of {@code system}: "bare", "buffered", "relay" or "vigil". */
    Run run(String system, int qos, Telemetry warmup, Telemetry measured) throws Exception {
        return switch (system) {
            case "bare" -> bareSubscriber(qos, warmup, measured);
            case "buffered" -> bufferedSubscriber(qos, warmup, measured);
            case "relay" -> relay(qos, warmup, measured);
            case "vigil" -> vigil(qos, warmup, measured);
            default -> throw new IllegalArgumentException("Unknown system " + system);
        };
    }

    private Run bareSubscriber(int qos, Telemetry warmup, Telemetry measured) throws Exception {
        try (Tap tap = new Tap(url, "bench-bare", TELEMETRY, qos)) {
            return measure("bare subscriber", tap::messages, qos, warmup, measured);
        }
    }

    /**
     * The bare subscriber reading through the buffered socket Vigil's clients use ({@link
     * TcpSocketFactory}): what Paho alone could ingest with that fix, so that Vigil's ratio to the
     * stock subscriber is not mistaken for a ratio to the best a plain client can do.
     */
    private Run bufferedSubscriber(int qos, Telemetry warmup, Telemetry measured) throws Exception {
        try (Tap tap = new Tap(url, "bench-buffered", TELEMETRY, qos, new TcpSocketFactory())) {
            return measure("buffered subscriber", tap::messages, qos, warmup, measured);
        }
    }

    private Run relay(int qos, Telemetry warmup, Telemetry measured) throws Exception {
        try (Relay relay = new Relay(url, TELEMETRY, qos)) {
            return measure("relay", relay::delivered, qos, warmup, measured);
        }
    }

    private Run vigil(int qos, Telemetry warmup, Telemetry measured) throws Exception {
        try (InProcessVigil vigil = InProcessVigil.start(workDir, url, qos, "1s")) {
            feedVigil(warmup, qos, 0, false);
            long cpu = cpuNanos();
            ThreadCpu threads = new ThreadCpu();
            Fed fed = feedVigil(measured, qos, 0, true);
            return new Run(
                    "vigil",
                    qos,
                    perMessage(measured),
                    measured.readings,
                    measured.messages(),
                    fed.seconds(),
                    (cpuNanos() - cpu) / 1e9,
                    threads.seconds());
        }
    }

    /**
     * A run of a bare client whose {@code out} counts what it has done with the messages: received
     * them (the subscriber), or had each published again and delivered (the relay).
     */
    private Run measure(
            String system, LongSupplier out, int qos, Telemetry warmup, Telemetry measured)
            throws Exception {
        publishPaced(warmup, qos, 0, false);
        awaitCount(out, warmup.messages(), system + " warm-up");
        long base = out.getAsLong();
        long cpu = cpuNanos();
        ThreadCpu threads = new ThreadCpu();
        long started = publishPaced(measured, qos, 0, true).startedNanos();
        long ended = awaitCount(out, base + measured.messages(), system);
        return new Run(
                system,
                qos,
                perMessage(measured),
                measured.readings,
                measured.messages(),
                (ended - started) / 1e9,
                (cpuNanos() - cpu) / 1e9,
                threads.seconds());
    }

    /** A feeding of Vigil: when publishing started and when the last result was delivered. */
    record Fed(long startedNanos, long endedNanos) {
        double seconds() {
            return (endedNanos - startedNanos) / 1e9;
        }
    }

    /**
     * Publishes {@code telemetry} to the running in-process Vigil at {@code readingsPerSecond} (0:
     * as fast as the broker takes it) and waits until Vigil has windowed all of it and delivered
     * every result.
     */
    Fed feedVigil(Telemetry telemetry, int qos, double readingsPerSecond, boolean timed)
            throws Exception {
        long base = InProcessVigil.readingsWindowed();
        long started = publishPaced(telemetry, qos, readingsPerSecond, timed).startedNanos();
        return new Fed(started, awaitVigil(base + telemetry.readings));
    }

    /**
     * Waits until Vigil has taken {@code windowed} readings in all into windows and its results
     * sink has delivered every result message its pipelines sent out (acknowledged by the broker at
     * QoS 1, written to it at QoS 0); returns when the last one was. The harness does not subscribe
     * to the results: on a gateway their readers are upstream, not on its two cores, and a
     * subscriber here took a tenth of Vigil's CPU per reading (docs/benchmarks.md, "Sixth round").
     */
    static long awaitVigil(long windowed) throws InterruptedException {
        waitFor(() -> InProcessVigil.readingsWindowed() >= windowed, "readings");
        long delivered = -1;
        long deliveredAt = System.nanoTime();
        long out = -1;
        long stableSince = System.nanoTime();
        while (true) {
            long now = System.nanoTime();
            long deliveredNow = InProcessVigil.resultsDelivered();
            if (deliveredNow != delivered) {
                delivered = deliveredNow;
                deliveredAt = now;
            }
            // Counters come with the progress report, every 250 ms; the sink's delivered count is
            // read directly, so the run ends at the last delivery to within a poll.
            long outNow = InProcessVigil.resultsOut();
            if (outNow != out || delivered < outNow) {
                out = outNow;
                stableSince = now;
            } else if (now - stableSince > 1_000_000_000L) {
                return deliveredAt;
            }
            if (now - deliveredAt > QUIET_MILLIS * 1_000_000L) {
                throw new IllegalStateException(
                        "Vigil delivered " + delivered + " of " + out + " results and stopped");
            }
            Thread.sleep(1);
        }
    }

    /**
     * Polls {@code count} every millisecond until it reaches {@code target} and returns when it
     * did; throws when it stands still for 30 s.
     */
    private static long awaitCount(LongSupplier count, long target, String what)
            throws InterruptedException {
        long seen = count.getAsLong();
        long progressAt = System.nanoTime();
        while (true) {
            long now = System.nanoTime();
            long current = count.getAsLong();
            if (current >= target) {
                return now;
            }
            if (current != seen) {
                seen = current;
                progressAt = now;
            } else if (now - progressAt > QUIET_MILLIS * 1_000_000L) {
                throw new IllegalStateException(
                        what + " lost messages: " + current + " of " + target);
            }
            Thread.sleep(1);
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
