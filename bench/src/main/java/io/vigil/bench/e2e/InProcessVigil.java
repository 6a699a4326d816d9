package io.vigil.bench.e2e;

import io.vigil.gateway.config.GatewayConfig;
import io.vigil.gateway.job.Gateway;
import io.vigil.gateway.job.ProgressReporter;
import io.vigil.pipelines.PipelineMetrics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Vigil's real job (MQTT source, the pump pipeline, ONNX scoring, MQTT sink) on a Flink MiniCluster
 * in this JVM, reading from and publishing to the benchmark's broker. The pipeline is the shipped
 * {@code pump-anomaly} one with every window's score published too, so every window is a result
 * message the sink must deliver (the harness waits for the sink's count of them); its idle timeout
 * is long, so the pauses between runs never move event time.
 */
final class InProcessVigil implements AutoCloseable {

    private static final String PIPELINE =
            """
            name: bench
            source:
              topics: ["plant/pumps/{asset}/telemetry"]
              format: json
              timestamp: {field: ts, format: epoch-millis}
              channels: [vibration, pressure, temperature, current, flow]
            time:
              max-out-of-orderness: 2s
              idle-timeout: 1h
            window:
              type: sliding
              length: 6.4s
              hop: %s
              resample: last
              missing: forward-fill
              max-gap: 1s
              min-coverage: 0.9
              stagger: true
            model:
              name: pump-transformer
              batch-size: 32
              batch-timeout: 20ms
            detect:
              debounce: {k: 2, n: 3}
              clear: 0.8
              cooldown: 30s
            output:
              qos: %d
              top-channels: 3
              events: {topic: "results/{pipeline}/{asset}/{type}", rate-limit: 6/min}
              health: {topic: "results/{pipeline}/{asset}/health", interval: 10s}
              scores: {topic: "results/{pipeline}/{asset}/score", fields: [window, score]}
              dead-letters: {topic: "vigil/dead-letter/{pipeline}"}
              late: {topic: "vigil/late/{pipeline}"}
            """;

    private static final String GATEWAY =
            """
            broker:
              url: %s
              qos: %d
              client-id-prefix: %s
              shared-group: %s
              session-expiry: 1s
            pipelines: [bench.yaml]
            flink:
              parallelism: 1
              checkpoint-interval: 10s
            progress-interval: 250ms
            """;

    private static final AtomicInteger RUNS = new AtomicInteger();

    private final Gateway gateway;

    private InProcessVigil(Gateway gateway) {
        this.gateway = gateway;
    }

    /** Starts the job and returns once its source has subscribed. */
    static InProcessVigil start(Path workDir, String brokerUrl, int qos, String hop)
            throws Exception {
        Path dir = Files.createDirectories(workDir.resolve("vigil"));
        Files.writeString(
                dir.resolve("bench.yaml"), String.format(Locale.ROOT, PIPELINE, hop, qos));
        // A fresh client id and shared group per run, and sessions that end a second after the
        // run: the broker would otherwise keep a stopped run's session with its subscription and
        // queue every later QoS 1 message for it (a reused id inherits them; a reused group would
        // send it every other message), and every run after it would pay for that queueing.
        String clientIds = "bench-vigil-" + RUNS.incrementAndGet();
        String yaml = String.format(Locale.ROOT, GATEWAY, brokerUrl, qos, clientIds, clientIds);
        GatewayConfig config = GatewayConfig.parse("bench-gateway.yaml", yaml, dir);
        try (Tap status =
                new Tap(brokerUrl, "bench-status", "vigil/status/" + clientIds + "/+", 1)
                        .keepingLast()) {
            Gateway gateway = Gateway.start(config, Gateway.loadPipelines(config));
            long deadline = System.nanoTime() + 120_000_000_000L;
            while (status.lastPayload() == null || !status.lastPayload().contains("online")) {
                if (System.nanoTime() > deadline) {
                    gateway.close();
                    throw new IllegalStateException("Vigil's source did not come online");
                }
                Thread.sleep(10);
            }
            return new InProcessVigil(gateway);
        }
    }

    /** A pipeline counter's total at the last progress report (every 250 ms). */
    static long counter(String name) {
        return ProgressReporter.latest().getOrDefault(name, 0L);
    }

    static long readingsWindowed() {
        return counter(PipelineMetrics.READINGS_WINDOWED);
    }

    static long windowsScored() {
        return counter(PipelineMetrics.WINDOWS_SCORED);
    }

    /** Result messages the pipelines sent out, at the last progress report. */
    static long resultsOut() {
        return counter(PipelineMetrics.EVENTS_OUT);
    }

    /** Result messages the results sink has delivered, now. */
    static long resultsDelivered() {
        return ProgressReporter.resultsDelivered();
    }

    @Override
    public void close() throws Exception {
        gateway.close();
    }
}
