package io.vigil.bench.e2e;

import io.vigil.gateway.mqtt.MqttConnectionConfig;
import io.vigil.gateway.mqtt.internal.SourceStatus;
import io.vigil.gateway.mqtt.internal.WindowedPublisher;
import io.vigil.gateway.simulator.PumpSimulator;
import io.vigil.gateway.simulator.TelemetryPublisher;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;

/**
 * {@code vigil run} as an operator starts it, in its own JVM with {@code -Xmx256m}, running the
 * demo pipeline ({@code config/pipelines/pump-anomaly.yaml}) against the benchmark's broker while
 * the demo's pump simulator publishes in real time. Measures the time from launch to the first
 * result on a first start and on a restart (the broker kept the session and queued the readings
 * meanwhile, as after a reboot), RSS and heap at steady state, and the bytes in from the sensors
 * against the bytes out upstream.
 *
 * <p>Each start is also timed to the moment the gateway is ready: its source reader's retained
 * status turns {@code online} once the subscription is active. On a first start the first result
 * comes a window later than that, because the first window must fill with readings in real time;
 * the two figures tell the gateway's own start-up apart from the data it has to wait for.
 */
final class Footprint {

    record Figures(
            int assets,
            double firstStartToReadySeconds,
            double firstStartToFirstResultSeconds,
            double restartToReadySeconds,
            double restartToFirstResultSeconds,
            double rssMb,
            double heapUsedMb,
            double heapCommittedMb,
            long bytesIn,
            long bytesOut,
            long messagesIn,
            long messagesOut,
            double seconds) {}

    /** The class-data archive {@code ./vigil} records on a first run and maps on later ones. */
    private static final Path CLASS_ARCHIVE = Path.of("gateway/target/vigil.jsa");

    private static final Pattern HEAP = Pattern.compile("total (\\d+)K, used (\\d+)K");

    private final Path workDir;
    private final String url;

    Footprint(Path workDir, String url) {
        this.workDir = workDir;
        this.url = url;
    }

