package io.vigil.gateway.mqtt.internal;

import io.vigil.gateway.mqtt.MqttConnectionConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import javax.net.SocketFactory;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;

/** Creates Paho v5 clients and connection options from a {@link MqttConnectionConfig}. */
public final class PahoClients {

    private PahoClients() {}

    public static MqttAsyncClient client(MqttConnectionConfig config, String clientId) {
        try {
            return new MqttAsyncClient(config.serverUrl(), clientId, new MemoryPersistence());
        } catch (MqttException e) {
            throw new IllegalArgumentException(
                    "Cannot create an MQTT client for "
                            + config.serverUrl()
                            + ": "
                            + e.getMessage(),
                    e);
        }
    }

    /**
     * Options for a long-lived client: automatic reconnect, and a persistent session ({@code
     * cleanStart = false}) when {@code persistentSession}, so the broker queues QoS 1 messages
     * while the gateway is away.
     */
    public static MqttConnectionOptions options(
            MqttConnectionConfig config, boolean persistentSession, int receiveMaximum) {
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setServerURIs(new String[] {config.serverUrl()});
        options.setCleanStart(!persistentSession);
        options.setSessionExpiryInterval(
                persistentSession ? config.sessionExpiry().toSeconds() : 0L);
        options.setKeepAliveInterval((int) config.keepAlive().toSeconds());
        options.setAutomaticReconnect(true);
        options.setAutomaticReconnectDelay(
                1, (int) Math.max(1, config.maxReconnectDelay().toSeconds()));
        options.setConnectionTimeout(10);
        options.setReceiveMaximum(receiveMaximum);
        if (config.username() != null) {
            options.setUserName(config.username());
            options.setPassword(
                    config.password() == null
                            ? null
                            : config.password().getBytes(StandardCharsets.UTF_8));
        }
        if (config.serverUrl().startsWith("tcp://")) {
            options.setSocketFactory(new NoDelaySocketFactory());
        }
        return options;
    }

    /**
     * Paho never sets TCP_NODELAY, so small QoS 1 packets wait on Nagle's algorithm and the peer's
     * delayed ACK; that capped a QoS 1 subscriber near 1 100 msg/s. Every socket from here has it
     * set.
     */
    static final class NoDelaySocketFactory extends SocketFactory {

        private final SocketFactory delegate = SocketFactory.getDefault();

        @Override
        public Socket createSocket() throws IOException {
            return configure(delegate.createSocket());
        }

        @Override
        public Socket createSocket(String host, int port) throws IOException {
            return configure(delegate.createSocket(host, port));
        }

        @Override
        public Socket createSocket(String host, int port, InetAddress localHost, int localPort)
                throws IOException {
            return configure(delegate.createSocket(host, port, localHost, localPort));
        }

        @Override
        public Socket createSocket(InetAddress host, int port) throws IOException {
            return configure(delegate.createSocket(host, port));
        }

        @Override
        public Socket createSocket(
                InetAddress address, int port, InetAddress localAddress, int localPort)
                throws IOException {
            return configure(delegate.createSocket(address, port, localAddress, localPort));
        }

        private static Socket configure(Socket socket) throws IOException {
            socket.setTcpNoDelay(true);
            return socket;
        }
    }
}
