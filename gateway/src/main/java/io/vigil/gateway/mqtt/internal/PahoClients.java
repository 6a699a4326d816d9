package io.vigil.gateway.mqtt.internal;

import io.vigil.gateway.mqtt.MqttConnectionConfig;
import java.nio.charset.StandardCharsets;
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
            options.setSocketFactory(new TcpSocketFactory());
        }
        return options;
    }
}
