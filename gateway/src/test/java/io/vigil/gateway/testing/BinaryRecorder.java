package io.vigil.gateway.testing;

import io.vigil.gateway.mqtt.MqttConnectionConfig;
import io.vigil.gateway.mqtt.internal.PahoClients;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;

/**
 * A plain MQTT subscriber that keeps each payload's bytes as they arrived, for binary payloads such
 * as Sparkplug B commands ({@code TopicRecorder} reads payloads as UTF-8 text, which loses them).
 */
public final class BinaryRecorder implements AutoCloseable {

    /** One received message. */
    public record Received(String topic, byte[] payload) {}

    private final MqttAsyncClient client;
    private final List<Received> received = new CopyOnWriteArrayList<>();

    private BinaryRecorder(MqttAsyncClient client) {
        this.client = client;
    }

    /** Connects with a clean session and subscribes at QoS 1; blocks until the broker confirms. */
    public static BinaryRecorder start(String serverUrl, String clientId, List<String> filters)
            throws MqttException {
        MqttConnectionConfig config =
                MqttConnectionConfig.builder(serverUrl).clientIdPrefix(clientId).build();
        BinaryRecorder recorder = new BinaryRecorder(PahoClients.client(config, clientId));
        // Paho's network thread only appends to a concurrent list: no work done here.
        recorder.client.setCallback(
                new MqttCallback() {
                    @Override
                    public void messageArrived(String topic, MqttMessage message) {
                        recorder.received.add(new Received(topic, message.getPayload()));
                    }

                    @Override
                    public void disconnected(MqttDisconnectResponse response) {}

                    @Override
                    public void mqttErrorOccurred(MqttException exception) {}

                    @Override
                    public void deliveryComplete(IMqttToken token) {}

                    @Override
                    public void connectComplete(boolean reconnect, String serverUri) {}

                    @Override
                    public void authPacketArrived(int reasonCode, MqttProperties properties) {}
                });
        recorder.client
                .connect(PahoClients.options(config, false, 65_535))
                .waitForCompletion(15_000);
        recorder.client
                .subscribe(
                        filters.stream()
                                .map(f -> new MqttSubscription(f, 1))
                                .toArray(MqttSubscription[]::new))
                .waitForCompletion(15_000);
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
