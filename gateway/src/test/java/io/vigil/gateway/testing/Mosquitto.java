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

    private final Process process;
    private final int port;

    private Mosquitto(Process process, int port) {
        this.process = process;
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
        Path config = workDir.resolve("mosquitto.conf");
        // max_queued_messages 0 lifts the 1 000-message limit per client: with it, a shared
        // subscriber that falls behind a burst would lose the excess (see MqttSource).
        Files.writeString(
                config,
                "listener "
                        + port
                        + " 127.0.0.1\n"
                        + "allow_anonymous true\n"
                        + "persistence false\n"
                        + "max_queued_messages 0\n"
                        + "log_dest stderr\n"
                        + "log_type error\n");
        Process process =
                new ProcessBuilder(BINARY.toString(), "-c", config.toString())
                        .redirectErrorStream(true)
                        .redirectOutput(workDir.resolve("mosquitto.log").toFile())
                        .start();
        Mosquitto mosquitto = new Mosquitto(process, port);
        await().atMost(Duration.ofSeconds(10)).until(mosquitto::accepting);
        return mosquitto;
    }

    public String url() {
        return "tcp://127.0.0.1:" + port;
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
