package io.vigil.bench.e2e;

import io.vigil.gateway.mqtt.MqttConnectionConfig;
import io.vigil.gateway.mqtt.internal.WindowedPublisher;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.locks.LockSupport;

/**
 * The sensors: publishes telemetry from a JVM of its own, as a plant's devices would, so that its
 * allocation and garbage collection pauses do not land in the system under test, which shares the
 * harness's JVM. Each publishing is one short-lived process; a timed one first publishes a
 * throwaway round to a topic nobody reads, so its JIT is warm when the measured messages go out.
 *
 * <p>Protocol on stdout: {@code publishing} just before the first measured message, {@code done
 * <seconds>} when the broker has acknowledged the last one.
 */
final class Publisher {

    private static final String WARM_UP_TOPIC = "bench/publisher-warm-up";
    private static final int WARM_UP_MESSAGES = 30_000;

    private Publisher() {}

    /**
     * Arguments: broker url, QoS, readings per second (0: as fast as the broker takes them),
     * whether to warm up first, the telemetry's recipe.
     */
    public static void main(String[] args) {
        int exit = 1;
        try {
            publish(args);
            exit = 0;
        } catch (Exception e) {
            e.printStackTrace();
        } finally {
            // The harness reads this process's output to its end. Paho's sender thread, which is
            // not a daemon, once outlived a clean disconnect and kept the process, and the whole
            // run, waiting for ever.
            System.exit(exit);
        }
    }

    private static void publish(String[] args) throws Exception {
        String url = args[0];
        int qos = Integer.parseInt(args[1]);
        double readingsPerSecond = Double.parseDouble(args[2]);
        boolean warmUp = Boolean.parseBoolean(args[3]);
        Telemetry telemetry = Telemetry.fromRecipe(List.of(args).subList(4, args.length));
        try (WindowedPublisher publisher =
                new WindowedPublisher(
                        MqttConnectionConfig.builder(url).build(),
                        "bench-publisher-" + ProcessHandle.current().pid(),
                        "telemetry")) {
            for (int i = 0; warmUp && i < WARM_UP_MESSAGES; i++) {
                publisher.publish(
                        WARM_UP_TOPIC, telemetry.payloads[i % telemetry.messages()], qos, false);
            }
            publisher.awaitAcknowledged();
            System.out.println("publishing");
            System.out.flush();
            long started = System.nanoTime();
            double nanosPerMessage =
                    readingsPerSecond > 0
                            ? 1e9 * telemetry.readings / telemetry.messages() / readingsPerSecond
                            : 0;
            for (int i = 0; i < telemetry.messages(); i++) {
                if (nanosPerMessage > 0) {
                    long wait = started + (long) (i * nanosPerMessage) - System.nanoTime();
                    if (wait > 0) {
                        LockSupport.parkNanos(wait);
                    }
                }
                publisher.publish(telemetry.topics[i], telemetry.payloads[i], qos, false);
            }
            publisher.awaitAcknowledged();
            System.out.printf(Locale.ROOT, "done %.6f%n", (System.nanoTime() - started) / 1e9);
        }
    }

    /** When the measured publishing started (this JVM's clock) and how long it took. */
    record Publishing(long startedNanos, double seconds) {}

    /**
     * Runs a publisher process for {@code telemetry} and waits until the broker acknowledged all of
     * it; {@code warmUp}: publish a throwaway round first. Its log goes to {@code log}.
     */
    static Publishing run(
            String url,
            int qos,
            double readingsPerSecond,
            boolean warmUp,
            Telemetry telemetry,
            Path log)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.add("-Xmx512m");
        command.add(
                "-Dlogback.configurationFile="
                        + System.getProperty("logback.configurationFile", ""));
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(Publisher.class.getName());
        command.add(url);
        command.add(String.valueOf(qos));
        command.add(String.format(Locale.ROOT, "%.3f", readingsPerSecond));
        command.add(String.valueOf(warmUp));
        command.addAll(telemetry.recipe);
        Process process =
                new ProcessBuilder(command)
                        .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
                        .start();
        long started = -1;
        double seconds = -1;
        try (BufferedReader out =
                new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = out.readLine()) != null; ) {
                if (line.equals("publishing")) {
                    started = System.nanoTime();
                } else if (line.startsWith("done ")) {
                    seconds = Double.parseDouble(line.substring(5));
                }
            }
        }
        int exit = process.waitFor();
        if (exit != 0 || started < 0 || seconds < 0) {
            throw new IllegalStateException(
                    "the publisher process failed (exit " + exit + "); see " + log);
        }
        return new Publishing(started, seconds);
    }
}
