package io.vigil.gateway.broker;

import com.hivemq.embedded.EmbeddedHiveMQ;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An MQTT 5 broker (HiveMQ Community Edition) inside the gateway's JVM, for a gateway whose config
 * names no broker. It keeps sessions and queues in memory, sends no usage statistics and logs
 * through Vigil's own logback setup.
 *
 * <p>Two HiveMQ defaults would lose data under load and are raised here: a client's queue holds
 * only 1 000 messages and discards the newest beyond that (which is what dropped QoS 1 messages
 * when a shared subscription's readers fell behind), and the server Receive Maximum of 10 limits
 * the QoS 1 publishes a client may have in flight.
 *
 * <pre>{@code
 * try (EmbeddedBroker broker = EmbeddedBroker.start("127.0.0.1", 1883)) {
 *     String url = broker.url(); // tcp://127.0.0.1:1883
 * }
 * }</pre>
 */
public final class EmbeddedBroker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedBroker.class);

    /** Per-client queue limit; bounds memory while riding out bursts and gateway restarts. */
    public static final long MAX_QUEUED_MESSAGES = 1_000_000;

    /** How many QoS 1 publishes a client may have unacknowledged. */
    public static final int SERVER_RECEIVE_MAXIMUM = 1_000;

    private final EmbeddedHiveMQ hivemq;
    private final Path home;
    private final String host;
    private final int port;

    private EmbeddedBroker(EmbeddedHiveMQ hivemq, Path home, String host, int port) {
        this.hivemq = hivemq;
        this.home = home;
        this.host = host;
        this.port = port;
    }

    /**
     * Starts a broker listening on {@code bindAddress:port}; port 0 picks a free port.
     *
     * @throws IllegalStateException when the broker cannot start, e.g. because the port is taken
     */
    public static EmbeddedBroker start(String bindAddress, int port) {
        int actualPort = port == 0 ? freePort(bindAddress) : port;
        Path home;
        try {
            home = Files.createTempDirectory("vigil-broker-");
            Path conf = Files.createDirectories(home.resolve("conf"));
            Files.createDirectories(home.resolve("data"));
            Files.createDirectories(home.resolve("extensions"));
            Files.writeString(conf.resolve("config.xml"), config(bindAddress, actualPort));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot prepare the embedded broker's folders.", e);
        }
        EmbeddedHiveMQ hivemq =
                EmbeddedHiveMQ.builder()
                        .withConfigurationFolder(home.resolve("conf"))
                        .withDataFolder(home.resolve("data"))
                        .withExtensionsFolder(home.resolve("extensions"))
                        .withoutLoggingBootstrap()
                        .build();
        try {
            hivemq.start().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while starting the embedded broker.", e);
        } catch (ExecutionException e) {
            closeQuietly(hivemq);
            deleteRecursively(home);
            throw new IllegalStateException(
                    "The embedded MQTT broker cannot listen on "
                            + bindAddress
                            + ":"
                            + actualPort
                            + " (is the port taken? set broker.embedded.port in gateway.yaml): "
                            + e.getCause().getMessage(),
                    e.getCause());
        }
        LOG.info("Embedded MQTT 5 broker listening on {}:{}", bindAddress, actualPort);
        return new EmbeddedBroker(hivemq, home, bindAddress, actualPort);
    }

    /** The URL clients connect to, e.g. {@code tcp://127.0.0.1:1883}. */
    public String url() {
        String connectHost = host.equals("0.0.0.0") ? "127.0.0.1" : host;
        return "tcp://" + connectHost + ":" + port;
    }

    public int port() {
        return port;
    }

    @Override
    public void close() {
        try {
            hivemq.stop().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            LOG.warn("The embedded broker did not stop cleanly.", e.getCause());
        } finally {
            closeQuietly(hivemq);
            deleteRecursively(home);
        }
    }

    private static String config(String bindAddress, int port) {
        return """
                <?xml version="1.0"?>
                <hivemq>
                    <listeners>
                        <tcp-listener>
                            <port>%d</port>
                            <bind-address>%s</bind-address>
                        </tcp-listener>
                    </listeners>
                    <mqtt>
                        <queued-messages>
                            <max-queue-size>%d</max-queue-size>
                            <strategy>discard</strategy>
                        </queued-messages>
                        <receive-maximum>
                            <server-receive-maximum>%d</server-receive-maximum>
                        </receive-maximum>
                    </mqtt>
                    <persistence>
                        <mode>in-memory</mode>
                    </persistence>
                    <anonymous-usage-statistics>
                        <enabled>false</enabled>
                    </anonymous-usage-statistics>
                </hivemq>
                """
                .formatted(port, bindAddress, MAX_QUEUED_MESSAGES, SERVER_RECEIVE_MAXIMUM);
    }

    private static int freePort(String bindAddress) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(bindAddress, 0));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot find a free port on " + bindAddress + ".", e);
        }
    }

    private static void closeQuietly(EmbeddedHiveMQ hivemq) {
        try {
            hivemq.close();
        } catch (Exception e) {
            LOG.debug("Closing the embedded broker failed.", e);
        }
    }

    private static void deleteRecursively(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            LOG.debug("Cannot delete {}", root, e);
        }
    }
}
