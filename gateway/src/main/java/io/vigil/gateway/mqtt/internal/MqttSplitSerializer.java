package io.vigil.gateway.mqtt.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/** Serializes {@link MqttSplit}s: version 1 is the reader index as four bytes. */
public final class MqttSplitSerializer implements SimpleVersionedSerializer<MqttSplit> {

    @Override
    public int getVersion() {
        return 1;
    }

    @Override
    public byte[] serialize(MqttSplit split) {
        return ByteBuffer.allocate(Integer.BYTES).putInt(split.index()).array();
    }

    @Override
    public MqttSplit deserialize(int version, byte[] serialized) throws IOException {
        if (version != 1 || serialized.length != Integer.BYTES) {
            throw new IOException("Unknown MQTT split format, version " + version + ".");
        }
        return new MqttSplit(ByteBuffer.wrap(serialized).getInt());
    }
}
