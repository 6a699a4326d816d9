package io.vigil.gateway.testing;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Assumptions;

/**
 * Debian's Mosquitto, started by the test on a free loopback port with a throwaway config, the
 * reference external broker. {@code .ci/run} installs it; on a developer machine without it the
 * tests that need it are skipped, in CI they fail.
 */
public final class Mosquitto implements AutoCloseable {

    private static final Path BINARY = Path.of("/usr/sbin/mosquitto");

    private final Path workDir;
    private final int port;
    private Process process;

    private Mosquitto(Path workDir, int port) {
        this.workDir = workDir;
        this.port = port;
    }

    public static Mosquitto start(Path workDir) throws IOException {
        if (System.getenv("CI") == null) {
            Assumptions.assumeTrue(
                    Files.isExecutable(BINARY),
                    "Mosquitto is not installed (apt-get install mosquitto)");
        }
        int port;
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress("127.0.0.1", 0));
            port = socket.getLocalPort();
        }
        // max_queued_messages 0 lifts the 1 000-message limit per client: with it, a shared
        // subscriber that falls behind a burst would lose the excess (see docs/mqtt.md).
        Files.writeString(
                workDir.resolve("mosquitto.conf"),
                "listener "
                        + port
                        + " 127.0.0.1\n"
                        + "allow_anonymous true\n"
                        + "persistence false\n"
                        + "max_queued_messages 0\n"
                        + "log_dest stderr\n"
                        + "log_type error\n");
        Mosquitto mosquitto = new Mosquitto(workDir, port);
        mosquitto.launch();
        return mosquitto;
    }

    public int port() {
        return port;
    }

    public String url() {
        return "tcp://127.0.0.1:" + port;
    }

    /** Stops the broker, as a crash or a maintenance restart would. */
    public void stop() throws InterruptedException {
        process.destroy();
        process.waitFor();
        await().atMost(Duration.ofSeconds(10)).until(() -> !accepting());
    }

    /** Starts it again on the same port (without persistence: sessions and queues are gone). */
    public void restart() throws IOException {
        launch();
    }

    private void launch() throws IOException {
        process =
                new ProcessBuilder(
                                BINARY.toString(),
                                "-c",
                                workDir.resolve("mosquitto.conf").toString())
                        .redirectErrorStream(true)
                        .redirectOutput(
                                ProcessBuilder.Redirect.appendTo(
                                        workDir.resolve("mosquitto.log").toFile()))
                        .start();
        await().atMost(Duration.ofSeconds(10)).until(this::accepting);
    }

    private boolean accepting() {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        process.waitFor();
    }
}
