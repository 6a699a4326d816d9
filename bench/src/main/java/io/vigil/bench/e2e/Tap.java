package io.vigil.bench.e2e;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.SocketFactory;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;

/**
 * A bare Paho v5 subscriber that only counts: messages, payload bytes, and when the latest arrived.
 * It is the ingest ceiling Vigil is compared with, and the footprint section's listener on the
 * sensors' and the results' topics.
 */
class Tap implements MqttCallback, AutoCloseable {

    private final MqttClient client;
    private final AtomicLong messages = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private volatile long lastNanos;
    private volatile String lastPayload;
    private volatile long markNanos;
    private volatile long markedAfter = -1;
    private volatile boolean keepLast;

    Tap(String url, String clientId, String filter, int qos) throws MqttException {
        this(url, clientId, filter, qos, null);
    }

    /** A tap whose connection uses {@code sockets} (null: Paho's default, plain Paho). */
    Tap(String url, String clientId, String filter, int qos, SocketFactory sockets)
            throws MqttException {
        client = new MqttClient(url, clientId, new MemoryPersistence());
        client.setCallback(this);
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setCleanStart(true);
        options.setReceiveMaximum(65_535);
        if (sockets != null) {
            options.setSocketFactory(sockets);
        }
        client.connect(options);
        client.subscribe(filter, qos);
    }

    @Override
    public void messageArrived(String topic, MqttMessage message) throws Exception {
        long now = System.nanoTime();
        lastNanos = now;
        bytes.addAndGet(message.getPayload().length);
        if (messages.incrementAndGet() == markedAfter + 1) {
            markNanos = now;
        }
        onMessage(topic, message);
    }

    /** For subclasses that do more than count; called on Paho's callback thread. */
    void onMessage(String topic, MqttMessage message) throws Exception {
        if (keepLast) {
            lastPayload = new String(message.getPayload(), StandardCharsets.UTF_8);
        }
    }

    /** Keeps the latest payload as text (a cost the counting baseline must not pay). */
    Tap keepingLast() {
        keepLast = true;
        return this;
    }

    long messages() {
        return messages.get();
    }

    long bytes() {
        return bytes.get();
    }

    /**
     * When the message after the first {@code count} arrived; call once the count has passed {@code
     * count} (the tap notes it as it comes only for the count set by {@link #mark}).
     */
    long firstNanosAfter(long count) {
        return markedAfter == count ? markNanos : lastNanos;
    }

    /** Notes the arrival time of message number {@code count + 1}. */
    void mark(long count) {
        markedAfter = count;
    }

    long lastNanos() {
        return lastNanos;
    }

    String lastPayload() {
        return lastPayload;
    }

    @Override
    public void disconnected(MqttDisconnectResponse response) {}

    @Override
    public void mqttErrorOccurred(MqttException exception) {}

    @Override
    public void deliveryComplete(IMqttToken token) {}

    @Override
    public void connectComplete(boolean reconnect, String serverURI) {}

    @Override
    public void authPacketArrived(int reasonCode, MqttProperties properties) {}

    @Override
    public void close() throws MqttException {
        client.disconnect();
        client.close();
    }
}
