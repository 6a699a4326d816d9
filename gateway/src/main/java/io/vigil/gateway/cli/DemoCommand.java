package io.vigil.gateway.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.gateway.config.GatewayConfig;
import io.vigil.gateway.job.Gateway;
import io.vigil.gateway.mqtt.MqttConnectionConfig;
import io.vigil.gateway.mqtt.internal.SourceStatus;
import io.vigil.gateway.mqtt.internal.TopicRecorder;
import io.vigil.gateway.mqtt.internal.WindowedPublisher;
import io.vigil.gateway.simulator.Fault;
import io.vigil.gateway.simulator.PumpSimulator;
import io.vigil.gateway.simulator.TelemetryPublisher;
import io.vigil.pipelines.spec.ConfigException;
import io.vigil.pipelines.spec.PipelineSpec;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code vigil demo}: the whole path on one machine. Starts the gateway on the embedded defaults,
 * publishes simulated pump telemetry with scheduled faults in real time, prints each anomaly event
 * as a dashboard would receive it, and ends with a summary of which faults were reported when.
 */
@Command(
        name = "demo",
        description =
                "Run the gateway on embedded defaults against simulated pumps with injected faults.")
final class DemoCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Option(
            names = "--duration",
            defaultValue = "90",
            description =
                    "Seconds of simulated telemetry, in real time (default: ${DEFAULT-VALUE}).")
    long durationSeconds;

    @Option(
            names = "--config",
            defaultValue = "config/gateway.yaml",
            description = "Gateway file (default: ${DEFAULT-VALUE}).")
    Path config;

    @Option(
            names = "--assets",
            defaultValue = "5",
            description = "Number of pumps (default: ${DEFAULT-VALUE}).")
    int assets;

    @Option(
            names = "--seed",
            defaultValue = "42",
            description = "Simulator seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() throws Exception {
        GatewayConfig gatewayConfig;
        List<PipelineSpec> pipelines;
        try {
            gatewayConfig = GatewayConfig.load(config);
            pipelines = Gateway.loadPipelines(gatewayConfig);
        } catch (ConfigException e) {
            System.err.println(e.getMessage());
            return 2;
        }
        long samplePeriod = pipelines.get(0).model().card().samplePeriodMillis();
        try (Gateway gateway = Gateway.start(gatewayConfig, pipelines)) {
            say("Gateway started. Watch the results as a dashboard would:");
            say(
                    "  mosquitto_sub -h %s -p %s -t 'results/#' -v",
                    host(gateway.upstreamUrl()), port(gateway.upstreamUrl()));
            awaitReaders(gateway, gatewayConfig);

            List<TopicRecorder.Received> anomalies = new ArrayList<>();
            try (TopicRecorder results =
                    TopicRecorder.start(
                            gateway.upstreamUrl(),
                            "vigil-demo-watch",
                            resultFilters(pipelines),
                            r -> show(r, anomalies))) {
                PumpSimulator simulator =
                        new PumpSimulator(
                                assets,
                                samplePeriod,
                                durationSeconds * 1000,
                                System.currentTimeMillis(),
                                seed,
                                true);
                long start = System.currentTimeMillis();
                MqttConnectionConfig plant =
                        MqttConnectionConfig.builder(gateway.plantUrl())
                                .clientIdPrefix("vigil-demo")
                                .build();
                try (WindowedPublisher publisher =
                        new WindowedPublisher(plant, "vigil-demo-simulator", "telemetry")) {
                    long steps = durationSeconds * 1000 / samplePeriod;
                    long published =
                            new TelemetryPublisher(simulator, publisher, 1).run(steps, 1.0);
                    say("Simulator done: %d readings published.", published);
                }
                // The last windows close once event time passes them; the simulator has stopped, so
                // give in-flight results a moment to arrive before summing up.
                Thread.sleep(3_000);
                summarize(simulator, start, anomalies);
            }
        }
        return 0;
    }

    private static void awaitReaders(Gateway gateway, GatewayConfig config) throws Exception {
        long since = System.currentTimeMillis();
        List<String> online = new ArrayList<>();
        try (TopicRecorder status =
                TopicRecorder.start(
                        gateway.plantUrl(),
                        "vigil-demo-status",
                        List.of(SourceStatus.filter(config.clientIdPrefix())),
                        r -> {})) {
            long deadline = System.currentTimeMillis() + 120_000;
            while (System.currentTimeMillis() < deadline) {
                online.clear();
                for (TopicRecorder.Received r : status.received()) {
                    JsonNode s = JSON.readTree(r.payload());
                    if (s.path("state").asText().equals("online")
                            && s.path("since").asLong() >= since) {
                        online.add(r.topic());
                    }
                }
                if (online.size() >= gateway.sourceReaders()) {
                    say(
                            "Gateway subscribed (%d reader(s)); starting the simulator.",
                            online.size());
                    return;
                }
                Thread.sleep(200);
            }
        }
        throw new IllegalStateException(
                "The gateway's MQTT readers did not come online within 120 s.");
    }

    private static List<String> resultFilters(List<PipelineSpec> pipelines) {
        List<String> filters = new ArrayList<>();
        for (PipelineSpec p : pipelines) {
            filters.add(
                    p.output()
                            .events()
                            .topic()
                            .replace("{pipeline}", p.name())
                            .replace("{asset}", "+")
                            .replace("{type}", "+"));
        }
        return filters;
    }

    private static void show(
            TopicRecorder.Received received, List<TopicRecorder.Received> anomalies) {
        try {
            JsonNode event = JSON.readTree(received.payload());
            if (!event.has("state")) {
                return;
            }
            synchronized (anomalies) {
                anomalies.add(received);
            }
            List<String> blamed = new ArrayList<>();
            event.path("channels").forEach(c -> blamed.add(c.path("name").asText()));
            say(
                    "%-7s %-15s %-8s window ending %s  score %.3f (threshold %.3f)  channels %s",
                    event.path("state").asText().toUpperCase(java.util.Locale.ROOT),
                    event.path("type").asText(),
                    event.path("asset").asText(),
                    event.path("time").asText(),
                    event.path("score").asDouble(),
                    event.path("threshold").asDouble(),
                    blamed);
        } catch (IOException e) {
            say("Unreadable result on %s: %s", received.topic(), e.getMessage());
        }
    }

    private static void summarize(
            PumpSimulator simulator, long start, List<TopicRecorder.Received> anomalies)
            throws IOException {
        say("");
        say(
                "%-8s  %-13s  %-11s  %-15s  %s",
                "asset", "fault", "fault start", "first alarm", "alarms raised");
        List<TopicRecorder.Received> events;
        synchronized (anomalies) {
            events = List.copyOf(anomalies);
        }
        for (String asset : simulator.assets()) {
            Fault fault = simulator.faultOf(asset).orElse(null);
            long count = 0;
            long first = Long.MAX_VALUE;
            for (TopicRecorder.Received r : events) {
                JsonNode event = JSON.readTree(r.payload());
                if (event.path("asset").asText().equals(asset)
                        && event.path("state").asText().equals("raised")) {
                    count++;
                    first =
                            Math.min(
                                    first,
                                    Instant.parse(event.path("time").asText()).toEpochMilli());
                }
            }
            say(
                    "%-8s  %-13s  %-11s  %-15s  %d",
                    asset,
                    fault == null ? "none" : fault.kind().label(),
                    fault == null ? "-" : "t = " + fault.startMillis() / 1000 + " s",
                    count == 0 ? "-" : "t = " + (first - start) / 1000 + " s",
                    count);
        }
    }

    private static String host(String url) {
        return url.replaceFirst("^[a-z]+://", "").replaceFirst(":\\d+/?$", "");
    }

    private static String port(String url) {
        return url.replaceFirst(".*:(\\d+)/?$", "$1");
    }

    private static void say(String format, Object... args) {
        System.out.println(String.format(format, args));
    }
}