    Figures measure(int assets, long steadySeconds) throws Exception {
        Path dir = Files.createDirectories(workDir.resolve("footprint"));
        Path config = dir.resolve("gateway.yaml");
        Files.writeString(
                config,
                "broker:\n  url: "
                        + url
                        + "\n  client-id-prefix: footprint\npipelines:\n  - "
                        + Path.of("config/pipelines/pump-anomaly.yaml").toAbsolutePath()
                        + "\nflink:\n  parallelism: 1\n  checkpoint-interval: 10s\n"
                        + "progress-interval: 5s\n");
        PumpSimulator simulator =
                new PumpSimulator(assets, 100, 3_600_000L, System.currentTimeMillis(), 42, true);
        Thread sensors =
                new Thread(
                        () -> {
                            try (WindowedPublisher publisher =
                                    new WindowedPublisher(
                                            MqttConnectionConfig.builder(url).build(),
                                            "footprint-sensors",
                                            "telemetry")) {
                                new TelemetryPublisher(simulator, publisher, 1).run(36_000, 1.0);
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        },
                        "footprint-sensors");
        sensors.setDaemon(true);
        sensors.start();
        try (Tap in = new Tap(url, "footprint-in", Throughput.TELEMETRY, 1);
                // The demo pipeline's results only: the other sections left retained health
                // messages under results/bench/, which would arrive at once on subscribing.
                Tap out = new Tap(url, "footprint-out", "results/pump-anomaly/#", 1);
                OnlineTap status = new OnlineTap(url)) {
            // First start, as on a fresh install: no session yet, so the first window fills in
            // real time, and no class-data archive yet (./vigil records it when this run stops).
            Files.deleteIfExists(CLASS_ARCHIVE);
            double first;
            double firstReady;
            long before = out.messages();
            out.mark(before);
            long launched = System.nanoTime();
            status.expectFrom(launched);
            Process gateway = launch(config, dir.resolve("first.log"));
            try {
                first = awaitResult(out, before, launched, gateway);
                firstReady = status.onlineSecondsAfter(launched);
            } finally {
                stop(gateway);
            }
            if (!Files.isRegularFile(CLASS_ARCHIVE)) {
                throw new IllegalStateException(
                        "./vigil run recorded no class-data archive when it stopped");
            }
            // Ten seconds away; the broker queues the readings for the persistent session.
            Thread.sleep(10_000);
            before = out.messages();
            out.mark(before);
            launched = System.nanoTime();
            status.expectFrom(launched);
            gateway = launch(config, dir.resolve("restart.log"));
            try {
                double restart = awaitResult(out, before, launched, gateway);
                double restartReady = status.onlineSecondsAfter(launched);
                // Steady state: count bytes over the measured period, then sample memory.
                Thread.sleep(5_000);
                long inBytes = in.bytes();
                long outBytes = out.bytes();
                long inMessages = in.messages();
                long outMessages = out.messages();
                long started = System.nanoTime();
                Thread.sleep(steadySeconds * 1000);
                double seconds = (System.nanoTime() - started) / 1e9;
                long[] heap = heapKb(gateway.pid());
                return new Figures(
                        assets,
                        firstReady,
                        first,
                        restartReady,
                        restart,
                        rssKb(gateway.pid()) / 1024.0,
                        heap[1] / 1024.0,
                        heap[0] / 1024.0,
                        in.bytes() - inBytes,
                        out.bytes() - outBytes,
                        in.messages() - inMessages,
                        out.messages() - outMessages,
                        seconds);
            } finally {
                stop(gateway);
                sensors.interrupt();
            }
        }
    }

    /**
     * Notes when the gateway's source reader reports {@code online}, ignoring the retained status a
     * previous run left behind (it arrives on subscribing, before the launch).
     */
    private static final class OnlineTap extends Tap {

        private volatile long expectedFrom = Long.MAX_VALUE;
        private volatile long onlineNanos = -1;

        OnlineTap(String url) throws MqttException {
            super(url, "footprint-status", SourceStatus.filter("footprint"), 1);
        }

        void expectFrom(long nanos) {
            onlineNanos = -1;
            expectedFrom = nanos;
        }

        @Override
        void onMessage(String topic, MqttMessage message) {
            long arrived = lastNanos();
            if (onlineNanos < 0
                    && arrived >= expectedFrom
                    && new String(message.getPayload(), StandardCharsets.UTF_8)
                            .contains("\"state\":\"online\"")) {
                onlineNanos = arrived;
            }
        }

        /** Called once a result has come: the reader was online before it. */
        double onlineSecondsAfter(long launched) {
            if (onlineNanos < 0) {
                throw new IllegalStateException(
                        "vigil run gave a result, but its source reported no 'online' status");
            }
            return (onlineNanos - launched) / 1e9;
        }
    }

    private static Process launch(Path config, Path log) throws IOException {
        ProcessBuilder builder =
                new ProcessBuilder("./vigil", "run", "--config", config.toString())
                        .redirectErrorStream(true)
                        .redirectOutput(log.toFile());
        builder.environment().put("VIGIL_JAVA_OPTS", "-Xmx256m");
        return builder.start();
    }

    private static double awaitResult(Tap out, long before, long launched, Process gateway)
            throws InterruptedException {
        long deadline = launched + 120_000_000_000L;
        while (out.messages() == before) {
            if (!gateway.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException("vigil run gave no result (see its log)");
            }
            Thread.sleep(5);
        }
        return (out.firstNanosAfter(before) - launched) / 1e9;
    }

    private static void stop(Process gateway) throws InterruptedException {
        gateway.destroy();
        if (!gateway.waitFor(30, TimeUnit.SECONDS)) {
            gateway.destroyForcibly().waitFor();
        }
    }

    /** Resident set size of the process, from /proc. */
    private static long rssKb(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        throw new IllegalStateException("No VmRSS for process " + pid);
    }

    /** Heap committed and used, in kB, from {@code jcmd <pid> GC.heap_info}. */
    private static long[] heapKb(long pid) throws IOException, InterruptedException {
        Process jcmd =
                new ProcessBuilder("jcmd", String.valueOf(pid), "GC.heap_info")
                        .redirectErrorStream(true)
                        .start();
        String text = new String(jcmd.getInputStream().readAllBytes());
        jcmd.waitFor();
        Matcher m = HEAP.matcher(text);
        if (!m.find()) {
            throw new IllegalStateException("Cannot read the heap of " + pid + ": " + text);
        }
        return new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2))};
    }
}
