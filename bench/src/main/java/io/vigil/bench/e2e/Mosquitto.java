package io.vigil.bench.e2e;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Debian's Mosquitto on a free loopback port, the broker every side-by-side comparison shares. Its
 * settings are the reference broker's defaults, except that the per-client queue is unbounded: a
 * subscriber that falls behind a burst must see every message, not the newest 1 000.
 */
final class Mosquitto implements AutoCloseable {

    private static final Path BINARY = Path.of("/usr/sbin/mosquitto");

    private final Process process;
    private final int port;

    private Mosquitto(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    static Mosquitto start(Path workDir) throws IOException, InterruptedException {
        if (!Files.isExecutable(BINARY)) {
            throw new IllegalStateException(
                    "The benchmarks need Mosquitto at " + BINARY + " (apt-get install mosquitto)");
        }
        int port;
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress("127.0.0.1", 0));
            port = socket.getLocalPort();
        }
        Path conf = workDir.resolve("mosquitto.conf");
        Files.writeString(
                conf,
                "listener "
                        + port
                        + " 127.0.0.1\n"
                        + "allow_anonymous true\n"
                        + "persistence false\n"
                        + "max_queued_messages 0\n"
                        + "log_dest stderr\n"
                        + "log_type error\n");
        Process process =
                new ProcessBuilder(BINARY.toString(), "-c", conf.toString())
                        .redirectErrorStream(true)
                        .redirectOutput(workDir.resolve("mosquitto.log").toFile())
                        .start();
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!accepting(port)) {
            if (System.nanoTime() > deadline || !process.isAlive()) {
                process.destroy();
                throw new IllegalStateException(
                        "Mosquitto did not start; see " + workDir.resolve("mosquitto.log"));
            }
            Thread.sleep(20);
        }
        return new Mosquitto(process, port);
    }

    String url() {
        return "tcp://127.0.0.1:" + port;
    }

    long pid() {
        return process.pid();
    }

    private static boolean accepting(int port) {
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
