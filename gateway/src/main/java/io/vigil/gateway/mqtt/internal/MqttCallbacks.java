package io.vigil.gateway.mqtt.internal;

import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.slf4j.Logger;

/**
 * A Paho callback that logs connection trouble and reconnects and ignores everything else; clients
 * override what matters to them. Paho reconnects by itself (automatic reconnect is on).
 */
class MqttCallbacks implements MqttCallback {

    private final Logger log;
    private final String serverUrl;

    MqttCallbacks(Logger log, String serverUrl) {
        this.log = log;
        this.serverUrl = serverUrl;
    }

    @Override
    public void disconnected(MqttDisconnectResponse response) {
        log.warn(
                "Disconnected from MQTT broker {}: {}; reconnecting",
                serverUrl,
                response.getReasonString());
    }

    @Override
    public void mqttErrorOccurred(MqttException exception) {
        log.warn("MQTT error on {}: {}", serverUrl, exception.getMessage());
    }

    @Override
    public void connectComplete(boolean reconnect, String serverUri) {
        if (reconnect) {
            log.info("Reconnected to MQTT broker {}", serverUri);
        }
    }

    @Override
    public void messageArrived(String topic, MqttMessage message) throws Exception {}

    @Override
    public void deliveryComplete(IMqttToken token) {}

    @Override
    public void authPacketArrived(int reasonCode, MqttProperties properties) {}
}
