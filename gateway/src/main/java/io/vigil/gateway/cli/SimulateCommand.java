package io.vigil.gateway.cli;

import io.vigil.gateway.mqtt.MqttConnectionConfig;
import io.vigil.gateway.mqtt.internal.WindowedPublisher;
import io.vigil.gateway.simulator.CsvExport;
import io.vigil.gateway.simulator.PumpSimulator;
import io.vigil.gateway.simulator.TelemetryPublisher;
import java.io.BufferedWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code vigil simulate}: simulated pump telemetry, published over MQTT or exported as CSV. */
@Command(
        name = "simulate",
        description = {
            "Publish simulated pump telemetry (vibration, pressure, temperature, current, flow) with scheduled faults.",
            "pump-01 always stays healthy; the others get bearing wear, cavitation, sensor drift or spikes."
        })
final class SimulateCommand implements Callable<Integer> {

    @Option(
            names = "--broker",
            defaultValue = "tcp://127.0.0.1:1883",
            description = "Broker URL (default: ${DEFAULT-VALUE}).")
    String broker;

    @Option(
            names = "--assets",
            defaultValue = "5",
            description = "Number of pumps (default: ${DEFAULT-VALUE}).")
    int assets;

    @Option(
            names = "--duration",
            defaultValue = "90",
            description =
                    "Simulated seconds (default: ${DEFAULT-VALUE}); faults are placed in this span.")
    long durationSeconds;

    @Option(
            names = "--period",
            defaultValue = "100",
            description =
                    "Milliseconds between two readings of a pump (default: ${DEFAULT-VALUE}).")
    long periodMillis;

    @Option(
            names = "--speed",
            defaultValue = "1",
            description =
                    "Simulated seconds per real second; 0 = as fast as the broker takes them (default: ${DEFAULT-VALUE}).")
    double speed;

    @Option(
            names = "--seed",
            defaultValue = "42",
            description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(
            names = "--qos",
            defaultValue = "1",
            description = "Publish QoS, 0 or 1 (default: ${DEFAULT-VALUE}).")
    int qos;

    @Option(names = "--healthy", description = "Inject no faults (training data).")
    boolean healthy;

    @Option(
            names = "--export",
            paramLabel = "FILE.csv",
            description =
                    "Write CSV instead of publishing (event time starts at 2023-11-14T22:13:20Z).")
    Path export;

    @Override
    public Integer call() throws Exception {
        long runMillis = durationSeconds * 1000;
        long steps = runMillis / periodMillis;
        if (export != null) {
            PumpSimulator simulator =
                    new PumpSimulator(
                            assets, periodMillis, runMillis, 1_700_000_000_000L, seed, !healthy);
            Files.createDirectories(export.toAbsolutePath().getParent());
            try (Writer out = new BufferedWriter(Files.newBufferedWriter(export))) {
                long rows = CsvExport.write(simulator, steps, out);
                System.out.printf("Wrote %d readings of %d pumps to %s%n", rows, assets, export);
            }
            return 0;
        }
        PumpSimulator simulator =
                new PumpSimulator(
                        assets,
                        periodMillis,
                        runMillis,
                        System.currentTimeMillis(),
                        seed,
                        !healthy);
        MqttConnectionConfig connection =
                MqttConnectionConfig.builder(broker).clientIdPrefix("vigil-simulator").build();
        try (WindowedPublisher publisher =
                new WindowedPublisher(
                        connection,
                        "vigil-simulator-" + ProcessHandle.current().pid(),
                        "telemetry")) {
            long published = new TelemetryPublisher(simulator, publisher, qos).run(steps, speed);
            System.out.printf(
                    "Published %d readings of %d pumps to %s%n", published, assets, broker);
        }
        return 0;
    }
}
