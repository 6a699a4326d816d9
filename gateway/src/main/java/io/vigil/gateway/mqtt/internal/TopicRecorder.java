package io.vigil.gateway.mqtt.internal;

import io.vigil.gateway.mqtt.MqttConnectionConfig;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.slf4j.LoggerFactory;

/**
 * A plain MQTT subscriber that records what arrives on some topic filters, the way a dashboard
 * would see it. Used by the demo to report results and by tests to check them.
 */
public final class TopicRecorder implements AutoCloseable {

    /** One received message; {@code bytes} as they came, for binary payloads such as Sparkplug. */
    public record Received(String topic, byte[] bytes, boolean retained, long receivedAtMillis) {

        /** The payload as UTF-8 text. */
        public String payload() {
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    private final MqttAsyncClient client;
    private final List<Received> received = new CopyOnWriteArrayList<>();

    private TopicRecorder(MqttAsyncClient client) {
        this.client = client;
    }

    /** Connects with a clean session and subscribes at QoS 1; blocks until the broker confirms. */
    public static TopicRecorder start(
            String serverUrl, String clientId, List<String> filters, Consumer<Received> listener)
            throws MqttException {
        MqttConnectionConfig config =
                MqttConnectionConfig.builder(serverUrl).clientIdPrefix(clientId).build();
        MqttAsyncClient client = PahoClients.client(config, clientId);
        TopicRecorder recorder = new TopicRecorder(client);
        client.setCallback(
                new MqttCallbacks(LoggerFactory.getLogger(TopicRecorder.class), serverUrl) {
                    @Override
                    public void messageArrived(
                            String topic, org.eclipse.paho.mqttv5.common.MqttMessage message) {
                        Received r =
                                new Received(
                                        topic,
                                        message.getPayload(),
                                        message.isRetained(),
                                        System.currentTimeMillis());
                        recorder.received.add(r);
                        listener.accept(r);
                    }
                });
        MqttConnectionOptions options = PahoClients.options(config, false, 65_535);
        client.connect(options).waitForCompletion(15_000);
        MqttSubscription[] subscriptions =
                filters.stream()
                        .map(f -> new MqttSubscription(f, 1))
                        .toArray(MqttSubscription[]::new);
        client.subscribe(subscriptions).waitForCompletion(15_000);
        return recorder;
    }

    /** Everything received so far, in arrival order. */
    public List<Received> received() {
        return List.copyOf(received);
    }

    @Override
    public void close() throws MqttException {
        try {
            if (client.isConnected()) {
                client.disconnect().waitForCompletion(5_000);
            }
        } finally {
            client.close(true);
        }
    }
}
