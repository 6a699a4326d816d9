package io.vigil.gateway.mqtt.internal;

import java.io.IOException;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/** The enumerator keeps no state: every reader that registers gets its split again. */
public final class MqttEnumeratorSerializer implements SimpleVersionedSerializer<Void> {

    @Override
    public int getVersion() {
        return 1;
    }

    @Override
    public byte[] serialize(Void state) {
        return new byte[0];
    }

    @Override
    public Void deserialize(int version, byte[] serialized) throws IOException {
        if (version != 1) {
            throw new IOException("Unknown MQTT enumerator state, version " + version + ".");
        }
        return null;
    }
}
